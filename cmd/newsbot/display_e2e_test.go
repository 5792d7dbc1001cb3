package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/subscriptions/store"
)

// feedWith returns the portal's English feed with new items on top, one
// per title (which makes its link and GUID), newest first.
func feedWith(t *testing.T, titles ...string) []byte {
	t.Helper()
	body, err := os.ReadFile("../../feed/testdata/en-rss.xml")
	if err != nil {
		t.Fatal(err)
	}
	var items strings.Builder
	for i, title := range titles {
		link := "https://osipovichi.gov.by/en/news-en/view/" + strings.ReplaceAll(strings.ToLower(title), " ", "-") + "/"
		fmt.Fprintf(&items, `<item><title>%s</title><link>%s</link><guid isPermaLink="true">%s</guid>
			<pubDate>Fri, 27 Nov 2026 1%d:00:00 +0300</pubDate><description>Details of the story.</description></item>
			`, title, link, link, len(titles)-i)
	}
	return bytes.Replace(body, []byte("<item>"), []byte(items.String()+"<item>"), 1)
}

// press presses the button labelled label under message msgID of u's chat
// and waits for the answer.
func (w *world) press(u faketelegram.User, msgID int, label string) {
	w.t.Helper()
	kb := w.tg.MessageMarkup(u.ID, msgID)
	data := ""
	for _, row := range kb.Rows {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				data = b.CallbackData
			}
		}
	}
	if data == "" {
		w.t.Fatalf("no button %q under message %d", label, msgID)
	}
	answers := len(w.tg.CallbackAnswers())
	w.tg.PressButton(privateChat(u), u, msgID, data)
	w.tg.WaitFor(w.t, 10*time.Second, func() bool { return len(w.tg.CallbackAnswers()) > answers }, "the answer to "+label)
}

// waiting opens the database and returns how many articles wait for chat's
// next batch of headlines.
func (w *world) waiting(chat int64) int {
	w.t.Helper()
	s, err := store.Open(context.Background(), w.db)
	if err != nil {
		w.t.Fatal(err)
	}
	defer s.Close()
	n, err := s.WaitingArticles(context.Background(), chat)
	if err != nil {
		w.t.Fatal(err)
	}
	return n
}

// TestHeadlinesThroughRestart runs the program: a resident chooses
// headlines in /settings; two new articles come as one numbered list; a
// third within the hour waits, through a restart, and comes once when
// the resident leaves headlines. No article comes twice.
func TestHeadlinesThroughRestart(t *testing.T) {
	t.Parallel()
	w := newWorld(t, faketelegram.Options{})
	r := w.start()
	w.say(enUser, "/subscribe")
	menu := w.say(enUser, "/settings")
	w.press(enUser, menu.MessageID, i18n.T("en", "button.display"))
	w.press(enUser, menu.MessageID, i18n.T("en", "button.display_headlines"))
	if text := w.tg.MessageText(enUser.ID, menu.MessageID); !strings.Contains(text, i18n.T("en", "settings.headlines_every", "1 h")) {
		t.Fatalf("the display screen after Headlines: %q", text)
	}
	w.waitIngested(3)

	before := len(w.tg.Messages(enUser.ID))
	w.portal.Set(enFeedPath, feedWith(t, "Second headline story", "First headline story"), "application/rss+xml; charset=utf-8")
	batch := w.tg.WaitMessages(t, enUser.ID, before+1, 30*time.Second)[before].Plain
	if !strings.HasPrefix(batch, i18n.T("en", "digest.headlines")) || !strings.Contains(batch, "\n1. First headline story") ||
		!strings.Contains(batch, "\n2. Second headline story") {
		t.Fatalf("the first batch = %q, want both stories in one numbered list", batch)
	}

	w.portal.Set(enFeedPath, feedWith(t, "Third headline story", "Second headline story", "First headline story"), "application/rss+xml; charset=utf-8")
	w.waitIngested(6)
	w.tg.WaitFor(t, 10*time.Second, func() bool { return w.waiting(enUser.ID) == 1 }, "the third story to wait for the next batch")
	r.stop(t)
	if n := len(w.tg.Messages(enUser.ID)); n != before+1 || w.waiting(enUser.ID) != 1 {
		t.Fatalf("before the restart: %d new messages, %d waiting; want the one batch, and the third story waiting", n-before, w.waiting(enUser.ID))
	}

	w.start()
	w.say(enUser, "/help") // a round trip through the new process
	if n := len(w.tg.Messages(enUser.ID)); n != before+2 || w.waiting(enUser.ID) != 1 {
		t.Fatalf("after the restart: %d new messages, %d waiting; want only the /help reply, the third story still waiting", n-before-1, w.waiting(enUser.ID))
	}
	menu = w.say(enUser, "/settings")
	w.press(enUser, menu.MessageID, i18n.T("en", "button.display"))
	w.press(enUser, menu.MessageID, i18n.T("en", "button.display_compact"))
	got := w.tg.WaitMessages(t, enUser.ID, before+4, 20*time.Second)[before+3].Plain
	if !strings.HasPrefix(got, i18n.T("en", "digest.headlines")) || !strings.Contains(got, "1. Third headline story") {
		t.Fatalf("leaving headlines: %q, want the third story at once", got)
	}
	all := ""
	for _, m := range w.tg.Messages(enUser.ID) {
		all += m.Plain + "\n"
	}
	for _, title := range []string{"First headline story", "Second headline story", "Third headline story"} {
		if n := strings.Count(all, title); n != 1 {
			t.Errorf("%q came %d times, want once", title, n)
		}
	}
	if n := w.waiting(enUser.ID); n != 0 {
		t.Errorf("%d articles still waiting", n)
	}
}
