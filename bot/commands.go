package bot

import (
	"context"
	"fmt"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/subscriptions"
)

// command is a slash command the bot understands.
type command struct {
	name    string
	aliases []string
	// menu commands are registered with setMyCommands (description: text key "command.NAME").
	menu bool
	// admin commands answer only NEWSBOT_ADMINS; anyone else gets the unknown-command hint.
	admin bool
	run   func(ctx context.Context, req request, args string)
}

// callbackHandler handles a press of a button of one family (see
// callbacks.go) and returns the text of the answer (empty: a silent
// answer). It decodes the data itself; the data is never trusted: handlers
// check the presser's rights themselves.
type callbackHandler func(ctx context.Context, req request, p *delivery.Press) string

// messageHook may consume a non-command message (a conversation step such as
// the text of a notice); it reports whether it did.
type messageHook func(ctx context.Context, req request, m *delivery.Incoming) bool

func (b *Bot) addCommands(cmds ...command) {
	for i := range cmds {
		c := &cmds[i]
		for _, n := range append([]string{c.name}, c.aliases...) {
			if b.commands[n] != nil {
				panic(fmt.Sprintf("bot: command /%s registered twice", n))
			}
			b.commands[n] = c
		}
		if c.menu {
			b.menu = append(b.menu, c.name)
		}
	}
}

// addCallbacks registers the handler of the button families with these prefixes.
func (b *Bot) addCallbacks(h callbackHandler, prefixes ...string) {
	for _, prefix := range prefixes {
		if b.callbacks[prefix] != nil {
			panic(fmt.Sprintf("bot: callback prefix %q registered twice", prefix))
		}
		b.callbacks[prefix] = h
	}
}

// registerMenu registers the command menu in every language, and in the
// default language for everyone else. Failures are logged: the bot works
// without a menu.
func (b *Bot) registerMenu(ctx context.Context) {
	for _, lang := range append([]string{""}, subscriptions.Languages()...) {
		textLang := lang
		if lang == "" {
			textLang = i18n.Pick(b.defaultLang)
		}
		cmds := make([]delivery.Command, len(b.menu))
		for i, name := range b.menu {
			cmds[i] = delivery.Command{Name: name, Description: i18n.T(textLang, "command."+name)}
		}
		if err := b.engine.SetCommands(ctx, lang, cmds); err != nil {
			b.log.Warn("register the command menu", "language", lang, "error", err)
		}
	}
}
