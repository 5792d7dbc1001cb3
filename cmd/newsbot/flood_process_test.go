package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/subscriptions/store"
)

// feedOf is the portal's English feed holding items made by item(i), i from 0 to n-1.
func feedOf(n int, item func(i int) string) []byte {
	var b strings.Builder
	b.WriteString(strings.TrimSuffix(string(emptyFeed()), "</channel></rss>"))
	for i := range n {
		b.WriteString(item(i))
	}
	b.WriteString("</channel></rss>")
	return []byte(b.String())
}

// storedArticles counts the stories in the database at path, the bot running.
func storedArticles(t *testing.T, path string) int {
	t.Helper()
	n := -1
	inStore(path, func(ctx context.Context, db *store.Store) bool {
		all, err := db.LatestArticles(ctx, 1<<20)
		if err != nil {
			t.Error(err)
		}
		n = len(all)
		return true
	})
	return n
}

// TestRotatingGUIDsOnTheRealBinary (issue 16.4): a feed whose GUIDs change
// at every request, links and titles staying, gives its five articles
// once and nothing more, poll after poll.
func TestRotatingGUIDsOnTheRealBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("process test")
	}
	t.Parallel()
	w := newFanOutWorld(t, 2, faketelegram.Options{})
	w.portal.Generate(enFeedPath, rssType, func(n int) []byte {
		return feedOf(5, func(i int) string {
			return fmt.Sprintf(`<item><title>District council session number %d approves the budget</title>
<link>https://osipovichi.gov.by/en/news-en/view/session-%d-%d/</link><guid isPermaLink="false">cms-%d-%d</guid>
<pubDate>Thu, 02 Mar 2023 1%d:00:00 +0300</pubDate></item>`, i, i, 13000+i, n, i, i)
		})
	})
	w.env["NEWSBOT_POLL_INTERVAL"] = "10s"
	proc := startProcess(t, w.env, "run")
	w.tg.WaitFor(t, 60*time.Second, func() bool { _, m := w.delivered(); return m == 10 }, "the five articles to both chats")
	polls := len(w.portal.Requests(enFeedPath))
	w.tg.WaitFor(t, 60*time.Second, func() bool { return len(w.portal.Requests(enFeedPath)) >= polls+2 }, "two more polls with new GUIDs")
	// The second of those has been ingested: a third request began after it.
	w.tg.WaitFor(t, 30*time.Second, func() bool { return len(w.portal.Requests(enFeedPath)) >= polls+3 }, "a third poll")
	if c, m := w.delivered(); c != 2 || m != 10 {
		t.Errorf("%d messages to %d chats, want the five articles once to each of 2", m, c)
	}
	if n := storedArticles(t, w.env["NEWSBOT_DB"]); n != 5 {
		t.Errorf("%d articles stored, want 5", n)
	}
	if proc.cmd.ProcessState != nil {
		t.Fatalf("the bot exited:\n%s", proc.logs)
	}
}

// TestTwentyThousandNewItems (issue 16.4): one poll brings 20,000 new
// items. Each chat gets the 10 newest and one "and 19,990 more on the
// portal" message in its language; all 20,000 are stored and /latest
// shows the newest; the admin is told, naming the feed; the bot answers
// meanwhile and its memory stays bounded.
func TestTwentyThousandNewItems(t *testing.T) {
	if testing.Short() {
		t.Skip("process test")
	}
	t.Parallel()
	const chats, items = 30, 20000
	w := newFanOutWorld(t, chats, faketelegram.Options{})
	w.withAdmin()
	w.env["NEWSBOT_LANG"] = "en"
	w.env["NEWSBOT_PAID_BROADCAST"] = "true"
	w.env["NEWSBOT_RATE"] = "200"
	// Newest first, a minute apart; the permalink GUID is the link.
	newest := time.Date(2023, 3, 2, 12, 0, 0, 0, time.UTC)
	body := feedOf(items, func(i int) string {
		return fmt.Sprintf(`<item><title>Osipovichi district notice %05d of the day</title><guid>https://osipovichi.gov.by/en/news-en/view/notice-%d/</guid><pubDate>%s</pubDate></item>`,
			i, 40000+i, newest.Add(-time.Duration(i)*time.Minute).Format(time.RFC1123Z))
	})
	if len(body) > 10<<20 {
		t.Fatalf("%d bytes, over the 10 MiB cap", len(body))
	}
	w.portal.Set(enFeedPath, body, rssType)
	started := time.Now()
	proc := startProcess(t, w.env, "run")

	resident := faketelegram.User{ID: 100000, FirstName: "r", LanguageCode: "en"}
	w.tg.WaitFor(t, 120*time.Second, func() bool { return len(w.tg.Messages(resident.ID)) >= 11 }, "the first chat's 11 messages")
	// The bot answers while the fan-out runs.
	got := w.ask(t, resident, "/latest")
	if !strings.Contains(got.Plain, "Osipovichi district notice 00000 of the day") {
		t.Errorf("/latest answered %q, want the newest items", got.Plain)
	}
	w.tg.WaitFor(t, 120*time.Second, func() bool {
		for i := range chats {
			if len(w.tg.Messages(int64(100000+i))) < 11 {
				return false
			}
		}
		return true
	}, "11 messages in every chat")
	elapsed := time.Since(started)

	more := i18n.T("en", "overflow.title", items-10)
	for i := range chats {
		id := int64(100000 + i)
		msgs := w.tg.Messages(id)
		if id == resident.ID {
			msgs = msgs[:11] // then /latest and its answer
		}
		var articles, notices int
		for _, m := range msgs {
			switch {
			case strings.Contains(m.Plain, more):
				notices++
			case strings.Contains(m.Plain, "Osipovichi district notice 0000"): // 0 to 9, the newest
				articles++
			}
		}
		if len(msgs) != 11 || articles != 10 || notices != 1 {
			t.Errorf("chat %d: %d messages, %d articles, %d notices; want 10 articles and one %q", id, len(msgs), articles, notices, more)
		}
	}
	alerts := w.tg.WaitMessages(t, adminUser.ID, 1, 10*time.Second)
	if want := i18n.T("en", "admin.feed_flood", "“News” (English)", items, 10, items-10, w.portal.URL(enFeedPath)); alerts[0].Plain != want {
		t.Errorf("admin alert %q, want %q", alerts[0].Plain, want)
	}
	if n := storedArticles(t, w.env["NEWSBOT_DB"]); n != items {
		t.Errorf("%d articles stored, want %d", n, items)
	}
	peak := proc.status("VmHWM")
	t.Logf("20,000 new items: %d chats served in %s, peak RSS %d MB", chats, elapsed.Round(time.Millisecond), peak/1024)
	if peak == 0 || peak > 250*1024 {
		t.Errorf("peak RSS %d kB, want under 250 MB", peak)
	}
	if proc.cmd.ProcessState != nil {
		t.Fatalf("the bot exited:\n%s", proc.logs)
	}
}
