package feed

import (
	"context"
	"strings"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

// PreviewResult is what one configured feed gives right now, for
// "newsbot preview": no database is involved.
type PreviewResult struct {
	// Config is the source previewed: a configured one, or a language
	// version found on the page of one (VersionOf).
	Config        subscriptions.FeedConfig
	VersionOf     string
	ConfiguredURL string
	FinalURL      string // of the feed response, after redirects
	DiscoveredURL string // when the configured URL is an HTML page
	Status        int
	ReadAs        string // ReadAsFeed, ReadAsListing, ReadAsDetectedListing or ReadAsVersions
	// Versions are the feeds of a page source in several languages, with
	// the evidence for each language; each is previewed after the source.
	Versions     []FeedLink
	ItemSelector string // of a listing
	ContentType  string
	Encoding     string     // e.g. "windows-1251 (content-type header)"
	Evidence     []Evidence // what the encoding was decided from, see Decode
	Recovery     Recovery   // what was repaired to read the feed: truncated, illegal characters
	Language     string     // of the articles, configured or guessed (see FeedLanguage); "" if unknown
	ETag         string     // validators offered by the server
	LastModified string
	Items        int
	NoGUID       int // items without a GUID (feeds only: listing items are keyed by their link)
	NoLink       int // items without a link
	NoDate       int // items without a usable date
	Articles     []subscriptions.Article
	Err          error
}

// Preview fetches each configured feed once, unconditionally, with discovery,
// and normalises its items as the poller would, without touching any store.
// Results are in the order of cfgs, each page source that has language
// versions followed by its versions; a failed feed has Err set. Listing
// dates are read in Europe/Minsk with the default selectors; see PreviewWith.
func Preview(ctx context.Context, f *Fetcher, cfgs []subscriptions.FeedConfig, now time.Time) []PreviewResult {
	return PreviewWith(ctx, f, cfgs, now, PreviewOptions{})
}

// PreviewOptions tell Preview how to read listing sources, as PollerOptions do.
type PreviewOptions struct {
	Location  *time.Location
	Selectors map[string]Selectors
}

// PreviewWith is Preview with listing options.
func PreviewWith(ctx context.Context, f *Fetcher, cfgs []subscriptions.FeedConfig, now time.Time, opts PreviewOptions) []PreviewResult {
	lr := &listingReader{loc: opts.Location, selectors: opts.Selectors, now: func() time.Time { return now }}
	if f == nil {
		f = NewFetcher(FetcherOptions{})
	}
	out := make([]PreviewResult, 0, len(cfgs))
	type job struct {
		cfg       subscriptions.FeedConfig
		versionOf string
	}
	var queue []job
	for _, c := range cfgs {
		queue = append(queue, job{cfg: c})
	}
	for len(queue) > 0 {
		c, versionOf := queue[0].cfg, queue[0].versionOf
		queue = queue[1:]
		r := PreviewResult{Config: c, VersionOf: versionOf, ConfiguredURL: c.URL}
		var a attempt
		var err error
		if c.Kind == subscriptions.SourceListing {
			a, err = fetchListing(ctx, f, c.URL, Validators{}, lr.selectorsFor(c.URL))
		} else {
			src := source{configured: c.URL, lang: c.Language, versions: versionOf == "" && pageSource(subscriptions.Feed{URL: c.URL, Language: c.Language})}
			a, err = fetchFeed(ctx, f, src, Validators{}, lr)
		}
		r.DiscoveredURL, r.Status, r.Err = a.Discovered, a.Status, err
		if err == nil && len(a.Versions) > 0 {
			r.ReadAs, r.Versions = ReadAsVersions, a.Versions
			var versions []job
			for _, v := range a.Versions {
				versions = append(versions, job{cfg: subscriptions.FeedConfig{Section: c.Section, Language: v.Language, URL: v.URL}, versionOf: c.URL})
			}
			queue = append(versions, queue...)
		}
		if a.Resp != nil {
			r.FinalURL, r.ContentType = a.Resp.URL, a.Resp.ContentType
			r.ETag, r.LastModified = a.Resp.ETag, a.Resp.LastModified
		}
		if a.Parsed != nil {
			r.Encoding, r.Evidence, r.Recovery = a.Parsed.Decoding.String(), a.Parsed.Decoding.Evidence, a.Parsed.Recovery
		}
		if err == nil && a.Listing != nil {
			r.ReadAs, r.ItemSelector = a.readAs(), a.Listing.ItemSelector
			r.Items = len(a.Listing.Items)
			for _, it := range a.Listing.Items {
				if it.Link == "" {
					r.NoLink++
				}
				if _, _, ok := ParseListingDate(it.DateText, lr.location(), now); !ok {
					r.NoDate++
				}
			}
			feed := subscriptions.Feed{URL: c.URL, Section: c.Section, Language: c.Language, Kind: c.Kind}
			r.Articles = a.articles(feed, lr.location(), now)
			r.Language = FeedLanguage(feed, r.FinalURL, "")
		} else if err == nil && a.Parsed != nil && a.Parsed.Feed != nil {
			r.ReadAs = ReadAsFeed
			items := a.Parsed.Feed.Items
			r.Items = len(items)
			for _, it := range items {
				if it == nil {
					continue
				}
				if strings.TrimSpace(it.GUID) == "" {
					r.NoGUID++
				}
				if strings.TrimSpace(it.Link) == "" && len(it.Links) == 0 {
					r.NoLink++
				}
				if _, ok := ItemDate(it); !ok {
					r.NoDate++
				}
			}
			feed := subscriptions.Feed{URL: c.URL, Section: c.Section, Language: c.Language, ResolvedURL: a.Resolved}
			r.Articles = Normalise(a.Parsed, feed, now)
			r.Language = FeedLanguage(feed, a.Parsed.FetchURL, a.Parsed.Feed.Language)
		}
		out = append(out, r)
		if ctx.Err() != nil {
			break
		}
	}
	return out
}
