package bot

import (
	"context"
	"strings"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
)

// Subscribe deep links (t.me/BOT?start=subscribe-poster1: posters, the
// portal's banner) subscribe in one tap (residents.cmdStart) and are
// counted per link for /stats.
const (
	// startLinksPeriod is the period /stats counts the links over.
	startLinksPeriod = 30 * 24 * time.Hour
	// startLinksShown bounds the links /stats names; the rest are counted.
	startLinksShown = 5
)

// startLinksLine is the line of /stats about the subscribe deep links of
// the last 30 days: each link, the chats that came through it and the new
// subscribers among them, the links most used first.
func (b *adminTools) startLinksLine(ctx context.Context, lang string, now time.Time) string {
	links, err := b.store.StartLinkCounts(ctx, now.Add(-startLinksPeriod))
	if err != nil {
		b.log.Error("count subscribe links", "error", err)
		return i18n.T(lang, "stats.start_links", i18n.T(lang, "error.internal"))
	}
	if len(links) == 0 {
		return i18n.T(lang, "stats.start_links", i18n.T(lang, "stats.start_links_none"))
	}
	var items []string
	for _, l := range links[:min(len(links), startLinksShown)] {
		items = append(items, i18n.T(lang, "stats.start_link", l.Payload, l.Chats, l.Subscribed))
	}
	if more := len(links) - startLinksShown; more > 0 {
		items = append(items, i18n.T(lang, "stats.start_links_more", more))
	}
	return i18n.T(lang, "stats.start_links", strings.Join(items, "; "))
}
