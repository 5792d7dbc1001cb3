package feed

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestParsePage(t *testing.T) {
	const base = "https://osipovichi.gov.by/ru/news-ru/view/5/#top"
	const clean = "https://osipovichi.gov.by/ru/news-ru/view/5/"
	fixture, err := os.ReadFile("testdata/article-page.html")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, doc string
		want      Page
	}{
		{"portal article page", string(fixture), Page{URL: clean, Language: "ru", Title: "Районный субботник пройдет 25 марта",
			Description: "Республиканский субботник пройдет 25 марта. Заработанные средства направят на благоустройство.",
			Image:       "https://osipovichi.gov.by/files/news/12340/subbotnik.jpg"}},
		{"open graph", `<html lang="be-BY"><head><title>Site</title>
			<meta property="og:title" content="  Рамонт
			  моста ">
			<meta name="description" content="Meta description">
			<meta property="og:image" content="../img/a.jpg">
			<meta property="og:url" content="https://www.osipovichi.gov.by/ru/news-ru/view/5/#x">
			<meta property="article:published_time" content="2023-03-02T10:15:00+03:00">
			</head></html>`,
			Page{URL: clean, Canonical: "https://www.osipovichi.gov.by/ru/news-ru/view/5/",
				Title: "Рамонт моста", Description: "Meta description", Image: "https://osipovichi.gov.by/ru/news-ru/view/img/a.jpg",
				Published: time.Date(2023, 3, 2, 7, 15, 0, 0, time.UTC), Language: "be"}},
		{"title tag only, foreign canonical and script image ignored", `<html><head><svg><title>icon</title></svg><title>Новости района</title>
			<link rel="canonical" href="https://evil.example/x"><meta property="og:image" content="javascript:alert(1)"></head></html>`,
			Page{URL: clean, Title: "Новости района"}},
		{"fallbacks", `<html><head><meta name="twitter:image" content="javascript:x"><link rel="image_src" href="/i.png">
			<meta property="og:description" content="<br>"><meta name="description" content=" d &amp; e "><link rel="Canonical" href="/ru/news-ru/view/5/?p=1">
			<meta itemprop="datePublished" content="2023-03-01"></head></html>`,
			Page{URL: clean, Canonical: "https://osipovichi.gov.by/ru/news-ru/view/5/?p=1", Image: "https://osipovichi.gov.by/i.png",
				Description: "d & e", Published: time.Date(2023, 2, 28, 21, 0, 0, 0, time.UTC)}},
		{"a date in the future is dropped", `<meta property="article:published_time" content="2030-01-01T00:00:00Z"><title>T</title>`,
			Page{URL: clean, Title: "T"}},
		{"no title", `<p>just text`, Page{URL: clean}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ParsePage([]byte(tt.doc), base, testNow); got != tt.want {
				t.Errorf("ParsePage:\ngot  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// FuzzParsePage feeds pages from outside to the page reader: nothing may
// panic, titles are one line, text is valid UTF-8, addresses are http(s).
func FuzzParsePage(f *testing.F) {
	f.Add(`<html lang="ru"><head><meta property="og:title" content="T"><meta property="og:image" content="/i.png"></head></html>`)
	f.Add(`<title>a<b>c</b></title><link rel=canonical href="//x/y">`)
	f.Add("<meta property=og:url content=\"http://[::1]:80/\xff\">")
	f.Add(`<meta name=date content="31.02.2023 99:99"><meta property=og:description content="&lt;p&gt;x">`)
	f.Fuzz(func(t *testing.T, s string) {
		p := ParsePage([]byte(s), "https://osipovichi.gov.by/a/b", testNow)
		if strings.ContainsAny(p.Title, "\n\t") {
			t.Errorf("title %q spans lines", p.Title)
		}
		for _, u := range []string{p.Image, p.Canonical} {
			if u != "" && !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
				t.Errorf("kept a non-http URL %q", u)
			}
		}
		if !utf8.ValidString(p.Title) || !utf8.ValidString(p.Description) {
			t.Errorf("invalid UTF-8 in %+v", p)
		}
		if p.Published.After(testNow.Add(FutureTolerance)) {
			t.Errorf("published %v, in the future", p.Published)
		}
	})
}

func TestReadPage(t *testing.T) {
	var userAgents []string
	mux := http.NewServeMux()
	mux.HandleFunc("/news/1/", func(w http.ResponseWriter, r *http.Request) {
		userAgents = append(userAgents, r.UserAgent())
		w.Header().Set("Content-Type", "text/html; charset=windows-1251")
		// "Новости" in windows-1251.
		fmt.Fprint(w, "<html lang=ru><head><title>\xcd\xee\xe2\xee\xf1\xf2\xe8</title></head></html>")
	})
	mux.Handle("/short/1", http.RedirectHandler("/news/1/", http.StatusFound))
	mux.HandleFunc("/image.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("\x89PNG"))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	f := testFetcher()
	ctx := context.Background()

	p, err := f.ReadPage(ctx, srv.URL+"/short/1#top")
	if err != nil {
		t.Fatal(err)
	}
	if want := (Page{URL: srv.URL + "/news/1/", Title: "Новости", Language: "ru"}); p != want {
		t.Errorf("through a redirect, in windows-1251: got %+v, want %+v", p, want)
	}
	if len(userAgents) != 1 || userAgents[0] != "newsbot/1.2.3 (+https://github.com/osipovichi/newsbot)" {
		t.Errorf("User-Agent %q, want the fetcher's with its contact URL", userAgents)
	}

	_, err = f.ReadPage(ctx, srv.URL+"/image.png")
	var np *NotPageError
	if !errors.As(err, &np) || np.ContentType != "image/png" {
		t.Errorf("an image: got %v, want a NotPageError naming image/png", err)
	}
	_, err = f.ReadPage(ctx, srv.URL+"/missing/")
	var he *HTTPError
	if !errors.As(err, &he) || he.Status != http.StatusNotFound {
		t.Errorf("a missing page: got %v, want an HTTPError 404", err)
	}
}
