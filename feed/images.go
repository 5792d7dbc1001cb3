package feed

import (
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxContentImages bounds the <img> looked at in an item's HTML.
const maxContentImages = 10

// imageCandidates are the pictures of an item that may be the article's, best
// first: media:content, media:thumbnail, image enclosures, itunes:image, then
// the images of the description and content, then gofeed's choice; relative
// URLs resolved against base. Tracking pixels and images declared 1×1 or
// 2×2, or known by name to be such, are left out (see isTrackingImage).
func imageCandidates(it *gofeed.Item, base *url.URL) []string {
	var out []string
	seen := map[string]bool{}
	add := func(raw string, width, height string) {
		if declaredTiny(width) || declaredTiny(height) {
			return
		}
		u := resolveURL(base, raw)
		if u == nil || isTrackingImage(u) {
			return
		}
		if s := u.String(); !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	addMedia := func(e ext.Extension) { add(e.Attrs["url"], e.Attrs["width"], e.Attrs["height"]) }

	if media, ok := it.Extensions["media"]; ok {
		var contents, thumbs []ext.Extension
		contents = append(contents, media["content"]...)
		thumbs = append(thumbs, media["thumbnail"]...)
		for _, g := range media["group"] {
			contents = append(contents, g.Children["content"]...)
			thumbs = append(thumbs, g.Children["thumbnail"]...)
		}
		for _, c := range contents {
			if isImageMedia(c) {
				addMedia(c)
			}
		}
		for _, t := range thumbs {
			addMedia(t)
		}
	}
	for _, e := range it.Enclosures {
		if e != nil && (strings.HasPrefix(strings.ToLower(e.Type), "image/") || e.Type == "" && hasImageExt(e.URL)) {
			add(e.URL, "", "")
		}
	}
	if it.ITunesExt != nil {
		add(it.ITunesExt.Image, "", "")
	}
	for _, s := range []string{it.Description, it.Content} {
		for _, img := range contentImages(s) {
			add(img.src, img.width, img.height)
		}
	}
	if it.Image != nil && len(out) == 0 { // gofeed's choice, mostly one of the above
		add(it.Image.URL, "", "")
	}
	return out
}

// contentImage is an <img> of an item's HTML.
type contentImage struct{ src, width, height string }

// contentImages lists the visible <img> of an HTML fragment with a source
// (src, else a lazy-loading attribute), their declared size from the
// attributes or the style.
func contentImages(s string) []contentImage {
	var out []contentImage
	// Only the <img> tags are tokenized, not the whole text.
	for rest := s; len(out) < maxContentImages; {
		i := indexFold(rest, "<img")
		if i < 0 {
			return out
		}
		rest = rest[i:]
		z := html.NewTokenizer(strings.NewReader(rest))
		rest = rest[len("<img"):]
		switch z.Next() {
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if !hasAttr || atom.Lookup(name) != atom.Img {
				continue
			}
			as := attrs(z)
			style := strings.ReplaceAll(strings.ToLower(as["style"]), " ", "")
			if strings.Contains(style, "display:none") || strings.Contains(style, "visibility:hidden") {
				continue
			}
			img := contentImage{width: as["width"], height: as["height"]}
			if img.width == "" {
				img.width = styleLength(style, "width")
			}
			if img.height == "" {
				img.height = styleLength(style, "height")
			}
			for _, k := range []string{"src", "data-src", "data-lazy-src", "data-original"} {
				if v := as[k]; v != "" && !strings.HasPrefix(v, "data:") {
					img.src = v
					break
				}
			}
			if img.src != "" {
				out = append(out, img)
			}
		}
	}
	return out
}

// styleLength is the value of a CSS property such as width:1px in a style
// attribute without spaces, or "".
func styleLength(style, prop string) string {
	for _, decl := range strings.Split(style, ";") {
		if v, ok := strings.CutPrefix(decl, prop+":"); ok {
			return v
		}
	}
	return ""
}

// declaredTiny reports whether a width or height says 2 pixels or less.
func declaredTiny(v string) bool {
	v = strings.TrimSuffix(strings.TrimSpace(v), "px")
	n, err := strconv.ParseFloat(v, 64)
	return err == nil && n <= 2
}

// Tracking images: hosts (and their subdomains), host labels and path names
// that counters, analytics and feed proxies use for 1×1 pixels.
var (
	trackingHosts = []string{
		"feeds.feedburner.com", "feedproxy.google.com", "feeds.feedblitz.com", "pixel.wp.com",
		"stats.wordpress.com", "google-analytics.com", "googletagmanager.com", "doubleclick.net",
		"mc.yandex.ru", "counter.yadro.ru", "top-fwz1.mail.ru", "top.mail.ru", "counter.rambler.ru",
		"scorecardresearch.com", "quantserve.com", "statcounter.com", "bat.bing.com", "facebook.com",
		"liveinternet.ru", "hotlog.ru", "top100.rambler.ru",
	}
	trackingLabels = map[string]bool{
		"pixel": true, "pixels": true, "analytics": true, "tracking": true, "tracker": true,
		"stats": true, "counter": true, "beacon": true, "metrics": true,
	}
	trackingNames = map[string]bool{
		"pixel": true, "1x1": true, "1px": true, "spacer": true, "blank": true, "transparent": true,
		"clear": true, "tracking": true, "tracker": true, "track": true, "beacon": true, "counter": true,
		"tr": true, "stat": true, "stats": true, "analytics": true, "empty": true,
	}
)

// isTrackingImage reports whether an image URL is a tracking pixel or a
// spacer rather than a picture: by host, by host label (pixel.example.com),
// by feed-proxy path (/~r/ of FeedBurner) or by file name (1x1.gif, spacer.png).
func isTrackingImage(u *url.URL) bool {
	host := strings.ToLower(u.Hostname())
	for _, h := range trackingHosts {
		if host == h || strings.HasSuffix(host, "."+h) {
			return true
		}
	}
	labels := strings.Split(host, ".")
	for _, l := range labels[:max(len(labels)-1, 0)] { // not the top-level domain
		if trackingLabels[l] {
			return true
		}
	}
	p := strings.ToLower(u.Path)
	if strings.Contains(p, "/~r/") || strings.Contains(p, "/~ff/") || strings.Contains(p, "/~a/") {
		return true
	}
	name := path.Base(p)
	return trackingNames[strings.TrimSuffix(name, path.Ext(name))]
}

// repeatedImages are the images that stand in most items of a feed (at
// least three, and more than half of them): a site's logo or icon, not an
// article's photo.
func repeatedImages(cands [][]string) map[string]bool {
	count := map[string]int{}
	for _, c := range cands {
		for _, u := range c {
			count[u]++ // once per item: imageCandidates has no repeats
		}
	}
	var out map[string]bool
	for u, n := range count {
		if n >= 3 && 2*n > len(cands) {
			if out == nil {
				out = map[string]bool{}
			}
			out[u] = true
		}
	}
	return out
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
