// Package i18n holds every text the bot shows to people, in Russian,
// Belarusian and English, and the few language rules (plurals, dates) that
// go with them. One file per language; a test fails when a key is missing
// from any of them.
package i18n

import (
	"fmt"
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

// Section returns the display name of a configured section in lang: the
// catalogue's "section.NAME" when there is one, else the name as configured.
func Section(lang, name string) string {
	if s, ok := catalogs[lang]["section."+name]; ok {
		return s
	}
	return name
}
