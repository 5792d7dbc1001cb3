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
	ConfiguredURL string
	FinalURL      string // of the feed response, after redirects
	DiscoveredURL string // when the configured URL is an HTML page
	Status        int
	ReadAs        string // ReadAsFeed, ReadAsListing or ReadAsDetectedListing
	ItemSelector  string // of a listing
	ContentType   string
	Encoding      string     // e.g. "windows-1251 (content-type header)"
	Evidence      []Evidence // what the encoding was decided from, see Decode
	Recovery      Recovery   // what was repaired to read the feed: truncated, illegal characters
	Language      string     // of the articles, configured or guessed (see FeedLanguage); "" if unknown
	ETag          string     // validators offered by the server
	LastModified  string
	Items         int
	NoGUID        int // items without a GUID (feeds only: listing items are keyed by their link)
	NoLink        int // items without a link
	NoDate        int // items without a usable date
	Articles      []subscriptions.Article
	Err           error
}

// Preview fetches each configured feed once, unconditionally, with discovery,
// and normalises its items as the poller would, without touching any store.
// Results are in the order of cfgs; a failed feed has Err set. Listing
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
	for _, c := range cfgs {
		r := PreviewResult{ConfiguredURL: c.URL}
		var a attempt
		var err error
		if c.Kind == subscriptions.SourceListing {
			a, err = fetchListing(ctx, f, c.URL, Validators{}, lr.selectorsFor(c.URL))
		} else {
			a, err = fetchFeed(ctx, f, c.URL, "", Validators{}, lr)
		}
		r.DiscoveredURL, r.Status, r.Err = a.Discovered, a.Status, err
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
		} else if err == nil && a.Parsed != nil {
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
