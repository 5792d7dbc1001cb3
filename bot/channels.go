package bot

import (
	"context"
	"encoding/json"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/subscriptions"
)

const cbChannels = "ch" // ch:l (list), ch:d:ID (ask to disconnect), ch:dy:ID (disconnect)

// channelsFeature lets a person who administers a channel send the news
// there and manage its settings from the private chat with the bot.
func (b *Bot) channelsFeature() {
	b.addCommands(
		command{name: "channel", run: b.cmdChannel},
		command{name: "channels", menu: true, run: b.cmdChannels},
	)
	b.addCallbacks(map[string]callbackHandler{cbChannels: b.pressChannels})
	b.messageHooks = append(b.messageHooks, b.forwardedPost)
}

// channelRefRE matches what may name a channel: @name, t.me/name, name, or -100… id.
var (
	channelNameRE = regexp.MustCompile(`^@?([A-Za-z][A-Za-z0-9_]{3,31})$`)
	channelIDRE   = regexp.MustCompile(`^-100\d{5,15}$`)
)

// channelRef turns what a person typed into a chat_id for the Bot API.
func channelRef(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if channelIDRE.MatchString(s) {
		return s, true
	}
	if u, err := url.Parse(s); err == nil && (u.Host == "t.me" || u.Host == "telegram.me") {
		s = strings.Trim(u.Path, "/")
	} else if rest, ok := strings.CutPrefix(s, "t.me/"); ok {
		s = strings.Trim(rest, "/")
	}
	if m := channelNameRE.FindStringSubmatch(s); m != nil {
		return "@" + m[1], true
	}
	return "", false
}

func (b *Bot) cmdChannel(ctx context.Context, req request, args string) {
	if req.group() || req.user == nil {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "channel.private_only"))
		return
	}
	ref, ok := channelRef(args)
	if !ok {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "channel.hint"))
		return
	}
	b.connectChannel(ctx, req, ref)
}

// forwardedPost connects the channel a post was forwarded from, in a private chat.
func (b *Bot) forwardedPost(ctx context.Context, req request, m *tgbotapi.Message) bool {
	if req.group() || req.user == nil || m.ForwardFromChat == nil || m.ForwardFromChat.Type != "channel" {
		return false
	}
	b.connectChannel(ctx, req, strconv.FormatInt(m.ForwardFromChat.ID, 10))
	return true
}

// connectChannel checks that the channel exists, that the person and the
// bot both administer it, and connects it.
func (b *Bot) connectChannel(ctx context.Context, req request, ref string) {
	raw, err := b.sender.call(ctx, "getChat", tgbotapi.Params{"chat_id": ref})
	var ch tgbotapi.Chat
	if err == nil {
		err = json.Unmarshal(raw, &ch)
	}
	if err != nil {
		if c := classify(err); c.verdict == verdictTransient || c.verdict == verdictRetryAfter {
			b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
			return
		}
		b.replyText(ctx, req.chat, i18n.T(req.lang, "channel.not_found", ref))
		return
	}
	if ch.Type != "channel" {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "channel.not_channel"))
		return
	}
	id := strconv.FormatInt(ch.ID, 10)
	if !b.isAdminOf(ctx, ch.ID, req.user.ID) {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "channel.not_admin", ch.Title))
		return
	}
	me, err := b.client.ChatMember(ctx, id, b.client.UserID())
	if err != nil || me.Status != "administrator" || !me.CanPostMessages {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "channel.bot_not_admin", ch.Title))
		return
	}
	info := subscriptions.ChatInfo{ID: ch.ID, Type: subscriptions.ChatChannel, Title: ch.Title, Username: ch.UserName}
	already, err := b.store.ConnectChannel(ctx, info, req.user.ID, req.lang, b.now())
	if err != nil {
		b.log.Error("connect channel", "chat_id", ch.ID, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	b.log.Info("channel connected", "chat_id", ch.ID, "user_id", req.user.ID)
	key := "channel.connected"
	if already {
		key = "channel.already"
	}
	kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData(i18n.T(req.lang, "button.channel_settings"), cbSettings+":"+id+":"+screenMain),
		tgbotapi.NewInlineKeyboardButtonData(i18n.T(req.lang, "button.channels"), cbChannels+":l"),
	))
	p := textParams(req.chat.ID, render.Plain(i18n.T(req.lang, key, ch.Title)), false, false)
	b.reply(ctx, req.chat, "sendMessage", withKeyboard(p, kb))
}

// isAdminOf asks Telegram (with the short cache of group checks) whether
// a user administers a chat.
func (b *Bot) isAdminOf(ctx context.Context, chatID, userID int64) bool {
	if v, ok := b.groupAdmins.get(chatID, userID); ok {
		return v
	}
	m, err := b.client.ChatMember(ctx, strconv.FormatInt(chatID, 10), userID)
	if err != nil {
		b.log.Warn("check chat admin", "chat_id", chatID, "error", err)
		return false
	}
	admin := m.Status == "creator" || m.Status == "administrator"
	b.groupAdmins.put(chatID, userID, admin)
	return admin
}

// ownsChannel checks, on every use, that the person behind req connected
// the channel and still administers it. ok=false with an empty text means
// the channel is not theirs at all.
func (b *Bot) ownsChannel(ctx context.Context, req request, channelID int64) (bool, string) {
	if req.user == nil || req.group() {
		return false, ""
	}
	linked, err := b.store.ChannelManagedBy(ctx, channelID, req.user.ID)
	if err != nil {
		b.log.Error("check channel owner", "chat_id", channelID, "error", err)
		return false, i18n.T(req.lang, "error.internal")
	}
	if !linked {
		return false, ""
	}
	if !b.isAdminOf(ctx, channelID, req.user.ID) {
		return false, i18n.T(req.lang, "channel.no_longer_admin")
	}
	return true, ""
}

// channelByRef finds a channel the person connected by @name or id, for
// commands that act on it from the private chat; it replies when it cannot.
func (b *Bot) channelByRef(ctx context.Context, req request, ref string) (subscriptions.Chat, bool) {
	list, err := b.store.Channels(ctx, req.user.ID)
	if err != nil {
		b.log.Error("list channels", "user_id", req.user.ID, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return subscriptions.Chat{}, false
	}
	name := strings.TrimPrefix(ref, "@")
	for _, c := range list {
		if strconv.FormatInt(c.ID, 10) == ref || c.Username != "" && strings.EqualFold(c.Username, name) {
			if ok, text := b.ownsChannel(ctx, req, c.ID); !ok {
				if text == "" {
					text = i18n.T(req.lang, "channel.unknown", ref)
				}
				b.replyText(ctx, req.chat, text)
				return c, false
			}
			return c, true
		}
	}
	b.replyText(ctx, req.chat, i18n.T(req.lang, "channel.unknown", ref))
	return subscriptions.Chat{}, false
}

func (b *Bot) cmdChannels(ctx context.Context, req request, _ string) {
	if req.group() || req.user == nil {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "channel.private_only"))
		return
	}
	html, kb, ok := b.channelsView(ctx, req)
	if !ok {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	p := textParams(req.chat.ID, html, false, false)
	if kb != nil {
		p = withKeyboard(p, *kb)
	}
	b.reply(ctx, req.chat, "sendMessage", p)
}

// channelsView renders the list of a person's channels with their buttons.
func (b *Bot) channelsView(ctx context.Context, req request) (string, *tgbotapi.InlineKeyboardMarkup, bool) {
	list, err := b.store.Channels(ctx, req.user.ID)
	if err != nil {
		b.log.Error("list channels", "user_id", req.user.ID, "error", err)
		return "", nil, false
	}
	if len(list) == 0 {
		return render.Plain(i18n.T(req.lang, "channels.none")), nil, true
	}
	h := &render.Builder{}
	h.Bold(i18n.T(req.lang, "channels.title"))
	var rows [][]tgbotapi.InlineKeyboardButton
	for _, c := range list {
		h.Line()
		h.Text("• " + c.Title)
		if c.Username != "" {
			h.Text(" (@" + c.Username + ")")
		}
		switch {
		case c.Status != subscriptions.StatusActive:
			h.Text(" — " + i18n.T(req.lang, "channels.bot_removed"))
		case c.Subscribed:
			h.Text(" — " + i18n.T(req.lang, "channels.on"))
		default:
			h.Text(" — " + i18n.T(req.lang, "channels.off"))
		}
		id := strconv.FormatInt(c.ID, 10)
		rows = append(rows, tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonData("⚙️ "+render.Cut(c.Title, 40), cbSettings+":"+id+":"+screenMain),
			tgbotapi.NewInlineKeyboardButtonData(i18n.T(req.lang, "button.disconnect"), cbChannels+":d:"+id),
		))
	}
	h.Line()
	h.Line()
	h.Text(i18n.T(req.lang, "channels.add"))
	kb := tgbotapi.NewInlineKeyboardMarkup(rows...)
	return h.String(), &kb, true
}

func (b *Bot) pressChannels(ctx context.Context, req request, q *tgbotapi.CallbackQuery, rest string) string {
	if req.group() || req.user == nil {
		return i18n.T(req.lang, "channel.private_only")
	}
	op, arg, _ := strings.Cut(rest, ":")
	id, _ := strconv.ParseInt(arg, 10, 64)
	answer := ""
	switch op {
	case "d", "dy":
		linked, err := b.store.ChannelManagedBy(ctx, id, req.user.ID)
		if err != nil {
			b.log.Error("check channel owner", "chat_id", id, "error", err)
			return i18n.T(req.lang, "error.internal")
		}
		if !linked {
			answer = i18n.T(req.lang, "settings.refreshed")
			break
		}
		if op == "d" {
			c, err := b.store.Chat(ctx, id)
			if err != nil {
				return i18n.T(req.lang, "error.internal")
			}
			kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
				tgbotapi.NewInlineKeyboardButtonData(i18n.T(req.lang, "button.disconnect_yes"), cbChannels+":dy:"+arg),
				tgbotapi.NewInlineKeyboardButtonData(i18n.T(req.lang, "button.cancel"), cbChannels+":l"),
			))
			b.editMenu(ctx, req.chat.ID, q.Message.MessageID, render.Plain(i18n.T(req.lang, "channels.confirm", c.Title)), &kb)
			return ""
		}
		if _, err := b.store.DisconnectChannel(ctx, id, req.user.ID, b.now()); err != nil {
			b.log.Error("disconnect channel", "chat_id", id, "error", err)
			return i18n.T(req.lang, "error.internal")
		}
		b.log.Info("channel disconnected", "chat_id", id, "user_id", req.user.ID)
		answer = i18n.T(req.lang, "channels.disconnected")
	case "l":
	default:
		answer = i18n.T(req.lang, "settings.refreshed")
	}
	html, kb, ok := b.channelsView(ctx, req)
	if !ok {
		return i18n.T(req.lang, "error.internal")
	}
	b.editMenu(ctx, req.chat.ID, q.Message.MessageID, html, kb)
	return answer
}
