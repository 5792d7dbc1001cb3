package invite

import (
	"net/url"
	"strings"
	"testing"
)

func TestNewLinkAccepts(t *testing.T) {
	for _, tc := range []struct {
		bot, payload       string
		wantBot, wantStart string
	}{
		{"@osipovichi_news_bot", "", "osipovichi_news_bot", "subscribe"},
		{"OsipovichiBot", "subscribe-poster1", "OsipovichiBot", "subscribe-poster1"},
		{"abcbot", "A_b-9", "abcbot", "A_b-9"},
		{"a" + strings.Repeat("1", 28) + "bot", strings.Repeat("x", 64), "a" + strings.Repeat("1", 28) + "bot", strings.Repeat("x", 64)},
	} {
		l, err := NewLink(tc.bot, tc.payload)
		if err != nil {
			t.Errorf("NewLink(%q, %q): %v", tc.bot, tc.payload, err)
			continue
		}
		want := "https://t.me/" + tc.wantBot + "?start=" + tc.wantStart
		if l.URL() != want || l.Short() != strings.TrimPrefix(want, "https://") || l.Bot() != tc.wantBot || l.Payload() != tc.wantStart {
			t.Errorf("NewLink(%q, %q): got %s (%s, bot %s, payload %s), want %s", tc.bot, tc.payload, l.URL(), l.Short(), l.Bot(), l.Payload(), want)
		}
	}
}

func TestNewLinkRejects(t *testing.T) {
	for _, tc := range []struct {
		bot, payload string
		want         string // in the error
	}{
		{"", "", "empty"},
		{"@", "", "empty"},
		{"abot", "", "5 to 32"},
		{"a" + strings.Repeat("b", 29) + "bot", "", "5 to 32"},
		{"1news_bot", "", "start with a Latin letter"},
		{"_news_bot", "", "start with a Latin letter"},
		{"osipovichi_news", "", `end in "bot"`},
		{"новости_bot", "", `character 1 ('н')`},
		{"news bot", "", `character 5 (' ')`},
		{"@@news_bot", "", `character 1 ('@')`},
		{"news_bot", strings.Repeat("x", 65), "at most 64"},
		{"news_bot", "start=1", `character 6 ('=')`},
		{"news_bot", "poster 1", `character 7 (' ')`},
		{"news_bot", "плакат", `character 1 ('п')`},
		{"news_bot", "a/b", "use A-Z, a-z, 0-9, _ and -"},
	} {
		_, err := NewLink(tc.bot, tc.payload)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewLink(%q, %q): got error %v, want one with %q", tc.bot, tc.payload, err, tc.want)
		}
	}
}

// Whatever NewLink accepts makes a t.me link that opens the bot with
// exactly that payload, and fits in a QR code.
func FuzzNewLink(f *testing.F) {
	f.Add("@osipovichi_news_bot", "subscribe-poster1")
	f.Add("news_bot", "")
	f.Add("новости_bot", "плакат")
	f.Add("a1234bot", "?start=x&y")
	f.Fuzz(func(t *testing.T, bot, payload string) {
		l, err := NewLink(bot, payload)
		if err != nil {
			return
		}
		u, err := url.Parse(l.URL())
		if err != nil {
			t.Fatalf("NewLink(%q, %q).URL() = %q: %v", bot, payload, l.URL(), err)
		}
		if u.Scheme != "https" || u.Host != "t.me" || u.Path != "/"+l.Bot() || u.RawQuery != "start="+l.Payload() || u.Query().Get("start") != l.Payload() {
			t.Fatalf("NewLink(%q, %q).URL() = %q: want https://t.me/%s?start=%s", bot, payload, l.URL(), l.Bot(), l.Payload())
		}
		if "@"+l.Bot() != bot && l.Bot() != bot {
			t.Fatalf("NewLink(%q, …).Bot() = %q", bot, l.Bot())
		}
		if _, err := l.MinQRSize(); err != nil {
			t.Fatal(err)
		}
	})
}
