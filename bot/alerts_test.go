package bot

import (
	"context"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/subscriptions"
)

// TestFeedAlerts: each admin reads the poller's alerts in their language,
// with the moments in the bot's time zone, and the audit trail keeps them.
func TestFeedAlerts(t *testing.T) {
	h := newAdminHarness(t, harnessOptions{rate: 500})
	admins := []faketelegram.User{admin, admin2, adminEN} // ru, be, en
	for _, u := range admins {
		if got := h.say(u, "/start"); got.Plain == "" {
			t.Fatalf("admin %d: no welcome", u.ID)
		}
	}
	ctx := context.Background()
	since := time.Date(2023, 3, 2, 7, 30, 0, 0, time.UTC) // 10:30 in Minsk
	f := subscriptions.Feed{ID: 7, URL: "https://osipovichi.gov.by/ru/rss-ru/", Section: "news",
		LastSuccessAt: since, LastError: "the portal answered 503 service unavailable"}
	h.bot.FeedDown(ctx, f)
	h.bot.FeedTruncated(ctx, f, since)
	h.bot.FeedFlood(ctx, f, 10, 19990)
	// What each admin reads: the feed's name, how long, the problem in plain words.
	words := map[string][3]string{
		"ru": {"«Новости»", "1 ч", "портал отвечает ошибкой 503"},
		"be": {"«Навіны»", "1 гадз", "партал адказвае памылкай 503"},
		"en": {"“News”", "1 h", "the portal answers with error 503"},
	}
	for _, u := range admins {
		lang := u.LanguageCode
		msgs := h.tg.WaitMessages(t, u.ID, 4, 10*time.Second)
		at := i18n.DateTime(lang, since.In(h.minsk))
		w := words[lang]
		if want := i18n.T(lang, "alert.feed_down", w[0], w[1], w[2]) + "\n" + i18n.T(lang, "alert.address", f.URL); msgs[1].Plain != want {
			t.Errorf("%s: silent feed alert %q, want %q", lang, msgs[1].Plain, want)
		}
		if want := i18n.T(lang, "admin.feed_truncated", w[0], at, f.URL); msgs[2].Plain != want {
			t.Errorf("%s: truncation alert %q, want %q", lang, msgs[2].Plain, want)
		}
		if want := i18n.T(lang, "admin.feed_flood", w[0], 20000, 10, 19990, f.URL); msgs[3].Plain != want {
			t.Errorf("%s: flood alert %q, want %q", lang, msgs[3].Plain, want)
		}
	}
	log, err := h.store.AuditLog(ctx, 3)
	if err != nil || len(log) != 3 || log[0].Action != subscriptions.AuditFeedFlood || log[0].Details != "url="+f.URL+" section=news language= announced=10 more=19990" ||
		log[1].Action != subscriptions.AuditFeedTruncated || log[2].Action != subscriptions.AuditFeedDown {
		t.Errorf("audit = %+v, %v; want the three alerts", log, err)
	}
}
