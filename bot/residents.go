package bot

import (
	"context"
	"strconv"
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
	LatestArticles(ctx context.Context, n int, filter ...subscriptions.ArticleFilter) ([]subscriptions.Article, error)
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
		command{name: "help", menu: true, run: func(ctx context.Context, req request, _ string) {
			b.replyText(ctx, req.chat, i18n.T(req.lang, "help"))
		}},
	)
	r.addCallbacks(b.pressSubscribe, cbSubscribe, cbUnsubscribe)
}

func (b *residents) cmdStart(ctx context.Context, req request, args string) {
	if args == "subscribe" {
		b.cmdSubscribe(ctx, req, true)
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

// setSubscribed changes the subscription and returns the text that says the resulting state.
func (b *residents) setSubscribed(ctx context.Context, req request, on bool) (string, bool) {
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

func (b *residents) cmdSubscribe(ctx context.Context, req request, on bool) {
	if req.group() && !b.isGroupAdmin(ctx, req) {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "group.admins_only"))
		return
	}
	text, _ := b.setSubscribed(ctx, req, on)
	b.replyText(ctx, req.chat, text)
}

func (b *residents) cmdLatest(ctx context.Context, req request, args string) {
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
	html, shown := render.Latest(articles, render.Options{Lang: req.lang, Loc: b.loc})
	b.reply(ctx, req.chat, delivery.Message{Text: html, Keyboard: b.reader.listKeyboard(req.chat.Type, articles[:shown])})
}

// pressSubscribe handles the subscribe and unsubscribe buttons: it changes
// the subscription and turns the button into its opposite.
func (b *residents) pressSubscribe(ctx context.Context, req request, p *delivery.Press) string {
	d, ok := decodeSubscribe(p.Data)
	if !ok {
		return i18n.T(req.lang, "button.outdated")
	}
	if req.group() && !b.isGroupAdmin(ctx, req) {
		return i18n.T(req.lang, "group.admins_only")
	}
	text, ok := b.setSubscribed(ctx, req, d.on)
	if ok {
		b.edit(ctx, req.chat.ID, p.MessageID, "", subscribeButton(req.lang, d.on))
	}
	return text
}
