package bot

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/subscriptions"
)

const (
	defaultLatest = 5
	maxLatest     = 20
	// callback data of the inline buttons (≤ 64 bytes, checked on every press)
	cbSubscribe   = "sub"
	cbUnsubscribe = "unsub"
)

// request is one message or button press being handled: who, where, in what language.
type request struct {
	chat subscriptions.Chat
	user *tgbotapi.User
	lang string
}

func (r request) group() bool { return r.chat.Type != subscriptions.ChatPrivate }

// chatInfo converts Telegram's chat to the store's.
func chatInfo(c *tgbotapi.Chat, lang string) subscriptions.ChatInfo {
	title := c.Title
	if title == "" {
		title = strings.TrimSpace(c.FirstName + " " + c.LastName)
	}
	return subscriptions.ChatInfo{ID: c.ID, Type: subscriptions.ChatType(c.Type), Title: title, Username: c.UserName, Language: lang}
}

// begin records the chat and works out the reply language.
func (b *Bot) begin(ctx context.Context, c *tgbotapi.Chat, u *tgbotapi.User) (request, bool) {
	code := ""
	if u != nil {
		code = u.LanguageCode
	}
	lang := i18n.Pick(b.defaultLang, code)
	newChatLang := lang
	if c.Type != "private" {
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

func (b *Bot) onMessage(ctx context.Context, m *tgbotapi.Message) {
	if m.MigrateToChatID != 0 {
		if err := b.store.MigrateChat(ctx, m.Chat.ID, m.MigrateToChatID, b.now()); err != nil {
			b.log.Error("migrate chat", "chat_id", m.Chat.ID, "new_chat_id", m.MigrateToChatID, "error", err)
		}
		return
	}
	if m.From != nil && m.From.IsBot || m.Chat == nil {
		return
	}
	req, ok := b.begin(ctx, m.Chat, m.From)
	if !ok {
		if m.Chat.Type == "private" {
			b.replyText(ctx, subscriptions.Chat{ID: m.Chat.ID, Type: subscriptions.ChatPrivate}, i18n.T(i18n.Pick(b.defaultLang), "error.internal"))
		}
		return
	}
	if !m.IsCommand() {
		for _, hook := range b.messageHooks {
			if hook(ctx, req, m) {
				return
			}
		}
		if !req.group() && m.Text != "" {
			b.replyText(ctx, req.chat, i18n.T(req.lang, "plain_text"))
		}
		return
	}
	name := strings.ToLower(m.Command())
	if at := m.CommandWithAt(); strings.Contains(at, "@") &&
		!strings.EqualFold(at[strings.Index(at, "@")+1:], b.client.Username()) {
		return // addressed to another bot in the group
	}
	cmd := b.commands[name]
	if cmd != nil && cmd.admin && !b.isAdmin(req) {
		cmd = nil // nothing tells a resident that admin commands exist
	}
	if cmd == nil {
		b.metrics.commands.WithLabelValues("unknown").Inc()
		if !req.group() {
			b.replyText(ctx, req.chat, i18n.T(req.lang, "unknown"))
		}
		return
	}
	b.metrics.commands.WithLabelValues(cmd.name).Inc()
	cmd.run(ctx, req, strings.TrimSpace(m.CommandArguments()))
}

// residentCommands are the basic commands of every chat.
func (b *Bot) residentCommands() []command {
	return []command{
		{name: "start", menu: true, run: b.cmdStart},
		{name: "subscribe", menu: true, run: func(ctx context.Context, req request, _ string) { b.cmdSubscribe(ctx, req, true) }},
		{name: "unsubscribe", aliases: []string{"stop"}, menu: true,
			run: func(ctx context.Context, req request, _ string) { b.cmdSubscribe(ctx, req, false) }},
		{name: "latest", aliases: []string{"news"}, menu: true, run: b.cmdLatest},
		{name: "help", menu: true, run: func(ctx context.Context, req request, _ string) {
			b.replyText(ctx, req.chat, i18n.T(req.lang, "help"))
		}},
	}
}

// residentCallbacks are the buttons of the basic commands.
func (b *Bot) residentCallbacks() map[string]callbackHandler {
	return map[string]callbackHandler{
		cbSubscribe: func(ctx context.Context, req request, q *tgbotapi.CallbackQuery, _ string) string {
			return b.pressSubscribe(ctx, req, q, true)
		},
		cbUnsubscribe: func(ctx context.Context, req request, q *tgbotapi.CallbackQuery, _ string) string {
			return b.pressSubscribe(ctx, req, q, false)
		},
	}
}

func (b *Bot) cmdStart(ctx context.Context, req request, args string) {
	if args == "subscribe" {
		b.cmdSubscribe(ctx, req, true)
		return
	}
	key, button := "start.welcome", b.subscribeButton(req.lang, req.chat.Subscribed)
	if req.chat.Subscribed {
		key = "start.welcome_subscribed"
	}
	p := textParams(req.chat.ID, render.Plain(i18n.T(req.lang, key)), false, false)
	b.reply(ctx, req.chat, "sendMessage", withKeyboard(p, button))
}

func (b *Bot) subscribeButton(lang string, subscribed bool) tgbotapi.InlineKeyboardMarkup {
	if subscribed {
		return tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonData(i18n.T(lang, "button.unsubscribe"), cbUnsubscribe)))
	}
	return tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData(i18n.T(lang, "button.subscribe"), cbSubscribe)))
}

// setSubscribed changes the subscription and returns the text that says the resulting state.
func (b *Bot) setSubscribed(ctx context.Context, req request, on bool) (string, bool) {
	changed, err := b.store.SetSubscribed(ctx, req.chat.ID, on, b.now())
	if err != nil {
		b.log.Error("change subscription", "chat_id", req.chat.ID, "error", err)
		return i18n.T(req.lang, "error.internal"), false
	}
	if on {
		// A new subscriber gets the sections of its language (a group: of whoever subscribed it).
		if err := b.store.InitPreferences(ctx, req.chat.ID, req.lang, b.now()); err != nil {
			b.log.Error("set default preferences", "chat_id", req.chat.ID, "error", err)
		}
	}
	switch {
	case on && changed:
		return i18n.T(req.lang, "subscribe.done"), true
	case on:
		return i18n.T(req.lang, "subscribe.already"), true
	case changed:
		return i18n.T(req.lang, "unsubscribe.done"), true
	default:
		return i18n.T(req.lang, "unsubscribe.already"), true
	}
}

func (b *Bot) cmdSubscribe(ctx context.Context, req request, on bool) {
	if req.group() && !b.isGroupAdmin(ctx, req) {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "group.admins_only"))
		return
	}
	text, _ := b.setSubscribed(ctx, req, on)
	b.replyText(ctx, req.chat, text)
}

func (b *Bot) cmdLatest(ctx context.Context, req request, args string) {
	n := defaultLatest
	if args != "" {
		v, err := strconv.Atoi(args)
		if err != nil || v < 1 || v > maxLatest {
			b.replyText(ctx, req.chat, i18n.T(req.lang, "latest.bad_n", maxLatest))
			return
		}
		n = v
	}
	articles, err := b.store.LatestArticles(ctx, n, subscriptions.ArticleFilter{Chat: req.chat.ID})
	if err != nil {
		b.log.Error("read latest articles", "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	if len(articles) == 0 {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "latest.empty"))
		return
	}
	html := render.Latest(articles, render.Options{Lang: req.lang, Loc: b.loc})
	b.reply(ctx, req.chat, "sendMessage", textParams(req.chat.ID, html, false, false))
}

func (b *Bot) onCallback(ctx context.Context, q *tgbotapi.CallbackQuery) {
	answer := tgbotapi.Params{"callback_query_id": q.ID}
	defer func() {
		if _, err := b.sender.call(ctx, "answerCallbackQuery", answer); err != nil {
			b.log.Warn("answer a button press", "error", err)
		}
	}()
	if q.Message == nil || q.Message.Chat == nil {
		return // a press on an inline-mode message: nothing of ours
	}
	req, ok := b.begin(ctx, q.Message.Chat, q.From)
	if !ok {
		return
	}
	prefix, rest, _ := strings.Cut(q.Data, ":")
	h := b.callbacks[prefix]
	if h == nil {
		// An old or forged button: say nothing happened rather than fail.
		answer["text"] = i18n.T(req.lang, "button.outdated")
		return
	}
	answer["text"] = h(ctx, req, q, rest)
}

// pressSubscribe handles the subscribe and unsubscribe buttons: it changes
// the subscription and turns the button into its opposite.
func (b *Bot) pressSubscribe(ctx context.Context, req request, q *tgbotapi.CallbackQuery, on bool) string {
	if req.group() && !b.isGroupAdmin(ctx, req) {
		return i18n.T(req.lang, "group.admins_only")
	}
	text, ok := b.setSubscribed(ctx, req, on)
	if ok {
		b.editKeyboard(ctx, req.chat.ID, q.Message.MessageID, b.subscribeButton(req.lang, on))
	}
	return text
}

// editKeyboard replaces the inline keyboard of a message.
func (b *Bot) editKeyboard(ctx context.Context, chatID int64, messageID int, kb tgbotapi.InlineKeyboardMarkup) {
	p := withKeyboard(tgbotapi.Params{
		"chat_id":    strconv.FormatInt(chatID, 10),
		"message_id": strconv.Itoa(messageID),
	}, kb)
	if _, err := b.sender.call(ctx, "editMessageReplyMarkup", p); err != nil && !strings.Contains(err.Error(), "not modified") {
		b.log.Warn("update a keyboard", "chat_id", chatID, "error", err)
	}
}

func (b *Bot) onMyChatMember(ctx context.Context, u *tgbotapi.ChatMemberUpdated) {
	now := b.now()
	switch u.NewChatMember.Status {
	case "kicked", "left":
		status := subscriptions.StatusLeft
		if u.Chat.Type == "private" {
			status = subscriptions.StatusBlocked
		}
		if _, err := b.store.TouchChat(ctx, chatInfo(&u.Chat, ""), now); err != nil {
			b.log.Error("record chat", "chat_id", u.Chat.ID, "error", err)
			return
		}
		if err := b.store.SetChatStatus(ctx, u.Chat.ID, status, "bot "+u.NewChatMember.Status, now); err != nil {
			b.log.Error("mark chat", "chat_id", u.Chat.ID, "status", status, "error", err)
		}
		b.log.Info("bot removed from chat", "chat_id", u.Chat.ID, "status", status)
	case "member", "administrator", "creator":
		wasIn := u.OldChatMember.Status == "member" || u.OldChatMember.Status == "administrator" || u.OldChatMember.Status == "creator"
		req, ok := b.begin(ctx, &u.Chat, &u.From)
		if !ok || wasIn {
			return
		}
		b.log.Info("bot added to chat", "chat_id", u.Chat.ID, "type", u.Chat.Type)
		if req.group() && req.chat.Type != subscriptions.ChatChannel && !req.chat.Subscribed {
			b.replyText(ctx, req.chat, i18n.T(req.lang, "group.welcome"))
		}
	}
}

// replyText sends plain text (escaped) as a reply.
func (b *Bot) replyText(ctx context.Context, chat subscriptions.Chat, text string) {
	b.reply(ctx, chat, "sendMessage", textParams(chat.ID, render.Plain(text), false, false))
}

// reply sends a message to a person waiting for it and handles what
// Telegram says about the chat.
func (b *Bot) reply(ctx context.Context, chat subscriptions.Chat, method string, p tgbotapi.Params) {
	_, c := b.sender.reply(ctx, message{chatID: chat.ID, group: chat.Type != subscriptions.ChatPrivate, method: method, params: p})
	switch c.verdict {
	case verdictChatGone:
		if err := b.store.SetChatStatus(ctx, chat.ID, c.status, c.reason, b.now()); err != nil {
			b.log.Error("mark chat gone", "chat_id", chat.ID, "error", err)
		}
	case verdictMigrated:
		if err := b.store.MigrateChat(ctx, chat.ID, c.migrateTo, b.now()); err != nil {
			b.log.Error("migrate chat", "chat_id", chat.ID, "error", err)
		}
	}
}

// isGroupAdmin asks Telegram (with a short cache) whether the sender of a
// group request administers the group.
func (b *Bot) isGroupAdmin(ctx context.Context, req request) bool {
	if req.user == nil {
		return false
	}
	if v, ok := b.groupAdmins.get(req.chat.ID, req.user.ID); ok {
		return v
	}
	m, err := b.client.ChatMember(ctx, strconv.FormatInt(req.chat.ID, 10), req.user.ID)
	if err != nil {
		b.log.Warn("check group admin", "chat_id", req.chat.ID, "error", err)
		return false
	}
	admin := m.Status == "creator" || m.Status == "administrator"
	b.groupAdmins.put(req.chat.ID, req.user.ID, admin)
	return admin
}

// adminCache remembers group admin checks for a short while.
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
