package main

import (
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/internal/fakeportal"
	"github.com/osipovichi/newsbot/internal/faketelegram"
)

// withAdmin makes adminUser an admin of the world's bot, with a private chat.
func (w *fanOutWorld) withAdmin() {
	w.env["NEWSBOT_ADMINS"] = "777"
	w.tg.AddChat(faketelegram.Chat{ID: adminUser.ID, Type: "private", FirstName: adminUser.FirstName})
}

// TestRetryAfterADayAndTheSilentFeedAlert (issue 16.6) runs the real
// binary against a feed that answers "503, Retry-After: 86400" after its
// first poll: the bot comes back within the hour, not tomorrow (/healthz
// says when), and the admin hears of the silence when the threshold
// passes, from the timer, although no poll happens in between. The
// article of the first poll is delivered once, and the bot lives on.
func TestRetryAfterADayAndTheSilentFeedAlert(t *testing.T) {
	if testing.Short() {
		t.Skip("process test")
	}
	t.Parallel()
	w := newFanOutWorld(t, 1, faketelegram.Options{})
	w.withAdmin()
	addr := freeAddr(t)
	w.env["NEWSBOT_HTTP_ADDR"] = addr
	w.env["NEWSBOT_POLL_INTERVAL"] = "10s"
	w.env["NEWSBOT_FEED_ALERT_AFTER"] = "20s"
	w.env["NEWSBOT_LANG"] = "en" // the admin has not written yet: alerts come in the default language
	proc := startProcess(t, w.env, "run")

	w.tg.WaitFor(t, 60*time.Second, func() bool { c, _ := w.delivered(); return c >= 1 }, "the article of the first poll")
	lastOK := time.Now()
	w.portal.Fault(enFeedPath, fakeportal.Fault503Day)
	before := len(w.portal.Requests(enFeedPath))
	w.tg.WaitFor(t, 30*time.Second, func() bool { return len(w.portal.Requests(enFeedPath)) > before }, "the poll that gets the 503")
	failedAt := time.Now()
	requests := len(w.portal.Requests(enFeedPath))

	var rep healthReport
	w.tg.WaitFor(t, 10*time.Second, func() bool {
		_, rep = getJSON(t, "http://"+addr+"/healthz")
		return len(rep.Feeds) == 1 && rep.Feeds[0].ConsecutiveFailures == 1
	}, "the 503 in /healthz")
	f := rep.Feeds[0]
	if f.NextPoll == nil || f.NextPoll.Sub(failedAt) > time.Hour+time.Minute || f.NextPoll.Sub(failedAt) < 50*time.Minute {
		t.Errorf("after Retry-After: 86400, next poll at %v (failed at %v); want within the hour", f.NextPoll, failedAt)
	}
	if !strings.Contains(f.LastError, "asked to retry after 24h0m0s") {
		t.Errorf("last error %q, want the 503 and its Retry-After", f.LastError)
	}

	// The silence alert, on the timer: threshold 20 s after the last success.
	msgs := w.tg.WaitMessages(t, adminUser.ID, 1, 60*time.Second)
	alertAt := time.Now()
	if !strings.Contains(msgs[0].Plain, "has been down for") || !strings.Contains(msgs[0].Plain, "error 503 and asks to retry in 24 h") ||
		!strings.Contains(msgs[0].Plain, w.portal.URL(enFeedPath)) {
		t.Errorf("admin alert %q, want the silent feed, its URL and the reason", msgs[0].Plain)
	}
	if d := alertAt.Sub(lastOK); d < 15*time.Second {
		t.Errorf("alert %s after the last success, want the 20 s threshold", d)
	}
	if n := len(w.portal.Requests(enFeedPath)); n != requests {
		t.Errorf("%d requests after the 503, want none before the hour is up: the alert came from the timer", n-requests)
	}
	if len(w.tg.Messages(adminUser.ID)) != 1 {
		t.Errorf("admin got %d messages, want one alert", len(w.tg.Messages(adminUser.ID)))
	}
	if c, m := w.delivered(); c != 2 || m != 2 { // the subscriber's article and the admin's alert
		t.Errorf("%d messages to %d chats, want the article once and the alert once", m, c)
	}
	if proc.cmd.ProcessState != nil {
		t.Fatalf("the bot exited:\n%s", proc.logs)
	}
}

// TestHangingFeedDelaysNoOther (issue 16.7) runs the real binary with one
// feed whose body never ends: the other feed is polled on its schedule
// meanwhile, and its new article reaches the subscriber long before the
// hanging fetch gives up.
func TestHangingFeedDelaysNoOther(t *testing.T) {
	if testing.Short() {
		t.Skip("process test")
	}
	t.Parallel()
	w := newFanOutWorld(t, 1, faketelegram.Options{})
	const slow = "/be/rss-be/"
	w.portal.Set(slow, emptyFeed(), rssType)
	w.portal.Fault(slow, fakeportal.FaultSlowBody)
	// The slow feed first, so that a poller taking feeds in turn would wait for it.
	w.env["NEWSBOT_FEEDS"] = "news/be=" + w.portal.URL(slow) + "," + w.env["NEWSBOT_FEEDS"]
	w.env["NEWSBOT_POLL_INTERVAL"] = "10s"
	addr := freeAddr(t)
	w.env["NEWSBOT_HTTP_ADDR"] = addr
	proc := startProcess(t, w.env, "run")

	w.tg.WaitFor(t, 60*time.Second, func() bool { c, _ := w.delivered(); return c == 1 }, "the article of the good feed")
	w.tg.WaitFor(t, 10*time.Second, func() bool { return len(w.portal.Requests(slow)) == 1 }, "the slow feed's request")
	slowStarted := w.portal.Requests(slow)[0].At
	w.portal.Set(enFeedPath, []byte(strings.Replace(string(oneItemFeed()), "<item>", `<item>
      <title>A second bridge opens in Osipovichi</title>
      <link>https://osipovichi.gov.by/en/news-en/view/second-bridge-12400/</link>
      <guid isPermaLink="true">https://osipovichi.gov.by/en/news-en/view/second-bridge-12400/</guid>
      <pubDate>Fri, 03 Mar 2023 10:00:00 +0300</pubDate>
    </item><item>`, 1)), rssType)
	w.tg.WaitMessages(t, 100000, 2, 25*time.Second)
	got := time.Since(slowStarted)
	t.Logf("the good feed's new article arrived %s after the slow fetch began", got.Round(time.Millisecond))
	if got > 25*time.Second {
		t.Errorf("the good feed's new article arrived %s after the slow fetch began, want well within its 30 s timeout", got)
	}
	_, rep := getJSON(t, "http://"+addr+"/healthz")
	for _, f := range rep.Feeds {
		if f.URL == w.portal.URL(slow) && f.LastAttempt != nil {
			t.Errorf("the slow feed's poll has ended (%+v); this test wants the article to arrive while it hangs", f)
		}
	}
	msgs := w.tg.Messages(100000)
	if len(msgs) != 2 || !strings.Contains(msgs[1].Plain, "A second bridge opens") {
		t.Errorf("subscriber got %q, want the first article and the new one, once each", plains(msgs))
	}
	if proc.cmd.ProcessState != nil {
		t.Fatalf("the bot exited:\n%s", proc.logs)
	}
}
