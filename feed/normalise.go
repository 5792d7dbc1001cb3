package feed

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"path"
	"strings"
	"time"
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

	texts, esc := decodeTexts(p.Feed.Items)
	out := make([]subscriptions.Article, 0, len(p.Feed.Items))
	seen := make(map[string]bool, len(p.Feed.Items))
	for i, it := range p.Feed.Items {
		if it == nil {
			continue
		}
		a := normaliseItem(it, texts[i], esc, p.guidLinks[it], feedBase, now)
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

// itemText is the title and teaser of an item, HTML decoded once.
type itemText struct{ title, summary string }

// escaping says which fields of a document its source escaped twice.
type escaping struct{ titles, summaries bool }

// decodeTexts decodes the title and teaser (the description, else the
// content) of every item once, and tells from them whether the document
// escapes titles or teasers twice: one field that shows it shows the
// source's habit, and the document's fields of that kind are decoded again.
func decodeTexts(items []*gofeed.Item) ([]itemText, escaping) {
	texts := make([]itemText, len(items))
	var esc escaping
	for i, it := range items {
		if it == nil {
			continue
		}
		t := itemText{title: htmlToText(it.Title, false), summary: htmlToText(it.Description, true)}
		if strings.TrimSpace(t.summary) == "" {
			t.summary = htmlToText(it.Content, true)
		}
		esc.titles = esc.titles || escapedTwice(t.title)
		esc.summaries = esc.summaries || escapedTwice(t.summary)
		texts[i] = t
	}
	return texts, esc
}

func normaliseItem(it *gofeed.Item, text itemText, esc escaping, guidIsLink bool, feedBase *url.URL, now time.Time) subscriptions.Article {
	a := subscriptions.Article{FirstSeen: now}

	linkURL := itemLink(it, feedBase, guidIsLink)
	if linkURL != nil {
		a.Link = linkURL.String()
	}
	a.Title = finishTitle(text.title, esc.titles)
	a.Summary = truncateRunes(finishSummary(text.summary, esc.summaries), SummaryMaxRunes)
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

// itemLink is the item's link resolved against base, else its guid when that
// is an RSS permalink and an http(s) URL (an Atom or JSON id is an
// identifier, not a link); nil if none is http(s).
func itemLink(it *gofeed.Item, base *url.URL, guidIsLink bool) *url.URL {
	cands := []string{it.Link}
	cands = append(cands, it.Links...)
	if g := strings.TrimSpace(it.GUID); guidIsLink && (strings.HasPrefix(g, "http://") || strings.HasPrefix(g, "https://")) {
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
