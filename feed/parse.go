package feed

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/rss"

	"github.com/osipovichi/newsbot/subscriptions"
)

// Parsed is a decoded and parsed response body.
type Parsed struct {
	// Feed is the parsed feed; nil when HTML is true.
	Feed *gofeed.Feed
	// Decoding tells which character set was detected and where.
	Decoding Decoding
	// HTML is true when the body is an HTML page; run Discover on Body.
	HTML bool
	// Body is the body converted to UTF-8.
	Body []byte
	// FetchURL is the URL the body came from (after redirects); relative
	// links are resolved against it when the feed has no link of its own.
	FetchURL string
	// Recovery says what was repaired so that the feed could be read: a
	// truncated document, characters XML does not allow.
	Recovery Recovery
	// guidLinks are the RSS items whose guid is a permalink (isPermaLink
	// absent or "true"): only those may serve as the item's link.
	guidLinks map[*gofeed.Item]bool
}

// Encoding is the canonical name of the detected character set.
func (p *Parsed) Encoding() string { return p.Decoding.Encoding }

// Parse decodes body to UTF-8 (see Decode), checks and repairs an XML
// document (see prepareXML: Parsed.Recovery says what was repaired) and
// parses it with gofeed. An HTML page is not an error: Parsed.HTML is set and
// Feed is nil, so the caller can run Discover. Errors are *Error naming
// fetchURL; they match ErrNotFeed when the body is not a feed at all, and
// ErrTooDeep, ErrTooManyNodes or ErrTruncated when the pre-pass refuses it.
func Parse(body []byte, contentType, fetchURL string) (p *Parsed, err error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, parseError(fetchURL, "the portal sent an empty answer instead of a feed", ErrNotFeed, nil)
	}
	utf8Body, dec := Decode(body, contentType)
	p = &Parsed{Decoding: dec, Body: utf8Body, FetchURL: fetchURL}
	if IsHTML(contentType, utf8Body) {
		p.HTML = true
		return p, nil
	}
	defer func() {
		// gofeed is third-party code fed with outside input: never let it
		// take the poller down.
		if r := recover(); r != nil {
			p, err = nil, parseError(fetchURL, "the feed could not be read", nil, fmt.Errorf("parser panic: %v", r))
		}
	}()
	doc := utf8Body
	if !isJSON(utf8Body) {
		doc, p.Recovery, err = prepareXML(utf8Body)
		if err != nil {
			return nil, parseError(fetchURL, prepassPlain(err), err, nil)
		}
	}
	f, guidLinks, err := parseFeed(doc)
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return nil, parseError(fetchURL, "the address serves no RSS, Atom or JSON feed: "+describeBody(utf8Body), ErrNotFeed, nil)
		}
		return nil, parseError(fetchURL, "the feed is not well-formed and could not be read", nil, err)
	}
	p.Feed, p.guidLinks = f, guidLinks
	return p, nil
}

// parseFeed parses a UTF-8 document prepared by prepareXML (or JSON), and
// tells which RSS items have a guid that is a permalink.
func parseFeed(doc []byte) (*gofeed.Feed, map[*gofeed.Item]bool, error) {
	t := &rssTranslator{}
	fp := gofeed.NewParser()
	fp.RSSTranslator = t
	f, err := fp.Parse(bytes.NewReader(doc))
	return f, t.guidLinks, err
}

// rssTranslator is gofeed's, noting the items whose guid is a permalink,
// which gofeed's universal items no longer tell.
type rssTranslator struct {
	gofeed.DefaultRSSTranslator
	guidLinks map[*gofeed.Item]bool
}

func (t *rssTranslator) Translate(feed any) (*gofeed.Feed, error) {
	f, err := t.DefaultRSSTranslator.Translate(feed)
	if err != nil {
		return nil, err
	}
	rf, ok := feed.(*rss.Feed)
	if !ok || len(rf.Items) != len(f.Items) {
		return f, nil
	}
	t.guidLinks = make(map[*gofeed.Item]bool)
	for i, it := range rf.Items {
		if it.GUID == nil {
			continue
		}
		if v := strings.TrimSpace(it.GUID.IsPermalink); v == "" || strings.EqualFold(v, "true") {
			t.guidLinks[f.Items[i]] = true
		}
	}
	return f, nil
}

// prepassPlain says in plain words why the pre-pass refused a document.
func prepassPlain(err error) string {
	switch {
	case errors.Is(err, ErrTooDeep):
		return fmt.Sprintf("the feed nests elements more than %d levels deep, which no real feed does; it was not read, to protect the bot", MaxDepth)
	case errors.Is(err, ErrTooManyNodes):
		return fmt.Sprintf("the feed has more than %d elements and attributes, which no real feed has; it was not read, to protect the bot", MaxNodes)
	case errors.Is(err, ErrTruncated):
		return "the feed was cut off before its first complete item"
	}
	return "the feed could not be read"
}

// isJSON reports whether the body starts like a JSON document.
func isJSON(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && (b[0] == '{' || b[0] == '[')
}

// describeBody says in a few words what a body that is not a feed starts with.
func describeBody(b []byte) string {
	root := rootElement(b)
	if root == "" {
		return "the body does not start with markup"
	}
	if root == "json" {
		return "the body is JSON but not a JSON feed"
	}
	return "the document element is <" + root + ">"
}

// ParseArticles ties Parse and Normalise for a feed body. When the body is an
// HTML page it fails: with an error matching ErrNoFeedLink when the page has
// no feed link, else with one matching ErrNotFeed that names the link found
// (the caller fetches that; the Poller and Preview do it themselves).
func ParseArticles(body []byte, contentType, fetchURL string, f subscriptions.Feed, now time.Time) (*Parsed, []subscriptions.Article, error) {
	p, err := Parse(body, contentType, fetchURL)
	if err != nil {
		return nil, nil, err
	}
	if p.HTML {
		link, err := Discover(p.Body, parseURL(fetchURL), f.Language)
		if err != nil {
			return p, nil, err
		}
		return p, nil, parseError(fetchURL, "the address is an HTML page that links to the feed "+link, ErrNotFeed, nil)
	}
	return p, Normalise(p, f, now), nil
}

func parseURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		return nil
	}
	return u
}
