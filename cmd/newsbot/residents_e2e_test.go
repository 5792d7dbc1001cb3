package main

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/subscriptions"
	"github.com/osipovichi/newsbot/subscriptions/store"
)

// TestResidentsThroughRun runs the whole program as residents use it: a
// plain question answered from the archive with a button that subscribes
// to its topic, which then brings the next article about it and nothing
// else; hostile keywords and searches; quiet hours and /latest as people
// write them; section names from the configuration.
func TestResidentsThroughRun(t *testing.T) {
	w := newWorld(t, faketelegram.Options{})
	w.env["NEWSBOT_SECTION_NAMES"] = "news=Новости района|Навіны раёна|District news"
	r := w.start()
	w.say(enUser, "/help") // the program has opened (and migrated) the database: waitIngested may open it too
	w.waitIngested(3)

	// A question in plain words: found in the archive, with a button.
	m := w.say(enUser, "Hello! What about the information security concept?")
	if !strings.Contains(m.Plain, "Belarus, Russia approve Union State information security concept") ||
		!strings.Contains(m.Text, "<b>information security concept</b>") && !strings.Contains(m.Text, "<b>information</b>") {
		t.Errorf("the answer to a question: %q, want the article with the words in bold", m.Text)
	}
	ask := w.say(enUser, "Will the district library open a new branch?")
	var offer string
	if ask.ReplyMarkup != nil {
		for _, row := range ask.ReplyMarkup.Rows {
			for _, b := range row {
				if strings.Contains(b.Text, "library") {
					offer = b.CallbackData
				}
			}
		}
	}
	if offer == "" {
		t.Fatalf("no button to be notified about the library: %q %+v", ask.Plain, ask.ReplyMarkup)
	}
	before := len(w.tg.Messages(enUser.ID))
	w.tg.PressButton(privateChat(enUser), enUser, ask.MessageID, offer)
	if got := w.tg.WaitMessages(t, enUser.ID, before+1, 10*time.Second)[before].Plain; !strings.Contains(got, "You are subscribed") {
		t.Errorf("after the press: %q", got)
	}

	// Hostile keywords get clear answers; what is stored can be shown again.
	w.say(ruUser, "/subscribe")
	got := w.say(ruUser, "/keywords "+strings.Repeat("вода", 250)+", ???, NEAR(, вoдa, до\u200bрога, -\u202eреклама").Plain
	for _, want := range []string{"Слишком длинные (больше 40 символов)", "В этом нет ни букв, ни цифр", "Добавлено: near, вода, дорога, -реклама"} {
		if !strings.Contains(got, want) {
			t.Errorf("/keywords with hostile input: %q lacks %q", got, want)
		}
	}
	for _, q := range []string{`"NEAR(* OR col:x`, `"`, "\u200b"} {
		if got := w.say(ruUser, "/search "+q).Plain; got == "" || strings.Contains(got, "Не получилось") {
			t.Errorf("/search %q: %q", q, got)
		}
	}

	// Free-form input and section names.
	if got := w.say(beUser, "/quiet з 22 да 7").Plain; got != "Ціхія гадзіны: 22:00–07:00 (па мінскім часе). У гэты час навіны будуць прыходзіць без гуку." {
		t.Errorf("/quiet з 22 да 7: %q", got)
	}
	if got := w.say(enUser, "/latest 50").Plain; !strings.Contains(got, "I show at most 20 articles at a time.") {
		t.Errorf("/latest 50: %q", got)
	}
	if got := w.say(enUser, "/settings").Plain; !strings.Contains(got, "Sections: District news") || strings.Contains(got, "news,") {
		t.Errorf("/settings: %q, want the section's configured name", got)
	}

	// The next article about the library reaches the resident who asked, not the one who wants water and roads.
	enBefore, ruBefore := len(w.tg.Messages(enUser.ID)), len(w.tg.Messages(ruUser.ID))
	w.portal.Set(enFeedPath, feedWithNewItem(t), "application/rss+xml; charset=utf-8")
	msgs := w.tg.WaitMessages(t, enUser.ID, enBefore+1, 20*time.Second)
	if got := msgs[enBefore].Plain; !strings.Contains(got, newTitle) || !strings.Contains(got, "Section: District news") {
		t.Errorf("delivery: %q, want the library article in the section District news", got)
	}
	r.stop(t)
	if n := len(w.tg.Messages(ruUser.ID)); n != ruBefore {
		t.Errorf("the resident who wants water and roads got %d messages", n-ruBefore)
	}

	s, err := store.Open(context.Background(), w.db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// The deliveries were made with the article, in one transaction: none waits for ruUser.
	latest, err := s.LatestArticles(context.Background(), 1)
	if err != nil || len(latest) != 1 || latest[0].Title != newTitle {
		t.Fatalf("latest article: %v, %v", latest, err)
	}
	if _, err := s.Delivery(context.Background(), ruUser.ID, subscriptions.KindArticle, latest[0].ID); !errors.Is(err, subscriptions.ErrNotFound) {
		t.Errorf("a delivery of the library article to the resident who wants water and roads: %v", err)
	}
	for id, want := range map[int64][]string{enUser.ID: {"district library"}, ruUser.ID: {"near", "вода", "дорога", "-реклама"}} {
		kws, err := s.Keywords(context.Background(), id)
		var got []string
		for _, k := range kws {
			got = append(got, k.String())
		}
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("keywords of %d: %q, %v; want %q", id, got, err, want)
		}
	}
}
