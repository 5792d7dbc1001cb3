package render

import (
	"fmt"
	"strings"
	"testing"

	"github.com/osipovichi/newsbot/internal/golden"
	"github.com/osipovichi/newsbot/subscriptions"
)

// readingText is an article text of about three pages in the article's
// language: paragraphs, a heading, a quote, list items and two photos.
func readingText(lang string) subscriptions.ArticleText {
	para := func(s string) subscriptions.TextBlock {
		return subscriptions.TextBlock{Kind: subscriptions.BlockParagraph, Text: s}
	}
	t := subscriptions.ArticleText{Status: subscriptions.TextOK}
	long := strings.Split(longParagraphs(lang, 36), "\n")
	t.Blocks = append(t.Blocks, subscriptions.TextBlock{Kind: subscriptions.BlockImage, URL: portal + "/files/news/1/first.jpg"})
	for _, p := range long[:12] {
		t.Blocks = append(t.Blocks, para(p))
	}
	t.Blocks = append(t.Blocks,
		subscriptions.TextBlock{Kind: subscriptions.BlockHeading, Text: "1 & 2 <план>"},
		subscriptions.TextBlock{Kind: subscriptions.BlockQuote, Text: long[12]},
		subscriptions.TextBlock{Kind: subscriptions.BlockItem, Text: "first"},
		subscriptions.TextBlock{Kind: subscriptions.BlockItem, Text: "second"},
		subscriptions.TextBlock{Kind: subscriptions.BlockImage, URL: portal + "/files/news/1/second.jpg"},
	)
	for _, p := range long[13:] {
		t.Blocks = append(t.Blocks, para(p))
	}
	return t
}

func TestGoldenReading(t *testing.T) {
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			a := articleFor(lang)
			pages := Reading(a, readingText(lang), Options{Lang: lang, Loc: minsk()})
			if len(pages) < 2 {
				t.Fatalf("%d pages, want several", len(pages))
			}
			var w strings.Builder
			for i, p := range pages {
				plain := valid(t, p.Text, MaxText)
				if !strings.HasPrefix(plain, strings.Split(a.Title, "\n")[0]) {
					t.Errorf("page %d does not start with the title: %q", i+1, plain[:40])
				}
				if !strings.Contains(p.Text, Escape(a.Link)) {
					t.Errorf("page %d has no link to the portal", i+1)
				}
				fmt.Fprintf(&w, "=== page %d of %d\n", i+1, len(pages))
				describe(&w, p.Text, p.Picture, MaxText, plain)
			}
			if pages[0].Picture != portal+"/files/news/1/first.jpg" {
				t.Errorf("first page picture %q, want the first photo", pages[0].Picture)
			}
			golden.Check(t, "reading_"+lang, w.String())
		})
	}
}

// TestReadingKeepsAllText checks that every word of the text is on exactly
// one page, in order, whatever the sizes of the blocks.
func TestReadingKeepsAllText(t *testing.T) {
	word := func(i int) string { return fmt.Sprintf("w%d", i) }
	for _, sizes := range [][]int{{10}, {3000, 3000}, {9000}, {100, 5000, 100, 12000, 1}, {4090}, {2, 2, 2, 4000, 4000}} {
		t.Run(fmt.Sprint(sizes), func(t *testing.T) {
			var text subscriptions.ArticleText
			n := 0
			for _, size := range sizes {
				var b strings.Builder
				for b.Len() < size {
					b.WriteString(word(n) + " ")
					n++
				}
				text.Blocks = append(text.Blocks, subscriptions.TextBlock{Kind: subscriptions.BlockParagraph, Text: b.String()})
			}
			a := articleEN()
			var all []string
			for _, p := range Reading(a, text, Options{Lang: "en"}) {
				plain := valid(t, p.Text, MaxText)
				all = append(all, strings.Fields(plain)...)
			}
			next := 0
			for _, f := range all {
				if f == word(next) {
					next++
				} else if strings.HasPrefix(f, "w") && f != "with" {
					if _, err := fmt.Sscanf(f, "w%d", new(int)); err == nil {
						t.Fatalf("word %q out of order, want %q", f, word(next))
					}
				}
			}
			if next != n {
				t.Errorf("%d of %d words on the pages", next, n)
			}
		})
	}
}

func TestReadingEdges(t *testing.T) {
	a := articleRU()
	one := Reading(a, subscriptions.ArticleText{Blocks: []subscriptions.TextBlock{{Kind: subscriptions.BlockParagraph, Text: "Коротко."}}},
		Options{Lang: "ru"})
	if len(one) != 1 || strings.Contains(one[0].Text, "Страница") {
		t.Errorf("a short text: %d pages, want one without a number: %q", len(one), one[0].Text)
	}
	if one[0].Picture != a.ImageURL {
		t.Errorf("no photo in the text: picture %q, want the article's", one[0].Picture)
	}
	cut := Reading(a, subscriptions.ArticleText{Truncated: true, Blocks: []subscriptions.TextBlock{{Kind: subscriptions.BlockParagraph, Text: "Начало."}}},
		Options{Lang: "ru"})
	if !strings.Contains(cut[0].Text, "Продолжение статьи — на портале") {
		t.Errorf("a cut text does not say the rest is on the portal: %q", cut[0].Text)
	}
	a.Link, a.ImageURL = "javascript:x", "ftp://x/a.jpg"
	bad := Reading(a, subscriptions.ArticleText{Blocks: []subscriptions.TextBlock{{Kind: subscriptions.BlockImage, URL: "data:x"},
		{Kind: subscriptions.BlockParagraph, Text: "Текст"}}}, Options{Lang: "ru"})
	if strings.Contains(bad[0].Text, "<a ") || bad[0].Picture != "" || strings.Contains(bad[0].Text, "Фото") {
		t.Errorf("bad addresses were kept: %+v", bad[0])
	}
}

func TestInline(t *testing.T) {
	for _, lang := range langs {
		a := articleFor(lang)
		got := Inline(a, Options{Lang: lang, Loc: minsk()})
		if got.Title != a.Title || got.Picture != a.ImageURL || !strings.HasPrefix(got.Description, i18nShortDate(a)) {
			t.Errorf("%s: %+v", lang, got)
		}
		if got.Text != Article(a, Options{Lang: lang, Loc: minsk()}).Text {
			t.Errorf("%s: the message is not the article as delivered", lang)
		}
	}
	a := articleRU()
	a.Title, a.Summary, a.ImageURL = strings.Repeat("Очень длинный заголовок ", 20), strings.Repeat("Текст. ", 100), ""
	got := Inline(a, Options{Lang: "ru"})
	if length(got.Title) > maxInlineTitle || length(got.Description) > maxInlineDescription || got.Picture != "" {
		t.Errorf("long article: %+v", got)
	}
	if got := Inline(subscriptions.Article{}, Options{}); got.Title != "…" || got.Text == "" {
		t.Errorf("empty article: %+v", got)
	}
}

func i18nShortDate(a subscriptions.Article) string {
	return a.Published.In(minsk()).Format("02.01.2006")
}

func TestPortalLink(t *testing.T) {
	a := articleRU()
	got := PortalLink("Статью не получается показать здесь.", a, Options{Lang: "ru"})
	if plain := valid(t, got, MaxText); plain != "Статью не получается показать здесь.\nЧитать на портале" || !strings.Contains(got, Escape(a.Link)) {
		t.Errorf("got %q", got)
	}
	a.Link = ""
	if got := PortalLink("<Текст>", a, Options{Lang: "ru"}); got != "&lt;Текст&gt;" {
		t.Errorf("without a link: %q", got)
	}
}
