package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/delivery/pace"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/internal/testkit"
	"github.com/osipovichi/newsbot/subscriptions"
	sqlstore "github.com/osipovichi/newsbot/subscriptions/store"
)

// The outbox's faults table (issues 10 and 16): outages, 429s of every
// shape, a store that refuses writes. Each test runs the outbox against the
// fake Bot API and a real store, on a fake clock whose timers the test
// fires: hours of outage take milliseconds.

var start = time.Date(2023, 3, 2, 9, 0, 0, 0, time.UTC)

// fakeClock is a settable clock with timers that fire when it is moved on.
// Each owner (the goroutine that set it) has one timer at most: a new one
// replaces the one it gave up waiting for.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers map[string]fakeTimer
}

type fakeTimer struct {
	at time.Time
	ch chan time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Timer sets owner's timer and returns its channel and its Stop.
func (c *fakeClock) Timer(owner string, d time.Duration) (<-chan time.Time, func() bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	if d <= 0 {
		ch <- c.now
		return ch, func() bool { return false }
	}
	c.timers[owner] = fakeTimer{at: c.now.Add(d), ch: ch}
	return ch, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		if t, ok := c.timers[owner]; ok && t.ch == ch {
			delete(c.timers, owner)
			return true
		}
		return false
	}
}

// next is the time of the earliest timer, or limit if it is later.
func (c *fakeClock) next(limit time.Time) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range c.timers {
		if t.at.Before(limit) {
			limit = t.at
		}
	}
	return limit
}

// set moves the clock to t, fires the timers due and says how many.
func (c *fakeClock) set(t time.Time) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
	fired := 0
	for owner, tm := range c.timers {
		if !tm.at.After(t) {
			tm.ch <- t
			delete(c.timers, owner)
			fired++
		}
	}
	return fired
}

// caller names the function that called the function calling it.
func caller() string {
	pcs := make([]uintptr, 1)
	runtime.Callers(3, pcs)
	frame, _ := runtime.CallersFrames(pcs).Next()
	return frame.Function
}

// testPacer lets every request go at once: the tests are about the
// outbox, not the pace. It keeps the pauses after 429s as the real pacer
// does, on the fake clock: global unless the chat is listed in
// chatLimited, and then for that chat only.
type testPacer struct {
	clock       *fakeClock
	mu          sync.Mutex
	chatLimited map[int64]bool
	chatUntil   map[int64]time.Time
	pausedUntil time.Time
}

type testPermit struct {
	p    *testPacer
	chat int64
}

func (p *testPacer) acquire(ctx context.Context, r pace.Request) (permit, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return testPermit{p: p, chat: r.Chat}, nil
}

func (p *testPacer) delay(chat int64) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	until := p.pausedUntil
	if t := p.chatUntil[chat]; chat != 0 && t.After(until) {
		until = t
	}
	return max(0, until.Sub(p.clock.Now()))
}

func (p *testPacer) stats() pace.Stats { return pace.Stats{Pace: DefaultRate} }
func (p *testPacer) now() time.Time    { return p.clock.Now() }

func (testPermit) Paid() bool { return false }
func (testPermit) Answered()  {}

func (t testPermit) TooMany(retryAfter time.Duration) pace.Pause {
	p := t.p
	p.mu.Lock()
	defer p.mu.Unlock()
	ps := pace.Pause{Wait: retryAfter, Until: p.clock.Now().Add(retryAfter), Global: !p.chatLimited[t.chat]}
	if ps.Global {
		p.pausedUntil = ps.Until
	} else {
		p.chatUntil[t.chat] = ps.Until
	}
	return ps
}

// faultyStore refuses to record outcomes while broken.
type faultyStore struct {
	*sqlstore.Store
	mu     sync.Mutex
	broken error
	calls  int
}

func (s *faultyStore) RecordOutcomes(ctx context.Context, outs []subscriptions.Outcome, now time.Time) error {
	s.mu.Lock()
	s.calls++
	err := s.broken
	s.mu.Unlock()
	if err != nil {
		return err
	}
	return s.Store.RecordOutcomes(ctx, outs, now)
}

func (s *faultyStore) breakWith(err error) {
	s.mu.Lock()
	s.broken = err
	s.mu.Unlock()
}

// textComposer renders every delivery as one line of text.
type textComposer struct{}

func (textComposer) Compose(_ context.Context, d subscriptions.DueDelivery, _ bool) ([]Message, error) {
	return []Message{{Text: fmt.Sprintf("%s %d", d.Kind, d.Ref)}}, nil
}

// outboxWorld is an outbox on a fake clock, with n subscribed chats and one
// article waiting for each.
type outboxWorld struct {
	t      testing.TB
	tg     *faketelegram.Server
	store  *faultyStore
	clock  *fakeClock
	pacer  *testPacer
	engine *Engine
	o      *outbox
	logs   *testkit.LogBuffer
	chats  []int64

	mu       sync.Mutex
	timerSeq int // timers the outbox has set
	firedSeq int // the timer sequence when the clock last fired a timer

	stop func()
}

type worldOptions struct {
	chats   int
	horizon time.Duration
	// clientTimeout bounds each request to the fake (a Telegram that never answers).
	clientTimeout time.Duration
}

func newOutboxWorld(t testing.TB, o worldOptions) *outboxWorld {
	t.Helper()
	clock := &fakeClock{now: start, timers: map[string]fakeTimer{}}
	tg := faketelegram.New(faketelegram.Options{Now: clock.Now})
	t.Cleanup(tg.Close)
	db, err := sqlstore.Open(context.Background(), filepath.Join(t.TempDir(), "outbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	httpClient := tg.Client()
	if o.clientTimeout > 0 {
		httpClient = &http.Client{Timeout: o.clientTimeout}
	}
	client, err := NewClient(context.Background(), tg.Token(), tg.Endpoint(), httpClient)
	if err != nil {
		t.Fatal(err)
	}
	w := &outboxWorld{t: t, tg: tg, store: &faultyStore{Store: db}, clock: clock, logs: &testkit.LogBuffer{}}
	logger := slog.New(slog.NewTextHandler(w.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	w.engine, err = New(Config{Client: client, Store: w.store, Logger: logger, Location: time.UTC, Now: clock.Now, Horizon: o.horizon})
	if err != nil {
		t.Fatal(err)
	}
	w.pacer = &testPacer{clock: clock, chatLimited: map[int64]bool{}, chatUntil: map[int64]time.Time{}}
	w.engine.sender.pacer = w.pacer
	w.o = w.engine.outbox
	w.o.timer = func(d time.Duration) (<-chan time.Time, func() bool) {
		ch, stop := clock.Timer(caller(), d)
		w.mu.Lock()
		w.timerSeq++
		w.mu.Unlock()
		return ch, stop
	}
	w.seed(o.chats)
	return w
}

// seed subscribes n chats and enqueues one article for each.
func (w *outboxWorld) seed(n int) {
	ctx := context.Background()
	feeds, err := w.store.EnsureFeeds(ctx, []subscriptions.FeedConfig{{Section: "news", Language: "en", URL: "https://osipovichi.gov.by/en/rss-en/"}})
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.store.IngestFeed(ctx, feeds[0].ID, subscriptions.FetchResult{At: start}, nil); err != nil {
		w.t.Fatal(err)
	}
	var chats []faketelegram.Chat
	for i := range n {
		id := int64(5000 + i)
		w.chats = append(w.chats, id)
		chats = append(chats, faketelegram.Chat{ID: id, Type: "private", FirstName: "r"})
		if _, err := w.store.TouchChat(ctx, subscriptions.ChatInfo{ID: id, Type: subscriptions.ChatPrivate, Language: "en"}, start); err != nil {
			w.t.Fatal(err)
		}
		if _, err := w.store.SetSubscribed(ctx, id, true, start); err != nil {
			w.t.Fatal(err)
		}
	}
	w.tg.AddChats(chats)
	a := subscriptions.Article{Key: "a1", Title: "Article", Link: "https://osipovichi.gov.by/en/a1", Published: start, Section: "news", Language: "en"}
	res, err := w.store.IngestFeed(ctx, feeds[0].ID, subscriptions.FetchResult{At: start}, []subscriptions.Article{a})
	if err != nil || res.Enqueued != n {
		w.t.Fatalf("enqueued %d, %v; want %d", res.Enqueued, err, n)
	}
}

// run starts the outbox; it stops at the end of the test.
func (w *outboxWorld) run() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.o.run(ctx, textComposer{}) }()
	var once sync.Once
	w.stop = func() {
		once.Do(func() {
			cancel()
			select {
			case <-done:
			case <-time.After(15 * time.Second):
				w.t.Errorf("the outbox did not stop")
			}
		})
	}
	w.t.Cleanup(w.stop)
}

// settle waits until the outbox waits on its clock: no send on its way,
// the dispatcher waiting, and the committer too if it holds outcomes, on
// timers set since the clock last fired one; and nothing changed since
// the last look a few milliseconds before (a goroutine just woken still
// counts as waiting until it runs).
func (w *outboxWorld) settle() {
	w.t.Helper()
	last := ""
	w.tg.WaitFor(w.t, 20*time.Second, func() bool {
		w.o.mu.Lock()
		inflight := int64(len(w.o.inflight))
		w.o.mu.Unlock()
		unrecorded := w.o.unrecorded.Load()
		want := int32(1)
		if unrecorded > 0 {
			want = 2
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		w.store.mu.Lock()
		now := fmt.Sprint(w.timerSeq, w.requests(), w.store.calls, inflight, unrecorded)
		w.store.mu.Unlock()
		stable := now == last
		last = now
		return stable && inflight == unrecorded && w.o.waiting.Load() == want && w.timerSeq > w.firedSeq
	}, "the outbox to wait on its clock")
}

// advance lets the outbox run until the fake clock reaches until and the
// outbox waits again: whenever it waits, the clock moves to its next timer.
func (w *outboxWorld) advance(until time.Time) {
	w.t.Helper()
	for w.clock.Now().Before(until) {
		w.step(until)
	}
	w.settle()
}

// step waits for the outbox to wait, then moves the clock to its next
// timer, or to limit if that comes first.
func (w *outboxWorld) step(limit time.Time) {
	w.t.Helper()
	w.settle()
	w.mu.Lock()
	seq := w.timerSeq
	w.mu.Unlock()
	if w.clock.set(w.clock.next(limit)) > 0 {
		w.mu.Lock()
		w.firedSeq = seq
		w.mu.Unlock()
	}
}

// drain runs the outbox on until nothing is pending, for at most limit of fake time.
func (w *outboxWorld) drain(limit time.Duration) {
	w.t.Helper()
	end := w.clock.Now().Add(limit)
	for w.pending() > 0 {
		if !w.clock.Now().Before(end) {
			w.t.Fatalf("%d deliveries still pending after %v of fake time; logs:\n%s", w.pending(), limit, w.logs)
		}
		w.step(end)
	}
	w.settle()
}

func (w *outboxWorld) pending() int {
	n, err := w.store.PendingDeliveries(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	return n
}

// requests counts the sendMessage requests the fake received.
func (w *outboxWorld) requests() int { return w.tg.Stats().Requests["sendMessage"] }

// assertEachOnce checks that every chat got exactly one message and every
// delivery is sent.
func (w *outboxWorld) assertEachOnce() {
	w.t.Helper()
	for _, id := range w.chats {
		if n := len(w.tg.Messages(id)); n != 1 {
			w.t.Errorf("chat %d got %d messages, want exactly 1", id, n)
		}
	}
	counts, _ := w.store.DeliveryCounts(context.Background())
	if counts[subscriptions.DeliverySent] != len(w.chats) {
		w.t.Errorf("deliveries = %v, want %d sent", counts, len(w.chats))
	}
}

// attempts sums the attempts of every delivery.
func (w *outboxWorld) attempts() int {
	sum := 0
	for _, id := range w.chats {
		d, err := w.store.Delivery(context.Background(), id, subscriptions.KindArticle, 1)
		if err != nil {
			w.t.Fatal(err)
		}
		sum += d.Attempts
	}
	return sum
}

// An outage of six hours (the Bot API answering nginx's 502 page) pauses
// the outbox, which tries again with one message at growing intervals:
// a few dozen requests in six hours, nothing given up, and every chat gets
// the article once when Telegram is back.
func TestOutageCostsTimeNotNews(t *testing.T) {
	w := newOutboxWorld(t, worldOptions{chats: 40})
	w.tg.FailMethod("sendMessage", faketelegram.BadGatewayHTML(), -1)
	w.run()
	w.advance(start.Add(time.Minute))
	st := w.engine.OutboxStatus()
	if st.Cause != PauseTelegram || !st.Since.Equal(start) || !st.Until.After(w.clock.Now()) {
		t.Errorf("status a minute into the outage = %+v, want paused for telegram since %v", st, start)
	}
	w.advance(start.Add(6 * time.Hour))
	during := w.requests()
	// The first wave (the workers), then one probe per pause: 5 s doubling to 10 min.
	if max := w.o.workers + 45; during > max || during < 30 {
		t.Errorf("requests during a 6-hour outage = %d, want a probe per pause (30 to %d)", during, max)
	}
	if counts, _ := w.store.DeliveryCounts(context.Background()); counts[subscriptions.DeliveryPending] != len(w.chats) {
		t.Errorf("deliveries after the outage = %v, want all %d pending", counts, len(w.chats))
	}
	w.tg.FailMethod("sendMessage", faketelegram.Failure{}, 0)
	w.drain(maxOutagePause + maxBackoff + time.Minute)
	w.assertEachOnce()
	if got, want := w.attempts(), w.requests(); got != want {
		t.Errorf("attempts recorded = %d, want one per request (%d)", got, want)
	}
	if st := w.engine.OutboxStatus(); st.Cause != "" {
		t.Errorf("status after the outage = %+v, want sending", st)
	}
	logs := w.logs.String()
	for _, want := range []string{`msg="outbox paused" cause=telegram`, `msg="outbox still paused" cause=telegram`, `msg="outbox resumed" cause=telegram`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s", want)
		}
	}
	t.Logf("6-hour outage, %d chats: %d requests during it, %d in all", len(w.chats), during, w.requests())
}

// A Telegram that never answers: every request hangs until the client's
// timeout. The outbox pauses as for any outage, and catches up after.
func TestTelegramThatNeverAnswers(t *testing.T) {
	w := newOutboxWorld(t, worldOptions{chats: 12, clientTimeout: 300 * time.Millisecond})
	w.tg.FailMethod("sendMessage", faketelegram.Failure{Code: 502, Description: "Bad Gateway", Delay: time.Hour}, -1)
	w.run()
	w.advance(start.Add(10 * time.Minute))
	during := w.requests()
	if max := w.o.workers + 8; during > max {
		t.Errorf("requests in 10 minutes of silence = %d, want at most %d (the first wave, then one per pause)", during, max)
	}
	if st := w.engine.OutboxStatus(); st.Cause != PauseTelegram || !strings.Contains(st.Reason, "Timeout") {
		t.Errorf("status = %+v, want paused for telegram after a timeout", st)
	}
	w.tg.FailMethod("sendMessage", faketelegram.Failure{}, 0)
	w.drain(maxOutagePause + maxBackoff + time.Minute)
	w.assertEachOnce()
}

// A storm of 500s for ten minutes: the same pause, and nothing lost.
func TestServerErrorStorm(t *testing.T) {
	w := newOutboxWorld(t, worldOptions{chats: 30})
	w.tg.FailMethod("sendMessage", faketelegram.ServerError(), -1)
	w.run()
	w.advance(start.Add(10 * time.Minute))
	if max := w.o.workers + 8; w.requests() > max {
		t.Errorf("requests in 10 minutes of 500s = %d, want at most %d", w.requests(), max)
	}
	w.tg.FailMethod("sendMessage", faketelegram.Failure{}, 0)
	w.drain(maxOutagePause + maxBackoff + time.Minute)
	w.assertEachOnce()
}

// A 429 that does not say how long to wait (no retry_after, or 0) is never
// retried at once: repeated, it backs off like an outage.
func TestRateLimitWithoutRetryAfter(t *testing.T) {
	for _, f := range []faketelegram.Failure{
		{Code: 429, Description: "Too Many Requests"},
		faketelegram.TooMany(0),
	} {
		t.Run(f.Description, func(t *testing.T) {
			w := newOutboxWorld(t, worldOptions{chats: 20})
			w.tg.FailMethod("sendMessage", f, -1)
			w.run()
			w.advance(start.Add(10 * time.Minute))
			if max := w.o.workers + 8; w.requests() > max {
				t.Errorf("requests in 10 minutes of 429s = %d, want at most %d", w.requests(), max)
			}
			if st := w.engine.OutboxStatus(); st.Cause != PauseRateLimit {
				t.Errorf("status = %+v, want paused for the rate limit", st)
			}
			w.tg.FailMethod("sendMessage", faketelegram.Failure{}, 0)
			w.drain(maxOutagePause + time.Minute)
			w.assertEachOnce()
			if got, want := w.attempts(), len(w.chats); got != want {
				t.Errorf("attempts = %d, want %d: a 429 is a wait, not a failed attempt", got, want)
			}
		})
	}
}

// A retry_after of an hour is honoured: not one request in that hour, then
// everything goes.
func TestRetryAfterOfAnHour(t *testing.T) {
	w := newOutboxWorld(t, worldOptions{chats: 20})
	w.tg.FailMethod("sendMessage", faketelegram.TooMany(3600), 1)
	w.run()
	w.advance(start.Add(time.Second))
	st := w.engine.OutboxStatus()
	if st.Cause != PauseRateLimit || !st.Until.Equal(start.Add(time.Hour)) {
		t.Fatalf("status after the 429 = %+v, want paused for the rate limit until %v", st, start.Add(time.Hour))
	}
	before := w.requests() // the sends that were on their way when the 429 came
	w.advance(start.Add(time.Hour - time.Second))
	if n := w.requests(); n != before {
		t.Errorf("requests within the hour = %d, want none", n-before)
	}
	w.drain(5 * time.Minute)
	w.assertEachOnce()
	if n := w.requests(); n != len(w.chats)+1 {
		t.Errorf("requests = %d, want one per chat and the one that got the 429", n)
	}
}

// 429s for one chat (its own limit) hold that chat back while the others proceed.
func TestRateLimitOfOneChat(t *testing.T) {
	w := newOutboxWorld(t, worldOptions{chats: 20})
	slow := w.chats[0]
	w.pacer.chatLimited[slow] = true
	w.tg.FailChat(slow, faketelegram.TooMany(30), 3)
	w.run()
	w.advance(start.Add(10 * time.Second))
	for _, id := range w.chats[1:] {
		if n := len(w.tg.Messages(id)); n != 1 {
			t.Errorf("chat %d got %d messages while the limited chat waits, want 1", id, n)
		}
	}
	if st := w.engine.OutboxStatus(); st.Cause != "" {
		t.Errorf("status = %+v: one chat's limit must not pause the outbox", st)
	}
	w.drain(5 * time.Minute)
	w.assertEachOnce()
	if got := w.tg.Messages(slow)[0].At; got.Before(start.Add(90 * time.Second)) {
		t.Errorf("the limited chat got its message at %v, want after its three 30 s waits", got.Sub(start))
	}
}

// A delivery that fails on its own (others go through) is retried with
// backoff and given up once it has been failing for longer than the horizon.
func TestHorizonGivesUpAPoisonedDelivery(t *testing.T) {
	w := newOutboxWorld(t, worldOptions{chats: 10, horizon: time.Hour})
	poisoned := w.chats[3]
	w.tg.FailChat(poisoned, faketelegram.ServerError(), -1)
	w.run()
	w.drain(2 * time.Hour)
	d, err := w.store.Delivery(context.Background(), poisoned, subscriptions.KindArticle, 1)
	if err != nil || d.State != subscriptions.DeliveryFailed || !strings.Contains(d.LastError, "gave up after failing for 1h") {
		t.Errorf("poisoned delivery = %+v, %v; want failed after the 1h horizon", d, err)
	}
	if d.Attempts < 5 || d.Attempts > 20 {
		t.Errorf("poisoned delivery made %d attempts, want its own backoff (2 s doubling to 10 min) over the hour", d.Attempts)
	}
	for _, id := range w.chats {
		if n := len(w.tg.Messages(id)); id != poisoned && n != 1 {
			t.Errorf("chat %d got %d messages, want 1", id, n)
		}
	}
	if !strings.Contains(w.logs.String(), `msg="delivery given up"`) {
		t.Errorf("the give-up was not logged")
	}
}

// A store that cannot record outcomes (a full disk, a read-only database)
// stops the outbox: the sends in flight are kept, recorded when the store
// takes writes again, and never sent twice.
func TestStoreFaultsNeverBecomeResends(t *testing.T) {
	w := newOutboxWorld(t, worldOptions{chats: 60})
	w.store.breakWith(errors.New("database or disk is full (13)"))
	w.run()
	w.advance(start.Add(5 * time.Minute))
	sent := len(w.tg.AllMessages())
	if sent == 0 || sent > w.o.workers {
		t.Errorf("messages sent while outcomes cannot be recorded = %d, want the first wave only (1 to %d)", sent, w.o.workers)
	}
	st := w.engine.OutboxStatus()
	if st.Cause != PauseStore || !strings.Contains(st.Reason, "disk is full") {
		t.Errorf("status = %+v, want paused: the store refuses writes", st)
	}
	w.store.mu.Lock()
	tries := w.store.calls
	w.store.mu.Unlock()
	if tries < 5 || tries > 20 {
		t.Errorf("tries to record in 5 minutes = %d, want a retry with backoff (1 s doubling to 30 s)", tries)
	}
	w.store.breakWith(nil)
	w.drain(time.Minute)
	w.assertEachOnce()
	if st := w.engine.OutboxStatus(); st.Cause != "" {
		t.Errorf("status after the store recovered = %+v, want sending", st)
	}
	if !strings.Contains(w.logs.String(), `msg="outbox resumed" cause=store`) {
		t.Errorf("the recovery was not logged")
	}
}

// HoldOutbox (the database file was deleted) stops new sends until ResumeOutbox.
func TestHoldOutbox(t *testing.T) {
	w := newOutboxWorld(t, worldOptions{chats: 10})
	w.engine.HoldOutbox("the database file was deleted")
	w.run()
	w.advance(start.Add(time.Minute))
	if n := w.requests(); n != 0 {
		t.Errorf("requests while held = %d, want 0", n)
	}
	if st := w.engine.OutboxStatus(); st.Cause != PauseDatabase {
		t.Errorf("status = %+v, want held for the database", st)
	}
	w.engine.ResumeOutbox()
	w.drain(time.Minute)
	w.assertEachOnce()
}

// However slow the store, no more than the workers are sent and not recorded.
func TestInFlightIsBounded(t *testing.T) {
	w := newOutboxWorld(t, worldOptions{chats: 80})
	var mu sync.Mutex
	peak := 0
	w.tg.FailMethod("sendMessage", faketelegram.Failure{}, 0)
	w.run()
	w.tg.WaitFor(t, 20*time.Second, func() bool {
		w.o.mu.Lock()
		n := len(w.o.inflight)
		w.o.mu.Unlock()
		mu.Lock()
		peak = max(peak, n)
		mu.Unlock()
		return w.pending() == 0
	}, "the fan-out")
	if peak > w.o.workers {
		t.Errorf("in flight at most %d, want at most %d", peak, w.o.workers)
	}
	w.assertEachOnce()
	ids := make([]int64, 0, len(w.chats))
	for _, m := range w.tg.AllMessages() {
		ids = append(ids, m.ChatID)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	if len(ids) != len(w.chats) {
		t.Errorf("messages = %d, want %d", len(ids), len(w.chats))
	}
}

// The in-flight bound follows the pace over the median service time: a
// few slow deliveries (a stall) do not raise it.
func TestInFlightLimitFollowsTheServiceTime(t *testing.T) {
	w := newOutboxWorld(t, worldOptions{chats: 1})
	if got := w.o.inFlightLimit(); got != 1 {
		t.Errorf("before any answer: limit %d, want 1", got)
	}
	for _, tc := range []struct {
		served time.Duration
		want   int
	}{
		{20 * time.Millisecond, 1},  // 25/s × 20 ms × 2 = 1
		{150 * time.Millisecond, 8}, // 25/s × 150 ms × 2 = 7.5
		{2 * time.Second, w.o.workers},
	} {
		for range 15 {
			w.o.service.observe(tc.served)
		}
		if got := w.o.inFlightLimit(); got != tc.want {
			t.Errorf("deliveries served in %v: limit %d, want %d", tc.served, got, tc.want)
		}
	}
	for range 15 {
		w.o.service.observe(20 * time.Millisecond)
	}
	for range 7 {
		w.o.service.observe(time.Second)
	}
	if got := w.o.inFlightLimit(); got != 1 {
		t.Errorf("7 stalled deliveries among 15: limit %d, want 1", got)
	}
}
