package feed

import (
	"context"
	"log/slog"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

// DefaultArticlePages is how many article pages a poll of a listing may fetch
// for the pictures and teasers its new items lack.
const DefaultArticlePages = 3

func articlePages(n int) int {
	switch {
	case n == 0:
		return DefaultArticlePages
	case n < 0:
		return 0
	}
	return n
}

// listingState is what the poller remembers of a listing source between
// polls, in memory only.
type listingState struct {
	readAs string // as last logged
	// keys of the items of the last successful poll; nil before the first one
	// of this process (after a restart any item may be new).
	keys map[string]bool
	// pages holds what article pages gave, by item key, so that later polls
	// keep the picture and teaser (an empty Page: nothing found, or the fetch failed).
	pages map[string]Page
}

// fetch fetches a source the way its kind says. The page of a page source
// is read again, although its feed is known, at its first poll in this
// process and every rediscoverEvery, for language versions.
func (p *Poller) fetch(ctx context.Context, st *feedState, f subscriptions.Feed, v Validators, now time.Time) (attempt, error) {
	if f.Kind == subscriptions.SourceListing {
		return fetchListing(ctx, p.fetcher, f.URL, v, p.listings.selectorsFor(f.URL))
	}
	p.mu.Lock()
	discovered := st.discoveredAt
	p.mu.Unlock()
	src := source{configured: f.URL, resolved: f.ResolvedURL, lang: f.Language, versions: pageSource(f)}
	src.fresh = src.versions && (discovered.IsZero() || now.Sub(discovered) >= rediscoverEvery)
	return fetchFeed(ctx, p.fetcher, src, v, p.listings)
}

// noteReadAs logs how a source is read when that changes (and at its first
// poll), so that an operator sees a page taken as a news listing.
func (p *Poller) noteReadAs(st *feedState, a attempt) {
	readAs := a.readAs()
	if readAs == st.listing.readAs {
		return
	}
	prev := st.listing.readAs
	st.listing.readAs = readAs
	if a.Listing == nil {
		if prev != "" {
			p.log.Info("source read as a feed again", slog.String("feed_url", st.feed.URL), slog.String("previous", prev))
		}
		return
	}
	attrs := []any{slog.String("feed_url", st.feed.URL), slog.String("read_as", readAs),
		slog.String("item_selector", a.Listing.ItemSelector), slog.Int("items", len(a.Listing.Items))}
	if a.Detected {
		p.log.Info("no feed link on the page, reading it as a news listing", attrs...)
	} else {
		p.log.Info("reading the page as a news listing", attrs...)
	}
}

// enrich completes listing items that have no picture or no teaser from
// their article pages (see ReadPage): only items that may be
// new (not in the previous poll of this process) of a feed past its first
// poll, at most p.pages requests per poll; what was found before is reused.
func (p *Poller) enrich(ctx context.Context, st *feedState, a attempt, f subscriptions.Feed, articles []subscriptions.Article) {
	if a.Listing == nil {
		return
	}
	ls := &st.listing
	fetched := 0
	for i := range articles {
		art := &articles[i]
		if art.ImageURL != "" && art.Summary != "" || art.Link == "" {
			continue
		}
		m, ok := ls.pages[art.Key]
		if !ok {
			if fetched >= p.pages || !f.Initialized || ls.keys[art.Key] || ctx.Err() != nil {
				continue
			}
			fetched++
			m = p.articlePage(ctx, f.URL, art.Link)
			if ls.pages == nil {
				ls.pages = make(map[string]Page)
			}
			ls.pages[art.Key] = m
		}
		if art.ImageURL == "" {
			art.ImageURL = m.Image
		}
		if art.Summary == "" && m.Description != art.Title {
			art.Summary = m.Description
		}
	}
}

// remember keeps the keys of a successful listing poll and forgets the
// article pages of items gone from it.
func (ls *listingState) remember(a attempt, articles []subscriptions.Article) {
	if a.Listing == nil {
		ls.keys, ls.pages = nil, nil
		return
	}
	ls.keys = make(map[string]bool, len(articles))
	for _, art := range articles {
		ls.keys[art.Key] = true
	}
	for k := range ls.pages {
		if !ls.keys[k] {
			delete(ls.pages, k)
		}
	}
}

// articlePage reads an article page with the poller's fetcher. Failures
// are logged and give an empty Page: the article goes out without its
// picture and teaser.
func (p *Poller) articlePage(ctx context.Context, feedURL, link string) Page {
	pg, err := p.fetcher.ReadPage(ctx, link)
	if err != nil {
		p.log.Debug("cannot read article page", slog.String("feed_url", feedURL), slog.String("article_url", link), slog.Any("error", err))
		return Page{}
	}
	p.log.Debug("article page read", slog.String("feed_url", feedURL), slog.String("article_url", link),
		slog.Bool("image", pg.Image != ""), slog.Bool("description", pg.Description != ""))
	return pg
}
