package feed

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Page is what an article page says about itself in its head: the
// metadata link previews use. Every route that reads an article page (the
// teasers and pictures of listing items, /post) reads it with ReadPage, so
// that the same page gives the same article whichever way it came.
type Page struct {
	URL string // after redirects, without its fragment
	// Canonical is og:url, else <link rel=canonical>, when it is on the same
	// site (see SameSite), without its fragment; or empty.
	Canonical string
	// Title is og:title, else twitter:title, else <title>, on one line.
	Title string
	// Description is og:description, else twitter:description, else the
	// description meta, as plain text cut to about SummaryMaxRunes (see Summarise).
	Description string
	// Image is the first absolute http(s) picture of og:image:secure_url,
	// og:image, og:image:url, twitter:image, <link rel=image_src>.
	Image string
	// Published is article:published_time or another publication date of
	// the head (see pageDateKeys); zero when absent, unreadable or in the future.
	Published time.Time
	// Language is <html lang>, cut to its language subtag ("be-BY" → "be").
	Language string
}

// NotPageError is the answer to ReadPage for a body that is not an HTML page.
type NotPageError struct {
	URL         string
	ContentType string
}

func (e *NotPageError) Error() string {
	return fmt.Sprintf("read page %s: not a web page (%s)", e.URL, e.ContentType)
}

// ReadPage fetches an article page with the fetcher (its User-Agent,
// timeouts, size cap and redirect limit) and reads its head (see Page).
// Errors are the fetcher's (*HTTPError, ErrTimeout, ErrBodyTooLarge,
// ErrTooManyRedirects) or *NotPageError.
func (f *Fetcher) ReadPage(ctx context.Context, rawURL string) (Page, error) {
	body, pageURL, err := f.fetchPage(ctx, rawURL, 0)
	if err != nil {
		return Page{}, err
	}
	return ParsePage(body, pageURL, f.now()), nil
}

// fetchPage fetches an HTML page and decodes it to UTF-8: the one way every
// reader of article pages (ReadPage, ReadPageText) gets them. It returns
// the body and the address after redirects. A page of more than maxBytes
// (when not 0; the fetcher's own cap always applies) is refused with an
// error that matches ErrBodyTooLarge.
func (f *Fetcher) fetchPage(ctx context.Context, rawURL string, maxBytes int64) (body []byte, pageURL string, err error) {
	resp, err := f.Fetch(ctx, rawURL, Validators{})
	if err != nil {
		return nil, "", err
	}
	if maxBytes > 0 && int64(len(resp.Body)) > maxBytes {
		return nil, "", &Error{Plain: "the page is larger than the " + formatBytes(maxBytes) + " limit", Op: "GET", URL: rawURL,
			Kind: ErrBodyTooLarge, Err: ErrBodyTooLarge}
	}
	if mt, _, err := mime.ParseMediaType(resp.ContentType); resp.ContentType != "" && (err != nil || !strings.Contains(mt, "html")) {
		return nil, "", &NotPageError{URL: rawURL, ContentType: resp.ContentType}
	}
	body, _ = Decode(resp.Body, resp.ContentType)
	return body, resp.URL, nil
}

// pageDateKeys are the metas that may carry a page's publication date, in
// order of trust (lower-cased property, name or itemprop).
var pageDateKeys = []string{
	"article:published_time", "og:article:published_time", "datepublished", "pubdate", "publishdate",
	"dc.date.issued", "dcterms.issued", "dc.date", "date",
}

// pageImageKeys are the metas that may name a page's picture, in order.
var pageImageKeys = []string{"og:image:secure_url", "og:image", "og:image:url", "twitter:image", "twitter:image:src"}

// ParsePage reads the head of an HTML page (body already UTF-8, see Decode)
// found at pageURL; relative addresses are resolved against it. now bounds
// the publication date (a date past now + FutureTolerance is dropped).
func ParsePage(body []byte, pageURL string, now time.Time) Page {
	base := parseURL(pageURL)
	var p Page
	if base != nil {
		u := *base
		u.Fragment, u.RawFragment = "", ""
		p.URL = u.String()
	}
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return p
	}
	h := readHead(doc)
	p.Title = cleanText(firstNonBlank(h.meta["og:title"], h.meta["twitter:title"], h.title), false)
	for _, k := range []string{"og:description", "twitter:description", "description"} {
		if p.Description = Summarise(h.meta[k], SummaryMaxRunes); p.Description != "" {
			break
		}
	}
	for _, k := range pageImageKeys {
		if u, ok := resolve(base, h.meta[k]); ok {
			p.Image = u
			break
		}
	}
	if p.Image == "" {
		p.Image, _ = resolve(base, h.imageSrc)
	}
	if c := resolveURL(base, firstNonBlank(h.meta["og:url"], h.canonical)); c != nil && base != nil && SameSite(c.Hostname(), base.Hostname()) {
		c.Fragment, c.RawFragment = "", ""
		p.Canonical = c.String()
	}
	for _, k := range pageDateKeys {
		if t, ok := ParseDate(h.meta[k]); ok {
			if !t.After(now.Add(FutureTolerance)) {
				p.Published = t.UTC()
			}
			break
		}
	}
	p.Language, _, _ = strings.Cut(strings.ToLower(strings.TrimSpace(h.lang)), "-")
	return p
}

// pageHead is what ParsePage takes from the document: the first value of
// each meta (keyed by its lower-cased property, name or itemprop) and of
// the elements it reads.
type pageHead struct {
	meta                             map[string]string
	title, canonical, imageSrc, lang string
}

func readHead(doc *html.Node) pageHead {
	h := pageHead{meta: map[string]string{}}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Html:
				if h.lang == "" {
					h.lang = nodeAttr(n, "lang")
				}
			case atom.Title:
				if h.title == "" {
					h.title = childText(n)
				}
			case atom.Meta:
				key := strings.ToLower(firstNonBlank(nodeAttr(n, "property"), nodeAttr(n, "name"), nodeAttr(n, "itemprop")))
				if v := strings.TrimSpace(nodeAttr(n, "content")); key != "" && v != "" && h.meta[key] == "" {
					h.meta[key] = v
				}
			case atom.Link:
				for _, rel := range strings.Fields(strings.ToLower(nodeAttr(n, "rel"))) {
					switch {
					case rel == "canonical" && h.canonical == "":
						h.canonical = nodeAttr(n, "href")
					case rel == "image_src" && h.imageSrc == "":
						h.imageSrc = nodeAttr(n, "href")
					}
				}
			case atom.Svg:
				return // an svg <title> is not the page's
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return h
}

func nodeAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

// childText is the text directly inside n (a <title> holds nothing else).
func childText(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

func firstNonBlank(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
