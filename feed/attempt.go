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
}

// fetchFeed fetches a configured feed. With a resolved URL (a feed found
// earlier by discovery) it fetches that, and re-runs discovery on the
// configured URL if it is gone (404, 410) or has turned into an HTML page.
// When the configured URL serves HTML it discovers the feed link and fetches
// it; when the page has no feed link but looks like a news listing (and lr
// is not nil), it reads the page as one. Validators are sent only for the URL
// they belong to: the resolved one if set, else the configured one.
func fetchFeed(ctx context.Context, f *Fetcher, configured, resolved string, v Validators, lr *listingReader) (attempt, error) {
	var a attempt
	if resolved != "" {
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
	link, err := Discover(p.Body, parseURL(resp.URL))
	if err != nil {
		if l := lr.detect(p, configured, resp.URL); l != nil && errors.Is(err, ErrNoFeedLink) {
			a.Resp, a.Parsed, a.Listing, a.Detected, a.Resolved = resp, p, l, true, ""
			return a, nil
		}
		return a, err
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
