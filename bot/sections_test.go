package bot

import (
	"strings"
	"testing"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/subscriptions"
)

// TestSectionNames checks that residents and admins read the names of
// sections in their language, the operator's where given, and never a
// section's slug: in the settings, under an article and in the audience
// buttons of a notice.
func TestSectionNames(t *testing.T) {
	names := map[string]map[string]string{
		"kids":     {"ru": "Детям и родителям", "be": "Дзецям і бацькам", "en": "For children and parents"},
		"district": {"ru": "Жизнь района"}, // be and en keep the built-in names
	}
	h := newAdminHarness(t, harnessOptions{sections: names})
	h.feeds("news/ru", "news/be", "news/en", "district", "kids")
	want := map[string]map[string]string{
		"ru": {"news": "Новости", "district": "Жизнь района", "kids": "Детям и родителям"},
		"be": {"news": "Навіны", "district": "Навіны раёна", "kids": "Дзецям і бацькам"},
		"en": {"news": "News", "district": "District news", "kids": "For children and parents"},
	}
	slugs := []string{"news", "district", "kids"}
	hidden := slugs[1:] // "news" is also an English word of the names
	for i, lang := range subscriptions.Languages() {
		u := userIn(lang, 7800+int64(i))
		chat := faketelegram.PrivateChat(u)
		h.say(u, "/subscribe")
		m := h.say(u, "/settings")
		_, kb := h.menu(chat.ID, m.MessageID)
		h.press(chat, u, m.MessageID, button(t, kb, i18n.T(lang, "button.sections")))
		text, kb := h.menu(chat.ID, m.MessageID)
		for _, sec := range slugs {
			button(t, kb, want[lang][sec])
		}
		noSlug(t, lang+" sections screen", text, kb, hidden)
		h.press(chat, u, m.MessageID, button(t, kb, i18n.T(lang, "button.back")))
		text, kb = h.menu(chat.ID, m.MessageID)
		for _, sec := range slugs {
			if !strings.Contains(text, want[lang][sec]) {
				t.Errorf("%s: the settings summary lacks %q:\n%s", lang, want[lang][sec], text)
			}
		}
		noSlug(t, lang+" settings summary", text, kb, hidden)
	}

	before := map[string]int{}
	for i, lang := range subscriptions.Languages() {
		before[lang] = len(h.tg.Messages(7800 + int64(i)))
	}
	h.publish("kids", "", subscriptions.Article{Title: "Летний лагерь открыт", Link: "https://osipovichi.gov.by/ru/kids/1/"})
	h.waitDelivered()
	for i, lang := range subscriptions.Languages() {
		got := h.tg.Messages(7800 + int64(i))[before[lang]:]
		if len(got) != 1 {
			t.Fatalf("%s: %d messages after the article, want 1", lang, len(got))
		}
		if w := i18n.T(lang, "article.section") + ": " + want[lang]["kids"]; !strings.Contains(got[0].Plain, w) {
			t.Errorf("%s: the article reads %q, want %q in it", lang, got[0].Plain, w)
		}
		noSlug(t, lang+" article", got[0].Plain, nil, hidden)
	}

	for _, a := range []faketelegram.User{admin, admin2, adminEN} {
		lang := i18n.Pick("ru", a.LanguageCode)
		_, control := h.draft(a, textNotice(h, a, "Внимание"))
		for _, sec := range slugs {
			button(t, control.ReplyMarkup, i18n.T(lang, "notice.button.section", want[lang][sec]))
		}
		noSlug(t, lang+" notice control", control.Plain, control.ReplyMarkup, hidden)
		h.say(a, "/cancel")
	}
}

// noSlug fails when a text or a keyboard shows a section's slug as a word.
func noSlug(t *testing.T, where, text string, kb *faketelegram.InlineKeyboard, slugs []string) {
	t.Helper()
	all := text
	if kb != nil {
		for _, row := range kb.Rows {
			for _, b := range row {
				all += "\n" + b.Text
			}
		}
	}
	for _, w := range strings.FieldsFunc(all, func(r rune) bool { return !('a' <= r && r <= 'z') }) {
		for _, s := range slugs {
			if w == s {
				t.Errorf("%s shows the slug %q:\n%s", where, s, all)
			}
		}
	}
}
