package invite

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"net/url"
	"strings"
	"unicode/utf8"
)

// Snippet returns HTML for the portal: the QR code, shown size×size CSS
// pixels (32 to 1024), as a link to the bot, with text under it. imageURL
// is where the code is served (an http or https URL, or a path on the
// portal's site); when it is empty, the code is embedded in the snippet
// as a PNG of twice the size, sharp on every screen, so the snippet needs
// nothing else.
func (l Link) Snippet(text, imageURL string, size int) (string, error) {
	if strings.TrimSpace(text) == "" || !utf8.ValidString(text) {
		return "", fmt.Errorf("snippet text %q: want some valid UTF-8 text", text)
	}
	if size < 32 || size > 1024 {
		return "", fmt.Errorf("snippet QR code size %d: want 32 to 1024 CSS pixels", size)
	}
	image := imageURL
	if image == "" {
		var png bytes.Buffer
		if err := l.QR(&png, 2*size); err != nil {
			return "", err
		}
		image = "data:image/png;base64," + base64.StdEncoding.EncodeToString(png.Bytes())
	} else if err := checkImageURL(image); err != nil {
		return "", err
	}
	// Every value is escaped for a double-quoted attribute or for text;
	// the URLs were checked above (ours, an http(s) URL or a path).
	// html/template would do the same, at the price of 3 MB of binary: its
	// reflection keeps every exported method of the program linked.
	text = html.EscapeString(text)
	return fmt.Sprintf(`<a href="%s" target="_blank" rel="noopener" style="display:inline-block;text-align:center">`+
		`<img src="%s" width="%d" height="%d" alt="%s"><br>%s</a>`,
		html.EscapeString(l.URL()), html.EscapeString(image), size, size, text, text), nil
}

// checkImageURL accepts an http or https URL, or a path.
func checkImageURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("snippet image URL %q: %w", s, err)
	}
	switch {
	case u.Scheme == "http" || u.Scheme == "https":
		if u.Host == "" {
			return fmt.Errorf("snippet image URL %q has no host", s)
		}
	case u.Scheme == "" && u.Host == "" && u.Path != "":
	default:
		return fmt.Errorf("snippet image URL %q: want an http or https URL, or a path such as /invite/qr.png", s)
	}
	return nil
}
