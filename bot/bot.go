// Package bot is newsbot's Telegram side: the update loop, the command and
// button handlers, the outbox that fans news out to subscribers, and the
// sender that paces every message. Only this package talks to Telegram.
package bot

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/osipovichi/newsbot/feed"
	"github.com/osipovichi/newsbot/subscriptions"
)

// Store is what the bot needs from the database.
type Store interface {
	outboxStore
	prefsStore
	adminStore
	TouchChat(ctx context.Context, info subscriptions.ChatInfo, now time.Time) (subscriptions.Chat, error)
	Chat(ctx context.Context, id int64) (subscriptions.Chat, error)
	SetSubscribed(ctx context.Context, id int64, on bool, now time.Time) (bool, error)
	LatestArticles(ctx context.Context, n int, filter ...subscriptions.ArticleFilter) ([]subscriptions.Article, error)
	UpdateOffset(ctx context.Context) (int, error)
	SetUpdateOffset(ctx context.Context, offset int) error
}

// Config wires a Bot.
type Config struct {
	Client *Client
	Store  Store
	Logger *slog.Logger
	// Admins are the Telegram user ids of the committee's staff.
	Admins []int64
	// DefaultLang is the language for people whose Telegram language is not ru, be or en.
	DefaultLang string
	// Location is the time zone of dates shown and of schedules; feed.DefaultLocation() when nil.
	Location *time.Location
	// Rate is the global pace of messages per second.
	Rate float64
	// PaidBroadcast sends bulk messages with allow_paid_broadcast.
	PaidBroadcast bool
	// PollTimeout is the long-poll timeout of getUpdates, in seconds (default 50).
	PollTimeout int
	Registerer  prometheus.Registerer
	Now         func() time.Time
	// Version is the program's version, shown by /stats.
	Version string
	// Pages reads article pages for /post; a feed.Fetcher of Version when nil.
	Pages PageReader
}

// Bot is the running Telegram bot.
type Bot struct {
	client      *Client
	store       Store
	log         *slog.Logger
	admins      map[int64]bool
	defaultLang string
	loc         *time.Location
	pollTimeout int
	now         func() time.Time
	metrics     *metrics
	sender      *sender
	outbox      *outbox
	groupAdmins *adminCache

	commands     map[string]*command
	menu         []string // command names for setMyCommands, in order
	callbacks    map[string]callbackHandler
	messageHooks []messageHook

	lastPoll atomic.Int64 // unix nanoseconds of the last getUpdates answer

	version string
	started time.Time
	adm     *adminState // admin features: broadcast conversations, progress
	pages   PageReader  // for /post
}

// New builds a Bot from cfg.
func New(cfg Config) *Bot {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location = feed.DefaultLocation()
	}
	if cfg.Pages == nil {
		cfg.Pages = feed.NewFetcher(feed.FetcherOptions{Version: cfg.Version})
	}
	if cfg.Rate <= 0 {
		cfg.Rate = 25
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 50
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	m := newMetrics(cfg.Registerer)
	b := &Bot{
		client: cfg.Client, store: cfg.Store, log: cfg.Logger, admins: map[int64]bool{},
		defaultLang: cfg.DefaultLang, loc: cfg.Location, pollTimeout: cfg.PollTimeout, now: cfg.Now, metrics: m,
		groupAdmins: newAdminCache(cfg.Now),
		commands:    map[string]*command{}, callbacks: map[string]callbackHandler{},
		version: cfg.Version, started: cfg.Now(), pages: cfg.Pages,
	}
	for _, id := range cfg.Admins {
		b.admins[id] = true
	}
	// The limiter paces real requests to Telegram: it runs on the real clock, whatever cfg.Now says.
	b.sender = &sender{client: cfg.Client, limiter: newLimiter(cfg.Rate, time.Now), metrics: m, log: cfg.Logger,
		now: cfg.Now, paidBroadcast: cfg.PaidBroadcast}
	b.features()
	b.outbox = newOutbox(cfg.Store, b.sender, cfg.Logger, cfg.Now, cfg.Location, cfg.DefaultLang, cfg.Rate)
	return b
}

// ErrUnauthorized means Telegram rejected the token.
var ErrUnauthorized = errors.New("telegram rejected the bot token (401 Unauthorized): check TELEGRAM_BOT_TOKEN")

// Run takes updates and sends deliveries until ctx is done. It returns nil
// after a clean stop and ErrUnauthorized when the token is refused.
func (b *Bot) Run(ctx context.Context) error {
	b.lastPoll.Store(b.now().UnixNano())
	b.setup(ctx)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return b.poll(gctx) })
	g.Go(func() error { return b.outbox.run(gctx) })
	g.Go(func() error { return b.runDigests(gctx) })
	g.Go(func() error { return b.runNotices(gctx) })
	return g.Wait()
}

// Wake tells the outbox that deliveries were enqueued.
func (b *Bot) Wake() { b.outbox.notify() }

// LastPoll is when getUpdates last answered (or the loop started).
func (b *Bot) LastPoll() time.Time { return time.Unix(0, b.lastPoll.Load()) }

// PollTimeout is the long-poll timeout, for health checks.
func (b *Bot) PollTimeout() time.Duration { return time.Duration(b.pollTimeout) * time.Second }
