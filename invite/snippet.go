package invite

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/url"
	"strings"
	"unicode/utf8"
)

// snippet is the portal's banner: the code, as a link to the bot, with the
// text under it. html/template escapes every value for its place.
var snippet = template.Must(template.New("snippet").Parse(
	`<a href="{{.Link}}" target="_blank" rel="noopener" style="display:inline-block;text-align:center">` +
		`<img src="{{.Image}}" width="{{.Size}}" height="{{.Size}}" alt="{{.Text}}"><br>{{.Text}}</a>`))

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
	var image any = imageURL
	if imageURL == "" {
		var png bytes.Buffer
		if err := l.QR(&png, 2*size); err != nil {
			return "", err
		}
		// A data: URL of our own PNG: trusted, so html/template keeps it.
		image = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png.Bytes()))
	} else if err := checkImageURL(imageURL); err != nil {
		return "", err
	}
	var out strings.Builder
	err := snippet.Execute(&out, struct {
		Link  string
		Image any
		Size  int
		Text  string
	}{l.URL(), image, size, text})
	if err != nil {
		return "", fmt.Errorf("snippet: %w", err)
	}
	return out.String(), nil
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
