package feed

import (
	"context"
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"
)

func TestDiscover(t *testing.T) {
	base, _ := url.Parse("https://osipovichi.gov.by/")
	home, err := os.ReadFile("testdata/home.html")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Discover(home, base, "")
	if err != nil || got != "https://osipovichi.gov.by/ru/rss-ru/" {
		t.Errorf("home.html: got %q, %v; want https://osipovichi.gov.by/ru/rss-ru/", got, err)
	}

	tests := []struct {
		name, page, base, want string
	}{
		{"atom, relative to page", `<html><head><link rel="alternate" type="application/atom+xml" href="atom.xml"></head></html>`,
			"https://osipovichi.gov.by/ru/main-ru/", "https://osipovichi.gov.by/ru/main-ru/atom.xml"},
		{"case and extra rel tokens", `<HTML><HEAD><LINK REL="Alternate feed" TYPE="Application/RSS+XML; charset=utf-8" HREF="/rss"></HEAD>`,
			"https://osipovichi.gov.by/", "https://osipovichi.gov.by/rss"},
		{"base href", `<head><base href="https://cdn.osipovichi.gov.by/x/"><link rel="alternate" type="application/rss+xml" href="feed/"></head>`,
			"https://osipovichi.gov.by/", "https://cdn.osipovichi.gov.by/x/feed/"},
		{"hreflang alternates skipped", `<link rel="alternate" hreflang="be" href="/be/"><link rel="alternate" type="application/rss+xml" href="//osipovichi.gov.by/ru/rss-ru/">`,
			"http://osipovichi.gov.by/", "http://osipovichi.gov.by/ru/rss-ru/"},
		{"javascript href skipped", `<link rel="alternate" type="application/rss+xml" href="javascript:void(0)"><link rel="alternate" type="application/rss+xml" href="/ok">`,
			"https://osipovichi.gov.by/", "https://osipovichi.gov.by/ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := url.Parse(tt.base)
			got, err := Discover([]byte(tt.page), b, "")
			if err != nil || got != tt.want {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestDiscoverNone(t *testing.T) {
	base, _ := url.Parse("https://osipovichi.gov.by/ru/contacts-ru/")
	page, err := os.ReadFile("testdata/page-nofeed.html")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Discover(page, base, "")
	if !errors.Is(err, ErrNoFeedLink) {
		t.Fatalf("got %v, want ErrNoFeedLink", err)
	}
	if want := "no RSS or Atom feed link found on https://osipovichi.gov.by/ru/contacts-ru/: the page is HTML"; err.Error() != want {
		t.Errorf("message: got %q, want %q", err, want)
	}
}

func TestIsHTML(t *testing.T) {
	tests := []struct {
		ct   string
		body string
		want bool
	}{
		{"text/html; charset=utf-8", "<!DOCTYPE html><html>", true},
		{"", "\n  <!doctype HTML>\n<html>", true},
		{"application/octet-stream", "<!-- x --><html lang=ru>", true},
		{"text/html", `<?xml version="1.0"?><rss version="2.0">`, false}, // a feed served as HTML is a feed
		{"text/html", "<feed xmlns=\"http://www.w3.org/2005/Atom\">", false},
		{"text/xml", "<rdf:RDF>", false},
		{"text/html", "garbage", true},
		{"application/rss+xml", "garbage", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got := IsHTML(tt.ct, []byte(tt.body)); got != tt.want {
			t.Errorf("IsHTML(%q, %q): got %v, want %v", tt.ct, tt.body, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, body, want string
		is               error
	}{
		{"empty", "  \n", "the portal sent an empty answer instead of a feed (parse https://osipovichi.gov.by/ru/rss-ru/)", ErrNotFeed},
		{"not a feed", "<note>hi</note>", "the document element is <note>", ErrNotFeed},
		{"truncated", `<?xml version="1.0"?><rss version="2.0"><channel><title>Новости</title><item><title>Обрыв`, "the feed was cut off before its first complete item (parse https://osipovichi.gov.by/ru/rss-ru/)", ErrTruncated},
		{"random", "\x89PNG\r\n\x1a\n\x00\x00", "does not start with markup", ErrNotFeed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse([]byte(tt.body), "application/rss+xml", "https://osipovichi.gov.by/ru/rss-ru/")
			if err == nil {
				t.Fatalf("got %+v, want an error", p)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %q, want it to contain %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
		})
	}
}

func TestParseArticlesHTML(t *testing.T) {
	home, _ := os.ReadFile("testdata/home.html")
	p, _, err := ParseArticles(home, "text/html", "https://osipovichi.gov.by/", subscriptionsFeed(), testNow)
	if !p.HTML || !errors.Is(err, ErrNotFeed) || !strings.Contains(err.Error(), "links to the feed https://osipovichi.gov.by/ru/rss-ru/") {
		t.Errorf("got HTML=%v, %v", p.HTML, err)
	}
	nofeed, _ := os.ReadFile("testdata/page-nofeed.html")
	if _, _, err := ParseArticles(nofeed, "text/html", "https://osipovichi.gov.by/ru/contacts-ru/", subscriptionsFeed(), testNow); !errors.Is(err, ErrNoFeedLink) {
		t.Errorf("got %v, want ErrNoFeedLink", err)
	}
}

func TestDiscoverAllLanguages(t *testing.T) {
	base, _ := url.Parse("https://osipovichi.gov.by/")
	page := `<head>
<link rel="alternate" type="application/rss+xml" hreflang="be-BY" href="/feeds/1.xml">
<link rel="alternate" type="application/rss+xml" lang="en" href="/feeds/2.xml">
<link rel="alternate" type="application/rss+xml" href="/ru/rss-ru/">
<link rel="alternate" type="application/atom+xml" href="/feeds/3.xml">
<link rel="alternate" hreflang="en" href="/en/">
</head>`
	links, err := DiscoverAll([]byte(page), base)
	if err != nil {
		t.Fatal(err)
	}
	want := []FeedLink{
		{URL: "https://osipovichi.gov.by/feeds/1.xml", Language: "be", Hint: "hreflang"},
		{URL: "https://osipovichi.gov.by/feeds/2.xml", Language: "en", Hint: "lang"},
		{URL: "https://osipovichi.gov.by/ru/rss-ru/", Language: "ru", Hint: "path"},
		{URL: "https://osipovichi.gov.by/feeds/3.xml"},
	}
	if len(links) != len(want) {
		t.Fatalf("got %+v, want %+v", links, want)
	}
	for i := range want {
		if links[i] != want[i] {
			t.Errorf("link %d: got %+v, want %+v", i, links[i], want[i])
		}
	}
	for lang, want := range map[string]string{"": "https://osipovichi.gov.by/feeds/1.xml", "ru": "https://osipovichi.gov.by/ru/rss-ru/",
		"en": "https://osipovichi.gov.by/feeds/2.xml"} {
		if got, err := Discover([]byte(page), base, lang); err != nil || got != want {
			t.Errorf("Discover in %q: got %q, %v; want %q", lang, got, err, want)
		}
	}
}

// TestLanguageVersions: a link that does not tell its language is read for
// the feed's own <language>; the first feed of each language is its
// version; a page in one language has no versions.
func TestLanguageVersions(t *testing.T) {
	p := testPortal(t)
	p.Set("/feeds/by/", []byte(`<rss version="2.0"><channel><title>Навіны</title><language>be-BY</language></channel></rss>`), "application/rss+xml")
	p.Set("/feeds/unknown/", []byte(`<rss version="2.0"><channel><title>?</title></channel></rss>`), "application/rss+xml")
	links := []FeedLink{
		{URL: p.URL("/ru/rss-ru/"), Language: "ru", Hint: "path"},
		{URL: p.URL("/feeds/unknown/")},
		{URL: p.URL("/feeds/by/")},
		{URL: p.URL("/ru/atom-ru/"), Language: "ru", Hint: "path"},
	}
	got := testFetcher().languageVersions(context.Background(), links)
	want := []FeedLink{links[0], {URL: p.URL("/feeds/by/"), Language: "be", Hint: "<language>"}}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
