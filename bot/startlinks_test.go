package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/subscriptions"
)

// TestStartLinksSubscribeAndCount: /start with a subscribe deep link
// subscribes in one tap, and /stats counts each link's chats and new
// subscribers over the last 30 days.
func TestStartLinksSubscribeAndCount(t *testing.T) {
	h := newHarness(t, harnessOptions{admins: []int64{admin.ID}})
	h.feeds("news/ru")
	fan := userIn("ru", 8101)
	h.say(fan, "/subscribe") // subscribed before scanning the poster
	for _, tc := range []struct {
		id      int64
		payload string
		lang    string
	}{
		{8100, "subscribe-poster1", "ru"},
		{8101, "subscribe-poster1", "ru"},
		{8102, "subscribe-poster1", "be"},
		{8102, "subscribe-poster1", "be"}, // twice: counted once
		{8103, "subscribe", "en"},
	} {
		u := userIn(tc.lang, tc.id)
		got := h.say(u, "/start "+tc.payload)
		if !h.prefs(u.ID).Subscribed || !strings.Contains(got.Plain, i18n.T(tc.lang, "subscribe.done")) &&
			!strings.Contains(got.Plain, i18n.T(tc.lang, "subscribe.already")) {
			t.Errorf("/start %s for %d: %q, subscribed %t; want subscribed in one tap", tc.payload, tc.id, got.Plain, h.prefs(u.ID).Subscribed)
		}
	}
	for _, payload := range []string{"poster1", "subscribe-плакат", "subscribe-" + strings.Repeat("x", 60)} {
		u := userIn("ru", 8110)
		if got := h.say(u, "/start "+payload); h.prefs(u.ID).Subscribed || got.Plain != i18n.T("ru", "start.welcome") {
			t.Errorf("/start %q: %q, subscribed %t; want the welcome", payload, got.Plain, h.prefs(u.ID).Subscribed)
		}
	}
	for i := range startLinksShown + 2 { // more links than /stats names
		h.say(userIn("ru", 8200+int64(i)), fmt.Sprintf("/start subscribe-banner%d", i))
	}
	stats := h.statsReply(admin)[0].Plain
	for _, want := range []string{
		i18n.T("ru", "stats.start_link", "subscribe-poster1", 3, 2),
		i18n.T("ru", "stats.start_link", "subscribe", 1, 1),
		i18n.T("ru", "stats.start_links_more", 2+startLinksShown+2-startLinksShown), // poster1, subscribe and the banners, less those named
	} {
		if !strings.Contains(stats, want) {
			t.Errorf("/stats lacks %q:\n%s", want, stats)
		}
	}
	if strings.Contains(stats, "poster1 — 4") || strings.Contains(stats, "плакат") {
		t.Errorf("/stats counts a chat twice or a link that does not subscribe:\n%s", stats)
	}
	// 31 days later the links are out of the period.
	h.clock.Advance(31 * 24 * time.Hour)
	if stats := h.statsReply(admin)[0].Plain; !strings.Contains(stats, i18n.T("ru", "stats.start_links", i18n.T("ru", "stats.start_links_none"))) {
		t.Errorf("/stats 31 days later:\n%s", stats)
	}
	if p := h.prefs(8102); p.Language != subscriptions.LangBE {
		t.Errorf("a subscriber through a link keeps their language: %q", p.Language)
	}
}
