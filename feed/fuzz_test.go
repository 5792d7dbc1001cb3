package feed

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/osipovichi/newsbot/subscriptions"
)

// FuzzNormalise feeds arbitrary bytes and content types through decoding,
// parsing and normalisation: nothing may panic, and titles and summaries must
// be valid UTF-8 without control characters (summaries may contain "\n").
func FuzzNormalise(f *testing.F) {
	files, err := filepath.Glob("testdata/*")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		if fi, err := os.Stat(name); err != nil || !fi.Mode().IsRegular() || strings.HasSuffix(name, ".md") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		ct := "application/rss+xml"
		switch {
		case strings.HasSuffix(name, ".html"):
			ct = "text/html; charset=utf-8"
		case strings.Contains(name, "noprolog"):
			ct = "application/rss+xml; charset=windows-1251"
		}
		f.Add(b, ct)
	}
	f.Add([]byte(`<rss><channel><item><title>&#1;&#x85;<b>t</b></title><description><![CDATA[<p>a</p>`+"\x00\xff"+`]]></description></item></channel></rss>`), "text/xml; charset=koi8-r")
	f.Add([]byte("\xff\xfe<\x00r\x00s\x00s\x00>\x00"), "")
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","title":"x\u0000y","content_html":"<p>z</p>"}]}`), "application/feed+json")

	feed := subscriptions.Feed{ID: 1, URL: "https://osipovichi.gov.by/ru/rss-ru/", Section: "news"}
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		p, err := Parse(body, contentType, feed.URL)
		if err != nil {
			return
		}
		if p.HTML {
			DiscoverAll(p.Body, parseURL(feed.URL))
			return
		}
		for _, a := range Normalise(p, feed, testNow) {
			checkText(t, "title", a.Title, false)
			checkText(t, "summary", a.Summary, true)
			for _, c := range a.Categories {
				checkText(t, "category", c, false)
			}
			if a.Key == "" {
				t.Errorf("empty key for %+v", a)
			}
			if a.Published.IsZero() || a.Published.After(testNow.Add(FutureTolerance)) {
				t.Errorf("published %v", a.Published)
			}
			for _, u := range []string{a.Link, a.ImageURL} {
				if u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
					t.Errorf("url %q is not http(s)", u)
				}
			}
		}
	})
}

func checkText(t *testing.T, what, s string, multiline bool) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("%s %q is not valid UTF-8", what, s)
	}
	for _, r := range s {
		if r == '\n' && multiline {
			continue
		}
		if unicode.IsControl(r) {
			t.Errorf("%s %q contains control character %U", what, s, r)
		}
	}
	if utf8.RuneCountInString(s) > SummaryMaxRunes+1 && what == "summary" {
		t.Errorf("summary of %d runes", utf8.RuneCountInString(s))
	}
}
