package delivery

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

const (
	// DefaultHorizon is how long a delivery may keep failing with errors
	// that may go away by themselves (Telegram down) before it is given up.
	DefaultHorizon = 24 * time.Hour
	// maxBackoff caps the wait between retries of one delivery.
	maxBackoff = 10 * time.Minute
	// shutdownGrace bounds how long in-flight sends may finish after a stop.
	shutdownGrace = 10 * time.Second
	// idlePoll is how often an idle outbox looks for work nobody woke it for.
	idlePoll = 30 * time.Second
	// heldPoll is the shortest wait for a chat that must wait its turn.
	heldPoll = 200 * time.Millisecond
	// claimDelay is the longest a claimed delivery may have to wait for its
	// chat's pace: a worker does not sit on a chat that is paced, and the
	// delivery is claimed again when the chat is ready.
	claimDelay = 150 * time.Millisecond
	// The waits between tries to record outcomes the store refused.
	minRecordRetry = time.Second
	maxRecordRetry = 30 * time.Second
)

// outboxStore is what the outbox needs from the store.
type outboxStore interface {
	DueDeliveries(ctx context.Context, now time.Time, limit int) ([]subscriptions.DueDelivery, error)
	NextDeliveryAt(ctx context.Context) (time.Time, error)
	RecordOutcomes(ctx context.Context, outs []subscriptions.Outcome, now time.Time) error
	chatStateStore
}

// chatStateStore records what Telegram says about a chat: that the bot can
// no longer write there, or that a group moved to a new id.
type chatStateStore interface {
	SetChatStatus(ctx context.Context, id int64, status subscriptions.ChatStatus, reason string, now time.Time) error
	MigrateChat(ctx context.Context, oldID, newID int64, now time.Time) error
}

// Composer renders a due delivery as the messages that carry it: the
// content (text or photo, previews, notification); the outbox addresses
// them to the delivery's chat. No message (and no error) means there is
// nothing left to send. The bot implements it, so that all texts and HTML
// stay in its renderer and catalogues.
type Composer interface {
	Compose(ctx context.Context, d subscriptions.DueDelivery, withPhoto bool) ([]Message, error)
}

// outbox sends the durable deliveries of the store: as many at once as the
// pace needs (the pacer sets the pace, not the number of workers), each
// outcome written in batches right after Telegram answers.
//
// Few deliveries are in flight (being sent, or sent and their outcome not
// yet recorded): what the pace needs over one round trip (inFlightLimit),
// never more than `workers`. A crash repeats at most those, however slow
// the disk or busy the machine: a delivery leaves the in-flight set only
// once its outcome is in the database, and no send starts while the set is
// full.
//
// The gate pauses the whole outbox rather than spending each delivery's
// attempts: while outcomes cannot be recorded (they are kept and retried,
// their deliveries stay in flight), while the program holds it (the
// database file is gone), and while Telegram is down or rate limits the
// bot. A delivery is given up only after failing for longer than the
// horizon, or on an answer that will not change (403, chat not found, bad
// request).
type outbox struct {
	store    outboxStore
	composer Composer
	sender   *sender
	log      *slog.Logger
	now      func() time.Time
	timer    func(time.Duration) (<-chan time.Time, func() bool) // the timers of waits and their Stop, for tests
	metrics  *metrics
	gate     *gate
	service  serviceTimes
	workers  int
	horizon  time.Duration

	wake chan struct{} // new work was enqueued, or a pause ended
	done chan struct{} // an outcome was recorded

	unrecorded atomic.Int64 // outcomes the committer holds and has not recorded yet
	// waiting counts the outbox's goroutines that wait on a timer (the
	// dispatcher idle, the committer between tries to record): tests on a
	// fake clock move it on once everything waits.
	waiting atomic.Int32

	mu            sync.Mutex
	inflight      map[int64]bool // delivery ids being sent or not yet recorded
	inflightChats map[int64]int
	// finished holds ids recorded since the last read of the outbox began: that
	// read may still show them pending.
	finished map[int64]bool
}

func newOutbox(store outboxStore, s *sender, log *slog.Logger, now func() time.Time, rate float64, horizon time.Duration) *outbox {
	// Enough workers to keep the pace with ~300 ms round trips, and few enough
	// that a reply never waits long behind them.
	workers := max(4, int(rate*0.3)+2)
	o := &outbox{
		store: store, sender: s, log: log, now: now, timer: newTimer, metrics: s.metrics, workers: workers, horizon: horizon,
		wake: make(chan struct{}, 1), done: make(chan struct{}, 1),
		inflight: map[int64]bool{}, inflightChats: map[int64]int{}, finished: map[int64]bool{},
	}
	o.gate = newGate(now, log, s.metrics, o.notify, func() time.Duration { return s.pacer.delay(0) })
	return o
}

// notify wakes the outbox: new deliveries were enqueued.
func (o *outbox) notify() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// result is one finished attempt, or none (record=false) when the attempt
// was cut short by shutdown and the row stays as it was.
type result struct {
	out    subscriptions.Outcome
	chatID int64
	record bool
	// ready is when the attempt ended; served how long it took before,
	// without the waits for the pace (0 when Telegram did not answer).
	ready  time.Time
	served time.Duration
}

// run sends due deliveries, rendered by composer, until ctx is done, then
// lets in-flight sends finish, and their outcomes be recorded, for at most
// shutdownGrace.
func (o *outbox) run(ctx context.Context, composer Composer) error {
	o.composer = composer
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	stop := context.AfterFunc(ctx, func() {
		time.AfterFunc(shutdownGrace, cancelWork)
	})
	defer stop()

	// Never full: no more than o.workers deliveries are in flight.
	results := make(chan result, o.workers)
	var committer sync.WaitGroup
	committer.Add(1)
	go func() {
		defer committer.Done()
		o.commit(workCtx, results)
	}()
	var workers sync.WaitGroup
	o.dispatch(ctx, func(d subscriptions.DueDelivery, epoch uint64) {
		workers.Add(1)
		go func() {
			defer workers.Done()
			results <- o.deliver(workCtx, d, epoch)
		}()
	})
	workers.Wait()
	close(results)
	committer.Wait()
	return nil
}

// dispatch hands due deliveries to start while the gate lets it and there
// is room in flight, skipping those already in flight and chats that must
// wait, and sleeps when there is nothing to do. It reads the due rows in
// batches and starts them one by one as room frees up, reading again once
// a batch is done, new work comes, or the gate closes. Each send carries
// the gate's epoch in which it was allowed.
func (o *outbox) dispatch(ctx context.Context, start func(d subscriptions.DueDelivery, epoch uint64)) {
read:
	for ctx.Err() == nil {
		if ok, _, _, wait := o.room(); !ok {
			o.idle(ctx, wait)
			continue
		}
		now := o.now()
		o.mu.Lock()
		limit := o.workers*2 + len(o.inflight)
		clear(o.finished)
		o.mu.Unlock()
		due, err := o.store.DueDeliveries(ctx, now, limit)
		if err != nil {
			if ctx.Err() == nil {
				o.log.Error("read the outbox", "error", err)
				o.idle(ctx, time.Second)
			}
			continue
		}
		started, held := 0, idlePoll
		// A chat passed over in this batch keeps its later rows too: they
		// come after in priority order (an article must not overtake a
		// notice whose chat was busy when the batch reached it).
		passed := map[int64]bool{}
		for _, d := range due {
			if passed[d.ChatID] {
				continue
			}
			epoch, ok := o.await(ctx)
			if !ok {
				o.countInFlight()
				continue read
			}
			if !o.claim(d) {
				passed[d.ChatID] = true
				held = min(held, max(o.sender.pacer.delay(d.ChatID), heldPoll))
				continue
			}
			start(d, epoch)
			started++
			o.countInFlight()
		}
		if started > 0 {
			continue
		}
		wait := held
		if next, err := o.store.NextDeliveryAt(ctx); err == nil && !next.IsZero() {
			wait = min(wait, max(next.Sub(now), 50*time.Millisecond))
		}
		o.idle(ctx, wait)
	}
}

// room says whether one more send may start now, and in which epoch of
// the gate. When not, full says that the in-flight set is full (a recorded
// outcome wakes the dispatcher) rather than the gate closed for wait.
func (o *outbox) room() (ok bool, epoch uint64, full bool, wait time.Duration) {
	allowed, probe, epoch, wait := o.gate.allow()
	if !allowed {
		return false, epoch, false, wait
	}
	limit := o.inFlightLimit()
	if probe {
		limit = 1
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.inflight) < limit {
		return true, epoch, false, 0
	}
	return false, epoch, true, idlePoll
}

// await waits for room for one more send and returns the gate's epoch. It
// returns false when the gate is closed, new work came (the due rows must
// be read again) or ctx is done.
func (o *outbox) await(ctx context.Context) (uint64, bool) {
	for {
		ok, epoch, full, _ := o.room()
		if ok || !full {
			return epoch, ok
		}
		o.waiting.Add(1)
		select {
		case <-o.done:
			o.waiting.Add(-1)
		case <-o.wake:
			o.waiting.Add(-1)
			return 0, false
		case <-ctx.Done():
			o.waiting.Add(-1)
			return 0, false
		}
	}
}

// idle waits for d, new work, a recorded outcome, or the end of ctx.
func (o *outbox) idle(ctx context.Context, d time.Duration) {
	timer, stop := o.timer(d)
	defer stop()
	o.waiting.Add(1)
	defer o.waiting.Add(-1)
	select {
	case <-ctx.Done():
	case <-o.wake:
	case <-o.done:
	case <-timer:
	}
}

// newTimer is a timer's channel and its Stop.
func newTimer(d time.Duration) (<-chan time.Time, func() bool) {
	t := time.NewTimer(d)
	return t.C, t.Stop
}

// claim marks a delivery in flight unless it or its chat already is, or the
// chat (or the bot, paused after a global 429) must wait more than
// claimDelay for its next message.
func (o *outbox) claim(d subscriptions.DueDelivery) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.inflight[d.ID] || o.finished[d.ID] || o.inflightChats[d.ChatID] > 0 {
		return false
	}
	if o.sender.pacer.delay(d.ChatID) > claimDelay {
		return false
	}
	o.inflight[d.ID] = true
	o.inflightChats[d.ChatID]++
	return true
}

// inFlight reports whether one of the deliveries is being sent or its outcome not yet recorded.
func (o *outbox) inFlight(ids []int64) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, id := range ids {
		if o.inflight[id] {
			return true
		}
	}
	return false
}

func (o *outbox) release(id, chatID int64) {
	o.mu.Lock()
	delete(o.inflight, id)
	o.finished[id] = true
	if o.inflightChats[chatID]--; o.inflightChats[chatID] <= 0 {
		delete(o.inflightChats, chatID)
	}
	o.mu.Unlock()
}

// countInFlight updates the in-flight metrics.
func (o *outbox) countInFlight() {
	o.mu.Lock()
	n := len(o.inflight)
	o.mu.Unlock()
	o.metrics.inFlight.Set(float64(n))
	o.metrics.unrecorded.Set(float64(o.unrecorded.Load()))
}

// commit writes outcomes in batches: whatever has arrived since the last
// write goes in one transaction (one write per message at a low pace, far
// fewer at a high one). When the store refuses a write, the outcomes are
// kept, their deliveries stay in flight (not pending: they must not be sent
// again), the outbox pauses, and the write is tried again with backoff,
// together with the outcomes that arrive meanwhile, until it goes through
// or the outbox stops.
func (o *outbox) commit(ctx context.Context, results <-chan result) {
	var waiting []result
	var retry time.Duration // the wait before the next try; 0 after a success
	// take keeps what arrived on results, which is nil once closed.
	take := func(r result, ok bool) {
		if !ok {
			results = nil
			return
		}
		waiting = append(waiting, r)
		o.unrecorded.Add(1)
	}
	for results != nil || len(waiting) > 0 {
		if len(waiting) == 0 {
			r, ok := <-results
			if !ok {
				return
			}
			take(r, ok)
		}
		if retry > 0 {
			timer, _ := o.timer(retry) // it fires, or ctx ends the committer
			o.waiting.Add(1)
		wait:
			for {
				select {
				case r, ok := <-results:
					take(r, ok)
				case <-timer:
					break wait
				case <-ctx.Done():
					o.waiting.Add(-1)
					o.abandon(waiting)
					return
				}
			}
			o.waiting.Add(-1)
		}
		// Whatever else has arrived goes in the same transaction.
		for drained := false; !drained && results != nil; {
			select {
			case r, ok := <-results:
				take(r, ok)
			default:
				drained = true
			}
		}
		if err := o.record(ctx, waiting); err != nil {
			if ctx.Err() != nil {
				o.abandon(waiting)
				return
			}
			retry = min(max(2*retry, minRecordRetry), maxRecordRetry)
			o.metrics.recordFailures.Inc()
			o.gate.hold(PauseStore, "cannot record delivery outcomes: "+err.Error())
			o.log.Warn("cannot record delivery outcomes; keeping them to try again", "count", len(waiting),
				"retry_in", retry, "error", err)
			continue
		}
		retry = 0
		o.gate.clear(PauseStore)
		for _, r := range waiting {
			if r.served > 0 {
				o.service.observe(r.served + time.Since(r.ready))
			}
			o.release(r.out.ID, r.chatID)
		}
		o.unrecorded.Add(-int64(len(waiting)))
		waiting = waiting[:0]
		o.countInFlight()
		select {
		case o.done <- struct{}{}:
		default:
		}
	}
}

// record writes the outcomes of a batch that are to be recorded.
func (o *outbox) record(ctx context.Context, batch []result) error {
	outs := make([]subscriptions.Outcome, 0, len(batch))
	for _, r := range batch {
		if r.record {
			outs = append(outs, r.out)
		}
	}
	if len(outs) == 0 {
		return nil
	}
	o.metrics.commits.Inc()
	return o.store.RecordOutcomes(ctx, outs, o.now())
}

// abandon gives up outcomes that could not be recorded before the stop.
func (o *outbox) abandon(batch []result) {
	ids := make([]int64, 0, len(batch))
	for _, r := range batch {
		if r.record {
			ids = append(ids, r.out.ID)
		}
	}
	if len(ids) > 0 {
		o.log.Error("stopped with delivery outcomes not recorded: these deliveries may be sent again after a restart",
			"count", len(ids), "delivery_ids", ids)
	}
}

// deliver makes one attempt at a delivery, allowed in the gate's epoch,
// and says what became of it.
func (o *outbox) deliver(ctx context.Context, d subscriptions.DueDelivery, epoch uint64) result {
	begin := time.Now()
	res := result{chatID: d.ChatID, record: true, out: subscriptions.Outcome{ID: d.ID, CountAttempt: true}}
	msgs, err := o.compose(ctx, d, true)
	if err != nil {
		if ctx.Err() != nil {
			res.record = false
			return res
		}
		res.out.State, res.out.Error = subscriptions.DeliveryFailed, err.Error()
		o.log.Error("compose delivery", "delivery_id", d.ID, "chat_id", d.ChatID, "error", err)
		return res
	}
	var msgID int
	var paced time.Duration // waiting for the pace, not serving
	send := func(m Message) classification {
		start := time.Now()
		var c classification
		msgID, c = o.sender.send(ctx, m)
		paced += time.Since(start) - c.took
		return c
	}
	c := classification{verdict: verdictOK}
	// A digest may take several messages; a retry sends them all again.
	for i := 0; i < len(msgs) && c.verdict == verdictOK; i++ {
		c = send(msgs[i])
		if c.verdict == verdictRejected && msgs[i].Photo != "" {
			// Telegram could not fetch the image: send the same text without it.
			if text, err := o.compose(ctx, d, false); err == nil && len(text) == 1 {
				c = send(text[0])
			}
		}
	}
	o.observe(c, epoch)
	res.ready = time.Now()
	if c.verdict != verdictTransient && c.verdict != verdictCanceled {
		res.served = res.ready.Sub(begin) - paced
	}
	now := o.now()
	switch c.verdict {
	case verdictOK:
		res.out.State, res.out.MessageID = subscriptions.DeliverySent, msgID
	case verdictCanceled:
		res.record = false
	case verdictRetryAfter:
		res.out.State, res.out.NextAttemptAt, res.out.CountAttempt = subscriptions.DeliveryPending, now.Add(c.retryAfter), false
		res.out.Error = c.reason
	case verdictChatGone:
		recordChatChange(ctx, o.store, o.log, d.ChatID, c, now)
		res.out.State, res.out.Error = subscriptions.DeliverySkipped, c.reason
	case verdictMigrated:
		recordChatChange(ctx, o.store, o.log, d.ChatID, c, now)
		res.out.State, res.out.NextAttemptAt, res.out.CountAttempt = subscriptions.DeliveryPending, now, false
	case verdictBug:
		o.log.Error("telegram refused a message the bot rendered", "delivery_id", d.ID, "chat_id", d.ChatID,
			"kind", d.Kind, "ref", d.Ref, "error", c.reason)
		res.out.State, res.out.Error = subscriptions.DeliveryFailed, c.reason
	case verdictTransient:
		since := d.FailingSince
		if since.IsZero() {
			since = now
		}
		if failing := now.Sub(since); failing >= o.horizon {
			res.out.State, res.out.Error = subscriptions.DeliveryFailed, "gave up after failing for "+failing.Round(time.Second).String()+": "+c.reason
			o.metrics.givenUp.Inc()
			o.log.Warn("delivery given up", "delivery_id", d.ID, "chat_id", d.ChatID, "failing_since", since,
				"attempts", d.Attempts+1, "error", c.reason)
		} else {
			res.out.State, res.out.Error, res.out.Failing = subscriptions.DeliveryPending, c.reason, true
			res.out.NextAttemptAt = now.Add(backoff(d.Attempts))
		}
	default: // rejected, unauthorized, conflict: permanent for this message
		res.out.State, res.out.Error = subscriptions.DeliveryFailed, c.reason
		o.log.Warn("delivery rejected", "delivery_id", d.ID, "chat_id", d.ChatID, "error", c.reason)
	}
	return res
}

// observe tells the gate what an answer says of Telegram: down (a transient
// failure), limiting the whole bot (a global 429: the pacer has paused
// every request), or up (any real answer).
func (o *outbox) observe(c classification, epoch uint64) {
	switch {
	case c.verdict == verdictTransient:
		o.gate.failed(epoch, c.reason)
	case c.verdict == verdictRetryAfter && c.global:
		o.gate.rateLimited(c.reason)
	case c.verdict == verdictRetryAfter, c.verdict == verdictCanceled:
	default:
		o.gate.answered(epoch)
	}
}

// recordChatChange writes down what an answer said about its chat: gone
// (blocked, removed) or moved to a supergroup. Other answers change nothing.
func recordChatChange(ctx context.Context, store chatStateStore, log *slog.Logger, chatID int64, c classification, now time.Time) {
	switch c.verdict {
	case verdictChatGone:
		if err := store.SetChatStatus(ctx, chatID, c.status, c.reason, now); err != nil {
			log.Error("mark chat gone", "chat_id", chatID, "error", err)
		}
		log.Info("chat gone", "chat_id", chatID, "status", c.status, "reason", c.reason)
	case verdictMigrated:
		if err := store.MigrateChat(ctx, chatID, c.migrateTo, now); err != nil {
			log.Error("migrate chat", "chat_id", chatID, "new_chat_id", c.migrateTo, "error", err)
		}
		log.Info("group upgraded to a supergroup", "chat_id", chatID, "new_chat_id", c.migrateTo)
	}
}

// compose asks the composer for a delivery's messages and addresses them
// to its chat. withPhoto=false renders an article as text even when it has an image.
func (o *outbox) compose(ctx context.Context, d subscriptions.DueDelivery, withPhoto bool) ([]Message, error) {
	msgs, err := o.composer.Compose(ctx, d, withPhoto)
	for i := range msgs {
		msgs[i].ChatID, msgs[i].Group = d.ChatID, d.Chat.Type != subscriptions.ChatPrivate
	}
	return msgs, err
}

// backoff is the wait before retry n+1 of a transient error: 2 s doubling,
// capped, with ±20% jitter so that retries of many rows spread out.
func backoff(attempts int) time.Duration {
	d := 2 * time.Second << min(attempts, 12)
	d = min(d, maxBackoff)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}
