package render

import (
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

func FuzzArticle(f *testing.F) {
	en := articleEN()
	f.Add(en.Title, en.Summary, en.Link, en.ImageURL, en.Section, "en", true)
	f.Add(articleRU().Title, articleRU().Summary, "javascript:x", "", "economy", "ru", false)
	f.Add(articleBE().Title, longParagraphs("be", 30), articleBE().Link, articleBE().ImageURL, "society", "be", true)
	f.Add(strings.Repeat("&<>\"", 2000), strings.Repeat("😀 &amp; ", 1000), `https://x.by/"><b>`, "https://x.by/i.jpg", "", "ru", true)
	f.Add("е\u0301\u0301\u0301", strings.Repeat("🇧🇾👨‍👩‍👧\u0301", 900), "http://a", "ftp://a", "\x00\xff", "xx", false)
	loc := minsk()
	f.Fuzz(func(t *testing.T, title, summary, link, image, section, lang string, withPhoto bool) {
		a := subscriptions.Article{
			Title: title, Summary: summary, Link: link, ImageURL: image, Section: section,
			Published: time.Date(2023, 3, 2, 7, 47, 0, 0, time.UTC),
		}
		m := Article(a, Options{Lang: lang, Loc: loc, WithPhoto: withPhoto})
		limit := MaxText
		if m.Photo != "" {
			limit = MaxCaption
			if !withPhoto {
				t.Fatalf("Photo %q without WithPhoto", m.Photo)
			}
			if u, ok := linkURL(m.Photo); !ok || u != m.Photo {
				t.Fatalf("Photo %q is not a clean http(s) URL", m.Photo)
			}
		}
		plain := valid(t, m.Text, limit)
		if plain == "" {
			t.Fatalf("empty text")
		}
		if m.Plain() != plain {
			t.Fatalf("Plain() = %q, want %q", m.Plain(), plain)
		}
		latest, _ := Latest([]subscriptions.Article{a, a}, section, Options{Lang: lang, Loc: loc})
		valid(t, latest, MaxText)
		for _, p := range Reading(a, subscriptions.ArticleText{Blocks: []subscriptions.TextBlock{
			{Kind: subscriptions.BlockParagraph, Text: a.Summary}, {Kind: subscriptions.BlockImage, URL: a.ImageURL},
			{Kind: subscriptions.BlockQuote, Text: a.Title}}}, Options{Lang: lang, Loc: loc}) {
			valid(t, p.Text, MaxText)
		}
		in := Inline(a, Options{Lang: lang, Loc: loc})
		valid(t, in.Text, MaxText)
		if in.Title == "" || length(in.Title) > maxInlineTitle || length(in.Description) > maxInlineDescription {
			t.Fatalf("inline title %q, description %q", in.Title, in.Description)
		}
		for _, display := range subscriptions.Displays() {
			o := Options{Lang: lang, Loc: loc, WithPhoto: withPhoto, Display: display, Hashtags: true}
			a.Categories = []string{title, section}
			if m := Article(a, o); m.Photo != "" && display != subscriptions.DisplayFull {
				t.Fatalf("%s: a photo", display)
			} else {
				valid(t, m.Text, MaxText)
			}
			for _, p := range Digest(subscriptions.Digest{Form: subscriptions.DigestHeadlines, Slot: a.Published, Articles: []subscriptions.Article{a, a}}, o) {
				valid(t, p, MaxText)
			}
		}
	})
}

func BenchmarkArticle(b *testing.B) {
	loc := minsk()
	short := articleRU()
	long := articleBE()
	long.Summary = longParagraphs("be", 60)
	for _, bc := range []struct {
		name string
		a    subscriptions.Article
		o    Options
	}{
		{"text", short, Options{Lang: "ru", Loc: loc}},
		{"caption", short, Options{Lang: "ru", Loc: loc, WithPhoto: true}},
		{"long_cut", long, Options{Lang: "be", Loc: loc, WithPhoto: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = Article(bc.a, bc.o)
			}
		})
	}
}
