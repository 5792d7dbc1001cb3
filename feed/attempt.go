package feed

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// attempt is what one fetch of a configured feed produced, discovery included.
type attempt struct {
	// Resp is the feed's response (NotModified, or with a body that Parsed holds); nil on error.
	Resp   *Response
	Parsed *Parsed
	// Page is the HTML page's response when discovery ran.
	Page *Response
	// Discovered is the feed URL that discovery found during this attempt, if it ran.
	Discovered string
	// Resolved is the URL to poll next time instead of the configured one ("" for the configured one).
	Resolved string
	// Status is the HTTP status of the last response seen, also on error when there was one.
	Status int
	// Listing is set when the source was read as a news listing page (Parsed then holds the page).
	Listing *Listing
	// Detected is set when the listing was read from a page without a feed link.
	Detected bool
	// Versions are the feeds of a page source in two or more languages, one
	// per language (see source.versions): Resp and Parsed then hold the page.
	Versions []FeedLink
}

// source is what fetchFeed reads.
type source struct {
	configured string
	resolved   string // the feed discovered on the configured page before, if any
	lang       string // the configured language: discovery prefers a feed in it
	// versions: the source is a page without a configured language, whose
	// feeds in several languages become versions of it.
	versions bool
	// fresh: read the configured page although a feed was discovered on it
	// before, to see what it offers now.
	fresh bool
}

// maxLanguageProbes bounds the feeds fetched during one discovery to read
// their <language> when their link does not tell it.
const maxLanguageProbes = 6

// fetchFeed fetches a configured feed. With a resolved URL (a feed found
// earlier by discovery) and not src.fresh, it fetches that, and re-runs
// discovery on the configured URL if it is gone (404, 410) or has turned
// into an HTML page. When the configured URL serves HTML it discovers the
// feed links: for a versions source that offers feeds in two or more
// languages, the attempt holds them as Versions; otherwise the feed link
// (in src.lang if one is) is fetched. When the page has no feed link but
// looks like a news listing (and lr is not nil), it reads the page as one.
// Validators are sent only for the URL they belong to: the resolved one if
// set, else the configured one.
func fetchFeed(ctx context.Context, f *Fetcher, src source, v Validators, lr *listingReader) (attempt, error) {
	var a attempt
	configured, resolved := src.configured, src.resolved
	if resolved != "" && !src.fresh {
		resp, err := f.Fetch(ctx, resolved, v)
		switch {
		case err == nil:
			a.Status = resp.Status
			if resp.NotModified {
				a.Resp, a.Resolved = resp, resolved
				return a, nil
			}
			p, err := Parse(resp.Body, resp.ContentType, resp.URL)
			if err != nil {
				a.Resolved = resolved
				return a, err
			}
			if !p.HTML {
				a.Resp, a.Parsed, a.Resolved = resp, p, resolved
				return a, nil
			}
			// The discovered feed became an HTML page: discover again.
		case isGone(err):
			// The discovered feed is gone: discover again below.
		default:
			a.Resolved = resolved
			a.Status = statusOf(err)
			return a, err
		}
	}
	if resolved != "" {
		v = Validators{} // those belonged to the resolved URL
	}

	resp, err := f.Fetch(ctx, configured, v)
	if err != nil {
		a.Resolved, a.Status = resolved, statusOf(err)
		return a, err
	}
	a.Status = resp.Status
	if resp.NotModified {
		a.Resp = resp
		return a, nil
	}
	p, err := Parse(resp.Body, resp.ContentType, resp.URL)
	if err != nil {
		a.Resolved = resolved
		return a, err
	}
	if !p.HTML {
		a.Resp, a.Parsed = resp, p // the configured URL serves a feed itself now
		return a, nil
	}

	a.Page, a.Resolved = resp, resolved
	links, err := DiscoverAll(p.Body, parseURL(resp.URL))
	if err != nil {
		if l := lr.detect(p, configured, resp.URL); l != nil && errors.Is(err, ErrNoFeedLink) {
			a.Resp, a.Parsed, a.Listing, a.Detected, a.Resolved = resp, p, l, true, ""
			return a, nil
		}
		return a, err
	}
	if src.versions {
		if vs := f.languageVersions(ctx, links); len(vs) >= 2 {
			a.Resp, a.Parsed, a.Versions, a.Resolved = resp, p, vs, ""
			return a, nil
		}
	}
	link := links[0].URL
	for _, l := range links {
		if src.lang != "" && l.Language == src.lang {
			link = l.URL
			break
		}
	}
	a.Discovered = link
	feedResp, err := f.Fetch(ctx, link, Validators{})
	if err != nil {
		a.Status = statusOf(err)
		return a, foundOn(err, configured)
	}
	a.Status = feedResp.Status
	if feedResp.NotModified { // not asked for; a confused server
		return a, &Error{Plain: "the portal answered 304 not modified to a request without validators", Op: "GET", URL: link, Via: configured}
	}
	fp, err := Parse(feedResp.Body, feedResp.ContentType, feedResp.URL)
	if err != nil {
		return a, foundOn(err, configured)
	}
	if fp.HTML {
		return a, &Error{Plain: "the feed linked from the page is itself an HTML page", Op: "parse", URL: feedResp.URL, Via: configured, Kind: ErrNotFeed, Err: ErrNotFeed}
	}
	a.Resp, a.Parsed, a.Resolved = feedResp, fp, link
	return a, nil
}

// languageVersions picks a feed per language among the links of a page,
// the first of each in document order. A link that does not tell its
// language is fetched (at most maxLanguageProbes of them) for the feed's
// own <language>; one whose language stays unknown is left out.
func (f *Fetcher) languageVersions(ctx context.Context, links []FeedLink) []FeedLink {
	var out []FeedLink
	seen := map[string]bool{}
	probes := 0
	for _, l := range links {
		if l.Language == "" && probes < maxLanguageProbes {
			probes++
			if resp, err := f.Fetch(ctx, l.URL, Validators{}); err == nil && !resp.NotModified {
				if p, err := Parse(resp.Body, resp.ContentType, resp.URL); err == nil && p.Feed != nil {
					if lang := langFromTag(p.Feed.Language); lang != "" {
						l.Language, l.Hint = lang, "<language>"
					}
				}
			}
		}
		if l.Language != "" && !seen[l.Language] {
			seen[l.Language] = true
			out = append(out, l)
		}
	}
	return out
}

// siteURL is the portal's page of what the attempt read, for "on the
// portal" links: the page of a listing or of a discovered feed, else the
// feed's own <link> when it is on the feed's host, else the host's home page.
func (a attempt) siteURL(configured string) string {
	switch {
	case a.Listing != nil:
		return a.Resp.URL
	case a.Resolved != "":
		return configured
	}
	fetched := parseURL(a.Resp.URL)
	if fetched == nil {
		return configured
	}
	if a.Parsed != nil && a.Parsed.Feed != nil {
		if l := resolveURL(fetched, strings.TrimSpace(a.Parsed.Feed.Link)); l != nil && SameHost(l, fetched) {
			return l.String()
		}
	}
	return (&url.URL{Scheme: fetched.Scheme, Host: fetched.Host, Path: "/"}).String()
}

func isGone(err error) bool {
	var he *HTTPError
	return errors.As(err, &he) && (he.Status == http.StatusNotFound || he.Status == http.StatusGone)
}

func statusOf(err error) int {
	var he *HTTPError
	if errors.As(err, &he) {
		return he.Status
	}
	return 0
}

// retryAfter is the delay a server asked for in a 429 or 503 answer, or 0.
func retryAfter(err error) time.Duration {
	var he *HTTPError
	if errors.As(err, &he) {
		return he.RetryAfter
	}
	return 0
}
