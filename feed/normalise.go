package feed

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"

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

	items, esc := readFeedItems(p, feedBase)
	icons := repeatedImages(imageLists(items))
	out := make([]subscriptions.Article, 0, len(items))
	seen := make(map[string]bool, len(items))
	for _, ri := range items {
		a := ri.article(esc, icons, now)
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

// feedItem is what Normalise reads of an item before it can decide on the
// document as a whole (does it escape twice, which image is a site icon).
type feedItem struct {
	it   *gofeed.Item
	link *url.URL
	// title and summary (the description, else the content) are HTML decoded once.
	title, summary string
	images         []string // imageCandidates
}

// escaping says which fields of a document its source escaped twice.
type escaping struct{ titles, summaries bool }

// readFeedItems reads every item of the document, and tells whether it escapes
// titles or teasers twice: one field that shows it shows the source's
// habit, and the document's fields of that kind are decoded again.
func readFeedItems(p *Parsed, feedBase *url.URL) ([]feedItem, escaping) {
	items := make([]feedItem, 0, len(p.Feed.Items))
	var esc escaping
	for _, it := range p.Feed.Items {
		if it == nil {
			continue
		}
		ri := feedItem{it: it, link: itemLink(it, feedBase, p.guidLinks[it]),
			title: htmlToText(it.Title, false), summary: htmlToText(it.Description, true)}
		if strings.TrimSpace(ri.summary) == "" {
			ri.summary = htmlToText(it.Content, true)
		}
		imageBase := feedBase
		if ri.link != nil {
			imageBase = ri.link
		}
		ri.images = imageCandidates(it, imageBase)
		esc.titles = esc.titles || escapedTwice(ri.title)
		esc.summaries = esc.summaries || escapedTwice(ri.summary)
		items = append(items, ri)
	}
	return items, esc
}

func imageLists(items []feedItem) [][]string {
	out := make([][]string, len(items))
	for i, ri := range items {
		out[i] = ri.images
	}
	return out
}

// article completes the item knowing how the document escapes its text and
// which images are its icons.
func (ri feedItem) article(esc escaping, icons map[string]bool, now time.Time) subscriptions.Article {
	a := subscriptions.Article{FirstSeen: now}
	if ri.link != nil {
		a.Link = ri.link.String()
	}
	a.Title = finishTitle(ri.title, esc.titles)
	a.Summary = truncateRunes(finishSummary(ri.summary, esc.summaries), SummaryMaxRunes)
	if a.Title == "" && a.Summary != "" {
		a.Title = truncateRunes(strings.ReplaceAll(a.Summary, "\n", " "), 100)
	}
	if a.Summary == a.Title {
		a.Summary = ""
	}
	for _, u := range ri.images {
		if !icons[u] {
			a.ImageURL = u
			break
		}
	}
	published, ok := ItemDate(ri.it)
	if !ok || published.After(now.Add(FutureTolerance)) {
		published = now
	}
	a.Published = published.UTC()
	a.Categories = cleanCategories(ri.it.Categories)
	a.Key = itemKey(ri.it, a)
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
