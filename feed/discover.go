package feed

import (
	"bytes"
	"mime"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// noFeedLinkError is returned by Discover; it matches ErrNoFeedLink.
type noFeedLinkError struct{ page string }

func (e *noFeedLinkError) Error() string {
	return "no RSS or Atom feed link found on " + e.page + ": the page is HTML"
}

func (e *noFeedLinkError) Is(target error) bool { return target == ErrNoFeedLink }

// FeedLink is a feed a page advertises with <link rel="alternate">.
type FeedLink struct {
	URL string // absolute http(s)
	// Language is ru, be or en when the link tells (its hreflang or lang
	// attribute, or the /ru/ /be/ /en/ of its path), else "".
	Language string
	// Hint says where Language comes from: "hreflang", "lang", "path", or "".
	Hint string
}

// DiscoverAll finds every <link rel="alternate"> of type
// application/rss+xml or application/atom+xml of an HTML page, in
// document order, with its href resolved against base (or the page's
// <base href>) and its language when the link tells it. The body should be
// UTF-8 (see Decode); hrefs are ASCII in practice either way. Only http and
// https links are returned. Without any, the error matches ErrNoFeedLink and
// names the page.
func DiscoverAll(body []byte, base *url.URL) ([]FeedLink, error) {
	page := "the page"
	if base != nil {
		page = base.String()
	}
	z := html.NewTokenizer(bytes.NewReader(body))
	z.SetMaxBuf(4 << 20)
	var links []FeedLink
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken: // io.EOF or a token too large: either way, the links so far
			if len(links) == 0 {
				return nil, &noFeedLinkError{page: page}
			}
			return links, nil
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if !hasAttr {
				continue
			}
			switch atom.Lookup(name) {
			case atom.Base:
				if href := attr(z, "href"); href != "" {
					if b, ok := resolve(base, href); ok {
						if u, err := url.Parse(b); err == nil {
							base = u
						}
					}
				}
			case atom.Link:
				attrs := attrs(z)
				if !hasToken(attrs["rel"], "alternate") || !isFeedType(attrs["type"]) || attrs["href"] == "" {
					continue
				}
				if u, ok := resolve(base, attrs["href"]); ok {
					links = append(links, linkLanguage(FeedLink{URL: u}, attrs))
				}
			}
		}
	}
}

// linkLanguage reads the language of a feed link from its attributes, then its path.
func linkLanguage(l FeedLink, attrs map[string]string) FeedLink {
	for _, hint := range []string{"hreflang", "lang"} {
		if lang := langFromTag(attrs[hint]); lang != "" {
			l.Language, l.Hint = lang, hint
			return l
		}
	}
	if lang := langFromPath(l.URL); lang != "" {
		l.Language, l.Hint = lang, "path"
	}
	return l
}

// Discover returns the first feed link of an HTML page (see DiscoverAll),
// the first in lang when one says so and lang is not "".
func Discover(body []byte, base *url.URL, lang string) (string, error) {
	links, err := DiscoverAll(body, base)
	if err != nil {
		return "", err
	}
	for _, l := range links {
		if lang != "" && l.Language == lang {
			return l.URL, nil
		}
	}
	return links[0].URL, nil
}

func attr(z *html.Tokenizer, name string) string {
	return attrs(z)[name]
}

func attrs(z *html.Tokenizer) map[string]string {
	m := make(map[string]string, 4)
	for {
		k, v, more := z.TagAttr()
		key := strings.ToLower(string(k))
		if _, seen := m[key]; !seen {
			m[key] = strings.TrimSpace(string(v))
		}
		if !more {
			return m
		}
	}
}

func hasToken(list, want string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, want) {
			return true
		}
	}
	return false
}

func isFeedType(t string) bool {
	mt, _, err := mime.ParseMediaType(t)
	if err != nil {
		mt = strings.ToLower(strings.TrimSpace(t))
	}
	return mt == "application/rss+xml" || mt == "application/atom+xml"
}

// IsHTML reports whether a response is an HTML page rather than a feed. The
// body's first element decides (a feed served as text/html is still a feed);
// when it is inconclusive, the Content-Type does.
func IsHTML(contentType string, body []byte) bool {
	switch rootElement(body) {
	case "html", "head", "body", "!doctype html":
		return true
	case "rss", "feed", "rdf:rdf", "rdf", "json":
		return false
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "text/html" || mt == "application/xhtml+xml"
}

// rootElement returns the lower-cased name of the first element in the
// first few KiB of body, skipping the prolog, comments and processing
// instructions; "!doctype html" for an HTML doctype, "json" for a JSON
// object, "" when undecided.
func rootElement(b []byte) string {
	b = head(b, 8192)
	b = bytes.TrimPrefix(b, bomUTF8)
	for {
		b = bytes.TrimLeft(b, " \t\r\n\f")
		switch {
		case len(b) == 0:
			return ""
		case b[0] == '{':
			return "json"
		case b[0] != '<':
			return ""
		case bytes.HasPrefix(b, []byte("<?")):
			i := bytes.Index(b, []byte("?>"))
			if i < 0 {
				return ""
			}
			b = b[i+2:]
		case bytes.HasPrefix(b, []byte("<!--")):
			i := bytes.Index(b, []byte("-->"))
			if i < 0 {
				return ""
			}
			b = b[i+3:]
		case bytes.HasPrefix(b, []byte("<!")):
			i := bytes.IndexByte(b, '>')
			if i < 0 {
				return ""
			}
			decl := strings.ToLower(strings.Join(strings.Fields(string(b[2:i])), " "))
			if strings.HasPrefix(decl, "doctype html") {
				return "!doctype html"
			}
			b = b[i+1:]
		default:
			end := bytes.IndexAny(b[1:], " \t\r\n/>")
			if end < 0 {
				return ""
			}
			return strings.ToLower(string(b[1 : end+1]))
		}
	}
}
