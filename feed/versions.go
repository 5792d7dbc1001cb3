package feed

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

// Language versions (issue 11.1): a configured source without a language
// whose page advertises feeds in several languages (see DiscoverAll and
// fetchFeed) becomes one section with a version per language, each a feed
// of the store (subscriptions.Feed.ParentID) polled in its own right. The
// source itself goes on reading its page for new versions.

// expand records the versions found on the page of a source and starts
// polling the new ones. A link that is a configured source is left to it.
func (p *Poller) expand(ctx context.Context, parent *feedState, links []FeedLink, now time.Time) {
	p.mu.Lock()
	pf := parent.feed
	p.mu.Unlock()
	var cfgs []subscriptions.FeedConfig
	var langs []string
	for _, l := range links {
		if slices.ContainsFunc(p.cfgs, func(c subscriptions.FeedConfig) bool { return c.URL == l.URL }) {
			continue
		}
		cfgs = append(cfgs, subscriptions.FeedConfig{Section: pf.Section, Language: l.Language, URL: l.URL})
		langs = append(langs, l.Language+" ("+l.Hint+")")
	}
	rows, err := p.store.EnsureVersions(ctx, pf.ID, cfgs)
	if err != nil {
		p.log.Error("cannot record language versions; next poll will try again", slog.String("feed_url", pf.URL), slog.Any("error", err))
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	parent.health.Versions = langs
	at := slices.Index(p.feeds, parent) + 1
	for at < len(p.feeds) && p.feeds[at].feed.ParentID == pf.ID {
		at++
	}
	for _, f := range rows {
		if slices.ContainsFunc(p.feeds, func(st *feedState) bool { return st.feed.ID == f.ID }) {
			continue
		}
		st := p.newState(f, pf.URL, now)
		p.feeds = slices.Insert(p.feeds, at, st)
		at++
		p.log.Info("language version found", slog.String("feed_url", pf.URL), slog.String("version_url", f.URL),
			slog.String("language", f.Language))
	}
}
