package render

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/subscriptions"
)

// ReadingPage is one page of the reading view of an article.
type ReadingPage struct {
	Text string // HTML, at most MaxText
	// Picture is the page's first photo (on the first page, else the
	// article's picture), to be shown large above the text; or empty.
	Picture string
}

// Reading lays out the text of an article as the pages of the reading view.
// Each page is within MaxText: the title in bold on top (the date under it
// on the first page), then the blocks in order (paragraphs, headings in
// bold, quotes, list items, and each photo as a numbered link), then the
// page number when there are several, and the link to the article on the
// portal (saying that the rest is there when the text was cut). A block
// longer than a page is split between pages at a word. The same text always
// gives the same pages, so that a page number in a button stays valid.
func Reading(a subscriptions.Article, text subscriptions.ArticleText, o Options) []ReadingPage {
	lang := o.lang()
	title := Cut(oneLine(clean(a.Title)), maxListTitle)
	date := ""
	if !a.Published.IsZero() {
		date = i18n.DateTime(lang, a.Published.In(o.loc()))
	}
	header := func(first bool) *Builder {
		b := &Builder{}
		b.Bold(title)
		if first && date != "" {
			if b.Len() > 0 {
				b.Line()
			}
			b.Text(date)
		}
		return b
	}
	linkText := i18n.T(lang, "article.read")
	if text.Truncated {
		linkText = i18n.T(lang, "read.continues")
	}
	footer := func(page, pages int) *Builder {
		b := &Builder{}
		if pages > 1 {
			b.Italic(i18n.T(lang, "read.page", page, pages))
		}
		if _, ok := linkURL(a.Link); ok {
			if b.Len() > 0 {
				b.Line()
			}
			b.Link(linkText, a.Link)
		}
		return b
	}
	// Room for the widest footer: the pages are counted after the layout.
	reserve := footer(999, 999).Len() + 2

	type page struct {
		body    *Builder
		picture string
	}
	var pages []page
	cur := page{body: &Builder{}}
	room := func() int { return MaxText - header(len(pages) == 0).Len() - 2 - reserve }
	emptyRoom := MaxText - header(false).Len() - 2 - reserve // of a page after the first
	add := func(item *Builder) bool {
		sep := 0
		if cur.body.Len() > 0 {
			sep = 2
		}
		if cur.body.Len()+sep+item.Len() > room() {
			return false
		}
		paragraph(cur.body)
		cur.body.Append(item)
		return true
	}
	next := func() {
		pages = append(pages, cur)
		cur = page{body: &Builder{}}
	}
	photos := 0
	for _, bl := range text.Blocks {
		if bl.Kind == subscriptions.BlockImage {
			u, ok := linkURL(bl.URL)
			if !ok {
				continue
			}
			photos++
			item := &Builder{}
			item.Link(i18n.T(lang, "read.photo", photos), u)
			if !add(item) {
				next()
				add(item)
			}
			if cur.picture == "" {
				cur.picture = u
			}
			continue
		}
		rest := strings.TrimSpace(clean(bl.Text))
		for rest != "" {
			whole, _ := textItem(bl.Kind, rest, math.MaxInt)
			if add(whole) {
				break
			}
			if cur.body.Len() > 0 && whole.Len() <= emptyRoom {
				next() // it fits on the next page whole: not split
				continue
			}
			item, remainder := textItem(bl.Kind, rest, room()-cur.body.Len()-separation(cur.body))
			if item == nil || !add(item) {
				if cur.body.Len() == 0 {
					break // nothing fits an empty page: impossible within MaxText, but never loop
				}
				next()
				continue
			}
			rest = remainder
			next()
		}
	}
	if cur.body.Len() > 0 || len(pages) == 0 {
		pages = append(pages, cur)
	}

	out := make([]ReadingPage, len(pages))
	for i, p := range pages {
		b := header(i == 0)
		if p.body.Len() > 0 {
			paragraph(b)
			b.Append(p.body)
		}
		if f := footer(i+1, len(pages)); f.Len() > 0 {
			paragraph(b)
			b.Append(f)
		}
		out[i] = ReadingPage{Text: b.String(), Picture: p.picture}
	}
	if u, ok := linkURL(a.ImageURL); ok && out[0].Picture == "" {
		out[0].Picture = u
	}
	return out
}

// separation is the room a new item takes before it on a page: a blank
// line unless the page is empty.
func separation(body *Builder) int {
	if body.Len() > 0 {
		return 2
	}
	return 0
}

// textItem renders as much of a text block as fits in room (split at a
// word), and returns it with the rest; a nil item when nothing fits.
func textItem(kind subscriptions.BlockKind, s string, room int) (*Builder, string) {
	if kind == subscriptions.BlockItem {
		s = "• " + s
	}
	head, rest := splitAtWord(s, room)
	if head == "" {
		return nil, s
	}
	b := &Builder{}
	switch kind {
	case subscriptions.BlockHeading:
		b.Bold(head)
	case subscriptions.BlockQuote:
		b.Quote(head)
	default:
		b.Text(head)
	}
	return b, rest
}

// splitAtWord cuts clean text s to at most max UTF-16 units: all of it when it
// fits, else up to the last white space (if that keeps at least half of
// max), else at a character cluster. The rest is returned trimmed.
func splitAtWord(s string, max int) (head, rest string) {
	if length(s) <= max {
		return s, ""
	}
	if max <= 0 {
		return "", s
	}
	end := fitting(s, max)
	if i := strings.LastIndexFunc(s[:end], unicode.IsSpace); i > 0 && length(s[:i]) >= max/2 {
		end = i
	} else if next, _ := utf8.DecodeRuneInString(s[end:]); !unicode.IsSpace(next) {
		end = clusterStart(s, end)
	}
	return strings.TrimRightFunc(s[:end], unicode.IsSpace), strings.TrimLeftFunc(s[end:], unicode.IsSpace)
}

// PortalLink renders text followed, on a line of its own, by the link to
// the article on the portal ("Read on the portal"), when it has one.
func PortalLink(text string, a subscriptions.Article, o Options) string {
	b := &Builder{}
	b.Text(Cut(text, MaxText/2))
	if _, ok := linkURL(a.Link); ok {
		b.Line()
		b.Link(i18n.T(o.lang(), "article.read"), a.Link)
	}
	return b.String()
}
