package bot

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/subscriptions"
)

// replier is how every feature talks back through the delivery engine.
type replier interface {
	Reply(ctx context.Context, m delivery.Message) error
	Edit(ctx context.Context, e delivery.Edit) error
	Member(ctx context.Context, chatRef string, userID int64) (delivery.Member, error)
}

// chatReader reads a chat, for the language of people addressed outside a request.
type chatReader interface {
	Chat(ctx context.Context, id int64) (subscriptions.Chat, error)
}

// base is what every feature shares: the way back to people, who the
// admins are, the default language, the time zone and the clock.
type base struct {
	tg          replier
	chats       chatReader
	log         *slog.Logger
	admins      map[int64]bool
	defaultLang string
	loc         *time.Location
	sections    i18n.Sections
	now         func() time.Time
	groupAdmins *adminCache
}

// request is one message or button press being handled: who, where, in what language.
type request struct {
	chat subscriptions.Chat
	user *delivery.User
	lang string
}

func (r request) group() bool { return r.chat.Type != subscriptions.ChatPrivate }

// userID is the id of the person behind r, or 0.
func (r request) userID() int64 {
	if r.user == nil {
		return 0
	}
	return r.user.ID
}

// isAdmin reports whether the person behind req is one of the committee's staff.
func (b *base) isAdmin(req request) bool { return req.user != nil && b.admins[req.user.ID] }

// replyText sends plain text (escaped) as a reply.
func (b *base) replyText(ctx context.Context, chat subscriptions.Chat, text string) {
	b.reply(ctx, chat, delivery.Message{Text: render.Plain(text)})
}

// reply sends m to chat, to a person waiting for it. The engine logs a
// failure and records what Telegram said about the chat.
func (b *base) reply(ctx context.Context, chat subscriptions.Chat, m delivery.Message) error {
	m.ChatID, m.Group = chat.ID, chat.Type != subscriptions.ChatPrivate
	return b.tg.Reply(ctx, m)
}

// edit replaces the text (HTML) and keyboard of a message: only the
// keyboard when html is empty; an empty keyboard removes it. It reports
// false when the message could not be edited.
func (b *base) edit(ctx context.Context, chatID int64, messageID int, html string, kb delivery.Keyboard) bool {
	if err := b.tg.Edit(ctx, delivery.Edit{ChatID: chatID, MessageID: messageID, Text: html, Keyboard: kb}); err != nil {
		b.log.Warn("edit a message", "chat_id", chatID, "message_id", messageID, "error", err)
		return false
	}
	return true
}

// renderOptions are the options of messages rendered for the person behind req.
func (b *base) renderOptions(req request) render.Options {
	return render.Options{Lang: req.lang, Loc: b.loc, Sections: b.sections}
}

// langOf is the language of the person in private chat chatID, for texts
// sent outside a request: their chat's language, else the default.
func (b *base) langOf(ctx context.Context, chatID int64) string {
	if c, err := b.chats.Chat(ctx, chatID); err == nil {
		return i18n.Pick(b.defaultLang, c.Language)
	}
	return i18n.Pick(b.defaultLang)
}

// mayChange says whether the person behind req may change the settings of
// the chat they write in; when not, it replies with a polite refusal.
func (b *base) mayChange(ctx context.Context, req request) bool {
	if req.group() && !b.isGroupAdmin(ctx, req) {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "group.admins_only"))
		return false
	}
	return true
}

// isGroupAdmin asks Telegram (with a short cache) whether the sender of a
// group request administers the group.
func (b *base) isGroupAdmin(ctx context.Context, req request) bool {
	return req.user != nil && b.isAdminOf(ctx, req.chat.ID, req.user.ID)
}

// isAdminOf asks Telegram (with a short cache) whether a user administers a chat.
func (b *base) isAdminOf(ctx context.Context, chatID, userID int64) bool {
	if v, ok := b.groupAdmins.get(chatID, userID); ok {
		return v
	}
	m, err := b.tg.Member(ctx, strconv.FormatInt(chatID, 10), userID)
	if err != nil {
		b.log.Warn("check chat admin", "chat_id", chatID, "error", err)
		return false
	}
	admin := m.Status.Admin()
	b.groupAdmins.put(chatID, userID, admin)
	return admin
}

// adminCache remembers admin checks for a short while.
type adminCache struct {
	mu  sync.Mutex
	now func() time.Time
	m   map[[2]int64]adminEntry
}

type adminEntry struct {
	admin bool
	until time.Time
}

const adminCacheTTL = 2 * time.Minute

func newAdminCache(now func() time.Time) *adminCache {
	return &adminCache{now: now, m: map[[2]int64]adminEntry{}}
}

func (c *adminCache) get(chat, user int64) (bool, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[[2]int64{chat, user}]
	if !ok || c.now().After(e.until) {
		return false, false
	}
	return e.admin, true
}

func (c *adminCache) put(chat, user int64, admin bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) > 10000 {
		clear(c.m)
	}
	c.m[[2]int64{chat, user}] = adminEntry{admin: admin, until: c.now().Add(adminCacheTTL)}
}
