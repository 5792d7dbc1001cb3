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
	ContentType   string
	Encoding      string // e.g. "windows-1251 (content-type header)"
	ETag          string // validators offered by the server
	LastModified  string
	Items         int
	NoGUID        int // items without a GUID
	NoLink        int // items without a link
	NoDate        int // items without a usable date
	Articles      []subscriptions.Article
	Err           error
}

// Preview fetches each configured feed once, unconditionally, with discovery,
// and normalises its items as the poller would, without touching any store.
// Results are in the order of cfgs; a failed feed has Err set.
func Preview(ctx context.Context, f *Fetcher, cfgs []subscriptions.FeedConfig, now time.Time) []PreviewResult {
	if f == nil {
		f = NewFetcher(FetcherOptions{})
	}
	out := make([]PreviewResult, 0, len(cfgs))
	for _, c := range cfgs {
		r := PreviewResult{ConfiguredURL: c.URL}
		a, err := fetchFeed(ctx, f, c.URL, "", Validators{})
		r.DiscoveredURL, r.Status, r.Err = a.Discovered, a.Status, err
		if a.Resp != nil {
			r.FinalURL, r.ContentType = a.Resp.URL, a.Resp.ContentType
			r.ETag, r.LastModified = a.Resp.ETag, a.Resp.LastModified
		}
		if err == nil && a.Parsed != nil {
			r.Encoding = a.Parsed.Decoding.String()
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
		}
		out = append(out, r)
		if ctx.Err() != nil {
			break
		}
	}
	return out
}
