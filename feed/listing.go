package feed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"github.com/osipovichi/newsbot/subscriptions"
)

// ErrNoListingItems: a news listing page has no item that the selectors find
// (the layout has changed, or the URL is not a listing).
var ErrNoListingItems = errors.New("no news items found")

// NoListingItemsError names the page and the item selector that found nothing;
// it matches ErrNoListingItems.
type NoListingItemsError struct {
	URL      string
	Selector string
}

func (e *NoListingItemsError) Error() string {
	return fmt.Sprintf("no news items found on %s with selector %q: the page layout may have changed", e.URL, e.Selector)
}

// Is makes errors.Is(err, ErrNoListingItems) true.
func (e *NoListingItemsError) Is(target error) bool { return target == ErrNoListingItems }

// Selectors are the CSS selectors that read a news listing page. Item selects
// each news block; the others are looked for inside a block: Title (its
// text), Link (the href of the element, or of the first link inside it), Date
// (a <time datetime>, else the text), Teaser (the text, paragraphs kept) and
// Image (src, lazy-loading attributes, srcset or a CSS background image).
// Text is not for the listing: it selects the text block of the source's
// article pages, for reading in Telegram (see ParsePageText). Empty fields
// take the defaults for the portals' CMS (DefaultSelectors, DefaultTextSelector).
type Selectors struct {
	Item   string `json:"item,omitempty"`
	Title  string `json:"title,omitempty"`
	Link   string `json:"link,omitempty"`
	Date   string `json:"date,omitempty"`
	Teaser string `json:"teaser,omitempty"`
	Image  string `json:"image,omitempty"`
	Text   string `json:"text,omitempty"`
}

// SelectorFields are the names of the fields of Selectors, as configured.
var SelectorFields = []string{"item", "title", "link", "date", "teaser", "image", "text"}

// Set sets the field named name (see SelectorFields); false if there is no such field.
func (s *Selectors) Set(name, value string) bool {
	switch name {
	case "item":
		s.Item = value
	case "title":
		s.Title = value
	case "link":
		s.Link = value
	case "date":
		s.Date = value
	case "teaser":
		s.Teaser = value
	case "image":
		s.Image = value
	case "text":
		s.Text = value
	default:
		return false
	}
	return true
}

func (s Selectors) fields() [][2]string {
	return [][2]string{{"item", s.Item}, {"title", s.Title}, {"link", s.Link}, {"date", s.Date}, {"teaser", s.Teaser}, {"image", s.Image}, {"text", s.Text}}
}

// Validate reports the first field that is not a valid CSS selector, naming it.
func (s Selectors) Validate() error {
	for _, f := range s.fields() {
		if strings.TrimSpace(f[1]) == "" {
			continue
		}
		if _, err := cascadia.Compile(f[1]); err != nil {
			return fmt.Errorf("%s %q is not a valid CSS selector: %v", f[0], f[1], err)
		}
	}
	return nil
}

// String lists the fields that are set: "item=.news; title=h3".
func (s Selectors) String() string {
	var parts []string
	for _, f := range s.fields() {
		if f[1] != "" {
			parts = append(parts, f[0]+"="+f[1])
		}
	}
	return strings.Join(parts, "; ")
}

// DefaultSelectors read the listing pages of the Belarusian district and
// regional executive committee portals (osipovichi.gov.by and the portals
// of the same CMS): blocks of date, linked title, teaser and picture. Each
// field is a list tried in order, so that the title's link is preferred to
// the picture's; an override replaces the whole list.
var DefaultSelectors = Selectors{
	Item:   ".news_block, .news-block, .news_item, .news-item, .news_list_item, .news-list__item, .news_one, article.news, li.news",
	Title:  ".news_title, .news-title, .news_name, .news-name, .news_head, .title, h2, h3, h4",
	Link:   ".news_title a[href], .news-title a[href], .news_name a[href], .news-name a[href], .news_head a[href], .title a[href], h2 a[href], h3 a[href], h4 a[href], a.more[href], a[href]",
	Date:   ".news_date, .news-date, .news_data, .date, .data, time, .news_time",
	Teaser: ".news_text, .news-text, .news_anons, .news-anons, .news_preview, .anons, .announce, .teaser, .intro, .preview, p",
	Image:  ".news_img img, .news-img img, .news_image img, .news-image img, .news_foto img, .news_photo img, .news_img, .news-img, img",
}

// compiledSelectors holds, per field, the selectors tried in order.
type compiledSelectors struct {
	desc                                   string // item selector as given, for messages
	item, title, link, date, teaser, image []cascadia.Selector
}

var defaultCompiled = mustCompileDefaults()

func mustCompileDefaults() *compiledSelectors {
	c, err := compileSelectors(Selectors{})
	if err != nil {
		panic(err)
	}
	return c
}

// compileSelectors compiles the overrides in s over the defaults. A default
// is split at its commas (tried one by one); an override is one group.
func compileSelectors(s Selectors) (*compiledSelectors, error) {
	c := &compiledSelectors{}
	one := func(override, def string) ([]cascadia.Selector, error) {
		parts := []string{override}
		if strings.TrimSpace(override) == "" {
			parts = strings.Split(def, ",")
		}
		var out []cascadia.Selector
		for _, p := range parts {
			sel, err := cascadia.Compile(strings.TrimSpace(p))
			if err != nil {
				return nil, err
			}
			out = append(out, sel)
		}
		return out, nil
	}
	d := DefaultSelectors
	var err error
	if s.Item != "" {
		// Items: one group, so that the blocks come in page order.
		sel, err := cascadia.Compile(s.Item)
		if err != nil {
			return nil, fmt.Errorf("item %q is not a valid CSS selector: %v", s.Item, err)
		}
		c.item, c.desc = []cascadia.Selector{sel}, s.Item
	} else {
		sel, err := cascadia.Compile(d.Item)
		if err != nil {
			return nil, err
		}
		c.item, c.desc = []cascadia.Selector{sel}, d.Item
	}
	for _, f := range []struct {
		dst           *[]cascadia.Selector
		name, ov, def string
	}{
		{&c.title, "title", s.Title, d.Title}, {&c.link, "link", s.Link, d.Link}, {&c.date, "date", s.Date, d.Date},
		{&c.teaser, "teaser", s.Teaser, d.Teaser}, {&c.image, "image", s.Image, d.Image},
	} {
		if *f.dst, err = one(f.ov, f.def); err != nil {
			return nil, fmt.Errorf("%s %q is not a valid CSS selector: %v", f.name, f.ov, err)
		}
	}
	return c, nil
}

// ListingItem is one news block as read from the page, before normalisation.
type ListingItem struct {
	TitleHTML  string // inner HTML of the title element
	Link       string // absolute, or "" when none
	DateText   string // the date as written (or a <time datetime>)
	TeaserHTML string // inner HTML of the teaser element
	Image      string // absolute, or ""
}

// Listing is a parsed news listing page.
type Listing struct {
	Items []ListingItem
	// Language is the page's <html lang>, if any.
	Language string
	// ItemSelector is the item selector used, for messages and diagnostics.
	ItemSelector string
}

// ParseListing reads the news blocks of an HTML listing page (body already
// UTF-8, see Decode) with the selectors sel over the defaults. Relative links
// are resolved against the page's <base href>, else pageURL. It fails only
// when a selector is invalid; a page without items gives an empty Listing.
func ParseListing(body []byte, pageURL string, sel Selectors) (*Listing, error) {
	c := defaultCompiled
	if sel.Text = ""; sel != (Selectors{}) {
		var err error
		if c, err = compileSelectors(sel); err != nil {
			return nil, err
		}
	}
	root, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("parse listing %s: %w", pageURL, err)
	}
	return readListing(goquery.NewDocumentFromNode(root), parseURL(pageURL), c), nil
}

func readListing(doc *goquery.Document, base *url.URL, c *compiledSelectors) *Listing {
	l := &Listing{ItemSelector: c.desc}
	l.Language, _ = doc.Find("html").First().Attr("lang")
	if href, ok := doc.Find("base[href]").First().Attr("href"); ok {
		if u := resolveURL(base, href); u != nil {
			base = u
		}
	}
	blocks := doc.FindMatcher(c.item[0])
	inSet := make(map[*html.Node]bool, blocks.Length())
	for _, n := range blocks.Nodes {
		inSet[n] = true
	}
	blocks.Each(func(_ int, b *goquery.Selection) {
		for p := b.Nodes[0].Parent; p != nil; p = p.Parent {
			if inSet[p] {
				return // a block nested in another: part of it
			}
		}
		it := readItem(b, base, c)
		if strings.TrimSpace(it.TitleHTML) == "" && it.Link == "" {
			return
		}
		l.Items = append(l.Items, it)
	})
	return l
}

func firstMatch(s *goquery.Selection, sels []cascadia.Selector) *goquery.Selection {
	for _, sel := range sels {
		if m := s.FindMatcher(sel); m.Length() > 0 {
			return m.First()
		}
	}
	return nil
}

func readItem(b *goquery.Selection, base *url.URL, c *compiledSelectors) ListingItem {
	var it ListingItem
	title := firstMatch(b, c.title)
	if title != nil {
		it.TitleHTML, _ = title.Html()
	}
	if l := firstMatch(b, c.link); l != nil {
		href, ok := l.Attr("href")
		if !ok {
			href, _ = l.Find("a[href]").First().Attr("href")
		}
		if u := resolveURL(base, href); u != nil {
			u.Fragment = ""
			it.Link = u.String()
		}
	} else if goquery.NodeName(b) == "a" {
		if href, ok := b.Attr("href"); ok {
			if u := resolveURL(base, href); u != nil {
				it.Link = u.String()
			}
		}
	}
	if strings.TrimSpace(htmlToText(it.TitleHTML, false)) == "" && it.Link != "" {
		// No title element: the text of the link.
		b.Find("a[href]").EachWithBreak(func(_ int, a *goquery.Selection) bool {
			if t := strings.TrimSpace(a.Text()); t != "" {
				it.TitleHTML, _ = a.Html()
				return false
			}
			return true
		})
	}
	var dateNode *goquery.Selection
	if d := firstMatch(b, c.date); d != nil {
		dateNode = d
		if v, ok := d.Attr("datetime"); ok && strings.TrimSpace(v) != "" {
			it.DateText = strings.TrimSpace(v)
		} else if v, ok := d.Find("time[datetime]").First().Attr("datetime"); ok && strings.TrimSpace(v) != "" {
			it.DateText = strings.TrimSpace(v)
		} else {
			it.DateText = strings.Join(strings.Fields(d.Text()), " ")
		}
	}
	if t := firstMatch(b, c.teaser); t != nil {
		// The teaser is neither the title nor the date (a bare <p> may be either).
		if (title == nil || !sameOrContains(t, title)) && (dateNode == nil || !sameOrContains(t, dateNode)) {
			it.TeaserHTML, _ = t.Html()
		}
	}
	if im := firstMatch(b, c.image); im != nil {
		it.Image = imageURL(im, base)
	}
	return it
}

// sameOrContains reports whether a is b or contains it.
func sameOrContains(a, b *goquery.Selection) bool {
	return a.Nodes[0] == b.Nodes[0] || a.Contains(b.Nodes[0])
}

var cssURLRe = regexp.MustCompile(`url\(\s*['"]?([^'")]+)['"]?\s*\)`)

// imageURL reads a picture from an <img> (src or lazy-loading attributes,
// srcset), or an element with a CSS background image, or the first <img> in it.
func imageURL(s *goquery.Selection, base *url.URL) string {
	if goquery.NodeName(s) != "img" {
		if style, ok := s.Attr("style"); ok {
			if m := cssURLRe.FindStringSubmatch(style); m != nil {
				if u, ok := resolve(base, m[1]); ok {
					return u
				}
			}
		}
		img := s.Find("img").First()
		if img.Length() == 0 {
			return ""
		}
		s = img
	}
	for _, k := range []string{"data-src", "data-lazy-src", "data-original", "src"} {
		if v, ok := s.Attr(k); ok && v != "" && !strings.HasPrefix(strings.TrimSpace(v), "data:") {
			if u, ok := resolve(base, v); ok {
				return u
			}
		}
	}
	if v, ok := s.Attr("srcset"); ok {
		first := strings.Fields(strings.Split(v, ",")[0])
		if len(first) > 0 {
			if u, ok := resolve(base, first[0]); ok {
				return u
			}
		}
	}
	return ""
}

// NormaliseListing turns the items of a listing into articles, in page order,
// as Normalise does for a feed: the key is the absolute link (else a hash of
// title, date and teaser), titles are cleaned, the summary comes from the
// teaser, dates are read in loc (see ParseListingDate; a date without a time
// on the current day, a missing or a future date give now). Items without a
// title, teaser and link are dropped, and so are repeats of a key.
func NormaliseListing(l *Listing, f subscriptions.Feed, pageURL string, loc *time.Location, now time.Time) []subscriptions.Article {
	if l == nil {
		return nil
	}
	if loc == nil {
		loc = DefaultLocation()
	}
	lang := FeedLanguage(f, pageURL, l.Language)
	now = now.UTC()
	out := make([]subscriptions.Article, 0, len(l.Items))
	seen := make(map[string]bool, len(l.Items))
	for _, it := range l.Items {
		a := subscriptions.Article{FirstSeen: now, Link: it.Link, ImageURL: it.Image}
		a.Title = CleanTitle(it.TitleHTML)
		a.Summary = Summarise(it.TeaserHTML, SummaryMaxRunes)
		if a.Title == "" && a.Summary != "" {
			a.Title = truncateRunes(strings.ReplaceAll(a.Summary, "\n", " "), 100)
		}
		if a.Summary == a.Title {
			a.Summary = ""
		}
		if a.Title == "" && a.Summary == "" && a.Link == "" {
			continue
		}
		a.Published = listingPublished(it.DateText, loc, now)
		a.Key = a.Link
		if a.Key == "" {
			a.Key = hashKey(a.Title + "|" + it.DateText + "|" + a.Summary)
		}
		if seen[a.Key] {
			continue
		}
		seen[a.Key] = true
		a.FeedID, a.Section, a.Language = f.ID, f.Section, lang
		out = append(out, a)
	}
	return out
}

func listingPublished(raw string, loc *time.Location, now time.Time) time.Time {
	t, hasTime, ok := ParseListingDate(raw, loc, now)
	if !ok || t.After(now.Add(FutureTolerance)) {
		return now
	}
	if !hasTime {
		y, m, d := t.In(loc).Date()
		ny, nm, nd := now.In(loc).Date()
		if y == ny && m == nm && d == nd {
			return now // published today, at a time not shown: when it was first seen
		}
	}
	return t.UTC()
}

// looksLikeListing tells a news listing from another HTML page: at least two
// blocks with a title and a link, and at least two of them dated.
func looksLikeListing(l *Listing, loc *time.Location, now time.Time) bool {
	titled, dated := 0, 0
	for _, it := range l.Items {
		if it.Link == "" || CleanTitle(it.TitleHTML) == "" {
			continue
		}
		titled++
		if _, _, ok := ParseListingDate(it.DateText, loc, now); ok {
			dated++
		}
	}
	return titled >= 2 && dated >= 2
}

// How a source was read, as in FeedHealth.ReadAs and PreviewResult.ReadAs.
const (
	ReadAsFeed            = "feed"
	ReadAsListing         = "listing"
	ReadAsDetectedListing = "listing (detected)"
	// ReadAsVersions: a page whose feeds in several languages are polled as its versions.
	ReadAsVersions = "language versions"
)

// listingReader reads listing pages: the zone of their dates and the
// selector overrides per configured URL.
type listingReader struct {
	loc       *time.Location
	selectors map[string]Selectors
	now       func() time.Time
}

func (r *listingReader) location() *time.Location {
	if r == nil || r.loc == nil {
		return DefaultLocation()
	}
	return r.loc
}

func (r *listingReader) selectorsFor(configured string) Selectors {
	if r == nil {
		return Selectors{}
	}
	return r.selectors[configured]
}

// readAs says how an attempt read its source.
func (a attempt) readAs() string {
	switch {
	case len(a.Versions) > 0:
		return ReadAsVersions
	case a.Listing != nil && a.Detected:
		return ReadAsDetectedListing
	case a.Listing != nil:
		return ReadAsListing
	default:
		return ReadAsFeed
	}
}

// articles normalises what the attempt fetched, feed or listing.
func (a attempt) articles(f subscriptions.Feed, loc *time.Location, now time.Time) []subscriptions.Article {
	if a.Listing != nil {
		return NormaliseListing(a.Listing, f, a.Resp.URL, loc, now)
	}
	return Normalise(a.Parsed, f, now)
}

// fetchListing fetches a configured listing page (conditionally, with v)
// and reads its news blocks. A page without any is an error that names the
// page and the selector; so is a body that is not HTML.
func fetchListing(ctx context.Context, f *Fetcher, configured string, v Validators, sel Selectors) (attempt, error) {
	var a attempt
	resp, err := f.Fetch(ctx, configured, v)
	if err != nil {
		a.Status = statusOf(err)
		return a, err
	}
	a.Status = resp.Status
	if resp.NotModified {
		a.Resp = resp
		return a, nil
	}
	if len(bytes.TrimSpace(resp.Body)) == 0 {
		return a, fmt.Errorf("read listing %s: %w: empty body", configured, ErrNoListingItems)
	}
	body, dec := Decode(resp.Body, resp.ContentType)
	p := &Parsed{Decoding: dec, Body: body, FetchURL: resp.URL, HTML: true}
	if !IsHTML(resp.ContentType, body) {
		return a, fmt.Errorf("read listing %s: not an HTML page (%s, %s); if it is a feed, configure it without the html: prefix", configured, mediaType(resp.ContentType), describeBody(body))
	}
	l, err := ParseListing(body, resp.URL, sel)
	if err != nil {
		return a, fmt.Errorf("read listing %s: %w", configured, err)
	}
	if len(l.Items) == 0 {
		return a, &NoListingItemsError{URL: configured, Selector: l.ItemSelector}
	}
	a.Resp, a.Parsed, a.Listing = resp, p, l
	return a, nil
}

func mediaType(ct string) string {
	if ct == "" {
		return "no content type"
	}
	mt, _, _ := strings.Cut(ct, ";")
	return strings.TrimSpace(mt)
}

// detectListing is called on an HTML page without a feed link: it reads the
// page with the default (or configured) selectors and keeps it when it looks
// like a news listing.
func (r *listingReader) detect(p *Parsed, configured, pageURL string) *Listing {
	if r == nil {
		return nil
	}
	l, err := ParseListing(p.Body, pageURL, r.selectorsFor(configured))
	if err != nil {
		return nil
	}
	now := time.Now()
	if r.now != nil {
		now = r.now()
	}
	if !looksLikeListing(l, r.location(), now) {
		return nil
	}
	return l
}
