package invite

import (
	"encoding/base64"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// element returns the first element named name in the parsed snippet.
func element(n *html.Node, name string) *html.Node {
	if n.Type == html.ElementNode && n.Data == name {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if e := element(c, name); e != nil {
			return e
		}
	}
	return nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func parseSnippet(t *testing.T, s string) (a, img *html.Node) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	a, img = element(doc, "a"), element(doc, "img")
	if a == nil || img == nil || element(a, "img") != img {
		t.Fatalf("want an <a> around an <img>, got %s", s)
	}
	return a, img
}

func TestSnippetLinksToTheBot(t *testing.T) {
	l := link(t, "osipovichi_news_bot", "subscribe-portal")
	text := `Новости района в Telegram <script>alert("x")</script> & "кавычки"`
	s, err := l.Snippet(text, "https://bot.osipovichi.gov.by/invite/qr.png?size=400&v=2", 200)
	if err != nil {
		t.Fatal(err)
	}
	a, img := parseSnippet(t, s)
	if got := attr(a, "href"); got != l.URL() {
		t.Errorf("href %q, want %q", got, l.URL())
	}
	if got := attr(img, "src"); got != "https://bot.osipovichi.gov.by/invite/qr.png?size=400&v=2" {
		t.Errorf("src %q", got)
	}
	if attr(img, "alt") != text || attr(img, "width") != "200" || attr(img, "height") != "200" {
		t.Errorf("img alt %q width %q height %q, want %q and 200", attr(img, "alt"), attr(img, "width"), attr(img, "height"), text)
	}
	if element(a, "script") != nil || strings.Contains(s, "<script>") {
		t.Errorf("the text's markup reached the HTML: %s", s)
	}
	var visible strings.Builder
	for c := a.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			visible.WriteString(c.Data)
		}
	}
	if visible.String() != text {
		t.Errorf("link text %q, want %q", visible.String(), text)
	}
}

func TestSnippetEmbedsTheCode(t *testing.T) {
	l := link(t, "osipovichi_news_bot", "")
	s, err := l.Snippet("Подпишитесь", "", 160)
	if err != nil {
		t.Fatal(err)
	}
	_, img := parseSnippet(t, s)
	src := attr(img, "src")
	data, ok := strings.CutPrefix(src, "data:image/png;base64,")
	if !ok {
		t.Fatalf("src %.40q…, want a PNG data URL", src)
	}
	b, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		t.Fatal(err)
	}
	code := decodePNG(t, b)
	if code.Bounds().Dx() != 320 || code.Bounds().Dy() != 320 {
		t.Errorf("embedded code %v, want 320x320 for 160 CSS px", code.Bounds().Size())
	}
	if got := scan(t, code); got != l.URL() {
		t.Errorf("embedded code scans as %q, want %q", got, l.URL())
	}
}

func TestSnippetAcceptsAPath(t *testing.T) {
	s, err := link(t, "osipovichi_news_bot", "").Snippet("Подпишитесь", "/invite/qr.png", 200)
	if err != nil {
		t.Fatal(err)
	}
	if _, img := parseSnippet(t, s); attr(img, "src") != "/invite/qr.png" {
		t.Errorf("src %q, want /invite/qr.png", attr(img, "src"))
	}
}

func TestSnippetRejects(t *testing.T) {
	l := link(t, "osipovichi_news_bot", "")
	for _, tc := range []struct {
		text, image string
		size        int
		want        string
	}{
		{"", "/qr.png", 200, "snippet text"},
		{"\xff", "/qr.png", 200, "snippet text"},
		{"Подпишитесь", "/qr.png", 31, "32 to 1024"},
		{"Подпишитесь", "/qr.png", 1025, "32 to 1024"},
		{"Подпишитесь", "javascript:alert(1)", 200, "want an http or https URL"},
		{"Подпишитесь", "data:image/png;base64,AAAA", 200, "want an http or https URL"},
		{"Подпишитесь", "//evil.example/qr.png", 200, "want an http or https URL"},
		{"Подпишитесь", "https:///qr.png", 200, "no host"},
		{"Подпишитесь", "https://bot.example/%zz", 200, "snippet image URL"},
	} {
		_, err := l.Snippet(tc.text, tc.image, tc.size)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Snippet(%q, %q, %d): got %v, want an error with %q", tc.text, tc.image, tc.size, err, tc.want)
		}
	}
}
