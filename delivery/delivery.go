// Package delivery is newsbot's one way out to Telegram: the Bot API
// client, the pacer (delivery/pace) that keeps every request within
// Telegram's limits, the sender that classifies every answer, the durable
// outbox that fans news out to subscribers (with the digest scheduler that
// feeds it) and the update loop. Only this package imports the Bot API library; the rest of
// the program speaks the small types of types.go, so the compiler keeps
// every request on this one path and a change of library stays here.
//
// The bot's conversation (package bot) uses an Engine to reply, edit, answer
// button presses and look up chats, and gives the Engine two things when it
// runs it: a Handler for updates and a Composer that renders deliveries.
// The Engine therefore needs neither the bot's renderer nor its texts: the
// outbox asks the composer for the messages of a delivery and only
// addresses, paces, sends and records them.
package delivery

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/errgroup"

	"github.com/osipovichi/newsbot/delivery/pace"
)

// Defaults of the configuration (NEWSBOT_RATE and the getUpdates long poll).
const (
	// DefaultRate is the global pace in messages a second, below
	// Telegram's 30 (which the pacer never exceeds whatever the rate).
	DefaultRate = 25
	// DefaultPollTimeout is how long one getUpdates waits for an update.
	DefaultPollTimeout = 50 * time.Second
)

// ErrUnauthorized means Telegram rejected the token.
var ErrUnauthorized = errors.New("telegram rejected the bot token (401 Unauthorized): check TELEGRAM_BOT_TOKEN")

// Config wires an Engine.
type Config struct {
	// Client may be only dialled (Dial): Run connects it.
	Client *Client
	// Store keeps the outbox, the digests and the update offset.
	Store  store
	Logger *slog.Logger
	// Location is the time zone of the digest hours; required.
	Location *time.Location
	// Rate is the global pace of messages per second (DefaultRate when 0).
	Rate float64
	// PaidBroadcast sends bulk messages with allow_paid_broadcast.
	PaidBroadcast bool
	// PollTimeout is the long-poll timeout of getUpdates (DefaultPollTimeout when 0).
	PollTimeout time.Duration
	Registerer  prometheus.Registerer
	// Now is the clock of schedules (retries, digests, outage pauses,
	// retention).
	Now func() time.Time
	// PaceClock is the pacer's clock: the real one when nil, since it paces
	// real requests to Telegram. Tests that are not about pacing run it
	// fast.
	PaceClock pace.Clock
	// Horizon is how long a delivery may keep failing with errors that may
	// go away by themselves before it is given up (DefaultHorizon when 0).
	Horizon time.Duration
	// Retention is how long settled deliveries and digest items are kept;
	// 0 keeps them for ever.
	Retention time.Duration
}

// store is every store interface of the engine's parts in one, for
// Config: each part holds only its own.
type store interface {
	outboxStore
	digestStore
	offsetStore
	retentionStore
}

// Engine is the running delivery engine.
type Engine struct {
	client    *Client
	log       *slog.Logger
	now       func() time.Time
	chats     chatStateStore
	metrics   *metrics
	sender    *sender
	outbox    *outbox
	digests   *digests
	updates   *updateLoop
	retention *retention // nil: everything is kept

	connected     chan struct{} // closed once Telegram has answered getMe
	connectedOnce sync.Once     // an Engine may run again after a stop
}

// New builds an Engine from cfg.
func New(cfg Config) (*Engine, error) {
	switch {
	case cfg.Client == nil:
		return nil, errors.New("delivery: Config.Client is required")
	case cfg.Store == nil:
		return nil, errors.New("delivery: Config.Store is required")
	case cfg.Location == nil:
		return nil, errors.New("delivery: Config.Location is required")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rate <= 0 {
		cfg.Rate = DefaultRate
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = DefaultPollTimeout
	}
	if cfg.Horizon <= 0 {
		cfg.Horizon = DefaultHorizon
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	p, err := newPacer(cfg.Rate, cfg.PaidBroadcast, cfg.PaceClock)
	if err != nil {
		return nil, fmt.Errorf("delivery: %w", err)
	}
	m := newMetrics(cfg.Registerer, p)
	s := &sender{client: cfg.Client, pacer: p, metrics: m, log: cfg.Logger}
	o := newOutbox(cfg.Store, s, cfg.Logger, cfg.Now, cfg.Rate, cfg.Horizon)
	e := &Engine{
		client: cfg.Client, log: cfg.Logger, now: cfg.Now, chats: cfg.Store, metrics: m, sender: s, outbox: o,
		digests: newDigests(cfg.Store, o, cfg.Logger, cfg.Now, cfg.Location),
		updates: newUpdateLoop(s, cfg.Store, cfg.Logger, m, cfg.PollTimeout, cfg.Now),
	}
	e.connected = make(chan struct{})
	if cfg.Retention > 0 {
		e.retention = &retention{store: cfg.Store, keep: cfg.Retention, log: cfg.Logger, metrics: m, now: cfg.Now}
	}
	return e, nil
}

// Run takes updates to h and sends the outbox's deliveries, rendered by c,
// until ctx is done. It returns nil after a clean stop and ErrUnauthorized
// when the token is refused.
//
// It connects to Telegram first (getMe), trying again with a growing
// pause while Telegram cannot be reached; meanwhile the outbox keeps what
// is enqueued (its status says why), digests and retention run, and
// Connected stays open.
func (e *Engine) Run(ctx context.Context, h Handler, c Composer) error {
	e.updates.lastPoll.Store(e.now().UnixNano())
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return e.digests.run(gctx) })
	if e.retention != nil {
		g.Go(func() error { return e.retention.run(gctx) })
	}
	g.Go(func() error {
		if err := e.connect(gctx); err != nil || gctx.Err() != nil {
			return err
		}
		e.updates.lastPoll.Store(e.now().UnixNano())
		// getUpdates cannot run beside a webhook. A failure is logged: getUpdates will say more.
		if _, cl := e.sender.call(gctx, time.Time{}, "deleteWebhook", tgbotapi.Params{"drop_pending_updates": "false"}); cl.verdict != verdictOK {
			e.log.Warn("delete webhook", "error", cl.reason)
		}
		g.Go(func() error { return e.updates.run(gctx, h) })
		g.Go(func() error { return e.outbox.run(gctx, c) })
		return nil
	})
	return g.Wait()
}

// Wake tells the outbox that deliveries were enqueued, and the digests
// that articles were put aside (a batch of headlines may be due).
func (e *Engine) Wake() {
	e.outbox.notify()
	e.digests.notify()
}

// HoldOutbox stops the outbox from starting sends, for a reason found
// outside it (the database file was deleted or made read-only), until
// ResumeOutbox. Sends in flight finish and are recorded.
func (e *Engine) HoldOutbox(reason string) { e.outbox.gate.hold(PauseDatabase, reason) }

// ResumeOutbox ends a HoldOutbox.
func (e *Engine) ResumeOutbox() { e.outbox.gate.clear(PauseDatabase) }

// OutboxStatus says whether the outbox sends, and if not, why and since when.
func (e *Engine) OutboxStatus() OutboxStatus { return e.outbox.gate.status() }

// CreateDigests creates the digests that are due and wakes the outbox for
// them; Run does it every minute and after Wake.
func (e *Engine) CreateDigests(ctx context.Context) { e.digests.create(ctx) }

// InFlight reports whether one of the deliveries is being sent or its
// outcome not yet recorded.
func (e *Engine) InFlight(ids []int64) bool { return e.outbox.inFlight(ids) }

// Reply sends a message to a person who is waiting for it: ahead of bulk
// deliveries, in the same pace. A 429 never drops it: it waits its turn and
// goes again, until it is too late for the person who asked
// (pace.DefaultMaxReplyWait); a transient error is retried twice. What
// Telegram says about the chat (blocked, upgraded to a supergroup) is
// recorded. The error says why the message did not go.
func (e *Engine) Reply(ctx context.Context, m Message) error {
	_, err := e.ReplyID(ctx, m)
	return err
}

// ReplyID is Reply for a message the bot edits later (the progress of a
// notice): it returns the id of the message sent.
func (e *Engine) ReplyID(ctx context.Context, m Message) (int, error) {
	method, p := m.request()
	raw, c := e.sender.reply(ctx, m.paced(pace.Reply), method, p, m.Upload)
	id := messageID(raw)
	recordChatChange(ctx, e.chats, e.log, m.ChatID, c, e.now())
	return id, c.err()
}

// Edit changes one of the bot's messages for a person who is waiting.
// Telegram does not count edits as messages: they wait only for the bot's
// pauses, and a 429 sends them again after it, until too late. An edit
// that changes nothing is done already, not an error.
func (e *Engine) Edit(ctx context.Context, ed Edit) error {
	method, p := ed.request()
	_, c := e.sender.reply(ctx, pace.Request{Class: pace.Call, Chat: ed.ChatID}, method, p, nil)
	if c.verdict == verdictNotModified {
		return nil
	}
	return c.err()
}

// Answer answers a button press, with a short notice for the person (or
// none when text is empty).
func (e *Engine) Answer(ctx context.Context, pressID, text string) error {
	p := tgbotapi.Params{"callback_query_id": pressID}
	if text != "" {
		p["text"] = text
	}
	_, c := e.sender.call(ctx, e.sender.pacer.now(), "answerCallbackQuery", p)
	return c.err()
}

// Chat looks up a chat by its id or "@username". IsTemporary tells a
// failure to reach Telegram from an answer that there is no such chat.
func (e *Engine) Chat(ctx context.Context, ref string) (Chat, error) {
	raw, c := e.sender.call(ctx, time.Time{}, "getChat", tgbotapi.Params{"chat_id": ref})
	if err := c.err(); err != nil {
		return Chat{}, fmt.Errorf("get chat %s: %w", ref, err)
	}
	var ch tgbotapi.Chat
	if err := decodeResult(raw, &ch); err != nil {
		return Chat{}, fmt.Errorf("get chat %s: %w", ref, err)
	}
	return chat(ch), nil
}

// Member returns a user's membership of a chat (chatRef: an id, or "@username").
func (e *Engine) Member(ctx context.Context, chatRef string, userID int64) (Member, error) {
	raw, c := e.sender.call(ctx, time.Time{}, "getChatMember", tgbotapi.Params{"chat_id": chatRef, "user_id": fmt.Sprint(userID)})
	if err := c.err(); err != nil {
		return Member{}, fmt.Errorf("get chat member %d of %s: %w", userID, chatRef, err)
	}
	var m tgbotapi.ChatMember
	if err := decodeResult(raw, &m); err != nil {
		return Member{}, fmt.Errorf("get chat member %d of %s: %w", userID, chatRef, err)
	}
	return Member{Status: MemberStatus(m.Status), CanPostMessages: m.CanPostMessages}, nil
}

// SetCommands registers the command menu for people whose Telegram speaks
// lang (every other person when lang is empty).
func (e *Engine) SetCommands(ctx context.Context, lang string, cmds []Command) error {
	list := make([]tgbotapi.BotCommand, len(cmds))
	for i, c := range cmds {
		list[i] = tgbotapi.BotCommand{Command: c.Name, Description: c.Description}
	}
	raw, err := json.Marshal(list)
	if err != nil {
		return fmt.Errorf("encode the command menu: %w", err)
	}
	p := tgbotapi.Params{"commands": string(raw)}
	if lang != "" {
		p["language_code"] = lang
	}
	_, c := e.sender.call(ctx, time.Time{}, "setMyCommands", p)
	return c.err()
}

// Connected is closed once Telegram has answered getMe.
func (e *Engine) Connected() <-chan struct{} { return e.connected }

// TelegramStatus says since when and why Telegram has not answered, or
// nothing (a zero time) while it does: before the first answer to getMe,
// and while the outbox waits out an outage (5xx, timeouts, no connection).
func (e *Engine) TelegramStatus() (since time.Time, reason string) {
	return e.outbox.gate.pausedFor(PauseTelegram)
}

// UpdatesInFlight returns how many updates are being handled or wait for
// their chat's turn, and since when the oldest of them waits.
func (e *Engine) UpdatesInFlight() (n int, oldest time.Time) { return e.updates.window.oldest() }

// Username is the bot's @username, without the @.
func (e *Engine) Username() string { return e.client.Username() }

// UserID is the bot's own user id.
func (e *Engine) UserID() int64 { return e.client.UserID() }

// Pace is the pace of bulk messages, per second, that the engine keeps now:
// the configured rate, or less for a while after a 429.
func (e *Engine) Pace() float64 { return bulkPace(e.sender.pacer.stats()) }

// RateLimited is the number of 429 answers from Telegram since the start.
func (e *Engine) RateLimited() int { return int(counterSum(e.metrics.rateLimited)) }

// LastPoll is when getUpdates last answered (or the loop started).
func (e *Engine) LastPoll() time.Time { return e.updates.lastAnswer() }

// PollTimeout is the long-poll timeout, for health checks.
func (e *Engine) PollTimeout() time.Duration { return e.updates.timeout }

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// decodeResult reads the result of a Bot API call into v.
func decodeResult(raw json.RawMessage, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("decode the answer: %w", err)
	}
	return nil
}
