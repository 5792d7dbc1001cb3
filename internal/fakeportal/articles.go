package fakeportal

import (
	"embed"
	"fmt"
)

//go:embed articles/*.html
var articleFiles embed.FS

// Article pages of the portal in the layout of its CMS (the text block in
// .news_inner_one_text, photos linked to their larger versions, a sharing
// widget, comments, a tracking pixel, scripts), for reading in Telegram.
const (
	// ArticleRU is a long Russian article (road repairs, about 5,000
	// characters) with headings, a list, a quote and four photos.
	ArticleRU = "ru-roads.html"
	// ArticleBE is a Belarusian article (an exhibition at the library) with
	// a heading, a list, a quote and two photos.
	ArticleBE = "be-library.html"
	// ArticleEN is an English article (a forum of young specialists) with a
	// heading, a list, a quote and two photos.
	ArticleEN = "en-forum.html"
	// ArticleNoText is an article page without a text block (a photo gallery).
	ArticleNoText = "no-text.html"
)

// ArticlePage returns one of the article pages. It panics on an unknown
// name, as a test's setup error.
func ArticlePage(name string) []byte {
	b, err := articleFiles.ReadFile("articles/" + name)
	if err != nil {
		panic(fmt.Sprintf("fakeportal: no article page %q", name))
	}
	return b
}

// ServeArticle makes path serve one of the article pages as text/html.
func (p *Portal) ServeArticle(path, name string) {
	p.Set(path, ArticlePage(name), "text/html; charset=utf-8")
}
