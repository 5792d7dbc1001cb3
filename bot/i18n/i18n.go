// Package i18n holds every text the bot shows to people, one catalogue per
// language the bot speaks (subscriptions.Languages), and the few language
// rules (dates) that go with them. One file per language; tests fail when a
// language has no catalogue, when a key is missing from any catalogue, or
// when the code uses a key no catalogue has.
package i18n

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

// Default is the language used when nothing better is known.
const Default = subscriptions.LangRU

// catalogs are keyed by the domain's languages.
var catalogs = map[string]map[string]string{
	subscriptions.LangRU: ru,
	subscriptions.LangBE: be,
	subscriptions.LangEN: en,
}

// Pick returns the first supported language among candidates (Telegram
// language codes such as "ru-RU" are cut at the dash), or fallback.
func Pick(fallback string, candidates ...string) string {
	for _, c := range candidates {
		c = strings.ToLower(c)
		if i := strings.IndexAny(c, "-_"); i > 0 {
			c = c[:i]
		}
		if subscriptions.ValidLanguage(c) {
			return c
		}
	}
	if subscriptions.ValidLanguage(fallback) {
		return fallback
	}
	return Default
}

// T returns the text for key in lang, formatted with args like fmt.Sprintf.
// A key missing in lang falls back to the default language and then to the
// key itself, so a gap shows up as a visible key rather than an empty
// message, and is logged (through slog's default logger: texts are rendered
// far from any component's logger) as an error to fix. The tests keep that
// from shipping: TestCatalogsComplete and the scan of the code for keys.
func T(lang, key string, args ...any) string {
	s, ok := Lookup(lang, key)
	if !ok {
		slog.Error("text missing from the catalogues", "key", key, "language", lang)
		if s, ok = catalogs[Default][key]; !ok {
			s = key
		}
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// Lookup returns the text for key in lang as it stands in the catalogue,
// for keys that may legitimately be missing (those built from data).
func Lookup(lang, key string) (string, bool) {
	s, ok := catalogs[lang][key]
	return s, ok
}

// Date formats t as a day in lang: "2 марта 2023", "2 сакавіка 2023", "2 March 2023".
func Date(lang string, t time.Time) string {
	return fmt.Sprintf("%d %s %d", t.Day(), T(lang, "month."+strconv.Itoa(int(t.Month()))), t.Year())
}

// DateTime formats t as a day and a time of day in lang: "2 марта 2023, 10:15".
func DateTime(lang string, t time.Time) string {
	return Date(lang, t) + t.Format(", 15:04")
}

// ShortDate formats t compactly for lists: "02.03.2023".
func ShortDate(t time.Time) string { return t.Format("02.01.2006") }

// Zone names the time zone of loc for a sentence in lang, as it is at t:
// "по минскому времени", "па мінскім часе", "Minsk time", or by its offset
// from UTC ("по времени UTC+3") for a zone without a name in the catalogues.
func Zone(lang string, loc *time.Location, t time.Time) string {
	switch loc.String() {
	case "Europe/Minsk":
		return T(lang, "zone.minsk")
	case "Europe/Moscow":
		return T(lang, "zone.moscow")
	}
	_, off := t.In(loc).Zone()
	sign := "+"
	if off < 0 {
		sign, off = "−", -off
	}
	offset := ""
	switch h, m := off/3600, off%3600/60; {
	case m != 0:
		offset = fmt.Sprintf("%s%d:%02d", sign, h, m)
	case h != 0:
		offset = fmt.Sprintf("%s%d", sign, h)
	}
	return T(lang, "zone.offset", offset)
}

// thousands separate the groups of digits of a number, by language.
var thousands = map[string]string{
	subscriptions.LangRU: "\u00a0",
	subscriptions.LangBE: "\u00a0",
	subscriptions.LangEN: ",",
}

// Number writes n with its thousands grouped as lang writes them: "1 204"
// (with a no-break space) in Russian and Belarusian, "1,204" in English.
func Number(lang string, n int) string {
	digits := strconv.Itoa(n)
	sign := ""
	if n < 0 {
		sign, digits = "-", digits[1:]
	}
	sep, ok := thousands[lang]
	if !ok {
		sep = thousands[Default]
	}
	var b strings.Builder
	for i, d := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(d)
	}
	return sign + b.String()
}
