package bot

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/subscriptions"
)

// channelStore is what channels need from the store.
type channelStore interface {
	Chat(ctx context.Context, id int64) (subscriptions.Chat, error)
	ConnectChannel(ctx context.Context, info subscriptions.ChatInfo, userID int64, lang string, now time.Time) (bool, error)
	Channels(ctx context.Context, userID int64) ([]subscriptions.Chat, error)
	ChannelManagedBy(ctx context.Context, channelID, userID int64) (bool, error)
	DisconnectChannel(ctx context.Context, channelID, userID int64, now time.Time) (bool, error)
}

// channelLookup is what connecting a channel asks Telegram.
type channelLookup interface {
	Chat(ctx context.Context, ref string) (delivery.Chat, error)
	UserID() int64
}

// channels lets a person who administers a channel send the news there and
// manage its settings from the private chat with the bot.
type channels struct {
	*base
	store  channelStore
	engine channelLookup
}

func (b *channels) register(r *Bot) {
	r.addCommands(
		command{name: "channel", run: b.cmdChannel},
		command{name: "channels", menu: true, run: b.cmdChannels},
	)
	r.addCallbacks(b.pressChannels, cbChannels)
	r.messageHooks = append(r.messageHooks, b.forwardedPost)
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

func (b *channels) cmdChannel(ctx context.Context, req request, args string) {
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
func (b *channels) forwardedPost(ctx context.Context, req request, m *delivery.Incoming) bool {
	if req.group() || req.user == nil || m.ForwardedFrom == nil || m.ForwardedFrom.Type != subscriptions.ChatChannel {
		return false
	}
	b.connectChannel(ctx, req, strconv.FormatInt(m.ForwardedFrom.ID, 10))
	return true
}

// connectChannel checks that the channel exists, that the person and the
// bot both administer it, and connects it.
func (b *channels) connectChannel(ctx context.Context, req request, ref string) {
	ch, err := b.engine.Chat(ctx, ref)
	if err != nil {
		if delivery.IsTemporary(err) {
			b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
			return
		}
		b.replyText(ctx, req.chat, i18n.T(req.lang, "channel.not_found", ref))
		return
	}
	if ch.Type != subscriptions.ChatChannel {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "channel.not_channel"))
		return
	}
	if !b.isAdminOf(ctx, ch.ID, req.user.ID) {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "channel.not_admin", ch.Title))
		return
	}
	me, err := b.tg.Member(ctx, strconv.FormatInt(ch.ID, 10), b.engine.UserID())
	if err != nil || me.Status != delivery.MemberAdministrator || !me.CanPostMessages {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "channel.bot_not_admin", ch.Title))
		return
	}
	info := subscriptions.ChatInfo{ID: ch.ID, Type: subscriptions.ChatChannel, Title: ch.Title, Username: ch.Username}
	already, err := b.store.ConnectChannel(ctx, info, req.user.ID, req.lang, b.now())
	if err != nil {
		b.log.Error("connect channel", "chat_id", ch.ID, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	b.log.Info("channel connected", "chat_id", ch.ID, "user_id", req.user.ID)
	textKey := "channel.connected"
	if already {
		textKey = "channel.already"
	}
	var kb keyboard
	kb.row(key{i18n.T(req.lang, "button.channel_settings"), settingsData{chat: ch.ID, op: screenMain}},
		key{i18n.T(req.lang, "button.channels"), channelsData{op: channelsList}})
	b.reply(ctx, req.chat, delivery.Message{Text: render.Plain(i18n.T(req.lang, textKey, ch.Title)), Keyboard: kb.rows})
}

// ownsChannel checks, on every use, that the person behind req connected
// the channel and still administers it. ok=false with an empty text means
// the channel is not theirs at all.
func (b *channels) ownsChannel(ctx context.Context, req request, channelID int64) (bool, string) {
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
func (b *channels) channelByRef(ctx context.Context, req request, ref string) (subscriptions.Chat, bool) {
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

func (b *channels) cmdChannels(ctx context.Context, req request, _ string) {
	if req.group() || req.user == nil {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "channel.private_only"))
		return
	}
	html, kb, ok := b.channelsView(ctx, req)
	if !ok {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	b.reply(ctx, req.chat, delivery.Message{Text: html, Keyboard: kb})
}

// channelsView renders the list of a person's channels with their buttons.
func (b *channels) channelsView(ctx context.Context, req request) (string, delivery.Keyboard, bool) {
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
	var kb keyboard
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
		kb.row(key{"⚙️ " + render.Cut(c.Title, 40), settingsData{chat: c.ID, op: screenMain}},
			key{i18n.T(req.lang, "button.disconnect"), channelsData{op: channelsAsk, id: c.ID}})
	}
	h.Line()
	h.Line()
	h.Text(i18n.T(req.lang, "channels.add"))
	return h.String(), kb.rows, true
}

func (b *channels) pressChannels(ctx context.Context, req request, p *delivery.Press) string {
	if req.group() || req.user == nil {
		return i18n.T(req.lang, "channel.private_only")
	}
	d, ok := decodeChannels(p.Data)
	answer := ""
	switch {
	case !ok:
		answer = i18n.T(req.lang, "settings.refreshed")
	case d.op == channelsAsk || d.op == channelsConfirm:
		linked, err := b.store.ChannelManagedBy(ctx, d.id, req.user.ID)
		if err != nil {
			b.log.Error("check channel owner", "chat_id", d.id, "error", err)
			return i18n.T(req.lang, "error.internal")
		}
		if !linked {
			answer = i18n.T(req.lang, "settings.refreshed")
			break
		}
		if d.op == channelsAsk {
			c, err := b.store.Chat(ctx, d.id)
			if err != nil {
				return i18n.T(req.lang, "error.internal")
			}
			var kb keyboard
			kb.row(key{i18n.T(req.lang, "button.disconnect_yes"), channelsData{op: channelsConfirm, id: d.id}},
				key{i18n.T(req.lang, "button.cancel"), channelsData{op: channelsList}})
			b.edit(ctx, req.chat.ID, p.MessageID, render.Plain(i18n.T(req.lang, "channels.confirm", c.Title)), kb.rows)
			return ""
		}
		if _, err := b.store.DisconnectChannel(ctx, d.id, req.user.ID, b.now()); err != nil {
			b.log.Error("disconnect channel", "chat_id", d.id, "error", err)
			return i18n.T(req.lang, "error.internal")
		}
		b.log.Info("channel disconnected", "chat_id", d.id, "user_id", req.user.ID)
		answer = i18n.T(req.lang, "channels.disconnected")
	}
	html, kb, ok := b.channelsView(ctx, req)
	if !ok {
		return i18n.T(req.lang, "error.internal")
	}
	b.edit(ctx, req.chat.ID, p.MessageID, html, kb)
	return answer
}
