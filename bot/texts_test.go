package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/subscriptions"
)

// TestSubscribeConfirmsWithNextSteps presses Subscribe under /start in each
// language: the message becomes a confirmation of what the chat gets, with
// buttons to the language, sections, delivery and keywords, which open
// those screens in place.
func TestSubscribeConfirmsWithNextSteps(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.feeds("news/ru", "news/be", "news/en", "district")
	for i, lang := range subscriptions.Languages() {
		u := userIn(lang, 8000+int64(i))
		chat := faketelegram.PrivateChat(u)
		m := h.say(u, "/start")
		a := h.press(chat, u, m.MessageID, button(t, m.ReplyMarkup, i18n.T(lang, "button.subscribe")))
		if a.Text != i18n.T(lang, "settings.subscribed") {
			t.Errorf("%s: the press answered %q, want %q", lang, a.Text, i18n.T(lang, "settings.subscribed"))
		}
		text, kb := h.menu(chat.ID, m.MessageID)
		names := i18n.Sections{}
		for _, want := range []string{i18n.T(lang, "subscribe.done"), i18n.T(lang, "subscribe.next"),
			i18n.T(lang, "settings.language") + ": " + i18n.T(lang, "lang.name"),
			i18n.T(lang, "settings.sections") + ": " + names.Name(lang, "news") + ", " + names.Name(lang, "district"),
			i18n.T(lang, "settings.delivery") + ": " + i18n.T(lang, "settings.delivery_instant")} {
			if !strings.Contains(text, want) {
				t.Errorf("%s: the confirmation lacks %q:\n%s", lang, want, text)
			}
		}
		if strings.Contains(text, i18n.T(lang, "start.welcome")) {
			t.Errorf("%s: the message still invites to subscribe:\n%s", lang, text)
		}
		for _, b := range []string{"button.language", "button.sections", "button.delivery", "button.keywords"} {
			button(t, kb, i18n.T(lang, b))
		}
		localized(t, text, kb)
		h.press(chat, u, m.MessageID, button(t, kb, i18n.T(lang, "button.sections")))
		if text, _ := h.menu(chat.ID, m.MessageID); !strings.Contains(text, i18n.T(lang, "settings.sections_hint")) {
			t.Errorf("%s: the sections button opened %q", lang, text)
		}
	}
	// /subscribe answers the same way; unsubscribing gets the button back.
	u := userIn("be", 8010)
	m := h.say(u, "/subscribe")
	if !strings.HasPrefix(m.Plain, i18n.T("be", "subscribe.done")) || m.ReplyMarkup == nil {
		t.Errorf("/subscribe: %q with buttons %v", m.Plain, m.ReplyMarkup)
	}
	m = h.say(u, "/start")
	h.press(faketelegram.PrivateChat(u), u, m.MessageID, button(t, m.ReplyMarkup, i18n.T("be", "button.unsubscribe")))
	text, kb := h.menu(u.ID, m.MessageID)
	if text != i18n.T("be", "unsubscribe.done") {
		t.Errorf("after unsubscribing: %q", text)
	}
	button(t, kb, i18n.T("be", "button.subscribe"))
}

// TestSettingsSummaryReads checks the summary of the settings in each
// language: one line per setting, no sentence inside a sentence, custom
// quiet hours shown on their screen.
func TestSettingsSummaryReads(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.feeds("news")
	for i, lang := range subscriptions.Languages() {
		u := userIn(lang, 8100+int64(i))
		chat := faketelegram.PrivateChat(u)
		h.say(u, "/subscribe")
		h.say(u, "/keywords дорога, детский сад, -реклама")
		h.say(u, "/quiet 22:30-06:15")
		m := h.say(u, "/settings")
		text, kb := h.menu(chat.ID, m.MessageID)
		want := i18n.T(lang, "settings.keywords") + ": " + i18n.T(lang, "settings.keywords_only", "дорога, детский сад") + "; " +
			i18n.T(lang, "settings.keywords_except", "реклама")
		if !strings.Contains(text, want) || !strings.Contains(text, i18n.T(lang, "settings.quiet")+": 22:30–06:15") {
			t.Errorf("%s: the summary lacks %q or the quiet hours:\n%s", lang, want, text)
		}
		for _, l := range strings.Split(text, "\n") {
			if strings.Count(l, ":") > 1 && !strings.Contains(l, "–") {
				t.Errorf("%s: a line with a sentence inside: %q", lang, l)
			}
		}
		h.press(chat, u, m.MessageID, button(t, kb, i18n.T(lang, "button.quiet")))
		text, kb = h.menu(chat.ID, m.MessageID)
		if !strings.Contains(text, i18n.T(lang, "settings.quiet_now", "22:30–06:15")) {
			t.Errorf("%s: the quiet hours screen does not show them:\n%s", lang, text)
		}
		if got := button(t, kb, "✅ 22:30–06:15"); got == "" {
			t.Errorf("%s: no marked button for the quiet hours", lang)
		}
		h.press(chat, u, m.MessageID, button(t, kb, "22:30–06:15"))
		if p := h.prefs(u.ID); p.QuietStart != 22*60+30 || p.QuietEnd != 6*60+15 {
			t.Errorf("%s: pressing the current quiet hours changed them to %d-%d", lang, p.QuietStart, p.QuietEnd)
		}
	}
}

// TestTextsNameTheConfiguredZone checks that the texts name the time zone
// the bot runs in, not always Minsk's.
func TestTextsNameTheConfiguredZone(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, harnessOptions{zone: tokyo})
	u := userIn("ru", 8200)
	h.say(u, "/subscribe")
	if got, want := h.say(u, "/quiet с 23 до 6").Plain, i18n.T("ru", "quiet.set", "23:00–06:00", "по времени UTC+9"); got != want {
		t.Errorf("/quiet: %q, want %q", got, want)
	}
	m := h.say(u, "/settings")
	_, kb := h.menu(u.ID, m.MessageID)
	h.press(faketelegram.PrivateChat(u), u, m.MessageID, button(t, kb, i18n.T("ru", "button.delivery")))
	if text, _ := h.menu(u.ID, m.MessageID); !strings.Contains(text, "(по времени UTC+9)") || strings.Contains(text, "минск") {
		t.Errorf("the delivery screen: %q, want the zone UTC+9", text)
	}
}
