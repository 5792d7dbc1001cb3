package bot

import (
	"context"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/subscriptions"
)

// feeds configures feeds "section/lang" (or "section" without a language)
// and records their first poll, as the poller does at start.
func (h *harness) feeds(labels ...string) {
	h.t.Helper()
	ctx := context.Background()
	var cfgs []subscriptions.FeedConfig
	for _, l := range labels {
		sec, lang, _ := strings.Cut(l, "/")
		cfgs = append(cfgs, subscriptions.FeedConfig{Section: sec, Language: lang, URL: "https://osipovichi.gov.by/" + sec + "/" + lang + "/rss/"})
	}
	feeds, err := h.store.EnsureFeeds(ctx, cfgs)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, f := range feeds {
		if _, err := h.store.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: h.clock.Now()}, nil); err != nil {
			h.t.Fatal(err)
		}
	}
}

func (h *harness) prefs(id int64) subscriptions.Preferences {
	h.t.Helper()
	p, err := h.store.Preferences(context.Background(), id)
	if err != nil {
		h.t.Fatalf("preferences of chat %d: %v", id, err)
	}
	return p
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// menu returns the visible text and the keyboard of a message as it is now.
func (h *harness) menu(chatID int64, msgID int) (string, *faketelegram.InlineKeyboard) {
	return html.UnescapeString(tagRE.ReplaceAllString(h.tg.MessageText(chatID, msgID), "")), h.tg.MessageMarkup(chatID, msgID)
}

// button returns the callback data of the button whose text contains label.
func button(t *testing.T, kb *faketelegram.InlineKeyboard, label string) string {
	t.Helper()
	if kb == nil {
		t.Fatalf("no keyboard, want a button %q", label)
	}
	var texts []string
	for _, row := range kb.Rows {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				if len(b.CallbackData) > 64 {
					t.Fatalf("button %q: callback data %d bytes, want ≤ 64", b.Text, len(b.CallbackData))
				}
				return b.CallbackData
			}
			texts = append(texts, b.Text)
		}
	}
	t.Fatalf("no button %q among %q", label, texts)
	return ""
}

// localized fails when a text shows a catalogue key instead of a text.
func localized(t *testing.T, text string, kb *faketelegram.InlineKeyboard) {
	t.Helper()
	keyRE := regexp.MustCompile(`\b(settings|button|keywords|lang|channel|channels|search|quiet)\.[a-z_]+\b`)
	all := text
	if kb != nil {
		for _, row := range kb.Rows {
			for _, b := range row {
				all += "\n" + b.Text
			}
		}
	}
	if k := keyRE.FindString(all); k != "" {
		t.Errorf("text shows the key %q instead of a text: %q", k, all)
	}
}

func userIn(lang string, id int64) faketelegram.User {
	return faketelegram.User{ID: id, FirstName: "Resident " + lang, LanguageCode: lang}
}

// TestSettingsMenuEveryPath walks every screen and every kind of button of
// /settings in each language, and checks what the store recorded.
func TestSettingsMenuEveryPath(t *testing.T) {
	other := map[string]string{"ru": "be", "be": "en", "en": "ru"}
	for _, lang := range subscriptions.Languages() {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t, harnessOptions{})
			h.feeds("news/ru", "economy/ru", "news/be", "news/en", "announcements")
			u := userIn(lang, 7000)
			chat := faketelegram.PrivateChat(u)
			h.say(u, "/subscribe")
			p := h.prefs(u.ID)
			if !p.Subscribed || p.Language != lang {
				t.Fatalf("after /subscribe: subscribed=%t language=%q; want true, %q", p.Subscribed, p.Language, lang)
			}
			wantSections := map[string][]string{"ru": {"news", "economy", "announcements"}, "be": {"news", "announcements"}, "en": {"news", "announcements"}}[lang]
			if !slices.Equal(p.Sections, wantSections) {
				t.Fatalf("a new subscriber's sections = %v, want those of %s: %v", p.Sections, lang, wantSections)
			}

			m := h.say(u, "/settings")
			text, kb := h.menu(chat.ID, m.MessageID)
			localized(t, text, kb)
			for _, want := range []string{i18n.T(lang, "settings.title"), i18n.T(lang, "settings.sub_on"), i18n.T(lang, "lang.name"),
				(i18n.Sections{}).Name(lang, "news"), i18n.T(lang, "settings.delivery_instant"),
				i18n.T(lang, "settings.keywords") + ": " + i18n.T(lang, "settings.keywords_none")} {
				if !strings.Contains(text, want) {
					t.Errorf("main screen lacks %q:\n%s", want, text)
				}
			}

			// Sections: turn one off, refuse to turn off the last.
			a := h.press(chat, u, m.MessageID, button(t, kb, i18n.T(lang, "button.sections")))
			text, kb = h.menu(chat.ID, m.MessageID)
			localized(t, text, kb)
			if !strings.Contains(text, i18n.T(lang, "settings.sections_hint")) || a.Text != "" {
				t.Fatalf("sections screen: %q (answer %q)", text, a.Text)
			}
			for _, sec := range wantSections[1:] {
				a = h.press(chat, u, m.MessageID, button(t, kb, (i18n.Sections{}).Name(lang, sec)))
				_, kb = h.menu(chat.ID, m.MessageID)
				if a.Text != i18n.T(lang, "settings.saved") {
					t.Errorf("turning %s off: answer %q, want %q", sec, a.Text, i18n.T(lang, "settings.saved"))
				}
			}
			if got := h.prefs(u.ID).Sections; !slices.Equal(got, []string{"news"}) {
				t.Fatalf("sections after turning the others off = %v, want [news]", got)
			}
			a = h.press(chat, u, m.MessageID, button(t, kb, (i18n.Sections{}).Name(lang, "news")))
			if a.Text != i18n.T(lang, "settings.last_section") {
				t.Errorf("turning off the last section: answer %q, want %q", a.Text, i18n.T(lang, "settings.last_section"))
			}
			_, kb = h.menu(chat.ID, m.MessageID)
			h.press(chat, u, m.MessageID, button(t, kb, (i18n.Sections{}).Name(lang, "announcements")))
			if got := h.prefs(u.ID).Sections; !slices.Equal(got, []string{"news", "announcements"}) {
				t.Fatalf("sections after turning announcements on = %v", got)
			}
			_, kb = h.menu(chat.ID, m.MessageID)
			h.press(chat, u, m.MessageID, button(t, kb, i18n.T(lang, "button.back")))

			// Delivery: a digest at 08:00, then back to instant and to 08:00 again.
			_, kb = h.menu(chat.ID, m.MessageID)
			h.press(chat, u, m.MessageID, button(t, kb, i18n.T(lang, "button.delivery")))
			text, kb = h.menu(chat.ID, m.MessageID)
			localized(t, text, kb)
			h.press(chat, u, m.MessageID, button(t, kb, "08:00"))
			text, kb = h.menu(chat.ID, m.MessageID)
			if got := h.prefs(u.ID).DigestHour; got != 8 {
				t.Fatalf("digest hour = %d, want 8", got)
			}
			if want := i18n.T(lang, "settings.delivery_digest", "08:00"); !strings.Contains(text, want) {
				t.Errorf("main screen lacks %q:\n%s", want, text)
			}

			// Quiet hours: 22–08.
			h.press(chat, u, m.MessageID, button(t, kb, i18n.T(lang, "button.quiet")))
			text, kb = h.menu(chat.ID, m.MessageID)
			localized(t, text, kb)
			h.press(chat, u, m.MessageID, button(t, kb, "22:00–08:00"))
			text, kb = h.menu(chat.ID, m.MessageID)
			if p := h.prefs(u.ID); p.QuietStart != 22*60 || p.QuietEnd != 8*60 {
				t.Fatalf("quiet hours = %d-%d, want 1320-480", p.QuietStart, p.QuietEnd)
			}
			if !strings.Contains(text, "22:00–08:00") {
				t.Errorf("main screen does not show the quiet hours:\n%s", text)
			}

			// Link previews off.
			h.press(chat, u, m.MessageID, button(t, kb, i18n.T(lang, "button.previews_off")))
			text, kb = h.menu(chat.ID, m.MessageID)
			if h.prefs(u.ID).LinkPreviews {
				t.Fatalf("link previews still on")
			}
			if !strings.Contains(text, i18n.T(lang, "settings.previews")+": "+i18n.T(lang, "settings.previews_off")) {
				t.Errorf("main screen does not say previews are off:\n%s", text)
			}

			// Keywords: the screen explains the commands; clearing works.
			h.say(u, "/keywords add дорога, -реклама")
			h.press(chat, u, m.MessageID, button(t, kb, i18n.T(lang, "button.keywords")))
			text, kb = h.menu(chat.ID, m.MessageID)
			localized(t, text, kb)
			if !strings.Contains(text, "/keywords add") || !strings.Contains(text, "дорога") || !strings.Contains(text, "реклама") {
				t.Errorf("keywords screen:\n%s", text)
			}
			a = h.press(chat, u, m.MessageID, button(t, kb, i18n.T(lang, "button.clear_keywords")))
			if kws, _ := h.store.Keywords(context.Background(), u.ID); len(kws) != 0 || a.Text != i18n.T(lang, "keywords.cleared") {
				t.Errorf("after clearing: %v keywords, answer %q", kws, a.Text)
			}
			_, kb = h.menu(chat.ID, m.MessageID)
			h.press(chat, u, m.MessageID, button(t, kb, i18n.T(lang, "button.back")))

			// Unsubscribe and subscribe again from the menu.
			_, kb = h.menu(chat.ID, m.MessageID)
			h.press(chat, u, m.MessageID, button(t, kb, i18n.T(lang, "button.unsubscribe")))
			text, kb = h.menu(chat.ID, m.MessageID)
			if h.prefs(u.ID).Subscribed || !strings.Contains(text, i18n.T(lang, "settings.sub_off")) {
				t.Fatalf("unsubscribe from the menu: subscribed=%t, text %q", h.prefs(u.ID).Subscribed, text)
			}
			h.press(chat, u, m.MessageID, button(t, kb, i18n.T(lang, "button.subscribe")))
			_, kb = h.menu(chat.ID, m.MessageID)
			if !h.prefs(u.ID).Subscribed {
				t.Fatalf("subscribe from the menu did not subscribe")
			}

			// Language: the interface follows at once, the sections follow the language.
			to := other[lang]
			h.press(chat, u, m.MessageID, button(t, kb, i18n.T(lang, "button.language")))
			text, kb = h.menu(chat.ID, m.MessageID)
			localized(t, text, kb)
			a = h.press(chat, u, m.MessageID, button(t, kb, i18n.T(to, "lang.name")))
			text, kb = h.menu(chat.ID, m.MessageID)
			p = h.prefs(u.ID)
			if p.Language != to || !strings.Contains(text, i18n.T(to, "settings.title")) || a.Text != i18n.T(to, "settings.saved") {
				t.Fatalf("after choosing %s: language %q, answer %q, menu:\n%s", to, p.Language, a.Text, text)
			}
			if !slices.Contains(p.Sections, "news") {
				t.Errorf("sections after the language change = %v, want news kept", p.Sections)
			}

			// Done closes the menu.
			h.press(chat, u, m.MessageID, button(t, kb, i18n.T(to, "button.done")))
			text, kb = h.menu(chat.ID, m.MessageID)
			if text != i18n.T(to, "settings.closed") || kb != nil {
				t.Errorf("after Done: %q with keyboard %v, want %q without", text, kb, i18n.T(to, "settings.closed"))
			}
			// The settings survive a restart of the bot (they live in the store).
			h.stop()
			if p := h.prefs(u.ID); p.DigestHour != 8 || p.QuietStart != 22*60 || p.LinkPreviews || p.Language != to {
				t.Errorf("preferences after a stop = %+v", p)
			}
		})
	}
}

func TestSettingsOldOrForgedPresses(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.feeds("news/ru", "economy/ru")
	u, stranger := userIn("ru", 7100), userIn("ru", 7101)
	chat := faketelegram.PrivateChat(u)
	h.say(u, "/subscribe")
	h.say(stranger, "/subscribe")
	m := h.say(u, "/settings")
	for _, data := range []string{
		"set", "set:", "set:abc", "set:7100", "set:7100:zz", "set:7100:dlv:13", "set:7100:quiet:1-2",
		"set:7100:lang:de", "set:7100:sec:+nosuch", "set:7100:pv:2", "set:7100:sub:x",
		"set:7101:pv:0",                            // someone else's private chat
		"set:-1001234567890:sub:0",                 // a channel that is not theirs
		"set:9223372036854775807999:m",             // not a number
		"set:7100:sec:+" + strings.Repeat("я", 40), // too long for Telegram, but must not break the bot
	} {
		a := h.press(chat, u, m.MessageID, data)
		text, kb := h.menu(chat.ID, m.MessageID)
		if a.Text != i18n.T("ru", "settings.refreshed") || !strings.Contains(text, i18n.T("ru", "settings.title")) || kb == nil {
			t.Errorf("press %q: answer %q, menu %q; want the current settings re-rendered", data, a.Text, text)
		}
	}
	if p := h.prefs(stranger.ID); !p.LinkPreviews || !p.Subscribed {
		t.Errorf("a forged press changed another chat: %+v", p)
	}
	// A press on an old menu sets what its button showed: pressing twice is harmless.
	_, kb := h.menu(chat.ID, m.MessageID)
	h.press(chat, u, m.MessageID, button(t, kb, i18n.T("ru", "button.sections")))
	_, kb = h.menu(chat.ID, m.MessageID)
	off := button(t, kb, (i18n.Sections{}).Name("ru", "economy"))
	h.press(chat, u, m.MessageID, off)
	h.press(chat, u, m.MessageID, off)
	if got := h.prefs(u.ID).Sections; !slices.Equal(got, []string{"news"}) {
		t.Errorf("sections after the same old button twice = %v, want [news]", got)
	}
}

// TestDigestAndQuietHoursThroughCommands sets a digest through the menu and
// quiet hours through /quiet, then runs the clock.
func TestDigestAndQuietHoursThroughCommands(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.feeds("news/ru")
	digestUser, quietUser := userIn("ru", 7200), userIn("ru", 7201)
	for _, u := range []faketelegram.User{digestUser, quietUser} {
		h.say(u, "/subscribe")
	}
	m := h.say(digestUser, "/settings")
	_, kb := h.menu(digestUser.ID, m.MessageID)
	h.press(faketelegram.PrivateChat(digestUser), digestUser, m.MessageID, button(t, kb, i18n.T("ru", "button.delivery")))
	_, kb = h.menu(digestUser.ID, m.MessageID)
	h.press(faketelegram.PrivateChat(digestUser), digestUser, m.MessageID, button(t, kb, "08:00"))

	for _, tt := range []struct{ in, want string }{
		{"/quiet", i18n.T("ru", "settings.quiet_hint", "по минскому времени")},
		{"/quiet когда-нибудь", i18n.T("ru", "quiet.bad")},
		{"/quiet 25:00-07:00", i18n.T("ru", "quiet.bad")},
		{"/quiet 07:00-07:00", i18n.T("ru", "quiet.bad")},
		{"/quiet off", i18n.T("ru", "quiet.off")},
		{"/quiet 21.30 – 7", i18n.T("ru", "quiet.set", "21:30–07:00", "по минскому времени")},
	} {
		if got := h.say(quietUser, tt.in).Plain; !strings.Contains(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.in, got, tt.want)
		}
	}
	if p := h.prefs(quietUser.ID); p.QuietStart != 21*60+30 || p.QuietEnd != 7*60 {
		t.Fatalf("quiet hours = %d-%d, want 1290-420", p.QuietStart, p.QuietEnd)
	}
	before := len(h.tg.Messages(quietUser.ID))

	h.clock.Set(time.Date(2023, 3, 2, 23, 15, 0, 0, h.minsk))
	h.publish("news", "ru", newsArticle(1), newsArticle(2))
	h.waitDelivered()
	got := h.tg.Messages(quietUser.ID)[before:]
	if len(got) != 2 || !got[0].DisableNotification || !got[1].DisableNotification {
		t.Fatalf("quiet chat at 23:15: %d messages (silent: %v), want 2 silent", len(got), got)
	}
	digestBefore := len(h.tg.Messages(digestUser.ID))
	h.engine.CreateDigests(context.Background())
	h.waitDelivered()
	if n := len(h.tg.Messages(digestUser.ID)) - digestBefore; n != 0 {
		t.Fatalf("digest chat got %d messages before 08:00, want 0", n)
	}
	h.clock.Set(time.Date(2023, 3, 3, 8, 1, 0, 0, h.minsk))
	h.engine.CreateDigests(context.Background())
	msgs := h.tg.WaitMessages(t, digestUser.ID, digestBefore+1, 10*time.Second)
	digest := msgs[digestBefore].Plain
	if !strings.Contains(digest, i18n.T("ru", "digest.header")) || !strings.Contains(digest, "Новость номер 1") || !strings.Contains(digest, "Новость номер 2") {
		t.Errorf("digest at 08:01 = %q, want both articles", digest)
	}
	// At 08:30 the quiet hours are over: news comes with a sound.
	h.clock.Set(time.Date(2023, 3, 3, 8, 30, 0, 0, h.minsk))
	h.publish("news", "ru", newsArticle(3))
	h.waitDelivered()
	all := h.tg.Messages(quietUser.ID)
	if last := all[len(all)-1]; last.DisableNotification || !strings.Contains(last.Plain, "Новость номер 3") {
		t.Errorf("after quiet hours: silent=%t, %q; want article 3 with a sound", last.DisableNotification, last.Plain)
	}
}

func TestLangCommand(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.feeds("news/ru", "news/be")
	u := userIn("ru", 7300)
	h.say(u, "/subscribe")
	m := h.say(u, "/lang")
	text, kb := h.menu(u.ID, m.MessageID)
	if !strings.Contains(text, i18n.T("ru", "settings.language_hint")) {
		t.Fatalf("/lang: %q, want the language screen", text)
	}
	h.press(faketelegram.PrivateChat(u), u, m.MessageID, button(t, kb, "Беларуская"))
	if got := h.prefs(u.ID).Language; got != "be" {
		t.Fatalf("language after the button = %q, want be", got)
	}
	if got := h.say(u, "/lang english").Plain; got != i18n.T("en", "lang.done") {
		t.Errorf("/lang english: %q", got)
	}
	if got := h.say(u, "/lang klingon").Plain; got != i18n.T("en", "lang.unknown") {
		t.Errorf("/lang klingon: %q", got)
	}
	if got := h.say(u, "/help").Plain; !strings.Contains(got, "/settings") || !strings.Contains(got, "/search") {
		t.Errorf("/help in English = %q, want the new commands", got)
	}
}

func TestLatestHonoursSectionsAndLanguage(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.feeds("news/ru", "economy/ru", "news/be")
	ruUser, beUser, nobody := userIn("ru", 7400), userIn("be", 7401), userIn("ru", 7402)
	h.say(ruUser, "/subscribe")
	h.say(beUser, "/subscribe")
	h.publish("news", "ru", subscriptions.Article{Title: "Русская новость", Link: "https://osipovichi.gov.by/ru/1"})
	h.publish("economy", "ru", subscriptions.Article{Title: "Экономика района", Link: "https://osipovichi.gov.by/ru/2"})
	h.publish("news", "be", subscriptions.Article{Title: "Беларуская навіна", Link: "https://osipovichi.gov.by/be/1"})
	h.waitDelivered()
	if err := h.store.SetSection(context.Background(), ruUser.ID, "economy", false, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		u          faketelegram.User
		want, dont []string
	}{
		{ruUser, []string{"Русская новость"}, []string{"Экономика района", "Беларуская навіна"}},
		{beUser, []string{"Беларуская навіна"}, []string{"Русская новость"}},
		{nobody, []string{"Русская новость", "Экономика района"}, []string{"Беларуская навіна"}}, // chose no section: every section, in their language
	}
	for _, tt := range tests {
		got := h.say(tt.u, "/latest").Plain
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("/latest for %d lacks %q: %q", tt.u.ID, w, got)
			}
		}
		for _, d := range tt.dont {
			if strings.Contains(got, d) {
				t.Errorf("/latest for %d shows %q: %q", tt.u.ID, d, got)
			}
		}
	}
	// Delivery followed the same choices.
	for _, tt := range []struct {
		u    faketelegram.User
		want int
	}{{ruUser, 2}, {beUser, 1}} {
		n := 0
		for _, m := range h.tg.Messages(tt.u.ID) {
			if strings.Contains(m.Plain, i18n.T(tt.u.LanguageCode, "article.read")) {
				n++
			}
		}
		if n != tt.want {
			t.Errorf("chat %d received %d articles, want %d", tt.u.ID, n, tt.want)
		}
	}
}
