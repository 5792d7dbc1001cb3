package feed

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/osipovichi/newsbot/subscriptions"
)

// FuzzListing feeds arbitrary pages, with the default or a few custom
// selectors, through decoding, the listing parser, normalisation and the date
// reader: nothing may panic; titles and summaries are valid UTF-8 without
// control characters; links and images are absolute http(s) URLs; keys are
// never empty; dates are never in the future.
func FuzzListing(f *testing.F) {
	files, err := filepath.Glob("testdata/*.html")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "text/html; charset=utf-8", uint8(0))
	}
	f.Add([]byte(`<div class="news_block"><div class="news_date">31.02.2023 99:99</div><div class="news_title"><a href="javascript:alert(1)">&#1;<b>x</b>`+"\x00\xff"+`</a></div><div class="news_img" style="background:url(  )"></div></div>`), "text/html; charset=koi8-r", uint8(1))
	f.Add([]byte(`<li class="news"><a href="//evil.example/%zz">Сегодня</a><time datetime="9999-12-31T23:59:59Z">Today</time><img srcset=", ,"></li>`), "", uint8(2))
	f.Add([]byte("<div class=card><a href=/x>y</a><span class=when>28 декабря</span></div>"), "text/html; charset=windows-1251", uint8(3))

	custom := []Selectors{{}, {Item: "div", Title: "a", Date: "span, time", Image: "*"}, {Item: "li, div", Link: "a:not([href^=j])"}, {Item: ".card", Date: ".when"}}
	const page = "https://osipovichi.gov.by/ru/news-rayon-ru/"
	feed := subscriptions.Feed{ID: 1, URL: page, Section: "news", Kind: subscriptions.SourceListing}
	f.Fuzz(func(t *testing.T, body []byte, contentType string, which uint8) {
		utf8Body, _ := Decode(body, contentType)
		l, err := ParseListing(utf8Body, page, custom[int(which)%len(custom)])
		if err != nil {
			t.Fatalf("valid selectors: %v", err)
		}
		for _, it := range l.Items {
			ParseListingDate(it.DateText, nil, testNow)
		}
		for _, a := range NormaliseListing(l, feed, page, nil, testNow) {
			checkText(t, "title", a.Title, false)
			checkText(t, "summary", a.Summary, true)
			if a.Key == "" || !utf8.ValidString(a.Key) {
				t.Errorf("key %q", a.Key)
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
		ParsePage(utf8Body, page, testNow)
	})
}
