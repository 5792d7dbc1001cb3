package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/invite"
	"github.com/osipovichi/newsbot/subscriptions"
)

const inviteUsage = `Usage: newsbot invite [flags] [-bot NAME] [-payload PAYLOAD] [-out DIR]

Writes a printable A4 poster, as PNG (300 dpi) and SVG, that invites
residents to the bot: its @name, a QR code of its subscribe deep link
(https://t.me/NAME?start=PAYLOAD) and one line in Russian, Belarusian and
English. Scanning the code opens the bot and subscribes in one tap. Give
each poster a payload of its own (subscribe-poster1, subscribe-library …)
to tell them apart in /stats. The bot's name is -bot NAME or, when
TELEGRAM_BOT_TOKEN is set, what Telegram says (getMe). The title is in
NEWSBOT_LANG.
`

// inviteGetMeTimeout bounds the getMe that names the bot.
const inviteGetMeTimeout = 20 * time.Second

func cmdInvite(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := newFlagSet("invite")
	bot := fs.String("bot", "", "the bot's username `NAME`, e.g. osipovichi_news_bot; when empty, asked from Telegram with the token")
	payload := fs.String("payload", subscriptions.SubscribePayload, "the deep link's `payload`: subscribe, or subscribe-TAG to count this poster apart")
	out := fs.String("out", ".", "the `directory` to write poster-PAYLOAD.png and poster-PAYLOAD.svg in")
	cfg, ok, err := parseArgs("invite", inviteUsage, fs, args, getenv, stdout)
	if !ok {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("invite: unexpected argument %q (see 'newsbot invite -h')", fs.Arg(0))
	}
	if err := checkSubscribePayload(*payload); err != nil {
		return usageErrorf("invite -payload: %v", err)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	name := *bot
	if name == "" {
		if cfg.Token == "" {
			return usageErrorf("invite: name the bot with -bot NAME, or set %s to ask Telegram for its name", envToken)
		}
		if name, err = botUsername(ctx, cfg); err != nil {
			return redactError(err, cfg.Token)
		}
	}
	link, err := invite.NewLink(name, *payload)
	if err != nil {
		return usageErrorf("invite: %v", err)
	}
	poster := invite.Poster{Link: link, Title: i18n.T(cfg.Lang, "invite.title")}
	for _, l := range subscriptions.Languages() {
		poster.Lines = append(poster.Lines, i18n.T(l, "invite.line"))
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("invite: %w", err)
	}
	base := filepath.Join(*out, "poster-"+link.Payload())
	for _, f := range []struct {
		ext   string
		write func(io.Writer) error
	}{{".png", poster.PNG}, {".svg", poster.SVG}} {
		if err := writeFileAtomic(base+f.ext, f.write); err != nil {
			return fmt.Errorf("invite: %w", err)
		}
	}
	fmt.Fprintf(stdout, "wrote %s.png and %s.svg: a poster for %s\n", base, base, link.URL())
	return nil
}

// checkSubscribePayload says why p is not the payload of a subscribe deep link.
func checkSubscribePayload(p string) error {
	if !subscriptions.SubscribeLink(p) {
		return fmt.Errorf("%q does not subscribe: use %s, or %s- and a tag of Latin letters, digits, _ and - (64 characters in all at most), e.g. %s-poster1",
			p, subscriptions.SubscribePayload, subscriptions.SubscribePayload, subscriptions.SubscribePayload)
	}
	return nil
}

// botUsername asks Telegram for the bot's username (getMe).
func botUsername(ctx context.Context, cfg Config) (string, error) {
	client, err := delivery.NewClient(ctx, cfg.Token, cfg.APIEndpoint, &http.Client{Timeout: inviteGetMeTimeout})
	switch {
	case delivery.IsUnauthorized(err):
		return "", delivery.ErrUnauthorized
	case err != nil:
		return "", fmt.Errorf("invite: ask Telegram for the bot's name (or give -bot NAME): %w", err)
	}
	return client.Username(), nil
}

// writeFileAtomic writes a file through write, in full or not at all: a
// temporary file beside it is renamed into place.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// parseInvitePayload checks NEWSBOT_INVITE_PAYLOAD: empty (off), or the
// payload of a subscribe deep link, served by the HTTP server.
func parseInvitePayload(s setting, v, httpAddr string) (string, error) {
	switch {
	case v == "":
		return "", nil
	case httpAddr == "":
		return "", s.errorf("set, but the HTTP server is off: set %s to host:port to serve /invite/", setHTTPAddr.name())
	}
	if err := checkSubscribePayload(v); err != nil {
		return "", s.errorf("%v", err)
	}
	return v, nil
}

// Sizes the /invite/ routes accept.
const (
	defaultQRSize      = 512  // pixels of /invite/qr.png
	maxQRSize          = 2048 // pixels
	defaultSnippetSize = 200  // CSS pixels of the code in /invite/snippet.html
)

// withInvite serves, beside next, the QR code of link (/invite/qr.png,
// ?size=PIXELS) and an HTML snippet for the portal (/invite/snippet.html,
// ?size=CSS_PIXELS&lang=ru|be|en; the code is embedded in it, so the
// snippet needs nothing from this server once copied to the portal).
func withInvite(next http.Handler, link invite.Link, lang string) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", next)
	mux.HandleFunc("GET /invite/qr.png", func(w http.ResponseWriter, r *http.Request) {
		minSize, err := link.MinQRSize()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		size, ok := sizeParam(w, r, defaultQRSize, minSize, maxQRSize)
		if !ok {
			return
		}
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		_ = link.QR(w, size) // a write error means the client went away
	})
	mux.HandleFunc("GET /invite/snippet.html", func(w http.ResponseWriter, r *http.Request) {
		size, ok := sizeParam(w, r, defaultSnippetSize, 32, 1024)
		if !ok {
			return
		}
		l := lang
		if v := r.URL.Query().Get("lang"); v != "" {
			if !subscriptions.ValidLanguage(v) {
				http.Error(w, fmt.Sprintf("lang %q: want ru, be or en", v), http.StatusBadRequest)
				return
			}
			l = v
		}
		html, err := link.Snippet(i18n.T(l, "invite.snippet"), "", size)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, html+"\n")
	})
	return mux
}

// sizeParam reads ?size= (def when absent); outside lo..hi it answers 400.
func sizeParam(w http.ResponseWriter, r *http.Request, def, lo, hi int) (int, bool) {
	v := r.URL.Query().Get("size")
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		http.Error(w, fmt.Sprintf("size %q: want a whole number from %d to %d", v, lo, hi), http.StatusBadRequest)
		return 0, false
	}
	return n, true
}

// botName is what the /invite/ routes need of the delivery engine: the
// bot's name, known once Telegram has answered getMe.
type botName interface {
	Connected() <-chan struct{}
	Username() string
}

// inviteWait bounds how long an /invite/ request waits for Telegram to
// tell the bot's name (the HTTP server is up before Telegram answers).
const inviteWait = 5 * time.Second

// inviteRoutes adds the /invite/ routes to next when NEWSBOT_INVITE_PAYLOAD
// is set, for the bot that bot names once connected; until then they
// answer 503.
func inviteRoutes(next http.Handler, cfg Config, bot botName, logger *slog.Logger) http.Handler {
	if cfg.InvitePayload == "" {
		return next
	}
	var (
		once   sync.Once
		routes http.Handler
	)
	mux := http.NewServeMux()
	mux.Handle("/", next)
	mux.HandleFunc("/invite/", func(w http.ResponseWriter, r *http.Request) {
		t := time.NewTimer(inviteWait)
		defer t.Stop()
		select {
		case <-bot.Connected():
		case <-t.C:
			w.Header().Set("Retry-After", "60")
			http.Error(w, "waiting for Telegram to tell the bot's name: try again in a minute", http.StatusServiceUnavailable)
			return
		case <-r.Context().Done():
			return
		}
		once.Do(func() {
			link, err := invite.NewLink(bot.Username(), cfg.InvitePayload)
			if err != nil {
				err = fmt.Errorf("%s: %w", setInvitePayload.name(), err)
				logger.Error("cannot serve the subscribe QR code", "error", err)
				routes = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
					http.Error(w, err.Error(), http.StatusInternalServerError)
				})
				return
			}
			logger.Info("serving the subscribe QR code and snippet on /invite/", "link", link.URL())
			routes = withInvite(next, link, cfg.Lang)
		})
		routes.ServeHTTP(w, r)
	})
	return mux
}
