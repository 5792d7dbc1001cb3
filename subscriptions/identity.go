package subscriptions

import (
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/osipovichi/newsbot/subscriptions/analyser"
)

// When are two items of the portal the same? Feeds rotate GUIDs, the
// portal files one story under several sections, and residents must get
// each story once. The rules, in the store's hands (see store.IngestFeed):
//
//   - The same item: within one feed, an item whose GUID is new is the
//     item stored before with the same link (LinkKey), or with the same
//     normalised title (TitleKey) published within StoryWindow of it. It
//     is updated, never announced again.
//   - The same story: items of different feeds (sections, a /post) with
//     the same link, the same article id in the portal's address
//     (PortalID: /news-ru/view/12345/ and /news-rayon-ru/view/12345/), or
//     the same title within StoryWindow are one story: each stays in its
//     section, residents get the story once and see it once in /latest
//     and /search.
//
// A key shared by two items of one fetch says nothing (a feed whose items
// all link to its home page, two notices called the same on one day), and
// short titles ("Объявление") are never enough.

// StoryWindow is how far apart two items with the same title may be
// published and still be one story.
const StoryWindow = 24 * time.Hour

// Short titles are no evidence: fewer words or letters than these, and
// TitleKey is empty.
const (
	minTitleWords   = 3
	minTitleLetters = 15
)

// StoryKeys are what an article is recognised by (see above); empty keys
// match nothing.
type StoryKeys struct {
	Link     string // LinkKey of the article's link
	Title    string // TitleKey of its title
	PortalID string // PortalID of its link and language
}

// KeysOf computes an article's StoryKeys.
func KeysOf(a Article) StoryKeys {
	return StoryKeys{Link: LinkKey(a.Link), Title: TitleKey(a.Title), PortalID: PortalID(a.Link, a.Language)}
}

// TitleKey is a title as compared: its words folded (case, ё, accents,
// invisible characters, punctuation and quotes ignored), or "" when it is
// too short to tell two stories apart.
func TitleKey(title string) string {
	ws := analyser.Words(title)
	letters := 0
	for _, w := range ws {
		letters += utf8.RuneCountInString(w)
	}
	if len(ws) < minTitleWords || letters < minTitleLetters {
		return ""
	}
	return strings.Join(ws, " ")
}

// trackingParams are query parameters that mark where a reader came from,
// not which page they read.
var trackingParams = []string{"fbclid", "gclid", "yclid", "_openstat", "from", "ref", "utm_source", "utm_medium",
	"utm_campaign", "utm_term", "utm_content"}

// LinkKey is a link as compared: without its scheme (http and https are
// one), "www.", a default port, a fragment, a final slash and tracking
// parameters, with the rest of the query sorted; "" for anything but an
// absolute http(s) URL.
func LinkKey(link string) string {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return ""
	}
	host := strings.TrimPrefix(strings.ToLower(strings.TrimSuffix(u.Hostname(), ".")), "www.")
	if p := u.Port(); p != "" && p != "80" && p != "443" {
		host += ":" + p
	}
	q := u.Query()
	for k := range q {
		if slices.Contains(trackingParams, strings.ToLower(k)) || strings.HasPrefix(strings.ToLower(k), "utm_") {
			q.Del(k)
		}
	}
	key := host + strings.TrimSuffix(u.EscapedPath(), "/")
	if len(q) > 0 {
		key += "?" + q.Encode() // sorted by key
	}
	return key
}

// PortalID is the article id in an address of the portal's CMS, the
// digits that end the segment after "view" (/ru/news-ru/view/12345/,
// /en/news-en/view/bridge-opens-12346/), with the host and the language:
// one article filed under several sections. "" for other addresses.
func PortalID(link, lang string) string {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil || u.Hostname() == "" {
		return ""
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	for i := 0; i+1 < len(segs); i++ {
		if segs[i] != "view" {
			continue
		}
		seg := strings.TrimSuffix(strings.TrimSuffix(segs[i+1], ".html"), ".htm")
		j := len(seg)
		for j > 0 && unicode.IsDigit(rune(seg[j-1])) {
			j--
		}
		if j == len(seg) || j > 0 && seg[j-1] != '-' && seg[j-1] != '_' {
			return "" // no id, or digits that are part of a word ("covid19")
		}
		id := strings.TrimLeft(seg[j:], "0")
		if id == "" {
			return ""
		}
		host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
		return host + "|" + lang + "|" + id
	}
	return ""
}
