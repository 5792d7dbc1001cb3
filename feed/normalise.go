package feed

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/osipovichi/newsbot/subscriptions"
)

// Normalisation limits.
const (
	// SummaryMaxRunes is about how long a summary may be before it is cut at a word boundary.
	SummaryMaxRunes = 600
	// FutureTolerance is how far in the future a date may be before it is taken as "now".
	FutureTolerance = 5 * time.Minute
	// maxKeyLen is the longest GUID used as a key as is; longer ones are hashed.
	maxKeyLen = 512
)

// Normalise turns the items of a parsed feed into articles, in feed order.
// FeedID, Section and Language come from f (Language: see FeedLanguage);
// FirstSeen is now, and so is Published when the item's date is missing,
// unparsable or in the future. Items with neither title, summary nor link
// are dropped, and so are repeats of a key already seen in the same feed.
func Normalise(p *Parsed, f subscriptions.Feed, now time.Time) []subscriptions.Article {
	if p == nil || p.Feed == nil {
		return nil
	}
	fetchBase := parseURL(p.FetchURL)
	feedBase := fetchBase
	if l := strings.TrimSpace(p.Feed.Link); l != "" {
		if u := resolveURL(fetchBase, l); u != nil {
			feedBase = u
		}
	}
	lang := FeedLanguage(f, p.FetchURL, p.Feed.Language)
	now = now.UTC()

	out := make([]subscriptions.Article, 0, len(p.Feed.Items))
	seen := make(map[string]bool, len(p.Feed.Items))
	for _, it := range p.Feed.Items {
		if it == nil {
			continue
		}
		a := normaliseItem(it, feedBase, now)
		if a.Title == "" && a.Summary == "" && a.Link == "" {
			continue
		}
		if seen[a.Key] {
			continue
		}
		seen[a.Key] = true
		a.FeedID = f.ID
		a.Section = f.Section
		a.Language = lang
		out = append(out, a)
	}
	return out
}

func normaliseItem(it *gofeed.Item, feedBase *url.URL, now time.Time) subscriptions.Article {
	a := subscriptions.Article{FirstSeen: now}

	linkURL := itemLink(it, feedBase)
	if linkURL != nil {
		a.Link = linkURL.String()
	}
	a.Title = CleanTitle(it.Title)
	a.Summary = Summarise(it.Description, SummaryMaxRunes)
	if a.Summary == "" {
		a.Summary = Summarise(it.Content, SummaryMaxRunes)
	}
	if a.Title == "" && a.Summary != "" {
		a.Title = truncateRunes(strings.ReplaceAll(a.Summary, "\n", " "), 100)
	}
	if a.Summary == a.Title {
		a.Summary = ""
	}

	imageBase := feedBase
	if linkURL != nil {
		imageBase = linkURL
	}
	a.ImageURL = itemImage(it, imageBase)

	published, ok := ItemDate(it)
	if !ok || published.After(now.Add(FutureTolerance)) {
		published = now
	}
	a.Published = published.UTC()
	a.Categories = cleanCategories(it.Categories)
	a.Key = itemKey(it, a)
	return a
}

// itemKey is the item's GUID, else its absolute link, else a hash of its content.
func itemKey(it *gofeed.Item, a subscriptions.Article) string {
	if g := strings.TrimSpace(it.GUID); g != "" && utf8.ValidString(g) {
		if len(g) > maxKeyLen {
			return hashKey(g)
		}
		return g
	}
	if a.Link != "" {
		return a.Link
	}
	date := it.Published
	if date == "" {
		date = it.Updated
	}
	desc := it.Description
	if strings.TrimSpace(desc) == "" {
		desc = it.Content
	}
	return hashKey(a.Title + "|" + strings.TrimSpace(date) + "|" + strings.TrimSpace(desc))
}

func hashKey(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// itemLink is the item's link (or a permalink GUID) resolved against base; nil if none is http(s).
func itemLink(it *gofeed.Item, base *url.URL) *url.URL {
	cands := []string{it.Link}
	cands = append(cands, it.Links...)
	if g := strings.TrimSpace(it.GUID); strings.HasPrefix(g, "http://") || strings.HasPrefix(g, "https://") {
		cands = append(cands, g)
	}
	for _, c := range cands {
		if u := resolveURL(base, c); u != nil {
			return u
		}
	}
	return nil
}

// resolveURL resolves ref against base and keeps it only if it is an absolute http(s) URL.
func resolveURL(base *url.URL, ref string) *url.URL {
	ref = strings.TrimSpace(ref)
	if ref == "" || strings.ContainsAny(ref, "\x00\r\n\t") {
		return nil
	}
	r, err := url.Parse(ref)
	if err != nil {
		return nil
	}
	if base != nil {
		r = base.ResolveReference(r)
	}
	if (r.Scheme != "http" && r.Scheme != "https") || r.Host == "" {
		return nil
	}
	return r
}

// resolve is resolveURL as a string.
func resolve(base *url.URL, ref string) (string, bool) {
	u := resolveURL(base, ref)
	if u == nil {
		return "", false
	}
	return u.String(), true
}

// itemImage picks the item's picture: media:content, media:thumbnail, an
// image enclosure, itunes:image, gofeed's choice, then the first <img> of the
// description or content; relative URLs are resolved against base.
func itemImage(it *gofeed.Item, base *url.URL) string {
	var cands []string
	if media, ok := it.Extensions["media"]; ok {
		contents := media["content"]
		for _, g := range media["group"] {
			contents = append(contents, g.Children["content"]...)
		}
		for _, c := range contents {
			if isImageMedia(c) {
				cands = append(cands, c.Attrs["url"])
			}
		}
		for _, t := range media["thumbnail"] {
			cands = append(cands, t.Attrs["url"])
		}
		for _, g := range media["group"] {
			for _, t := range g.Children["thumbnail"] {
				cands = append(cands, t.Attrs["url"])
			}
		}
	}
	for _, e := range it.Enclosures {
		if e == nil {
			continue
		}
		if strings.HasPrefix(strings.ToLower(e.Type), "image/") || e.Type == "" && hasImageExt(e.URL) {
			cands = append(cands, e.URL)
		}
	}
	if it.ITunesExt != nil {
		cands = append(cands, it.ITunesExt.Image)
	}
	for _, c := range cands {
		if u, ok := resolve(base, c); ok {
			return u
		}
	}
	for _, s := range []string{it.Description, it.Content} {
		if u := firstImg(s, base); u != "" {
			return u
		}
	}
	if it.Image != nil {
		if u, ok := resolve(base, it.Image.URL); ok {
			return u
		}
	}
	return ""
}

func isImageMedia(e ext.Extension) bool {
	t := strings.ToLower(e.Attrs["type"])
	m := strings.ToLower(e.Attrs["medium"])
	if strings.HasPrefix(t, "image/") || m == "image" {
		return true
	}
	return t == "" && m == "" && hasImageExt(e.Attrs["url"])
}

func hasImageExt(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	switch strings.ToLower(path.Ext(u.Path)) {
	case ".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif":
		return true
	}
	return false
}

// firstImg returns the first <img> of an HTML fragment with an http(s) source
// (src, else a lazy-loading data-src).
func firstImg(s string, base *url.URL) string {
	if !strings.Contains(s, "<") {
		return ""
	}
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if !hasAttr || atom.Lookup(name) != atom.Img {
				continue
			}
			as := attrs(z)
			for _, k := range []string{"src", "data-src", "data-lazy-src", "data-original"} {
				if v := as[k]; v != "" && !strings.HasPrefix(v, "data:") {
					if u, ok := resolve(base, v); ok {
						return u
					}
				}
			}
		}
	}
}

func cleanCategories(in []string) []string {
	var out []string
	seen := make(map[string]bool, len(in))
	for _, c := range in {
		c = CleanTitle(c)
		k := strings.ToLower(c)
		if c == "" || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, c)
	}
	return out
}

// FeedLanguage is the language of a feed's articles: the configured one, else
// one guessed from the URL path (/ru/, /be/, /en/), else the feed's own
// <language> ("ru-RU" → ru, "be" or "by" → be, "en…" → en), else "".
func FeedLanguage(f subscriptions.Feed, fetchURL, declared string) string {
	if l := strings.ToLower(strings.TrimSpace(f.Language)); subscriptions.ValidLanguage(l) {
		return l
	}
	for _, u := range []string{fetchURL, f.ResolvedURL, f.URL} {
		if l := langFromPath(u); l != "" {
			return l
		}
	}
	return langFromTag(declared)
}

func langFromPath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if l := strings.ToLower(seg); subscriptions.ValidLanguage(l) {
			return l
		}
	}
	return ""
}

func langFromTag(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	switch tag {
	case "ru", "rus":
		return subscriptions.LangRU
	case "be", "by", "bel":
		return subscriptions.LangBE
	case "en", "eng":
		return subscriptions.LangEN
	}
	return ""
}

// CleanTitle makes one line of plain text of a title: tags stripped, HTML
// entities decoded (twice if the feed escaped them twice), control and
// invisible formatting characters removed, whitespace collapsed.
func CleanTitle(s string) string {
	t := htmlToText(s, false)
	if strings.Contains(t, "&") || strings.Contains(t, "<") && strings.Contains(t, ">") {
		t = htmlToText(t, false) // markup escaped twice by the feed
	}
	return cleanText(t, false)
}

// Summarise makes plain text of an HTML teaser: block elements and <br> become
// line breaks, blank lines are dropped, whitespace is collapsed, and the text
// is cut at a word boundary to about max runes, with "…".
func Summarise(s string, max int) string {
	t := cleanText(htmlToText(s, true), true)
	return truncateRunes(t, max)
}

var (
	skipTags = map[atom.Atom]bool{
		atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
		atom.Iframe: true, atom.Svg: true, atom.Object: true, atom.Head: true,
	}
	blockTags = map[atom.Atom]bool{
		atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
		atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
		atom.Blockquote: true, atom.Pre: true, atom.Table: true, atom.Tr: true, atom.Section: true,
		atom.Article: true, atom.Header: true, atom.Footer: true, atom.Figure: true,
		atom.Figcaption: true, atom.Hr: true, atom.Dl: true, atom.Dt: true, atom.Dd: true,
		atom.Address: true, atom.Main: true, atom.Nav: true, atom.Aside: true,
	}
)

// htmlToText strips tags and decodes entities. With blocks, block elements
// and <br> become "\n"; otherwise they become spaces.
func htmlToText(s string, blocks bool) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	sep := byte(' ')
	if blocks {
		sep = '\n'
	}
	var b strings.Builder
	b.Grow(len(s))
	skip := 0
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skipTags[a] {
				switch {
				case tt == html.StartTagToken:
					skip++
				case tt == html.EndTagToken && skip > 0:
					skip--
				}
				continue
			}
			if blockTags[a] {
				b.WriteByte(sep)
			} else if a == atom.Td || a == atom.Th {
				b.WriteByte(' ')
			}
		}
	}
}

// cleanText removes control and invisible formatting characters, collapses
// whitespace and, in multiline mode, drops blank lines; otherwise it makes
// one line. Invalid UTF-8 becomes U+FFFD.
func cleanText(s string, multiline bool) string {
	var b strings.Builder
	b.Grow(len(s))
	space, newline := false, false // separators pending before the next visible character
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			if multiline {
				newline = true
			} else {
				space = true
			}
		case unicode.IsSpace(r):
			space = true
		case unicode.IsControl(r), r != '\u200d' && unicode.Is(unicode.Cf, r):
			// zero-width spaces, soft hyphens, direction marks, BOM: dropped
		default:
			if b.Len() > 0 {
				if newline {
					b.WriteByte('\n')
				} else if space {
					b.WriteByte(' ')
				}
			}
			space, newline = false, false
			b.WriteRune(r)
		}
	}
	return b.String()
}

// truncateRunes cuts s to at most max runes plus "…", at a word boundary when
// one is near, never inside a character or between a letter and its combining mark.
func truncateRunes(s string, max int) string {
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return s
	}
	runes := []rune(s)
	cut := max
	for i := max; i > max*2/3; i-- {
		if unicode.IsSpace(runes[i]) {
			cut = i
			break
		}
	}
	for cut > 0 && unicode.In(runes[cut], unicode.Mn, unicode.Me, unicode.Mc) {
		cut-- // do not separate a base letter from its combining marks
	}
	if cut > 0 && cut < len(runes) && unicode.Is(unicode.Cf, runes[cut-1]) {
		cut-- // nor leave a dangling joiner
	}
	out := strings.TrimRightFunc(string(runes[:cut]), func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;:-–—([«\"'", r)
	})
	if out == "" {
		out = string(runes[:max])
	}
	return out + "…"
}
