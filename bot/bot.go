// Package bot is newsbot's conversation on Telegram: the commands, the
// buttons, residents' settings and the admin tools, with bot/render (all
// HTML) and bot/i18n (all texts). It reaches Telegram only through the
// delivery engine (package delivery), which runs it: Bot handles the
// engine's updates and composes the messages of the engine's deliveries.
//
// Each feature is a type of its own in its own file (residents, settings,
// keywords, search, channels, notices, admin, posts, alerts, contacts, reader
// for reading articles in Telegram, inline for inline mode) holding only
// the store methods it declares beside it; what they share is base. Bot
// itself routes updates to them. Receivers are named b throughout: each is
// a part of the bot.
package bot

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/feed"
)

// telegram is the delivery engine as the features use it, each its own part.
type telegram interface {
	replier
	dispatcher
	channelLookup
	outboxWatch
	rateReport
	inlineAnswerer
}

// storage is every feature's store interface in one, for Config: each
// feature holds only its own.
type storage interface {
	chatStore
	residentStore
	settingsStore
	keywordStore
	searchStore
	questionStore
	channelStore
	noticeStore
	adminStore
	postStore
	alertStore
	composeStore
	readerStore
	inlineStore
}

// Config wires a Bot.
type Config struct {
	// Telegram is the delivery engine that runs the bot.
	Telegram telegram
	Store    storage
	Logger   *slog.Logger
	// Admins are the Telegram user ids of the committee's staff.
	Admins []int64
	// DefaultLang is the language for people whose Telegram language is not ru, be or en.
	DefaultLang string
	// Location is the time zone of dates shown and of quiet hours; required.
	Location *time.Location
	// Sections names the portal's sections in each language.
	Sections   i18n.Sections
	Registerer prometheus.Registerer
	Now        func() time.Time
	// Version is the program's version, shown by /stats.
	Version string
	// Pages reads article pages for /post, Texts their text for reading in
	// Telegram; a feed.Fetcher of Version when nil.
	Pages PageReader
	Texts TextReader
	// TextSelectors are the CSS selectors of the text block of the article
	// pages of sources, by configured source URL (the "text" field of
	// NEWSBOT_LISTING_SELECTORS); the default (feed.DefaultTextSelector) for others.
	TextSelectors map[string]string
	// Contacts are the committee's contacts that /contacts shows
	// (NEWSBOT_CONTACTS, see render.Contacts); "" when not set.
	Contacts string
}

// Bot is the conversation: it routes each update to the feature that
// handles it and renders deliveries for the engine.
type Bot struct {
	*base
	engine dispatcher
	store  chatStore

	commands     map[string]*command
	menu         []string // command names for setMyCommands, in order
	callbacks    map[string]callbackHandler
	messageHooks []messageHook
	// plain answers the other messages of private chats (see questions).
	plain        func(ctx context.Context, req request, m *delivery.Incoming)
	commandsSeen *prometheus.CounterVec

	composer *composer
	notices  *notices
	alerts   *alerts
	reader   *reader
	inline   *inline
	admin    *adminTools
}

// New builds a Bot from cfg.
func New(cfg Config) (*Bot, error) {
	switch {
	case cfg.Telegram == nil:
		return nil, errors.New("bot: Config.Telegram is required")
	case cfg.Store == nil:
		return nil, errors.New("bot: Config.Store is required")
	case cfg.Location == nil:
		return nil, errors.New("bot: Config.Location is required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Pages == nil || cfg.Texts == nil {
		f := feed.NewFetcher(feed.FetcherOptions{Version: cfg.Version})
		if cfg.Pages == nil {
			cfg.Pages = f
		}
		if cfg.Texts == nil {
			cfg.Texts = f
		}
	}
	shared := &base{
		tg: cfg.Telegram, chats: cfg.Store, log: cfg.Logger, admins: map[int64]bool{}, defaultLang: cfg.DefaultLang,
		loc: cfg.Location, sections: cfg.Sections, now: cfg.Now, groupAdmins: newAdminCache(cfg.Now),
	}
	for _, id := range cfg.Admins {
		shared.admins[id] = true
	}
	reader := newReader(shared, cfg.Store, cfg.Texts, cfg.TextSelectors, cfg.Telegram.Username)
	search := &search{base: shared, store: cfg.Store, limits: newSearchLimiter(cfg.Now)}
	b := &Bot{
		base: shared, engine: cfg.Telegram, store: cfg.Store, reader: reader,
		commands: map[string]*command{}, callbacks: map[string]callbackHandler{},
		commandsSeen: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsbot_commands_total", Help: "Commands received, by command.",
		}, []string{"command"}),
		composer: newComposer(shared, cfg.Store, reader),
		notices:  newNotices(shared, cfg.Store, cfg.Telegram),
		alerts:   &alerts{base: shared, store: cfg.Store},
		inline:   &inline{base: shared, store: cfg.Store, search: search, engine: cfg.Telegram, reader: reader},
	}
	if cfg.Registerer != nil {
		cfg.Registerer.MustRegister(b.commandsSeen, reader.outcomes)
	}
	channels := &channels{base: shared, store: cfg.Store, engine: cfg.Telegram}
	settings := &settings{base: shared, store: cfg.Store, channels: channels, engine: cfg.Telegram}
	(&residents{base: shared, store: cfg.Store, reader: reader}).register(b)
	reader.register(b)
	settings.register(b)
	(&keywords{base: shared, store: cfg.Store, channels: channels}).register(b)
	search.register(b)
	contacts := &contacts{base: shared, text: cfg.Contacts}
	newQuestions(shared, cfg.Store, search, contacts).register(b)
	channels.register(b)
	b.admin = &adminTools{base: shared, store: cfg.Store, engine: cfg.Telegram, version: cfg.Version, started: cfg.Now(),
		audienceName: b.notices.audienceName}
	b.admin.register(b)
	b.notices.register(b)
	(&posts{base: shared, store: cfg.Store, notices: b.notices, pages: cfg.Pages}).register(b)
	contacts.register(b)
	return b, nil
}

// Run registers the command menu, starts scheduled notices, keeps the
// progress of notices up to date, gathers the albums sent as notices,
// keeps the daily figures of /stats and reads the article pages residents
// open until ctx is done. The engine runs the rest (see delivery.Engine.Run).
func (b *Bot) Run(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { b.registerMenu(gctx); return nil })
	g.Go(func() error { return b.notices.run(gctx) })
	g.Go(func() error { return b.reader.run(gctx) })
	g.Go(func() error { return b.notices.collectAlbums(gctx) })
	g.Go(func() error { b.admin.keepSnapshots(gctx); return nil })
	return g.Wait()
}

// Interfaces the engine takes from the bot.
var (
	_ delivery.Handler  = (*Bot)(nil)
	_ delivery.Composer = (*Bot)(nil)
)
