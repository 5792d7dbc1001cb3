package bot

import (
	"context"
	"strings"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/subscriptions"
)

const (
	defaultLatest = 5
	maxLatest     = 20
)

// residentStore is what the basic commands need from the store.
type residentStore interface {
	SetSubscribed(ctx context.Context, id int64, on bool, now time.Time) (bool, error)
	InitPreferences(ctx context.Context, chatID int64, lang string, now time.Time) error
	Preferences(ctx context.Context, chatID int64) (subscriptions.Preferences, error)
	LatestArticles(ctx context.Context, n int, filter ...subscriptions.ArticleFilter) ([]subscriptions.Article, error)
	RecordStartLink(ctx context.Context, payload string, chatID int64, subscribed bool, now time.Time) error
}

// residents are the basic commands of every chat: /start, /subscribe,
// /unsubscribe, /latest and /help, with the subscribe button.
type residents struct {
	*base
	store  residentStore
	reader *reader // the "📖 Read here" buttons of /latest and their /start links
}

func (b *residents) register(r *Bot) {
	r.addCommands(
		command{name: "start", menu: true, run: b.cmdStart},
		command{name: "subscribe", menu: true, run: func(ctx context.Context, req request, _ string) { b.cmdSubscribe(ctx, req, true) }},
		command{name: "unsubscribe", aliases: []string{"stop"}, menu: true,
			run: func(ctx context.Context, req request, _ string) { b.cmdSubscribe(ctx, req, false) }},
		command{name: "latest", aliases: []string{"news"}, menu: true, run: b.cmdLatest},
		command{name: "help", menu: true, run: b.cmdHelp},
	)
	r.addCallbacks(b.pressSubscribe, cbSubscribe, cbUnsubscribe)
}

func (b *residents) cmdStart(ctx context.Context, req request, args string) {
	if subscriptions.SubscribeLink(args) { // a poster's QR code, the portal's banner: subscribe in one tap
		b.cmdSubscribe(ctx, req, true)
		b.countStartLink(ctx, req, args)
		return
	}
	if b.reader.startLink(ctx, req, args) {
		return
	}
	textKey := "start.welcome"
	if req.chat.Subscribed {
		textKey = "start.welcome_subscribed"
	}
	b.reply(ctx, req.chat, delivery.Message{Text: render.Plain(i18n.T(req.lang, textKey)),
		Keyboard: subscribeButton(req.lang, req.chat.Subscribed)})
}

// countStartLink records, for /stats, that the chat came through the
// subscribe deep link payload, and whether that subscribed it.
func (b *residents) countStartLink(ctx context.Context, req request, payload string) {
	p, err := b.store.Preferences(ctx, req.chat.ID)
	if err != nil {
		b.log.Error("read preferences", "chat_id", req.chat.ID, "error", err)
		return
	}
	if err := b.store.RecordStartLink(ctx, payload, req.chat.ID, p.Subscribed && !req.chat.Subscribed, b.now()); err != nil {
		b.log.Error("count a subscribe link", "chat_id", req.chat.ID, "payload", payload, "error", err)
	}
}

// subscribeButton offers to subscribe, or to unsubscribe when subscribed.
func subscribeButton(lang string, subscribed bool) delivery.Keyboard {
	var kb keyboard
	if subscribed {
		kb.row(key{i18n.T(lang, "button.unsubscribe"), subscribeData{on: false}})
	} else {
		kb.row(key{i18n.T(lang, "button.subscribe"), subscribeData{on: true}})
	}
	return kb.rows
}

// setSubscribed changes the subscription and returns the text that says
// the resulting state; ok is false when it failed.
func (b *residents) setSubscribed(ctx context.Context, req request, on bool) (text string, ok bool) {
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

// subscribedView is the message that confirms a subscription: text, what
// the chat gets now, and buttons to the settings a new subscriber most
// likely wants to change.
func (b *residents) subscribedView(ctx context.Context, req request, text string) (string, delivery.Keyboard) {
	lines := []string{text}
	if p, err := b.store.Preferences(ctx, req.chat.ID); err == nil {
		lines = append(lines, "")
		lines = append(lines, summaryLines(req.lang, b.defaultLang, b.sections, p, summaryLanguage, summarySections, summaryDelivery)...)
	} else {
		b.log.Error("read preferences", "chat_id", req.chat.ID, "error", err)
	}
	lines = append(lines, "", i18n.T(req.lang, "subscribe.next"))
	to := func(screen string) settingsData { return settingsData{chat: req.chat.ID, op: screen} }
	var kb keyboard
	kb.row(key{i18n.T(req.lang, "button.language"), to(screenLang)}, key{i18n.T(req.lang, "button.sections"), to(screenSections)})
	kb.row(key{i18n.T(req.lang, "button.delivery"), to(screenDelivery)}, key{i18n.T(req.lang, "button.keywords"), to(screenKeywords)})
	return render.Plain(strings.Join(lines, "\n")), kb.rows
}

func (b *residents) cmdSubscribe(ctx context.Context, req request, on bool) {
	if req.group() && !b.isGroupAdmin(ctx, req) {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "group.admins_only"))
		return
	}
	text, ok := b.setSubscribed(ctx, req, on)
	if !on || !ok {
		b.replyText(ctx, req.chat, text)
		return
	}
	html, kb := b.subscribedView(ctx, req, text)
	b.reply(ctx, req.chat, delivery.Message{Text: html, Keyboard: kb})
}

func (b *residents) cmdLatest(ctx context.Context, req request, args string) {
	n, capped := defaultLatest, false
	if args != "" {
		var ok bool
		if n, capped, ok = parseLatest(args, maxLatest); !ok {
			b.replyText(ctx, req.chat, i18n.T(req.lang, "latest.bad_n", maxLatest))
			return
		}
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
	note := ""
	if capped {
		note = i18n.T(req.lang, "latest.capped", maxLatest)
	}
	html, shown := render.Latest(articles, note, b.renderOptions(req))
	b.reply(ctx, req.chat, delivery.Message{Text: html, Keyboard: b.reader.listKeyboard(req.chat.Type, articles[:shown])})
}

// pressSubscribe handles the subscribe and unsubscribe buttons: the
// message becomes the confirmation of a subscription, with the next steps,
// or says that the chat unsubscribed, with a button to come back.
func (b *residents) pressSubscribe(ctx context.Context, req request, p *delivery.Press) string {
	d, ok := decodeSubscribe(p.Data)
	if !ok {
		return i18n.T(req.lang, "button.outdated")
	}
	if req.group() && !b.isGroupAdmin(ctx, req) {
		return i18n.T(req.lang, "group.admins_only")
	}
	text, ok := b.setSubscribed(ctx, req, d.on)
	if !ok {
		return text
	}
	if d.on {
		html, kb := b.subscribedView(ctx, req, text)
		b.edit(ctx, req.chat.ID, p.MessageID, html, kb)
		return i18n.T(req.lang, "settings.subscribed")
	}
	b.edit(ctx, req.chat.ID, p.MessageID, render.Plain(text), subscribeButton(req.lang, false))
	return i18n.T(req.lang, "settings.unsubscribed")
}

// cmdHelp lists the commands; an admin in private also gets the staff's.
func (b *residents) cmdHelp(ctx context.Context, req request, _ string) {
	text := i18n.T(req.lang, "help")
	if b.isAdmin(req) && !req.group() {
		text += "\n\n" + i18n.T(req.lang, "help.admin")
	}
	b.replyText(ctx, req.chat, text)
}
