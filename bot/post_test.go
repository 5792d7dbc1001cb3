package bot

import (
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
)

func TestParsePage(t *testing.T) {
	base, _ := url.Parse("https://osipovichi.gov.by/ru/news-ru/view/5/#top")
	tests := []struct {
		name, doc string
		want      page
	}{
		{"open graph", `<html lang="be-BY"><head><title>Site</title>
			<meta property="og:title" content="  Рамонт
			  моста ">
			<meta name="description" content="Meta description">
			<meta property="og:image" content="../img/a.jpg">
			<meta property="og:url" content="https://www.osipovichi.gov.by/ru/news-ru/view/5/">
			</head></html>`,
			page{URL: "https://osipovichi.gov.by/ru/news-ru/view/5/", Canonical: "https://www.osipovichi.gov.by/ru/news-ru/view/5/",
				Title: "Рамонт моста", Description: "Meta description", Image: "https://osipovichi.gov.by/ru/news-ru/view/img/a.jpg", Lang: "be"}},
		{"title tag only, foreign canonical ignored", `<html><head><svg><title>icon</title></svg><title>Новости района</title>
			<link rel="canonical" href="https://evil.example/x"><meta property="og:image" content="javascript:alert(1)"></head></html>`,
			page{URL: "https://osipovichi.gov.by/ru/news-ru/view/5/", Title: "Новости района"}},
		{"no title", `<p>just text`, page{URL: "https://osipovichi.gov.by/ru/news-ru/view/5/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			if got := parsePage(doc, base); got != tt.want {
				t.Errorf("parsePage:\ngot  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestPostURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://osipovichi.gov.by/ru/news-ru/view/1/#comments": "https://osipovichi.gov.by/ru/news-ru/view/1/",
		"HTTP://osipovichi.gov.by/a?b=c":                        "http://osipovichi.gov.by/a?b=c",
		"ftp://osipovichi.gov.by/":                              "",
		"osipovichi.gov.by/news":                                "",
		"https://user:pw@osipovichi.gov.by/":                    "",
		"https://osipovichi.gov.by/a b":                         "",
		"javascript:alert(1)":                                   "",
	} {
		got := ""
		if u, ok := postURL(in); ok {
			got = u.String()
		}
		if got != want {
			t.Errorf("postURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAdminDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-time.Second:                    "0 s",
		1400 * time.Millisecond:         "1 s",
		83 * time.Second:                "1 min 23 s",
		2*time.Hour + 5*time.Minute + 9: "2 h 5 min",
	} {
		if got := adminDuration("en", d); got != want {
			t.Errorf("adminDuration(%v) = %q, want %q", d, got, want)
		}
	}
	if got := adminDuration("ru", 83*time.Second); got != "1 мин 23 с" {
		t.Errorf("adminDuration(ru) = %q", got)
	}
}

// FuzzParsePage feeds pages from outside to the /post reader.
func FuzzParsePage(f *testing.F) {
	f.Add(`<html lang="ru"><head><meta property="og:title" content="T"><meta property="og:image" content="/i.png"></head></html>`)
	f.Add(`<title>a<b>c</b></title><link rel=canonical href="//x/y">`)
	f.Add("<meta property=og:url content=\"http://[::1]:80/\xff\">")
	base, _ := url.Parse("https://osipovichi.gov.by/a/b")
	f.Fuzz(func(t *testing.T, s string) {
		doc, err := html.Parse(strings.NewReader(s))
		if err != nil {
			return
		}
		p := parsePage(doc, base)
		if strings.ContainsAny(p.Title, "\n\t") {
			t.Errorf("title %q spans lines", p.Title)
		}
		for _, u := range []string{p.Image, p.Canonical} {
			if u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
				t.Errorf("kept a non-http URL %q", u)
			}
		}
		_ = utf8.ValidString(p.Description)
	})
}
