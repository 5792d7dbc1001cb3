package bot

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/subscriptions"
)

func TestParseQuiet(t *testing.T) {
	const h = 60
	tests := []struct {
		in         string
		start, end int
		off, ok    bool
	}{
		// Numbers alone, as everyone writes them.
		{"21:30-07:00", 21*h + 30, 7 * h, false, true},
		{"22:00–07:00", 22 * h, 7 * h, false, true},
		{"22-8", 22 * h, 8 * h, false, true},
		{"23-7", 23 * h, 7 * h, false, true},
		{"23.00 — 06.30", 23 * h, 6*h + 30, false, true},
		{" 23 - 7 ", 23 * h, 7 * h, false, true},
		{"13:00-24:00", 13 * h, 0, false, true},
		{"0-6", 0, 6 * h, false, true},
		// Russian.
		{"с 23 до 6", 23 * h, 6 * h, false, true},
		{"С 22:30 до 07:00", 22*h + 30, 7 * h, false, true},
		{"22 до 7", 22 * h, 7 * h, false, true},
		{"от 23 ч до 6 ч", 23 * h, 6 * h, false, true},
		{"с 23 часов до 7 часов.", 23 * h, 7 * h, false, true},
		{"c 23 до 6", 23 * h, 6 * h, false, true}, // a Latin c, as typed on the wrong keyboard
		{"выкл", 0, 0, true, true},
		{"Выключить", 0, 0, true, true}, // the button
		{"отключить", 0, 0, true, true},
		{"нет", 0, 0, true, true},
		// Belarusian.
		{"з 22 да 7", 22 * h, 7 * h, false, true},
		{"ад 23:00 да 06:30", 23 * h, 6*h + 30, false, true},
		{"з 22 гадзін да 7 гадзін", 22 * h, 7 * h, false, true},
		{"адкл", 0, 0, true, true},
		{"Выключыць", 0, 0, true, true}, // the button
		{"адключыць", 0, 0, true, true},
		// English.
		{"10pm-7am", 22 * h, 7 * h, false, true},
		{"10 pm - 7 am", 22 * h, 7 * h, false, true},
		{"from 10pm to 7am", 22 * h, 7 * h, false, true},
		{"from 11 p.m. to 6 a.m.", 23 * h, 6 * h, false, true},
		{"10:30pm-6:15am", 22*h + 30, 6*h + 15, false, true},
		{"12am-6am", 0, 6 * h, false, true},
		{"9pm-12pm", 21 * h, 12 * h, false, true},
		{"22 to 7", 22 * h, 7 * h, false, true},
		{"22 till 7", 22 * h, 7 * h, false, true},
		{"off", 0, 0, true, true},
		{"Off", 0, 0, true, true}, // the button
		{"turn off", 0, 0, true, true},
		// Not quiet hours.
		{"8-8", 0, 0, false, false},
		{"с 8 до 8", 0, 0, false, false},
		{"25-7", 0, 0, false, false},
		{"22:61-7", 0, 0, false, false},
		{"13pm-7am", 0, 0, false, false},
		{"0am-7am", 0, 0, false, false},
		{"22", 0, 0, false, false},
		{"с 23", 0, 0, false, false},
		{"soon", 0, 0, false, false},
		{"ночью", 0, 0, false, false},
		{"22-7-8", 0, 0, false, false},
		{"", 0, 0, false, false},
	}
	for _, tt := range tests {
		s, e, off, ok := parseQuiet(tt.in)
		if ok != tt.ok || ok && (s != tt.start || e != tt.end || off != tt.off) {
			t.Errorf("parseQuiet(%q) = %d, %d, %t, %t; want %d, %d, %t, %t", tt.in, s, e, off, ok, tt.start, tt.end, tt.off, tt.ok)
		}
	}
	// The bot's own button turns quiet hours off in every language.
	for _, l := range subscriptions.Languages() {
		if _, _, off, ok := parseQuiet(i18n.T(l, "button.quiet_off")); !off || !ok {
			t.Errorf("%s: the button's word %q does not turn quiet hours off", l, i18n.T(l, "button.quiet_off"))
		}
	}
}

func TestParseLatest(t *testing.T) {
	tests := []struct {
		in         string
		n          int
		capped, ok bool
	}{
		{"10", 10, false, true},
		{" 7 ", 7, false, true},
		{"1", 1, false, true},
		{"20", 20, false, true},
		{"21", 20, true, true},
		{"50", 20, true, true},
		{"+15", 15, false, true},
		{"015", 15, false, true},
		{"99999999999999999999999", 20, true, true},
		{"10 новостей", 10, false, true},
		{"10 навін", 10, false, true},
		{"10 news", 10, false, true},
		{"0", 0, false, false},
		{"-5", 0, false, false},
		{"десять", 0, false, false},
		{"ten", 0, false, false},
		{"10.5", 0, false, false},
		{"٣", 0, false, false}, // an Arabic-Indic three
		{"", 0, false, false},
	}
	for _, tt := range tests {
		n, capped, ok := parseLatest(tt.in, maxLatest)
		if n != tt.n || capped != tt.capped || ok != tt.ok {
			t.Errorf("parseLatest(%q) = %d, %t, %t; want %d, %t, %t", tt.in, n, capped, ok, tt.n, tt.capped, tt.ok)
		}
	}
}

func TestParseLanguage(t *testing.T) {
	tests := map[string]string{
		"ru": "ru", "Русский": "ru", "русский язык": "ru", "по-русски": "ru", "руская": "ru", "Russian": "ru",
		"be": "be", "BY": "be", "беларуская": "be", "Беларуская мова": "be", "па-беларуску": "be", "белорусский": "be", "belarusian": "be",
		"en": "en", "English": "en", "английский": "en", "англійская": "en", "English language": "en",
		"de": "", "deutsch": "", "": "", "мова": "",
	}
	for in, want := range tests {
		got, ok := parseLanguage(in)
		if got != want || ok != (want != "") {
			t.Errorf("parseLanguage(%q) = %q, %t; want %q", in, got, ok, want)
		}
	}
}

// FuzzCommandInput feeds the parsers of what residents type: nothing they
// accept is out of range.
func FuzzCommandInput(f *testing.F) {
	for _, s := range []string{"21:30-07:00", "@osip_news", "https://t.me/x", "с 23 до 6", "з 22 да 7", "10pm-7am", "from 11 p.m. to 6 a.m.",
		"", "22 до 7", "50", "99999999999999999999", "беларуская мова", "\xff", "12am-12pm"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if start, end, off, ok := parseQuiet(s); ok && !off && (start == end || start < 0 || end < 0 || start >= 24*60 || end >= 24*60) {
			t.Fatalf("parseQuiet(%q) accepted %d-%d", s, start, end)
		}
		if n, _, ok := parseLatest(s, maxLatest); ok && (n < 1 || n > maxLatest) {
			t.Fatalf("parseLatest(%q) = %d", s, n)
		}
		if l, ok := parseLanguage(s); ok && !subscriptions.ValidLanguage(l) {
			t.Fatalf("parseLanguage(%q) = %q", s, l)
		}
		if ref, ok := channelRef(s); ok && (len(ref) > 33 || !utf8.ValidString(ref)) {
			t.Fatalf("channelRef(%q) = %q", s, ref)
		}
	})
}

// TestFreeFormInputInEveryLanguage runs /quiet and /latest as residents of
// each language write them.
func TestFreeFormInputInEveryLanguage(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.feeds("news")
	for i := 1; i <= 25; i++ {
		h.publish("news", "", newsArticle(i))
	}
	cases := map[string]struct{ on, off string }{
		"ru": {"с 23 до 6", "выключить"},
		"be": {"з 23 да 6", "адкл"},
		"en": {"11pm-6am", "off"},
	}
	for i, lang := range subscriptions.Languages() {
		u := userIn(lang, 7970+int64(i))
		h.say(u, "/subscribe")
		c := cases[lang]
		if got, want := h.say(u, "/quiet "+c.on).Plain, i18n.T(lang, "quiet.set", "23:00–06:00", i18n.T(lang, "zone.minsk")); !strings.HasPrefix(got, want) {
			t.Errorf("%s: /quiet %s answered %q, want %q", lang, c.on, got, want)
		}
		if p := h.prefs(u.ID); p.QuietStart != 23*60 || p.QuietEnd != 6*60 {
			t.Errorf("%s: quiet hours %d-%d, want 23:00-06:00", lang, p.QuietStart, p.QuietEnd)
		}
		if got := h.say(u, "/quiet "+c.off).Plain; got != i18n.T(lang, "quiet.off") {
			t.Errorf("%s: /quiet %s answered %q, want %q", lang, c.off, got, i18n.T(lang, "quiet.off"))
		}
		if p := h.prefs(u.ID); p.QuietHoursOn() {
			t.Errorf("%s: quiet hours still on", lang)
		}
		m := h.say(u, "/latest 50")
		if n := strings.Count(m.Text, "<a href="); n != maxLatest || !strings.Contains(m.Plain, i18n.T(lang, "latest.capped", maxLatest)) {
			t.Errorf("%s: /latest 50 showed %d articles: %q; want %d and the note", lang, n, m.Plain, maxLatest)
		}
		if got := h.say(u, "/latest 0").Plain; got != i18n.T(lang, "latest.bad_n", maxLatest) {
			t.Errorf("%s: /latest 0 answered %q", lang, got)
		}
	}
}
