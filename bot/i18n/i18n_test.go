package i18n

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

// TestEveryLanguageHasACatalogue fails when a language the bot speaks has
// no catalogue, or a catalogue is for a language the bot does not speak.
func TestEveryLanguageHasACatalogue(t *testing.T) {
	for _, lang := range subscriptions.Languages() {
		if len(catalogs[lang]) == 0 {
			t.Errorf("language %q has no catalogue", lang)
		}
	}
	for lang := range catalogs {
		if !subscriptions.ValidLanguage(lang) {
			t.Errorf("catalogue %q is not one of the languages %v", lang, subscriptions.Languages())
		}
	}
}

// TestCatalogsComplete fails when a key exists in one language and not in another,
// or when the printf verbs of a text differ between languages.
func TestCatalogsComplete(t *testing.T) {
	for _, base := range subscriptions.Languages() {
		for key, text := range catalogs[base] {
			for _, other := range subscriptions.Languages() {
				got, ok := catalogs[other][key]
				if !ok {
					t.Errorf("key %q is in %s but missing in %s", key, base, other)
					continue
				}
				if gv, wv := verbs(got), verbs(text); gv != wv {
					t.Errorf("key %q: %s has verbs %q, %s has %q", key, other, gv, base, wv)
				}
				if strings.TrimSpace(got) == "" {
					t.Errorf("key %q is empty in %s", key, other)
				}
			}
		}
	}
}

func verbs(s string) string {
	var b strings.Builder
	for i := 0; i < len(s)-1; i++ {
		if s[i] == '%' {
			b.WriteByte(s[i+1])
			i++
		}
	}
	return b.String()
}

func TestPick(t *testing.T) {
	tests := []struct {
		fallback string
		in       []string
		want     string
	}{
		{"ru", []string{"be"}, "be"},
		{"ru", []string{"en-US"}, "en"},
		{"ru", []string{"de"}, "ru"},
		{"en", []string{""}, "en"},
		{"xx", nil, Default},
		{"ru", []string{"BE-by"}, "be"},
	}
	for _, tt := range tests {
		if got := Pick(tt.fallback, tt.in...); got != tt.want {
			t.Errorf("Pick(%q, %q) = %q, want %q", tt.fallback, tt.in, got, tt.want)
		}
	}
}

func TestDate(t *testing.T) {
	d := time.Date(2023, time.March, 2, 10, 15, 0, 0, time.UTC)
	for lang, want := range map[string]string{
		"ru": "2 марта 2023, 10:15",
		"be": "2 сакавіка 2023, 10:15",
		"en": "2 March 2023, 10:15",
	} {
		if got := DateTime(lang, d); got != want {
			t.Errorf("DateTime(%s) = %q, want %q", lang, got, want)
		}
	}
}

func TestTFallsBackToKey(t *testing.T) {
	var logs bytes.Buffer
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
	if got := T("en", "no.such.key"); got != "no.such.key" {
		t.Errorf("T(missing) = %q, want the key", got)
	}
	if !strings.Contains(logs.String(), "key=no.such.key") {
		t.Errorf("a missing key was not logged: %q", logs.String())
	}
	if got := T("en", "latest.bad_n", 20); !strings.Contains(got, "20") {
		t.Errorf("T with args = %q, want it to contain 20", got)
	}
}

func TestSections(t *testing.T) {
	s := NewSections(map[string]map[string]string{
		"district": {"ru": "Жизнь района"},
		"kids":     {"be": "Дзецям", "en": "Children", "de": "Kinder"},
		"empty":    {"ru": ""},
	})
	tests := []struct {
		lang, slug, want string
	}{
		{"ru", "district", "Жизнь района"},        // the operator's
		{"be", "district", "Навіны раёна"},        // built in, before another language's
		{"ru", "kids", "Дзецям"},                  // another language's, in the order of Languages
		{"en", "kids", "Children"},                // the operator's
		{"en", "news", "News"},                    // built in
		{"be", "unknown", "Іншыя навіны"},         // never the slug
		{"ru", "empty", T("ru", "section.other")}, // an empty name is no name
	}
	for _, tt := range tests {
		if got := s.Name(tt.lang, tt.slug); got != tt.want {
			t.Errorf("Name(%q, %q) = %q, want %q", tt.lang, tt.slug, got, tt.want)
		}
	}
	for slug, want := range map[string]bool{"district": true, "kids": true, "news": true, "unknown": false, "empty": false} {
		if got := s.Named(slug); got != want {
			t.Errorf("Named(%q) = %t, want %t", slug, got, want)
		}
	}
	var zero Sections
	for _, slug := range BuiltinSections() {
		for _, lang := range subscriptions.Languages() {
			if _, ok := Lookup(lang, "section."+slug); !ok || !zero.Named(slug) {
				t.Errorf("built-in section %q has no name in %s", slug, lang)
			}
		}
	}
}

func TestZone(t *testing.T) {
	load := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	winter, summer := time.Date(2023, 1, 15, 12, 0, 0, 0, time.UTC), time.Date(2023, 7, 15, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		lang, zone string
		at         time.Time
		want       string
	}{
		{"ru", "Europe/Minsk", winter, "по минскому времени"},
		{"be", "Europe/Minsk", winter, "па мінскім часе"},
		{"en", "Europe/Minsk", winter, "Minsk time"},
		{"be", "Europe/Moscow", winter, "па маскоўскім часе"},
		{"ru", "Europe/Warsaw", winter, "по времени UTC+1"},
		{"ru", "Europe/Warsaw", summer, "по времени UTC+2"},
		{"be", "Asia/Kolkata", summer, "па часе UTC+5:30"},
		{"en", "America/New_York", winter, "UTC−5 time"},
		{"en", "UTC", summer, "UTC time"},
	}
	for _, tt := range tests {
		if got := Zone(tt.lang, load(tt.zone), tt.at); got != tt.want {
			t.Errorf("Zone(%s, %s, %s) = %q, want %q", tt.lang, tt.zone, tt.at.Format("Jan"), got, tt.want)
		}
	}
}

func TestNumber(t *testing.T) {
	for _, tt := range []struct {
		lang string
		n    int
		want string
	}{
		{"ru", 0, "0"}, {"ru", 999, "999"}, {"ru", 1204, "1\u00a0204"}, {"be", 1234567, "1\u00a0234\u00a0567"},
		{"en", 1204, "1,204"}, {"en", -12345, "-12,345"}, {"xx", 100000, "100\u00a0000"},
	} {
		if got := Number(tt.lang, tt.n); got != tt.want {
			t.Errorf("Number(%s, %d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
}
