package bot

import (
	"context"
	"strings"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/subscriptions"
)

// dispatcher is what routing needs from the engine beyond replies.
type dispatcher interface {
	Answer(ctx context.Context, pressID, text string) error
	SetCommands(ctx context.Context, lang string, cmds []delivery.Command) error
	Username() string
}

// chatStore is what routing needs from the store: the chats updates come from.
type chatStore interface {
	TouchChat(ctx context.Context, info subscriptions.ChatInfo, now time.Time) (subscriptions.Chat, error)
	SetChatStatus(ctx context.Context, id int64, status subscriptions.ChatStatus, reason string, now time.Time) error
	MigrateChat(ctx context.Context, oldID, newID int64, now time.Time) error
}

// Handle handles one update from the engine's update loop.
func (b *Bot) Handle(ctx context.Context, u delivery.Update) {
	switch {
	case u.Message != nil:
		b.onMessage(ctx, u.Message)
	case u.Press != nil:
		b.onPress(ctx, u.Press)
	case u.Member != nil:
		b.onMemberUpdate(ctx, u.Member)
	case u.Inline != nil:
		b.inline.answer(ctx, u.Inline)
	}
}

// chatInfo converts Telegram's chat to the store's.
func chatInfo(c delivery.Chat, lang string) subscriptions.ChatInfo {
	return subscriptions.ChatInfo{ID: c.ID, Type: c.Type, Title: c.Title, Username: c.Username, Language: lang}
}

// begin records the chat and works out the reply language.
func (b *Bot) begin(ctx context.Context, c delivery.Chat, u *delivery.User) (request, bool) {
	code := ""
	if u != nil {
		code = u.LanguageCode
	}
	lang := i18n.Pick(b.defaultLang, code)
	newChatLang := lang
	if c.Type != subscriptions.ChatPrivate {
		newChatLang = "" // a group's language is chosen, not inherited from whoever spoke first
	}
	chat, err := b.store.TouchChat(ctx, chatInfo(c, newChatLang), b.now())
	if err != nil {
		b.log.Error("record chat", "chat_id", c.ID, "error", err)
		return request{}, false
	}
	if chat.Language != "" {
		lang = i18n.Pick(b.defaultLang, chat.Language)
	}
	return request{chat: chat, user: u, lang: lang}, true
}

func (b *Bot) onMessage(ctx context.Context, m *delivery.Incoming) {
	if m.MigrateTo != 0 {
		if err := b.store.MigrateChat(ctx, m.Chat.ID, m.MigrateTo, b.now()); err != nil {
			b.log.Error("migrate chat", "chat_id", m.Chat.ID, "new_chat_id", m.MigrateTo, "error", err)
		}
		return
	}
	if m.From != nil && m.From.IsBot {
		return
	}
	req, ok := b.begin(ctx, m.Chat, m.From)
	if !ok {
		if m.Chat.Type == subscriptions.ChatPrivate {
			b.replyText(ctx, subscriptions.Chat{ID: m.Chat.ID, Type: subscriptions.ChatPrivate}, i18n.T(i18n.Pick(b.defaultLang), "error.internal"))
		}
		return
	}
	if m.Command == "" {
		for _, hook := range b.messageHooks {
			if hook(ctx, req, m) {
				return
			}
		}
		if !req.group() {
			b.plain(ctx, req, m)
		}
		return
	}
	if m.CommandBot != "" && !strings.EqualFold(m.CommandBot, b.engine.Username()) {
		return // addressed to another bot in the group
	}
	cmd := b.commands[m.Command]
	if cmd != nil && cmd.admin && !b.isAdmin(req) {
		cmd = nil // nothing tells a resident that admin commands exist
	}
	if cmd == nil {
		b.commandsSeen.WithLabelValues("unknown").Inc()
		if !req.group() {
			b.replyText(ctx, req.chat, i18n.T(req.lang, "unknown"))
		}
		return
	}
	b.commandsSeen.WithLabelValues(cmd.name).Inc()
	cmd.run(ctx, req, strings.TrimSpace(m.Args))
}

// onPress hands a button press to the handler of its family and always
// answers it, so that the person's app stops waiting.
func (b *Bot) onPress(ctx context.Context, p *delivery.Press) {
	answer := ""
	defer func() {
		if err := b.engine.Answer(ctx, p.ID, answer); err != nil {
			b.log.Warn("answer a button press", "error", err)
		}
	}()
	if p.Chat == nil {
		return // a press on an inline-mode message: nothing of ours
	}
	req, ok := b.begin(ctx, *p.Chat, &p.From)
	if !ok {
		return
	}
	h := b.callbacks[family(p.Data)]
	if h == nil {
		// An old or forged button: say nothing happened rather than fail.
		answer = i18n.T(req.lang, "button.outdated")
		return
	}
	answer = h(ctx, req, p)
}

// onMemberUpdate follows the bot's membership of a chat: removed (blocked
// in a private chat), or added to a group, which gets a welcome.
func (b *Bot) onMemberUpdate(ctx context.Context, u *delivery.MemberUpdate) {
	now := b.now()
	switch {
	case u.New.Gone():
		status := subscriptions.StatusLeft
		if u.Chat.Type == subscriptions.ChatPrivate {
			status = subscriptions.StatusBlocked
		}
		if _, err := b.store.TouchChat(ctx, chatInfo(u.Chat, ""), now); err != nil {
			b.log.Error("record chat", "chat_id", u.Chat.ID, "error", err)
			return
		}
		if err := b.store.SetChatStatus(ctx, u.Chat.ID, status, "bot "+string(u.New), now); err != nil {
			b.log.Error("mark chat", "chat_id", u.Chat.ID, "status", status, "error", err)
		}
		b.log.Info("bot removed from chat", "chat_id", u.Chat.ID, "status", status)
	case u.New.In():
		req, ok := b.begin(ctx, u.Chat, &u.From)
		if !ok || u.Old.In() {
			return
		}
		b.log.Info("bot added to chat", "chat_id", u.Chat.ID, "type", u.Chat.Type)
		if req.group() && req.chat.Type != subscriptions.ChatChannel && !req.chat.Subscribed {
			b.replyText(ctx, req.chat, i18n.T(req.lang, "group.welcome"))
		}
	}
}
