package delivery

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/osipovichi/newsbot/delivery/pace"
)

// Handler answers updates: the bot's conversation. Handle may reply, edit
// and look things up through the Engine; it must not keep the update.
// Updates of one chat come one at a time, in order; updates of different
// chats come concurrently.
type Handler interface {
	Handle(ctx context.Context, u Update)
}

// handlerTimeout bounds the handling of one update after a stop.
const handlerTimeout = 10 * time.Second

// MaxHandling bounds the handling of one update while the bot runs: a
// reply waits its turn behind a global 429 for up to
// pace.DefaultMaxReplyWait rather than being dropped, and only its chat's
// worker waits meanwhile.
const MaxHandling = pace.DefaultMaxReplyWait + handlerTimeout

// The update loop's bounds.
const (
	// updateWorkers is how many updates are handled at once: updates are
	// sharded by chat over this many ordered workers.
	updateWorkers = 16
	// maxHeld bounds the updates held: fetched and not yet confirmed to
	// Telegram (being handled, waiting for their chat's worker, or finished
	// above an older one still being handled). It is getUpdates' own
	// limit: Telegram sends the held updates again at every poll, so with
	// more held, no new one would be seen. When it is reached the loop
	// stops fetching until the oldest held update is done (backpressure).
	maxHeld = 100
	// heldRepoll is how often the loop asks Telegram again while updates
	// are held. Telegram answers such a poll at once (with the held updates
	// again), so it cannot wait for new ones the long way: this interval is
	// how late an update of another chat may be seen while one is slow.
	heldRepoll = 100 * time.Millisecond
)

// offsetStore keeps across restarts the offset of the next update and the
// updates handled above it.
type offsetStore interface {
	UpdateOffset(ctx context.Context) (int, error)
	SetUpdateOffset(ctx context.Context, offset int) error
	HandledUpdates(ctx context.Context) ([]int, error)
	SetHandledUpdates(ctx context.Context, ids []int) error
}

// updateLoop is the one update loop: it long-polls getUpdates and hands
// each update to one of updateWorkers ordered workers, chosen by the
// update's chat, so that a slow update (a /post waiting for the portal, a
// reply waiting out a 429) holds up its own chat only.
//
// The offset asked from Telegram and saved in the store is the low-water
// mark of finished updates: Telegram forgets an update only once asked
// from beyond it, and a restart asks from the saved offset, so a crash
// never skips an update. The updates finished above the mark are saved
// too, and a restart skips them: it handles again only those that were
// being handled or waiting for their turn.
type updateLoop struct {
	sender  *sender // its client polls; a 429 pauses its sends too
	store   offsetStore
	log     *slog.Logger
	metrics *metrics
	timeout time.Duration // of the long poll
	now     func() time.Time
	repoll  time.Duration // heldRepoll; shorter in tests

	window   window
	advanced chan struct{} // signalled when the low-water mark moves
	saveMu   sync.Mutex
	saved    int   // the offset last saved; saveMu
	savedIDs []int // the updates handled above it last saved; saveMu

	lastPoll atomic.Int64 // unix nanoseconds of the last getUpdates answer
}

func newUpdateLoop(s *sender, st offsetStore, log *slog.Logger, m *metrics, timeout time.Duration, now func() time.Time) *updateLoop {
	return &updateLoop{sender: s, store: st, log: log, metrics: m, timeout: timeout, now: now, repoll: heldRepoll,
		advanced: make(chan struct{}, 1)}
}

// run polls until ctx is done. It returns ErrUnauthorized when Telegram
// refuses the token, and nil after a stop: the workers finish the updates
// they are handling (within handlerTimeout) and leave those waiting for
// their turn to the next start.
func (l *updateLoop) run(ctx context.Context, h Handler) error {
	offset, err := l.store.UpdateOffset(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped as it started
		}
		return fmt.Errorf("read the update offset: %w", err)
	}
	handled, err := l.store.HandledUpdates(ctx)
	if err != nil {
		return fmt.Errorf("read the updates handled: %w", err)
	}
	l.window.reset(offset, handled)
	l.metrics.handling.Set(0) // updates left at a previous stop are held no more
	l.saved, l.savedIDs = offset, l.window.handled()
	wctx, stopWorkers := context.WithCancel(ctx)
	var wg sync.WaitGroup
	queues := make([]chan Update, updateWorkers)
	for i := range queues {
		// A queue never fills: no more than maxHeld updates are held.
		queues[i] = make(chan Update, maxHeld)
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.work(wctx, h, queues[i])
		}()
	}
	err = l.fetch(ctx, queues)
	stopWorkers()
	wg.Wait()
	return err
}

// fetch polls Telegram from the low-water mark and hands out the updates
// not held yet, until ctx is done or the token is refused.
func (l *updateLoop) fetch(ctx context.Context, queues []chan Update) error {
	wait := time.Second
	for ctx.Err() == nil {
		if !l.awaitRoom(ctx) {
			return nil
		}
		updates, err := l.sender.getUpdates(ctx, l.window.lowMark(), int(l.timeout/time.Second), allowedUpdates)
		l.lastPoll.Store(l.now().UnixNano())
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			c := classify(err)
			switch c.verdict {
			case verdictUnauthorized:
				return ErrUnauthorized
			case verdictConflict:
				l.log.Warn("another instance is polling Telegram with the same token; stop it, or this bot gets no updates",
					"retry_in", wait)
			case verdictRetryAfter:
				wait = max(wait, c.retryAfter)
				l.log.Warn("getUpdates rate limited", "retry_in", wait)
			default:
				l.log.Warn("getUpdates failed", "error", err, "retry_in", wait)
			}
			if sleep(ctx, wait) != nil {
				return nil
			}
			wait = min(wait*2, time.Minute)
			continue
		}
		wait = time.Second
		l.dispatch(ctx, updates, queues)
		if l.window.settle() {
			l.advance(ctx)
		}
	}
	return nil
}

// awaitRoom returns at once when no update is being handled. Otherwise
// Telegram would answer the next poll at once (with that update again), so
// it waits until the low-water mark moves or, when there is room for more,
// heldRepoll has passed. It reports false when ctx is done.
func (l *updateLoop) awaitRoom(ctx context.Context) bool {
	if n, _ := l.window.oldest(); n == 0 {
		return true
	}
	var repoll <-chan time.Time
	if l.window.size() < maxHeld {
		t := time.NewTimer(l.repoll)
		defer t.Stop()
		repoll = t.C
	}
	select {
	case <-l.advanced:
	case <-repoll:
	case <-ctx.Done():
		return false
	}
	return true
}

// dispatch hands each update not held yet to its chat's worker, in order,
// as long as there is room; the others are fetched again later.
func (l *updateLoop) dispatch(ctx context.Context, updates []tgbotapi.Update, queues []chan Update) {
	for _, raw := range updates {
		taken, full := l.window.take(raw.UpdateID, l.now())
		if full {
			return
		}
		if !taken {
			continue // held already, or handled: Telegram sent it again
		}
		l.metrics.handling.Inc()
		u, ok := fromLibrary(raw)
		if !ok {
			l.finish(ctx, raw.UpdateID)
			continue
		}
		queues[shardOf(u)] <- u // never blocks: see run
	}
}

// work handles the updates of its queue in order until ctx is done. An
// update still waiting then is left held: the next start handles it.
func (l *updateLoop) work(ctx context.Context, h Handler, queue <-chan Update) {
	for {
		select {
		case <-ctx.Done():
			return
		case u := <-queue:
			if ctx.Err() != nil {
				return
			}
			l.handle(ctx, h, u)
			l.metrics.updates.Inc()
			l.finish(ctx, u.ID)
		}
	}
}

// finish records that update id is done and saves it: the low-water mark
// when it moved, else the updates handled above it. They are saved even
// when ctx is done: the update was handled.
func (l *updateLoop) finish(ctx context.Context, id int) {
	l.metrics.handling.Dec()
	if l.window.finish(id) {
		l.advance(ctx)
		return
	}
	l.save(context.WithoutCancel(ctx))
}

// advance saves a low-water mark that moved and wakes the fetcher.
func (l *updateLoop) advance(ctx context.Context) {
	l.save(context.WithoutCancel(ctx))
	select {
	case l.advanced <- struct{}{}:
	default:
	}
}

// save writes the window's current state, the offset first: whatever a
// crash between the two writes leaves, no update is skipped (the handled
// ids only ever name finished updates).
func (l *updateLoop) save(ctx context.Context) {
	l.saveMu.Lock()
	defer l.saveMu.Unlock()
	low, handled := l.window.lowMark(), l.window.handled()
	if low > l.saved {
		if err := l.store.SetUpdateOffset(ctx, low); err != nil {
			l.log.Error("save the update offset", "offset", low, "error", err)
			return
		}
		l.saved = low
	}
	if !slices.Equal(handled, l.savedIDs) {
		if err := l.store.SetHandledUpdates(ctx, handled); err != nil {
			l.log.Error("save the updates handled", "offset", low, "error", err)
			return
		}
		l.savedIDs = handled
	}
}

// handle handles one update; a panic is logged with the update id and the
// loop goes on. Handling takes at most MaxHandling, and outlives a stop by
// handlerTimeout at most.
func (l *updateLoop) handle(ctx context.Context, h Handler, u Update) {
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), MaxHandling)
	defer cancel()
	defer context.AfterFunc(ctx, func() { time.AfterFunc(handlerTimeout, cancel) })()
	defer func() {
		if r := recover(); r != nil {
			l.metrics.panics.Inc()
			l.log.Error("panic while handling an update", "update_id", u.ID, "panic", fmt.Sprint(r),
				"stack", string(debug.Stack()))
		}
	}()
	h.Handle(hctx, u)
}

// lastAnswer is when getUpdates last answered (or the loop started).
func (l *updateLoop) lastAnswer() time.Time { return time.Unix(0, l.lastPoll.Load()) }

// shardOf picks the worker of an update: by its chat, or by the person
// for what has no chat (an inline query, a press of a button under a
// message sent through inline mode), so that one chat's updates are
// handled in order.
func shardOf(u Update) int {
	var key int64
	switch {
	case u.Message != nil:
		key = u.Message.Chat.ID
	case u.Press != nil && u.Press.Chat != nil:
		key = u.Press.Chat.ID
	case u.Press != nil:
		key = u.Press.From.ID
	case u.Member != nil:
		key = u.Member.Chat.ID
	case u.Inline != nil:
		key = u.Inline.From.ID
	}
	return int(uint64(key) % updateWorkers)
}

// window tracks the updates held, for the low-water mark: every update
// below it is finished, so it is the offset to ask Telegram from and to
// save. Update ids grow; those Telegram skips (kinds not asked for) are
// never held.
type window struct {
	mu       sync.Mutex
	low      int               // the low-water mark
	next     int               // one past the highest update taken
	running  map[int]time.Time // taken and not finished, with when they were taken
	finished map[int]bool      // finished, at or above low
}

// reset starts the window at offset, with the updates handled above it
// (saved before a stop or a crash) finished.
func (w *window) reset(offset int, handled []int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.low, w.next = offset, offset
	w.running, w.finished = map[int]time.Time{}, map[int]bool{}
	for _, id := range handled {
		if id >= offset {
			w.finished[id] = true
			w.next = max(w.next, id+1)
		}
	}
}

// take holds update id from now on. taken is false for an update held or
// handled already; full is true (and taken false) when maxHeld are held.
func (w *window) take(id int, now time.Time) (taken, full bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, ok := w.running[id]; ok || id < w.low || w.finished[id] {
		return false, false
	}
	if len(w.running)+len(w.finished) >= maxHeld {
		return false, true
	}
	w.running[id] = now
	w.next = max(w.next, id+1)
	return true, false
}

// finish records that update id is done. It reports whether the
// low-water mark moved.
func (w *window) finish(id int) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, ok := w.running[id]; !ok {
		return false
	}
	delete(w.running, id)
	w.finished[id] = true
	low := w.next
	for r := range w.running {
		low = min(low, r)
	}
	if low == w.low {
		return false
	}
	w.low = low
	for f := range w.finished {
		if f < low {
			delete(w.finished, f)
		}
	}
	return true
}

// settle moves the low-water mark past every update taken when none is
// running: right after a poll, when Telegram has sent again all it had
// from the mark on, and all of them were finished (handled before a
// restart). It reports whether the mark moved.
func (w *window) settle() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.running) > 0 || w.low == w.next {
		return false
	}
	w.low = w.next
	clear(w.finished)
	return true
}

// handled returns the updates finished at or above the low-water mark, in order.
func (w *window) handled() []int {
	w.mu.Lock()
	defer w.mu.Unlock()
	ids := make([]int, 0, len(w.finished))
	for id := range w.finished {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// lowMark is the offset below which every update is finished.
func (w *window) lowMark() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.low
}

// size is how many updates are held.
func (w *window) size() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.running) + len(w.finished)
}

// oldest returns how many updates are being handled (or wait for their
// turn) and since when the oldest of them was taken.
func (w *window) oldest() (n int, since time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, t := range w.running {
		if since.IsZero() || t.Before(since) {
			since = t
		}
	}
	return len(w.running), since
}
