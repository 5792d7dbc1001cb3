package feed

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/mmcdole/gofeed"

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
}

// Encoding is the canonical name of the detected character set.
func (p *Parsed) Encoding() string { return p.Decoding.Encoding }

// Parse decodes body to UTF-8 (see Decode) and parses it with gofeed. An
// HTML page is not an error: Parsed.HTML is set and Feed is nil, so the
// caller can run Discover. Errors name fetchURL and match ErrNotFeed when the
// body is not a feed at all.
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
	fp := gofeed.NewParser()
	f, err := fp.Parse(bytes.NewReader(utf8Body))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return nil, parseError(fetchURL, "the address serves no RSS, Atom or JSON feed: "+describeBody(utf8Body), ErrNotFeed, nil)
		}
		return nil, parseError(fetchURL, "the feed is not well-formed and could not be read", nil, err)
	}
	p.Feed = f
	return p, nil
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
		link, err := Discover(p.Body, parseURL(fetchURL))
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
