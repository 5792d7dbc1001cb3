package delivery

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

const (
	// maxAttempts bounds retries of transient errors before a delivery fails.
	maxAttempts = 8
	// maxBackoff caps the wait between retries of one delivery.
	maxBackoff = 10 * time.Minute
	// shutdownGrace bounds how long in-flight sends may finish after a stop.
	shutdownGrace = 10 * time.Second
	// idlePoll is how often an idle outbox looks for work nobody woke it for.
	idlePoll = 30 * time.Second
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
type outbox struct {
	store    outboxStore
	composer Composer
	sender   *sender
	log      *slog.Logger
	now      func() time.Time
	workers  int

	wake chan struct{} // new work was enqueued
	done chan struct{} // an outcome was recorded

	mu            sync.Mutex
	inflight      map[int64]bool // delivery ids being sent or not yet recorded
	inflightChats map[int64]int
	// finished holds ids recorded since the last read of the outbox began: that
	// read may still show them pending.
	finished map[int64]bool
}

func newOutbox(store outboxStore, s *sender, log *slog.Logger, now func() time.Time, rate float64) *outbox {
	// Enough workers to keep the pace with ~300 ms round trips, and few enough
	// that a reply never waits long behind them.
	workers := max(4, int(rate*0.3)+2)
	return &outbox{
		store: store, sender: s, log: log, now: now, workers: workers,
		wake: make(chan struct{}, 1), done: make(chan struct{}, 1),
		inflight: map[int64]bool{}, inflightChats: map[int64]int{}, finished: map[int64]bool{},
	}
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
}

// run sends due deliveries, rendered by composer, until ctx is done, then
// lets in-flight sends finish for at most shutdownGrace.
func (o *outbox) run(ctx context.Context, composer Composer) error {
	o.composer = composer
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	stop := context.AfterFunc(ctx, func() {
		time.AfterFunc(shutdownGrace, cancelWork)
	})
	defer stop()

	results := make(chan result, o.workers*2)
	var committer sync.WaitGroup
	committer.Add(1)
	go func() {
		defer committer.Done()
		o.commit(workCtx, results)
	}()
	var workers sync.WaitGroup
	sem := make(chan struct{}, o.workers)
	err := o.dispatch(ctx, func(d subscriptions.DueDelivery) bool {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return false
		}
		workers.Add(1)
		go func() {
			defer func() { <-sem; workers.Done() }()
			results <- o.deliver(workCtx, d)
		}()
		return true
	})
	workers.Wait()
	close(results)
	committer.Wait()
	return err
}

// dispatch hands due deliveries to start, skipping those already in flight
// and chats that must wait, and sleeps when there is nothing to do.
func (o *outbox) dispatch(ctx context.Context, start func(subscriptions.DueDelivery) bool) error {
	for ctx.Err() == nil {
		now := o.now()
		o.mu.Lock()
		limit := o.workers*2 + len(o.inflight)
		clear(o.finished)
		o.mu.Unlock()
		due, err := o.store.DueDeliveries(ctx, now, limit)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			o.log.Error("read the outbox", "error", err)
			if sleep(ctx, time.Second) != nil {
				break
			}
			continue
		}
		started, held := 0, 0
		for _, d := range due {
			if !o.claim(d) {
				held++
				continue
			}
			if !start(d) {
				o.release(d.ID, d.ChatID)
				return nil
			}
			started++
		}
		if started > 0 {
			continue
		}
		wait := idlePoll
		if held > 0 {
			wait = 200 * time.Millisecond
		} else if next, err := o.store.NextDeliveryAt(ctx); err == nil && !next.IsZero() {
			wait = min(wait, max(next.Sub(now), 50*time.Millisecond))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-o.wake:
		case <-o.done:
		case <-t.C:
		}
		t.Stop()
	}
	return nil
}

// claim marks a delivery in flight unless it or its chat already is, or the
// chat must wait more than a moment for its next message.
func (o *outbox) claim(d subscriptions.DueDelivery) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.inflight[d.ID] || o.finished[d.ID] || o.inflightChats[d.ChatID] > 0 {
		return false
	}
	if o.sender.pacer.delay(d.ChatID) > time.Second {
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

// commit writes outcomes in batches: whatever has arrived since the last
// write goes in one transaction (one write per message at a low pace, far
// fewer at a high one).
func (o *outbox) commit(ctx context.Context, results <-chan result) {
	batch := make([]result, 0, 256)
	for r := range results {
		batch = append(batch[:0], r)
	drain:
		for len(batch) < cap(batch) {
			select {
			case r, ok := <-results:
				if !ok {
					break drain
				}
				batch = append(batch, r)
			default:
				break drain
			}
		}
		outs := make([]subscriptions.Outcome, 0, len(batch))
		for _, r := range batch {
			if r.record {
				outs = append(outs, r.out)
			}
		}
		if len(outs) > 0 {
			o.sender.metrics.commits.Inc()
		}
		if err := o.store.RecordOutcomes(ctx, outs, o.now()); err != nil {
			// The rows stay pending and will be sent again: a duplicate, never a loss.
			o.log.Error("record delivery outcomes", "error", err, "count", len(outs))
		}
		for _, r := range batch {
			o.release(r.out.ID, r.chatID)
		}
		select {
		case o.done <- struct{}{}:
		default:
		}
	}
}

// deliver makes one attempt at a delivery and says what became of it.
func (o *outbox) deliver(ctx context.Context, d subscriptions.DueDelivery) result {
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
	c := classification{verdict: verdictOK}
	// A digest may take several messages; a retry sends them all again.
	for i := 0; i < len(msgs) && c.verdict == verdictOK; i++ {
		msgID, c = o.sender.send(ctx, msgs[i], false)
		if c.verdict == verdictRejected && msgs[i].Photo != "" {
			// Telegram could not fetch the image: send the same text without it.
			if text, err := o.compose(ctx, d, false); err == nil && len(text) == 1 {
				msgID, c = o.sender.send(ctx, text[0], false)
			}
		}
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
		if d.Attempts+1 >= maxAttempts {
			res.out.State, res.out.Error = subscriptions.DeliveryFailed, "gave up: "+c.reason
			o.log.Warn("delivery failed after retries", "delivery_id", d.ID, "chat_id", d.ChatID, "error", c.reason)
		} else {
			res.out.State, res.out.Error = subscriptions.DeliveryPending, c.reason
			res.out.NextAttemptAt = now.Add(backoff(d.Attempts))
		}
	default: // rejected, unauthorized, conflict: permanent for this message
		res.out.State, res.out.Error = subscriptions.DeliveryFailed, c.reason
		o.log.Warn("delivery rejected", "delivery_id", d.ID, "chat_id", d.ChatID, "error", c.reason)
	}
	return res
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
