// Package invite makes what brings residents to the bot: a printable poster
// (SVG and PNG, A4) with a large QR code of the bot's subscribe deep link,
// the QR code alone as a PNG, and an HTML snippet for the portal. A phone
// that scans the code opens the bot with /start <payload>, which subscribes
// in one tap; a payload per poster (subscribe-poster1) tells the posters
// apart in /stats.
//
// The package holds no user-facing text: the title and the lines in ru, be
// and en come from the caller (bot/i18n). `newsbot invite` writes the
// poster files; the HTTP server, when NEWSBOT_INVITE_PAYLOAD is set, serves
// the QR code and the snippet (cmd/newsbot/invite.go).
package invite

import (
	"fmt"
	"strings"
)

// DefaultPayload is the deep-link payload when none is given.
const DefaultPayload = "subscribe"

// Link is a deep link to a bot, checked against Telegram's rules.
type Link struct {
	bot     string // the username, without @
	payload string
}

// NewLink checks a bot's username (with or without @: 5 to 32 letters,
// digits and underscores, starting with a letter and ending in "bot", as
// Telegram requires of bots) and a /start payload (1 to 64 of A-Z, a-z,
// 0-9, _ and -; DefaultPayload when empty).
func NewLink(bot, payload string) (Link, error) {
	bot = strings.TrimPrefix(bot, "@")
	if err := checkUsername(bot); err != nil {
		return Link{}, err
	}
	if payload == "" {
		payload = DefaultPayload
	}
	if err := checkPayload(payload); err != nil {
		return Link{}, err
	}
	return Link{bot: bot, payload: payload}, nil
}

// Bot returns the bot's username, without @.
func (l Link) Bot() string { return l.bot }

// Payload returns the /start payload.
func (l Link) Payload() string { return l.payload }

// URL returns https://t.me/<bot>?start=<payload>. Both parts are made of
// characters that need no escaping in a URL.
func (l Link) URL() string { return "https://t.me/" + l.bot + "?start=" + l.payload }

// Short returns the link as people type it: t.me/<bot>?start=<payload>.
func (l Link) Short() string { return strings.TrimPrefix(l.URL(), "https://") }

func checkUsername(name string) error {
	if name == "" {
		return fmt.Errorf("bot username is empty")
	}
	if err := checkChars("bot username", name, "Latin letters, digits and underscores", func(r rune) bool {
		return isLetter(r) || isDigit(r) || r == '_'
	}); err != nil {
		return err
	}
	switch {
	case len(name) < 5 || len(name) > 32:
		return fmt.Errorf("bot username %q: want 5 to 32 characters, got %d", name, len(name))
	case !isLetter(rune(name[0])):
		return fmt.Errorf("bot username %q must start with a Latin letter", name)
	case !strings.HasSuffix(strings.ToLower(name), "bot"):
		return fmt.Errorf("bot username %q must end in \"bot\", as every bot's does", name)
	}
	return nil
}

func checkPayload(p string) error {
	if err := checkChars("deep-link payload", p, "A-Z, a-z, 0-9, _ and -", func(r rune) bool {
		return isLetter(r) || isDigit(r) || r == '_' || r == '-'
	}); err != nil {
		return err
	}
	if len(p) > 64 {
		return fmt.Errorf("deep-link payload %q: want at most 64 characters, got %d", p, len(p))
	}
	return nil
}

// checkChars names the first character of s that is not allowed.
func checkChars(what, s, allowed string, ok func(rune) bool) error {
	for i, r := range []rune(s) {
		if !ok(r) {
			return fmt.Errorf("%s %q: character %d (%q) is not allowed; use %s", what, s, i+1, r, allowed)
		}
	}
	return nil
}

func isLetter(r rune) bool { return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' }
func isDigit(r rune) bool  { return '0' <= r && r <= '9' }
