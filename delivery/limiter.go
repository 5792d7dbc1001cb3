package delivery

import (
	"context"
	"sync"
	"time"
)

// pacer decides when each message may leave. It is the seam where the
// exact limiter of delivery/pace will take this one's place: newPacer is
// the one line to change.
type pacer interface {
	// wait books a send for a message to chat and returns when it may go.
	wait(ctx context.Context, chat int64, group, interactive bool) error
	// tooMany records a 429 for a message to chat and reports whether it
	// paused the whole bot rather than the chat.
	tooMany(chat int64, retryAfter time.Duration) (global bool)
	// delay is how long a bulk message to chat would wait for the chat's own pace.
	delay(chat int64) time.Duration
	// rate is the current global pace in messages a second.
	rate() float64
}

// newPacer is the pacer of every message. It runs on the real clock: it
// paces real requests to Telegram, whatever clock the schedules use.
func newPacer(rate float64) pacer { return newLimiter(rate, time.Now) }

// Telegram's per-chat limits: about one message a second to a private chat,
// twenty a minute to a group or channel.
const (
	privateSpacing = time.Second
	groupSpacing   = 3 * time.Second
	// a 429 for a chat that was written to this recently is taken as that chat's limit;
	// otherwise as the bot's global one
	recentForChat = 3 * time.Second
)

// limiter paces every message the bot sends, as Telegram counts them: a
// global rate, a minimum spacing per chat, and pauses after a 429. It hands
// out send times rather than tokens, so many requests can be in flight while
// the pace stays exact. Replies to people (interactive) do not queue behind
// bulk deliveries: they take the next free moment and push bulk back by one slot.
type limiter struct {
	mu          sync.Mutex
	now         func() time.Time
	interval    time.Duration // 1/rate
	next        time.Time     // the next free global slot for bulk messages
	pausedUntil time.Time     // after a global 429
	chats       map[int64]*chatPace
	calls       int
	// recent holds the times of the last len(recent) sends, oldest at
	// recent[head]: no more than that many go out in any second, even when
	// senders wake up late together after a stall.
	recent []time.Time
	head   int
}

type chatPace struct {
	next time.Time // earliest time for the next bulk message
	last time.Time // when the last message was booked
	prev time.Time // and the one before it
}

func newLimiter(rate float64, now func() time.Time) *limiter {
	// A little room above the pace for jitter, well under Telegram's ~30/s at the default 25/s.
	window := max(1, int(rate*1.1))
	return &limiter{now: now, interval: time.Duration(float64(time.Second) / rate), chats: map[int64]*chatPace{},
		recent: make([]time.Time, window)}
}

// reserve books a send time for one message to chat and returns it.
func (l *limiter) reserve(chat int64, group, interactive bool) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.gc(now)
	cp := l.chats[chat]
	if cp == nil {
		cp = &chatPace{}
		l.chats[chat] = cp
	}
	t := later(now, l.pausedUntil)
	if interactive {
		// A reply goes at once (a short burst per chat is fine) and bulk makes room for it.
		l.next = later(l.next, t).Add(l.interval)
	} else {
		t = later(t, later(l.next, cp.next))
		l.next = t.Add(l.interval)
	}
	spacing := privateSpacing
	if group {
		spacing = groupSpacing
	}
	cp.next = later(cp.next, t.Add(spacing))
	cp.prev, cp.last = cp.last, t
	return t
}

// wait books a send time, sleeps until it comes, then takes a place in the
// one-second window of actual sends.
func (l *limiter) wait(ctx context.Context, chat int64, group, interactive bool) error {
	t := l.reserve(chat, group, interactive)
	if err := sleep(ctx, t.Sub(l.now())); err != nil {
		return err
	}
	for {
		d := l.admit()
		if d <= 0 {
			return nil
		}
		if err := sleep(ctx, d); err != nil {
			return err
		}
	}
}

// admit records a send now if the last second had room for it; otherwise it
// says how long to wait.
func (l *limiter) admit() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if d := l.recent[l.head].Add(time.Second).Sub(now); d > 0 {
		return d
	}
	l.recent[l.head] = now
	l.head = (l.head + 1) % len(l.recent)
	return 0
}

// delay is how long a bulk message to chat would have to wait for the chat's own pace.
func (l *limiter) delay(chat int64) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if cp := l.chats[chat]; cp != nil {
		return cp.next.Sub(l.now())
	}
	return 0
}

// tooMany records a 429 for a message to chat, pausing that chat when it was
// written to just before, or the whole bot otherwise. It reports whether the
// pause is global.
func (l *limiter) tooMany(chat int64, retryAfter time.Duration) (global bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	until := now.Add(retryAfter)
	cp := l.chats[chat]
	if cp != nil && !cp.prev.IsZero() && cp.last.Sub(cp.prev) < recentForChat {
		// The chat had another message just before: its own limit is the likelier cause.
		cp.next = later(cp.next, until)
		return false
	}
	l.pausedUntil = later(l.pausedUntil, until)
	if cp != nil {
		cp.next = later(cp.next, until)
	}
	return true
}

func (l *limiter) rate() float64 { return float64(time.Second) / float64(l.interval) }

// gc forgets chats whose pace no longer matters, now and then.
func (l *limiter) gc(now time.Time) {
	l.calls++
	if l.calls%4096 != 0 {
		return
	}
	for id, cp := range l.chats {
		if now.Sub(cp.next) > time.Minute {
			delete(l.chats, id)
		}
	}
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
