package bot

import (
	"context"
	"fmt"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
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

// callbackHandler handles a button press whose callback data is
// "PREFIX:REST" (or just "PREFIX") and returns the text of the answer
// (empty: a silent answer). Callback data is never trusted: handlers check
// the sender's rights themselves.
type callbackHandler func(ctx context.Context, req request, q *tgbotapi.CallbackQuery, rest string) string

// messageHook may consume a non-command message (a conversation step such as
// the text of a notice); it reports whether it did.
type messageHook func(ctx context.Context, req request, m *tgbotapi.Message) bool

// features wires every feature's commands, buttons and message hooks.
// Each feature lives in its own file and adds itself here.
func (b *Bot) features() {
	b.addCommands(b.residentCommands()...)
	b.addCallbacks(b.residentCallbacks())
	b.settingsFeature()
	b.keywordsFeature()
	b.searchFeature()
	b.channelsFeature()
	b.adminFeatures()
}

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

func (b *Bot) addCallbacks(m map[string]callbackHandler) {
	for prefix, h := range m {
		if b.callbacks[prefix] != nil {
			panic(fmt.Sprintf("bot: callback prefix %q registered twice", prefix))
		}
		b.callbacks[prefix] = h
	}
}

// isAdmin reports whether the person behind req is one of the committee's staff.
func (b *Bot) isAdmin(req request) bool { return req.user != nil && b.admins[req.user.ID] }
