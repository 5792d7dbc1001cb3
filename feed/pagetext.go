package feed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/osipovichi/newsbot/subscriptions"
)

// Limits of the text reader: they keep a page that is not an article (or a
// hostile one) from costing memory and Telegram messages.
const (
	// MaxTextPageBytes bounds the article pages the text reader reads. The
	// portal's article pages weigh 50–200 KB; a larger one is refused.
	MaxTextPageBytes = 2 << 20
	// MaxTextRunes bounds the text kept of one article (about ten messages);
	// the rest is left to the portal (PageText.Truncated).
	MaxTextRunes = 40000
	// maxTextImages bounds the photos kept of one article.
	maxTextImages = 30
)

// DefaultTextSelector finds the text block of an article page on the
// portals of the district and regional executive committees (and common
// CMS layouts after them): a list tried in order, the first that finds text
// wins. An override (the "text" field of NEWSBOT_LISTING_SELECTORS) is one
// group, tried as a whole.
const DefaultTextSelector = ".news_inner_one_text, .news-inner-one-text, .news_inner_text, .news-inner-text, " +
	".news_detail_text, .news-detail__text, .news-detail-text, .news_full_text, .news-full-text, .detail_text, " +
	".full_text, .fulltext, .article__text, .article-text, [itemprop=articleBody], .entry-content, .post-content, " +
	".news_text, .news-text, article"

var defaultTextSelectors = mustCompileList(DefaultTextSelector)

func mustCompileList(list string) []cascadia.Selector {
	var out []cascadia.Selector
	for _, p := range strings.Split(list, ",") {
		out = append(out, cascadia.MustCompile(strings.TrimSpace(p)))
	}
	return out
}

// ErrNoText: an article page has no text block that the selector finds, or
// the block holds no text.
var ErrNoText = errors.New("no article text found")

// NoTextError names the page and the selector that found no text; it
// matches ErrNoText.
type NoTextError struct {
	URL      string
	Selector string
}

func (e *NoTextError) Error() string {
	return fmt.Sprintf("no article text found on %s with selector %q: the page layout may have changed", e.URL, e.Selector)
}

// Is makes errors.Is(err, ErrNoText) true.
func (e *NoTextError) Is(target error) bool { return target == ErrNoText }

// PageText is the text block of an article page: paragraphs, headings,
// quotes, list items and photos in page order.
type PageText struct {
	Blocks []subscriptions.TextBlock
	// Truncated says the text was longer than MaxTextRunes and was cut.
	Truncated bool
}

// ReadPageText fetches an article page with the fetcher (as ReadPage does,
// refusing pages over MaxTextPageBytes) and reads its text block with
// selector (DefaultTextSelector when empty). Errors are the fetcher's (a
// 404 is an *HTTPError), *NotPageError, or *NoTextError.
func (f *Fetcher) ReadPageText(ctx context.Context, rawURL, selector string) (PageText, error) {
	body, pageURL, err := f.fetchPage(ctx, rawURL, MaxTextPageBytes)
	if err != nil {
		return PageText{}, err
	}
	return ParsePageText(body, pageURL, selector)
}

// ParsePageText reads the text block of an HTML article page (body already
// UTF-8, see Decode) found at pageURL; photos are resolved against it.
// Scripts, styles, forms, embedded frames, sharing and comment widgets,
// hidden elements, tracking pixels and images declared 2 pixels or less
// are left out; a photo linked to its larger version is taken at that size.
func ParsePageText(body []byte, pageURL, selector string) (PageText, error) {
	sels, desc := defaultTextSelectors, DefaultTextSelector
	if s := strings.TrimSpace(selector); s != "" {
		sel, err := cascadia.Compile(s)
		if err != nil {
			return PageText{}, fmt.Errorf("text %q is not a valid CSS selector: %v", s, err)
		}
		sels, desc = []cascadia.Selector{sel}, s
	}
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return PageText{}, fmt.Errorf("parse page %s: %w", pageURL, err)
	}
	base := parseURL(pageURL)
	for _, sel := range sels {
		for _, n := range sel.MatchAll(doc) {
			w := &textWalker{base: base, seen: map[string]bool{}}
			w.walk(n)
			w.flush()
			if w.hasText {
				return PageText{Blocks: w.blocks, Truncated: w.truncated}, nil
			}
		}
	}
	return PageText{}, &NoTextError{URL: pageURL, Selector: desc}
}

// textWalker collects the blocks of a text block, in order.
type textWalker struct {
	base      *url.URL
	blocks    []subscriptions.TextBlock
	kind      subscriptions.BlockKind // of the text being collected; "" is a paragraph
	cur       strings.Builder
	runes     int
	images    int
	seen      map[string]bool // photos already taken
	hasText   bool
	truncated bool
}

// skipped are elements whose content is never article text.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Iframe: true, atom.Form: true,
	atom.Button: true, atom.Select: true, atom.Textarea: true, atom.Input: true, atom.Svg: true,
	atom.Template: true, atom.Object: true, atom.Embed: true, atom.Video: true, atom.Audio: true,
	atom.Nav: true, atom.Head: true, atom.Title: true,
}

// widgetClasses mark the sharing, printing and comment widgets of CMS pages.
var widgetClasses = []string{"share", "social", "print", "comment", "likes", "ya-share", "banner", "advert"}

// blockKinds are the elements that make a block of their own kind.
var blockKinds = map[atom.Atom]subscriptions.BlockKind{
	atom.H1: subscriptions.BlockHeading, atom.H2: subscriptions.BlockHeading, atom.H3: subscriptions.BlockHeading,
	atom.H4: subscriptions.BlockHeading, atom.H5: subscriptions.BlockHeading, atom.H6: subscriptions.BlockHeading,
	atom.Blockquote: subscriptions.BlockQuote, atom.Li: subscriptions.BlockItem, atom.Dt: subscriptions.BlockItem,
}

// breaking are the other elements that end the text before them and start a new block.
var breaking = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Figure: true, atom.Figcaption: true,
	atom.Table: true, atom.Tr: true, atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Dd: true, atom.Pre: true,
	atom.Header: true, atom.Footer: true, atom.Main: true, atom.Center: true, atom.Hr: true, atom.Address: true,
	atom.Aside: true,
}

func (w *textWalker) walk(n *html.Node) {
	if w.truncated {
		return
	}
	switch n.Type {
	case html.TextNode:
		w.cur.WriteString(n.Data)
		return
	case html.ElementNode:
	default:
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			w.walk(c)
		}
		return
	}
	if skipped[n.DataAtom] || hidden(n) || widget(n) {
		return
	}
	switch {
	case n.DataAtom == atom.Br:
		w.cur.WriteByte('\n')
		return
	case n.DataAtom == atom.Img:
		w.image(n)
		return
	case n.DataAtom == atom.Td || n.DataAtom == atom.Th:
		w.children(n)
		w.cur.WriteByte(' ')
		return
	}
	kind, own := blockKinds[n.DataAtom]
	if !own && !breaking[n.DataAtom] {
		w.children(n) // inline: b, i, a, span, …
		return
	}
	w.flush()
	outer := w.kind
	if own {
		w.kind = kind
	}
	w.children(n)
	w.flush()
	w.kind = outer
}

func (w *textWalker) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
	}
}

// hidden reports whether an element is hidden by its attributes or style.
func hidden(n *html.Node) bool {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, "hidden") {
			return true
		}
	}
	style := strings.ReplaceAll(strings.ToLower(nodeAttr(n, "style")), " ", "")
	return strings.Contains(style, "display:none") || strings.Contains(style, "visibility:hidden")
}

// widget reports whether an element is a sharing, printing or comment widget.
func widget(n *html.Node) bool {
	names := strings.ToLower(nodeAttr(n, "class") + " " + nodeAttr(n, "id"))
	for _, c := range widgetClasses {
		if strings.Contains(names, c) {
			return true
		}
	}
	return false
}

// image adds a photo: its larger version when it is the picture of a link
// to an image, else its source (src or a lazy-loading attribute).
func (w *textWalker) image(n *html.Node) {
	if w.images >= maxTextImages {
		return
	}
	style := strings.ReplaceAll(strings.ToLower(nodeAttr(n, "style")), " ", "")
	for _, v := range []string{nodeAttr(n, "width"), nodeAttr(n, "height"), styleLength(style, "width"), styleLength(style, "height")} {
		if declaredTiny(v) {
			return
		}
	}
	src := ""
	if p := n.Parent; p != nil && p.DataAtom == atom.A {
		if href := strings.TrimSpace(nodeAttr(p, "href")); hasImageExt(href) {
			src = href
		}
	}
	for _, k := range []string{"data-src", "data-lazy-src", "data-original", "src"} {
		if v := strings.TrimSpace(nodeAttr(n, k)); src == "" && v != "" && !strings.HasPrefix(v, "data:") {
			src = v
		}
	}
	u := resolveURL(w.base, src)
	if u == nil || isTrackingImage(u) {
		return
	}
	s := u.String()
	if w.seen[s] {
		return
	}
	w.seen[s] = true
	w.flush()
	w.images++
	w.blocks = append(w.blocks, subscriptions.TextBlock{Kind: subscriptions.BlockImage, URL: s})
}

// flush ends the text collected so far: each run of lines without a blank
// line between them is a block of the current kind (line breaks within it stay).
func (w *textWalker) flush() {
	raw := w.cur.String()
	w.cur.Reset()
	kind := w.kind
	if kind == "" {
		kind = subscriptions.BlockParagraph
	}
	var lines []string
	add := func() {
		if len(lines) > 0 {
			w.addText(kind, strings.Join(lines, "\n"))
			lines = lines[:0]
		}
	}
	for _, line := range strings.Split(raw, "\n") {
		if line = cleanText(line, false); line == "" {
			add()
			continue
		}
		lines = append(lines, line)
	}
	add()
}

// addText adds a block of text, cut at a word when the text reaches MaxTextRunes.
func (w *textWalker) addText(kind subscriptions.BlockKind, text string) {
	if w.truncated {
		return
	}
	if w.runes+utf8.RuneCountInString(text) > MaxTextRunes {
		text = cutAtWord(text, MaxTextRunes-w.runes)
		w.truncated = true
		if text == "" {
			return
		}
	}
	w.runes += utf8.RuneCountInString(text)
	w.hasText = true
	w.blocks = append(w.blocks, subscriptions.TextBlock{Kind: kind, Text: text})
}

// cutAtWord returns the first words of s that fit in n runes.
func cutAtWord(s string, n int) string {
	if n <= 0 {
		return ""
	}
	end := len(s)
	for i := range s {
		if n == 0 {
			end = i
			break
		}
		n--
	}
	if end == len(s) {
		return s
	}
	if i := strings.LastIndexAny(s[:end], " \n"); i > 0 {
		end = i
	}
	return strings.TrimSpace(s[:end])
}
