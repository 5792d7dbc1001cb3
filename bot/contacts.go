package bot

import (
	"context"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/delivery"
)

// contacts tells residents how to reach the committee (/contacts): the
// text the operator set (NEWSBOT_CONTACTS) under a title in their language.
// A question the bot finds no news for points to it (see questions).
type contacts struct {
	*base
	text string // as the operator wrote it; "" when not set
}

func (b *contacts) register(r *Bot) {
	r.addCommands(command{name: "contacts", menu: true, run: b.cmdContacts})
}

func (b *contacts) cmdContacts(ctx context.Context, req request, _ string) {
	if b.text == "" {
		text := i18n.T(req.lang, "contacts.unset")
		if b.isAdmin(req) {
			text += "\n\n" + i18n.T(req.lang, "contacts.unset_admin")
		}
		b.replyText(ctx, req.chat, text)
		return
	}
	html, err := render.Contacts(i18n.T(req.lang, "contacts.title"), b.text)
	if err != nil { // checked at start (cmd/newsbot): only a bug gets here
		b.log.Error("render the contacts", "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	b.reply(ctx, req.chat, delivery.Message{Text: html})
}

// offer is the line that points a question the bot cannot answer to the
// committee, or "" when no contacts are set.
func (b *contacts) offer(lang string) string {
	if b.text == "" {
		return ""
	}
	return i18n.T(lang, "question.contacts")
}
