package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/subscriptions"
)

// rebuild stops the bot and its engine and starts new ones with o on the
// same store and fake Telegram, as a restart of the program does.
func (h *harness) rebuild(o harnessOptions) {
	h.t.Helper()
	h.stop()
	h.build(o)
	h.start()
}

// count returns how many of the chat's messages contain s.
func (h *harness) count(chatID int64, s string) int {
	n := 0
	for _, m := range h.tg.Messages(chatID) {
		n += strings.Count(m.Plain, s)
	}
	return n
}

// waiting returns how many articles wait for the chat's next digest or batch.
func (h *harness) waiting(chatID int64) int {
	h.t.Helper()
	n, err := h.store.WaitingArticles(context.Background(), chatID)
	if err != nil {
		h.t.Fatal(err)
	}
	return n
}

// TestDisplayAndWeeklySettings walks the display and weekly digest screens
// of /settings in each language and checks what the store recorded and
// what the main screen says.
func TestDisplayAndWeeklySettings(t *testing.T) {
	for _, lang := range subscriptions.Languages() {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t, harnessOptions{})
			h.feeds("news/" + lang)
			u := userIn(lang, 7600)
			chat := faketelegram.PrivateChat(u)
			h.say(u, "/subscribe")
			m := h.say(u, "/settings")
			text, kb := h.menu(chat.ID, m.MessageID)
			for _, want := range []string{
				i18n.T(lang, "settings.display") + ": " + i18n.T(lang, "settings.display_full"),
				i18n.T(lang, "settings.hashtags") + ": " + i18n.T(lang, "settings.hashtags_off"),
			} {
				if !strings.Contains(text, want) {
					t.Errorf("main screen lacks %q:\n%s", want, text)
				}
			}

			// Display: compact, then headlines every 15 minutes, with hashtags.
			h.press(chat, u, m.MessageID, button(t, kb, i18n.T(lang, "button.display")))
			text, kb = h.menu(chat.ID, m.MessageID)
			localized(t, text, kb)
			if !strings.Contains(text, strings.SplitN(i18n.T(lang, "settings.display_hint"), "\n", 2)[0]) {
				t.Fatalf("display screen: %q", text)
			}
			if strings.Contains(text, i18n.T(lang, "settings.headlines_every", interval(lang, 60))) {
				t.Errorf("the headlines interval shows before headlines are chosen:\n%s", text)
			}
			a := h.press(chat, u, m.MessageID, button(t, kb, i18n.T(lang, "button.display_compact")))
			if a.Text != i18n.T(lang, "settings.saved") || h.prefs(u.ID).Display != subscriptions.DisplayCompact {
				t.Fatalf("compact: answer %q, display %q", a.Text, h.prefs(u.ID).Display)
			}
			_, kb = h.menu(chat.ID, m.MessageID)
			h.press(chat, u, m.MessageID, button(t, kb, i18n.T(lang, "button.display_headlines")))
			text, kb = h.menu(chat.ID, m.MessageID)
			localized(t, text, kb)
			if !strings.Contains(text, i18n.T(lang, "settings.headlines_every", interval(lang, 60))) {
				t.Errorf("headlines screen lacks the interval:\n%s", text)
			}
			h.press(chat, u, m.MessageID, button(t, kb, interval(lang, 15)))
			_, kb = h.menu(chat.ID, m.MessageID)
			h.press(chat, u, m.MessageID, button(t, kb, i18n.T(lang, "button.hashtags_on")))
			_, kb = h.menu(chat.ID, m.MessageID)
			button(t, kb, "✅ "+interval(lang, 15))
			button(t, kb, i18n.T(lang, "button.hashtags_off"))
			if p := h.prefs(u.ID); p.Display != subscriptions.DisplayHeadlines || p.HeadlinesEvery != 15 || !p.Hashtags {
				t.Fatalf("after the display screen: %s every %d, hashtags %t", p.Display, p.HeadlinesEvery, p.Hashtags)
			}
			h.press(chat, u, m.MessageID, button(t, kb, i18n.T(lang, "button.back")))
			text, kb = h.menu(chat.ID, m.MessageID)
			for _, want := range []string{
				i18n.T(lang, "settings.display") + ": " + i18n.T(lang, "settings.display_headlines", interval(lang, 15)),
				i18n.T(lang, "settings.hashtags") + ": " + i18n.T(lang, "settings.hashtags_on"),
			} {
				if !strings.Contains(text, want) {
					t.Errorf("main screen lacks %q:\n%s", want, text)
				}
			}

			// Delivery: weekly on Monday at 08:00.
			h.press(chat, u, m.MessageID, button(t, kb, i18n.T(lang, "button.delivery")))
			_, kb = h.menu(chat.ID, m.MessageID)
			h.press(chat, u, m.MessageID, button(t, kb, i18n.T(lang, "button.weekly")))
			text, kb = h.menu(chat.ID, m.MessageID)
			localized(t, text, kb)
			if !strings.Contains(text, i18n.T(lang, "settings.weekly_hint")) {
				t.Errorf("weekly screen: %q", text)
			}
			for _, d := range weekdays {
				button(t, kb, weekdayShort(lang, d))
			}
			h.press(chat, u, m.MessageID, button(t, kb, weekdayShort(lang, time.Monday)))
			text, kb = h.menu(chat.ID, m.MessageID)
			localized(t, text, kb)
			if !strings.Contains(text, i18n.T(lang, "settings.weekly_hour_hint", weekdayEvery(lang, time.Monday), i18n.Zone(lang, h.minsk, h.clock.Now()))) {
				t.Errorf("weekly hours screen: %q", text)
			}
			if p := h.prefs(u.ID); p.Weekly() {
				t.Fatalf("choosing a day changed the schedule before an hour was chosen")
			}
			a = h.press(chat, u, m.MessageID, button(t, kb, "08:00"))
			text, kb = h.menu(chat.ID, m.MessageID)
			if p := h.prefs(u.ID); !p.Weekly() || p.DigestWeekday != time.Monday || p.DigestHour != 8 || a.Text != i18n.T(lang, "settings.saved") {
				t.Fatalf("after Monday 08:00: weekday %d hour %d, answer %q", p.DigestWeekday, p.DigestHour, a.Text)
			}
			for _, want := range []string{
				i18n.T(lang, "settings.delivery_weekly", weekdayEvery(lang, time.Monday), "08:00"),
				i18n.T(lang, "settings.display") + ": " + i18n.T(lang, "settings.display_list"), // the digest sets the time
			} {
				if !strings.Contains(text, want) {
					t.Errorf("main screen lacks %q:\n%s", want, text)
				}
			}
			// With a digest, the display screen does not offer an interval for headlines.
			h.press(chat, u, m.MessageID, button(t, kb, i18n.T(lang, "button.display")))
			text, kb = h.menu(chat.ID, m.MessageID)
			if strings.Contains(text, i18n.T(lang, "settings.headlines_every", interval(lang, 15))) || buttonText(kb, button(t, kb, "✅ "+i18n.T(lang, "button.display_headlines"))) == "" {
				t.Errorf("display screen beside a weekly digest:\n%s", text)
			}
			for _, row := range kb.Rows {
				for _, b := range row {
					if strings.Contains(b.Text, interval(lang, 15)) {
						t.Errorf("an interval button beside a weekly digest: %q", b.Text)
					}
				}
			}
			h.press(chat, u, m.MessageID, button(t, kb, i18n.T(lang, "button.back")))
			_, kb = h.menu(chat.ID, m.MessageID)
			// The delivery screen marks the weekly digest, not a daily hour.
			h.press(chat, u, m.MessageID, button(t, kb, i18n.T(lang, "button.delivery")))
			_, kb = h.menu(chat.ID, m.MessageID)
			button(t, kb, "✅ "+i18n.T(lang, "button.weekly"))
			if d := button(t, kb, "08:00"); strings.Contains(buttonText(kb, d), "✅") {
				t.Errorf("a daily 08:00 is marked beside the weekly digest")
			}
			// A daily digest at 08:00 from there replaces the weekly one.
			h.press(chat, u, m.MessageID, button(t, kb, "08:00"))
			if p := h.prefs(u.ID); !p.Daily() || p.DigestHour != 8 {
				t.Fatalf("daily 08:00 after weekly: weekday %d hour %d", p.DigestWeekday, p.DigestHour)
			}
		})
	}
}

// buttonText returns the text of the button with data.
func buttonText(kb *faketelegram.InlineKeyboard, data string) string {
	for _, row := range kb.Rows {
		for _, b := range row {
			if b.CallbackData == data {
				return b.Text
			}
		}
	}
	return ""
}

// TestHeadlinesBatchesAcrossRestarts: new articles come as one numbered
// list at most every N minutes; what waits survives a restart, a batch
// that could not be sent before a restart goes once after it, and no
// article comes twice.
func TestHeadlinesBatchesAcrossRestarts(t *testing.T) {
	o := harnessOptions{}
	h := newHarness(t, o)
	h.feeds("news/ru")
	u := userIn("ru", 7700)
	h.say(u, "/subscribe")
	ctx := context.Background()
	if err := h.store.SetDisplay(ctx, u.ID, subscriptions.DisplayHeadlines, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := h.store.SetHeadlinesEvery(ctx, u.ID, 30, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	before := len(h.tg.Messages(u.ID))
	start := h.clock.Now()

	// Two articles at once: one list, at once (the first batch waits for nothing).
	h.publish("news", "ru", newsArticle(1), newsArticle(2))
	got := h.tg.WaitMessages(t, u.ID, before+1, 10*time.Second)[before]
	header := i18n.T("ru", "digest.headlines")
	if !strings.HasPrefix(got.Plain, header) || !strings.Contains(got.Plain, "\n1. Новость номер 1") || !strings.Contains(got.Plain, "\n2. Новость номер 2") {
		t.Fatalf("first batch = %q, want a numbered list of articles 1 and 2", got.Plain)
	}
	if got.Photo != "" || strings.Contains(got.Plain, "Работы по благоустройству") {
		t.Errorf("a headline batch shows a photo or a summary: %+v", got)
	}

	// A third article 5 minutes later waits: the last batch is not 30 minutes old.
	h.clock.Advance(5 * time.Minute)
	h.publish("news", "ru", newsArticle(3))
	h.engine.CreateDigests(ctx)
	h.waitDelivered()
	if n := h.waiting(u.ID); n != 1 || len(h.tg.Messages(u.ID)) != before+1 {
		t.Fatalf("5 minutes after a batch: %d waiting, %d messages; want 1 waiting, none sent", n, len(h.tg.Messages(u.ID))-before-1)
	}

	// A restart 10 minutes later loses nothing and sends nothing.
	h.clock.Advance(5 * time.Minute)
	h.rebuild(o)
	h.engine.CreateDigests(ctx)
	h.waitDelivered()
	if n := h.waiting(u.ID); n != 1 || len(h.tg.Messages(u.ID)) != before+1 {
		t.Fatalf("after a restart: %d waiting, %d new messages; want 1 waiting, none sent", n, len(h.tg.Messages(u.ID))-before-1)
	}

	// 30 minutes after the first batch, the second goes, with article 3 only.
	// Telegram fails it, and the bot restarts before the retry.
	h.clock.Set(start.Add(30 * time.Minute))
	h.tg.FailChat(u.ID, faketelegram.ServerError(), 1)
	h.engine.CreateDigests(ctx)
	h.tg.WaitFor(t, 10*time.Second, func() bool {
		d, err := h.store.DueDeliveries(ctx, h.clock.Now().Add(time.Hour), 10)
		return err == nil && len(d) == 1 && d[0].Attempts == 1
	}, "the batch to fail once")
	h.rebuild(o)
	h.clock.Advance(time.Hour) // past the retry's backoff
	h.engine.Wake()
	got = h.tg.WaitMessages(t, u.ID, before+2, 10*time.Second)[before+1]
	h.waitDelivered()
	if !strings.HasPrefix(got.Plain, header) || !strings.Contains(got.Plain, "\n1. Новость номер 3") || strings.Contains(got.Plain, "номер 1:") {
		t.Fatalf("second batch = %q, want article 3 alone", got.Plain)
	}
	for i := 1; i <= 3; i++ {
		if n := h.count(u.ID, fmt.Sprintf("Новость номер %d:", i)); n != 1 {
			t.Errorf("article %d came %d times, want once", i, n)
		}
	}
	if len(h.tg.Messages(u.ID)) != before+2 || h.waiting(u.ID) != 0 {
		t.Errorf("%d messages, %d waiting; want 2 batches and nothing left", len(h.tg.Messages(u.ID))-before, h.waiting(u.ID))
	}

	// Quiet hours hold for a batch: it comes silently.
	if err := h.store.SetQuietHours(ctx, u.ID, 0, 23*60+59, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(time.Hour)
	h.publish("news", "ru", newsArticle(4))
	if got := h.tg.WaitMessages(t, u.ID, before+3, 10*time.Second)[before+2]; !got.DisableNotification || !strings.Contains(got.Plain, "Новость номер 4") {
		t.Errorf("batch in quiet hours: silent=%t %q", got.DisableNotification, got.Plain)
	}
}

// TestCompactAndHashtagsDelivered: a compact chat gets the title, date and
// link without photo or summary; hashtags come under the article when asked.
func TestCompactAndHashtagsDelivered(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.feeds("news/ru")
	compact, full := userIn("ru", 7800), userIn("ru", 7801)
	ctx := context.Background()
	for _, u := range []faketelegram.User{compact, full} {
		h.say(u, "/subscribe")
		if err := h.store.SetHashtags(ctx, u.ID, u == compact, h.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.store.SetDisplay(ctx, compact.ID, subscriptions.DisplayCompact, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	a := newsArticle(1)
	a.ImageURL = "https://osipovichi.gov.by/files/skver.jpg"
	a.Categories = []string{"Благоустройство", "Жилищно-коммунальное хозяйство"}
	h.publish("news", "ru", a)
	h.waitDelivered()
	c := h.tg.Messages(compact.ID)
	f := h.tg.Messages(full.ID)
	gotC, gotF := c[len(c)-1], f[len(f)-1]
	if gotC.Method != "sendMessage" || gotC.Photo != "" || strings.Contains(gotC.Plain, "Работы по благоустройству") ||
		!strings.Contains(gotC.Plain, "Новость номер 1") || !strings.Contains(gotC.Plain, "#благоустройство #жилищно_коммунальное_хозяйство") {
		t.Errorf("compact with hashtags = %s %q", gotC.Method, gotC.Plain)
	}
	if gotF.Method != "sendPhoto" || !strings.Contains(gotF.Plain, "Работы по благоустройству") || strings.Contains(gotF.Plain, "#") {
		t.Errorf("full without hashtags = %s %q", gotF.Method, gotF.Plain)
	}
}

// TestHashtagsAsKeywords: /keywords #образование lets through the articles
// of that category only, -#реклама drops a category; hashtags and words mix.
func TestHashtagsAsKeywords(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.feeds("news/ru")
	u := userIn("ru", 7900)
	h.say(u, "/subscribe")
	if got := h.say(u, "/keywords #Образование -#реклама").Plain; !strings.Contains(got, i18n.T("ru", "keywords.added", "#образование, -#реклама")) {
		t.Fatalf("/keywords #Образование -#реклама: %q", got)
	}
	if got := h.say(u, "/keywords").Plain; !strings.Contains(got, "#образование") || !strings.Contains(got, "#реклама") {
		t.Errorf("/keywords lists %q", got)
	}
	article := func(n int, title string, cats ...string) subscriptions.Article {
		a := newsArticle(n)
		a.Title, a.Categories = title, cats
		return a
	}
	h.publish("news", "ru",
		article(1, "Школы района готовы к новому учебному году", "Образование"),
		article(2, "Образование и карьера: ярмарка вакансий", "Экономика"), // the word, not the category
		article(3, "Репетиторы ждут учеников", "Образование", "Реклама"),
		article(4, "Концерт в доме культуры", "Культура"),
	)
	h.waitDelivered()
	for _, tc := range []struct {
		title string
		want  int
	}{
		{"Школы района", 1}, {"ярмарка вакансий", 0}, {"Репетиторы", 0}, {"Концерт", 0},
	} {
		if n := h.count(u.ID, tc.title); n != tc.want {
			t.Errorf("%q delivered %d times, want %d", tc.title, n, tc.want)
		}
	}
	// Removing the hashtag, and a mistyped one.
	if got := h.say(u, "/keywords remove #образование").Plain; !strings.Contains(got, "#образование") {
		t.Errorf("remove: %q", got)
	}
	if got := h.say(u, "/keywords #2024").Plain; !strings.Contains(got, "#2024") {
		t.Errorf("a hashtag without letters: %q, want it named back", got)
	}
}

// TestWeeklyDigestOnAFakeClock: a week's articles come on the chosen day
// and hour, in as many messages as they need, each once, silent in quiet
// hours; the next week's wait for the next week.
func TestWeeklyDigestOnAFakeClock(t *testing.T) {
	h := newHarness(t, harnessOptions{}) // Thursday 2 March 2023, 12:00 Minsk
	h.feeds("news/ru")
	u := userIn("ru", 8000)
	h.say(u, "/subscribe")
	ctx := context.Background()
	if err := h.store.SetWeeklyDigest(ctx, u.ID, time.Monday, 8, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := h.store.SetQuietHours(ctx, u.ID, 22*60, 9*60, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	before := len(h.tg.Messages(u.ID))
	var week []subscriptions.Article
	for i := 1; i <= 40; i++ {
		a := newsArticle(i)
		a.Summary = strings.Repeat("Подробности работ по благоустройству сквера. ", 10)
		week = append(week, a)
	}
	h.publish("news", "ru", week[:20]...)
	h.clock.Set(time.Date(2023, 3, 5, 18, 0, 0, 0, h.minsk)) // Sunday
	h.publish("news", "ru", week[20:]...)
	for _, at := range []time.Time{
		time.Date(2023, 3, 5, 23, 0, 0, 0, h.minsk),
		time.Date(2023, 3, 6, 7, 59, 0, 0, h.minsk),
	} {
		h.clock.Set(at)
		h.engine.CreateDigests(ctx)
		h.waitDelivered()
		if n := len(h.tg.Messages(u.ID)) - before; n != 0 {
			t.Fatalf("%d messages at %v, want none before Monday 08:00", n, at)
		}
	}
	h.clock.Set(time.Date(2023, 3, 6, 8, 0, 0, 0, h.minsk))
	h.engine.CreateDigests(ctx)
	h.waitDelivered()
	msgs := h.tg.Messages(u.ID)[before:]
	if len(msgs) < 2 {
		t.Fatalf("weekly digest of 40 articles in %d messages, want several", len(msgs))
	}
	header := i18n.T("ru", "digest.weekly") + " · 27 февраля 2023 – 6 марта 2023"
	for i, m := range msgs {
		if !strings.HasPrefix(m.Plain, fmt.Sprintf("%s (%d/%d)", header, i+1, len(msgs))) || !m.DisableNotification {
			t.Errorf("part %d: silent=%t, %.80q; want a silent part under %q", i+1, m.DisableNotification, m.Plain, header)
		}
	}
	for i := 1; i <= 40; i++ {
		if n := h.count(u.ID, fmt.Sprintf("Новость номер %d:", i)); n != 1 {
			t.Errorf("article %d in the digest %d times, want once", i, n)
		}
	}
	// An article after Monday's digest waits a week.
	h.clock.Set(time.Date(2023, 3, 6, 10, 0, 0, 0, h.minsk))
	h.publish("news", "ru", newsArticle(41))
	for _, at := range []time.Time{time.Date(2023, 3, 6, 10, 5, 0, 0, h.minsk), time.Date(2023, 3, 12, 23, 0, 0, 0, h.minsk)} {
		h.clock.Set(at)
		h.engine.CreateDigests(ctx)
		h.waitDelivered()
	}
	if n := len(h.tg.Messages(u.ID)) - before; n != len(msgs) {
		t.Fatalf("%d messages before the next Monday, want still %d", n, len(msgs))
	}
	h.clock.Set(time.Date(2023, 3, 13, 9, 30, 0, 0, h.minsk))
	h.engine.CreateDigests(ctx)
	got := h.tg.WaitMessages(t, u.ID, before+len(msgs)+1, 10*time.Second)[before+len(msgs)]
	if !strings.HasPrefix(got.Plain, i18n.T("ru", "digest.weekly")+" · 6 марта 2023 – 13 марта 2023") ||
		!strings.Contains(got.Plain, "Новость номер 41") || got.DisableNotification {
		t.Errorf("second week's digest at 09:30: silent=%t %q", got.DisableNotification, got.Plain)
	}
}

// TestChannelDisplayFromPrivateChat: the person who connected a channel
// sets its display and weekly digest from their private chat; a stranger's
// forged press changes nothing.
func TestChannelDisplayFromPrivateChat(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.feeds("news/ru")
	owner, stranger := userIn("ru", 8301), userIn("ru", 8302)
	ownerChat := faketelegram.PrivateChat(owner)
	channel := faketelegram.Chat{ID: -1008300000001, Type: "channel", Title: "Школа № 1", Username: "osip_school1"}
	h.tg.AddChat(channel)
	h.tg.SetChatAdmins(channel.ID, owner.ID, faketelegram.BotID)
	if got := h.say(owner, "/channel @osip_school1").Plain; got != i18n.T("ru", "channel.connected", channel.Title) {
		t.Fatalf("/channel: %q", got)
	}
	m := h.say(owner, "/channels")
	_, kb := h.menu(owner.ID, m.MessageID)
	h.press(ownerChat, owner, m.MessageID, button(t, kb, channel.Title))
	_, kb = h.menu(owner.ID, m.MessageID)
	h.press(ownerChat, owner, m.MessageID, button(t, kb, i18n.T("ru", "button.display")))
	_, kb = h.menu(owner.ID, m.MessageID)
	h.press(ownerChat, owner, m.MessageID, button(t, kb, i18n.T("ru", "button.display_compact")))
	_, kb = h.menu(owner.ID, m.MessageID)
	h.press(ownerChat, owner, m.MessageID, button(t, kb, i18n.T("ru", "button.hashtags_on")))
	if p := h.prefs(channel.ID); p.Display != subscriptions.DisplayCompact || !p.Hashtags {
		t.Fatalf("channel after its display screen: %s, hashtags %t", p.Display, p.Hashtags)
	}
	if own := h.prefs(owner.ID); own.Display != subscriptions.DisplayFull || own.Hashtags {
		t.Errorf("the owner's own chat changed: %s, hashtags %t", own.Display, own.Hashtags)
	}
	a := newsArticle(1)
	a.ImageURL, a.Categories = "https://osipovichi.gov.by/files/1.jpg", []string{"Образование"}
	h.publish("news", "ru", a)
	h.waitDelivered()
	if msgs := h.tg.Messages(channel.ID); len(msgs) != 1 || msgs[0].Photo != "" || !strings.Contains(msgs[0].Plain, "#образование") {
		t.Errorf("channel got %+v, want the article compact with its hashtag", msgs)
	}
	sm := h.say(stranger, "/settings")
	for _, forged := range []string{"set:-1008300000001:disp:headlines", "set:-1008300000001:wk:1-8"} {
		if a := h.press(faketelegram.PrivateChat(stranger), stranger, sm.MessageID, forged); a.Text != i18n.T("ru", "settings.refreshed") {
			t.Errorf("forged %s: answer %q", forged, a.Text)
		}
	}
	if p := h.prefs(channel.ID); p.Display != subscriptions.DisplayCompact || p.Weekly() {
		t.Errorf("a stranger changed the channel: %s, weekly %t", p.Display, p.Weekly())
	}
}
