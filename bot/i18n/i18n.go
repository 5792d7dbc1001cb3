// Package i18n holds every text the bot shows to people, in Russian,
// Belarusian and English, and the few language rules (plurals, dates) that
// go with them. One file per language; a test fails when a key is missing
// from any of them.
package i18n

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Default is the language used when nothing better is known.
const Default = "ru"

// Languages lists the supported languages in menu order.
var Languages = []string{"ru", "be", "en"}

var catalogs = map[string]map[string]string{
	"ru": ru,
	"be": be,
	"en": en,
}

// Supported reports whether lang has a catalogue.
func Supported(lang string) bool {
	_, ok := catalogs[lang]
	return ok
}

// Pick returns the first supported language among candidates (Telegram
// language codes such as "ru-RU" are cut at the dash), or fallback.
func Pick(fallback string, candidates ...string) string {
	for _, c := range candidates {
		c = strings.ToLower(c)
		if i := strings.IndexAny(c, "-_"); i > 0 {
			c = c[:i]
		}
		if Supported(c) {
			return c
		}
	}
	if Supported(fallback) {
		return fallback
	}
	return Default
}

// T returns the text for key in lang, formatted with args like fmt.Sprintf.
// A key missing in lang falls back to the default language and then to the
// key itself, so a gap shows up as a visible key rather than an empty message
// (TestCatalogsComplete keeps that from shipping).
func T(lang, key string, args ...any) string {
	s, ok := catalogs[lang][key]
	if !ok {
		if s, ok = catalogs[Default][key]; !ok {
			s = key
		}
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// N returns the plural form of key for count n in lang, formatted with n
// and then args. Forms are stored as key+".one", ".few" and ".many"
// (Russian and Belarusian rules; English uses one and many).
func N(lang, key string, n int, args ...any) string {
	return T(lang, key+"."+pluralForm(lang, n), append([]any{n}, args...)...)
}

func pluralForm(lang string, n int) string {
	if n < 0 {
		n = -n
	}
	if lang == "en" {
		if n == 1 {
			return "one"
		}
		return "many"
	}
	switch d, dd := n%10, n%100; {
	case d == 1 && dd != 11:
		return "one"
	case d >= 2 && d <= 4 && (dd < 12 || dd > 14):
		return "few"
	default:
		return "many"
	}
}

// Date formats t as a day in lang: "2 марта 2023", "2 сакавіка 2023", "2 March 2023".
func Date(lang string, t time.Time) string {
	return fmt.Sprintf("%d %s %d", t.Day(), T(lang, fmt.Sprintf("month.%d", int(t.Month()))), t.Year())
}

// DateTime formats t as a day and a time of day in lang: "2 марта 2023, 10:15".
func DateTime(lang string, t time.Time) string {
	return Date(lang, t) + t.Format(", 15:04")
}

// ShortDate formats t compactly for lists: "02.03.2023".
func ShortDate(t time.Time) string { return t.Format("02.01.2006") }

// Keys returns the sorted keys of lang's catalogue (for tests).
func Keys(lang string) []string {
	keys := make([]string, 0, len(catalogs[lang]))
	for k := range catalogs[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Section returns the display name of a configured section in lang: the
// catalogue's "section.NAME" when there is one, else the name as configured.
func Section(lang, name string) string {
	if s, ok := catalogs[lang]["section."+name]; ok {
		return s
	}
	return name
}
