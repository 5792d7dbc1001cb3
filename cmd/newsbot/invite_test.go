package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"image"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/internal/testkit"
	"github.com/osipovichi/newsbot/subscriptions"
)

// scanQR reads the QR code in a PNG as a phone would; a poster is read at
// a quarter of its size, as a phone sees it from afar.
func scanQR(t *testing.T, b []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() > 1200 {
		small := image.NewGray(image.Rect(0, 0, b.Dx()/4, b.Dy()/4))
		for y := range small.Rect.Dy() {
			for x := range small.Rect.Dx() {
				small.Set(x, y, img.At(b.Min.X+x*4+2, b.Min.Y+y*4+2))
			}
		}
		img = small
	}
	text, err := testkit.ScanQR(img)
	if err != nil {
		t.Fatalf("no QR code read: %v", err)
	}
	return text
}

// runInvite runs "newsbot invite args…" with env and returns stdout, or the error.
func runInvite(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), append([]string{"newsbot", "invite"}, args...), func(k string) string { return env[k] }, &stdout, &stderr)
	return stdout.String(), err
}

func TestInviteWritesAPosterThatScans(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "posters")
	out, err := runInvite(t, map[string]string{"NEWSBOT_LANG": "be"}, "-bot", "@osipovichi_news_bot", "-payload", "subscribe-poster1", "-out", dir)
	if err != nil {
		t.Fatal(err)
	}
	const link = "https://t.me/osipovichi_news_bot?start=subscribe-poster1"
	if !strings.Contains(out, link) || !strings.Contains(out, "poster-subscribe-poster1.png") {
		t.Errorf("stdout %q, want the files and the link", out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "poster-subscribe-poster1.png"))
	if err != nil {
		t.Fatal(err)
	}
	if got := scanQR(t, b); got != link {
		t.Errorf("the PNG poster scans as %q, want %q", got, link)
	}

	svg, err := os.ReadFile(filepath.Join(dir, "poster-subscribe-poster1.svg"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName xml.Name
		Title   string   `xml:"title"`
		Texts   []string `xml:"g>text"`
	}
	d := xml.NewDecoder(bytes.NewReader(svg))
	d.Strict = true
	if err := d.Decode(&doc); err != nil || doc.XMLName.Local != "svg" {
		t.Fatalf("the SVG does not parse: %v (%s)", err, doc.XMLName.Local)
	}
	text := strings.Join(doc.Texts, " ")
	if doc.Title != i18n.T("be", "invite.title") {
		t.Errorf("SVG title %q, want the Belarusian title (NEWSBOT_LANG=be)", doc.Title)
	}
	for _, want := range []string{"@osipovichi_news_bot", strings.TrimPrefix(link, "https://")} {
		if !strings.Contains(text, want) {
			t.Errorf("SVG texts lack %q: %q", want, text)
		}
	}
	for _, lang := range subscriptions.Languages() { // wrapped, so compared word by word
		if !strings.Contains(strings.Join(strings.Fields(text), " "), strings.Join(strings.Fields(i18n.T(lang, "invite.line")), " ")) {
			t.Errorf("SVG texts lack the %s line %q", lang, i18n.T(lang, "invite.line"))
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("%d files in the output directory, want the PNG and the SVG only", len(entries))
	}
}

// With the token and no -bot, the bot's name comes from Telegram's getMe.
func TestInviteAsksTelegramForTheName(t *testing.T) {
	tg := faketelegram.New(faketelegram.Options{})
	defer tg.Close()
	dir := t.TempDir()
	env := map[string]string{"TELEGRAM_BOT_TOKEN": tg.Token(), "TELEGRAM_API_ENDPOINT": tg.Endpoint()}
	if _, err := runInvite(t, env, "-out", dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "poster-subscribe.png"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := scanQR(t, b), "https://t.me/"+faketelegram.DefaultBotUsername+"?start=subscribe"; got != want {
		t.Errorf("the poster scans as %q, want %q", got, want)
	}
	// A token Telegram refuses: the error says so and does not show it.
	env["TELEGRAM_BOT_TOKEN"] = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ-refused"
	_, err = runInvite(t, env, "-out", dir)
	if !errors.Is(err, delivery.ErrUnauthorized) || strings.Contains(err.Error(), "refused") {
		t.Errorf("refused token: %v", err)
	}
}

func TestInviteBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-out", dir}, "name the bot with -bot NAME, or set TELEGRAM_BOT_TOKEN"},
		{[]string{"-bot", "osipovichi_news_bot", "-payload", "poster1", "-out", dir}, `"poster1" does not subscribe: use subscribe, or subscribe- and a tag`},
		{[]string{"-bot", "osipovichi_news_bot", "-payload", "subscribe-плакат", "-out", dir}, "does not subscribe"},
		{[]string{"-bot", "новости_bot", "-out", dir}, `bot username "новости_bot": character 1`},
		{[]string{"-bot", "osipovichi_news", "-out", dir}, `must end in "bot"`},
		{[]string{"-bot", "osipovichi_news_bot", "extra"}, `unexpected argument "extra"`},
	} {
		_, err := runInvite(t, nil, tc.args...)
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("invite %q: %v, want a usage error with %q", tc.args, err, tc.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("bad input left %d files", len(entries))
	}
	// An output path that is a file.
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := runInvite(t, nil, "-bot", "osipovichi_news_bot", "-out", file); err == nil || !strings.Contains(err.Error(), "invite:") {
		t.Errorf("-out a file: %v, want an error", err)
	}
}

func TestInvitePayloadSetting(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{envInvitePayload: "subscribe-portal", envHTTPAddr: "off"},
			"NEWSBOT_INVITE_PAYLOAD (-invite-payload): set, but the HTTP server is off: set NEWSBOT_HTTP_ADDR (-http-addr) to host:port"},
		{map[string]string{envInvitePayload: "portal"}, `NEWSBOT_INVITE_PAYLOAD (-invite-payload): "portal" does not subscribe`},
	} {
		_, err := parseConfig(newFlagSet("run"), nil, func(k string) string { return tc.env[k] })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.env, err, tc.want)
		}
	}
	cfg, err := parseConfig(newFlagSet("run"), []string{"-invite-payload", "subscribe-portal"}, func(string) string { return "" })
	if err != nil || cfg.InvitePayload != "subscribe-portal" || !strings.Contains(cfg.String(), "invite_payload=subscribe-portal") {
		t.Errorf("-invite-payload subscribe-portal: %v, %q", err, cfg.String())
	}
}

// get fetches url and returns the status, the content type and the body.
func get(t *testing.T, url string) (int, string, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

// The running bot serves the subscribe QR code and the portal's snippet
// when NEWSBOT_INVITE_PAYLOAD is set, and answers bad parameters with 400.
func TestInviteRoutesOfARunningBot(t *testing.T) {
	t.Parallel()
	w := newWorld(t, faketelegram.Options{})
	addr := freeAddr(t)
	w.env["NEWSBOT_HTTP_ADDR"] = addr
	w.env["NEWSBOT_INVITE_PAYLOAD"] = "subscribe-portal"
	w.start()
	base := "http://" + addr
	const link = "https://t.me/" + faketelegram.DefaultBotUsername + "?start=subscribe-portal"
	w.tg.WaitFor(t, 10*time.Second, func() bool {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	}, "the HTTP server")

	code, ctype, body := get(t, base+"/invite/qr.png?size=300")
	if code != http.StatusOK || ctype != "image/png" {
		t.Fatalf("/invite/qr.png: %d %s", code, ctype)
	}
	if img, err := png.Decode(bytes.NewReader(body)); err != nil || img.Bounds().Dx() != 300 {
		t.Fatalf("/invite/qr.png?size=300: %v, %v", err, img.Bounds())
	}
	if got := scanQR(t, body); got != link {
		t.Errorf("/invite/qr.png scans as %q, want %q", got, link)
	}

	code, ctype, body = get(t, base+"/invite/snippet.html?lang=be&size=160")
	if code != http.StatusOK || ctype != "text/html; charset=utf-8" {
		t.Fatalf("/invite/snippet.html: %d %s", code, ctype)
	}
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var href, src, alt string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for _, a := range n.Attr {
			switch {
			case n.Data == "a" && a.Key == "href":
				href = a.Val
			case n.Data == "img" && a.Key == "src":
				src = a.Val
			case n.Data == "img" && a.Key == "alt":
				alt = a.Val
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if href != link || alt != i18n.T("be", "invite.snippet") {
		t.Errorf("snippet links to %q with %q, want %q with the Belarusian text", href, alt, link)
	}
	data, ok := strings.CutPrefix(src, "data:image/png;base64,")
	if !ok {
		t.Fatalf("snippet image %.40q…, want an embedded PNG", src)
	}
	png, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		t.Fatal(err)
	}
	if got := scanQR(t, png); got != link {
		t.Errorf("the snippet's code scans as %q, want %q", got, link)
	}

	for _, path := range []string{"/invite/qr.png?size=10", "/invite/qr.png?size=99999", "/invite/qr.png?size=x",
		"/invite/snippet.html?size=5000", "/invite/snippet.html?lang=de"} {
		if code, _, body := get(t, base+path); code != http.StatusBadRequest || !strings.Contains(string(body), "want") {
			t.Errorf("%s: %d %q, want 400 saying what is wanted", path, code, body)
		}
	}
	if code, _, _ := get(t, base+"/healthz"); code != http.StatusOK {
		t.Errorf("/healthz beside /invite/: %d", code)
	}
}

// Without NEWSBOT_INVITE_PAYLOAD there is no /invite/.
func TestInviteRoutesOffByDefault(t *testing.T) {
	t.Parallel()
	w := newWorld(t, faketelegram.Options{})
	addr := freeAddr(t)
	w.env["NEWSBOT_HTTP_ADDR"] = addr
	w.start()
	var code int
	w.tg.WaitFor(t, 10*time.Second, func() bool {
		resp, err := http.Get("http://" + addr + "/invite/qr.png")
		if err != nil {
			return false
		}
		resp.Body.Close()
		code = resp.StatusCode
		return true
	}, "the HTTP server")
	if code != http.StatusNotFound {
		t.Errorf("/invite/qr.png without the setting: %d, want 404", code)
	}
}
