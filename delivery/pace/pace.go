package pace

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"
)

// Telegram's limits and the limiter's defaults.
const (
	// OrdinaryMax is Telegram's limit for messages that are not paid
	// broadcasts, per second.
	OrdinaryMax = 30
	// PaidMax is the limit for paid broadcasts, per second.
	PaidMax = 1000
	// PrivateSpacing and GroupSpacing are the least time between two
	// messages to one chat (before Margin): one a second in a private chat,
	// twenty a minute in a group or channel.
	PrivateSpacing = time.Second
	GroupSpacing   = 3 * time.Second
	// DefaultMargin is Config.Margin when zero: see BENCHMARKS.md.
	DefaultMargin = 45 * time.Millisecond
	// DefaultMaxReplyWait is Config.MaxReplyWait when zero: a person who
	// asked that long ago has stopped waiting for the answer.
	DefaultMaxReplyWait = 2 * time.Minute
	// DefaultRetryAfter is the pause after a 429 without retry_after (or
	// with 0): long enough for every window of Telegram's to move on.
	DefaultRetryAfter = 5 * time.Second
	// MaxRetryAfter caps the pause after one 429: a longer retry_after is a
	// fault somewhere, and a bot stopped for days is worse than a ban that
	// grows.
	MaxRetryAfter = time.Hour
	// maxChatSpacing caps a chat's spacing after repeated 429s.
	maxChatSpacing = time.Minute
	// chatMemory is how long a chat's last 429 counts as evidence, and how
	// long an idle chat is remembered at all.
	chatMemory = 10 * time.Minute
)

// ErrTooLate is returned for a reply that could not leave within
// MaxReplyWait of the moment the person asked.
var ErrTooLate = errors.New("the reply waited too long for its turn")

// Class says how a request is paced.
type Class int

const (
	// Bulk is a message nobody is waiting for (outbox deliveries): it goes
	// after every waiting reply, as a paid broadcast if Config.Paid.
	Bulk Class = iota
	// Reply is a message or edit for a person who is waiting: ahead of bulk,
	// in the same window, given up after MaxReplyWait.
	Reply
	// Call is a request Telegram does not count as a message
	// (answerCallbackQuery, getChatMember, setMyCommands, ...): outside the
	// windows and the chat spacing, but held by the bot's pauses.
	Call
)

func (c Class) String() string {
	switch c {
	case Bulk:
		return "bulk"
	case Reply:
		return "reply"
	case Call:
		return "call"
	}
	return fmt.Sprintf("class(%d)", int(c))
}

// Config configures a Limiter.
type Config struct {
	// Rate is the configured pace in messages a second, 1 to 1000. Ordinary
	// messages never go faster than 30 a second whatever it says.
	Rate float64
	// Paid sends bulk messages as paid broadcasts: up to Rate, beside the
	// ordinary 30 that replies use.
	Paid bool
	// Margin is the spread of request travel times the limiter absorbs
	// (see the package doc); DefaultMargin if zero, none if negative.
	Margin time.Duration
	// MaxReplyWait bounds a reply's wait; DefaultMaxReplyWait if zero.
	MaxReplyWait time.Duration
	// Clock is SystemClock if nil.
	Clock Clock
}

// Request describes the request a permit is for.
type Request struct {
	Class Class
	// Chat is the chat the request writes to (0 for calls without one).
	Chat int64
	// Group is true for groups, supergroups and channels (20 a minute).
	Group bool
	// Asked is when the person asked (replies, and calls answering a
	// button): the wait is bounded by Asked + MaxReplyWait. Pass the same
	// Asked again after a 429. Zero for a reply means now; for bulk and
	// calls, no bound.
	Asked time.Time
	// Messages is how many messages the request sends, for those that send
	// several at once (an album copied with copyMessages: Telegram counts
	// each item). 0 means 1.
	Messages int
}

// messages is how many messages r counts for.
func (r Request) messages() int { return max(r.Messages, 1) }

// Limiter hands out permits to send. It is safe for concurrent use.
type Limiter struct {
	clock        Clock
	margin       time.Duration
	maxReplyWait time.Duration

	mu          sync.Mutex
	ordinary    *lane
	paid        *lane   // nil unless Config.Paid
	all         *window // every message: ≤ Rate in any second
	pausedUntil time.Time
	chats       map[int64]*chatState
	grants      int // since the last sweep of chats
	// replies and bulk wait in line; the first reply, or else the first
	// bulk message, is the head: the only one that may be granted.
	replies, bulk []*waiter
	// evidence for the attribution of 429s (see the package doc)
	lastOK  [2]answered // the two latest answered grants, of different chats
	last429 struct {
		at   time.Time
		chat int64
	}
	stats Stats
}

type answered struct {
	at   time.Time // when the request was granted
	chat int64
}

type chatState struct {
	group   bool
	last    time.Time // last message granted
	pause   time.Time // no message before this (its 429s)
	strikes int       // 429s taken as the chat's own since it last got a message through
	last429 time.Time
	lastOK  time.Time // grant time of its last answered message
}

type waiter struct {
	req  Request
	turn chan struct{} // poked when the waiter may have become the head
}

// Stats are the limiter's counters and gauges, for metrics.
type Stats struct {
	// Pace is the current pace of ordinary messages, messages a second;
	// PaidPace that of paid broadcasts (0 without them).
	Pace, PaidPace float64
	// Granted counts permits by class.
	Granted map[Class]uint64
	// TooManyGlobal and TooManyChat count the 429s reported, by how they
	// were taken.
	TooManyGlobal, TooManyChat uint64
	// TooLate counts replies given up.
	TooLate uint64
	// PausedUntil is the end of the bot's current pause (zero or past: none).
	PausedUntil time.Time
	// Waiting is the number of requests waiting for a permit.
	Waiting int
}

// New returns a limiter for cfg.
func New(cfg Config) (*Limiter, error) {
	if math.IsNaN(cfg.Rate) || cfg.Rate < 1 || cfg.Rate > PaidMax {
		return nil, fmt.Errorf("rate %v messages a second: want 1 to %d", cfg.Rate, PaidMax)
	}
	if cfg.Clock == nil {
		cfg.Clock = SystemClock{}
	}
	switch {
	case cfg.Margin == 0:
		cfg.Margin = DefaultMargin
	case cfg.Margin < 0:
		cfg.Margin = 0
	}
	if cfg.MaxReplyWait <= 0 {
		cfg.MaxReplyWait = DefaultMaxReplyWait
	}
	l := &Limiter{
		clock: cfg.Clock, margin: cfg.Margin, maxReplyWait: cfg.MaxReplyWait,
		ordinary: newLane(math.Min(cfg.Rate, OrdinaryMax), newWindow(OrdinaryMax, time.Second+cfg.Margin)),
		all:      newWindow(int(cfg.Rate), time.Second),
		chats:    map[int64]*chatState{},
		stats:    Stats{Granted: map[Class]uint64{}},
	}
	if cfg.Paid {
		l.paid = newLane(cfg.Rate, nil)
	}
	return l, nil
}

// Permit is the go-ahead for one request, granted at the moment it may
// start. Report what Telegram answered with Answered or TooMany.
type Permit struct {
	l     *Limiter
	req   Request
	paid  bool
	start time.Time
}

// Paid says whether the message goes as a paid broadcast
// (allow_paid_broadcast=true).
func (p Permit) Paid() bool { return p.paid }

// Acquire waits until the request may start and returns its permit: call it
// right before the HTTP request. It fails with ctx's error, or ErrTooLate
// for a reply that cannot leave within MaxReplyWait of Asked.
func (l *Limiter) Acquire(ctx context.Context, r Request) (Permit, error) {
	if err := ctx.Err(); err != nil {
		return Permit{}, err
	}
	var deadline time.Time
	if r.Class == Reply && r.Asked.IsZero() {
		r.Asked = l.clock.Now()
	}
	if !r.Asked.IsZero() {
		deadline = r.Asked.Add(l.maxReplyWait)
	}
	if r.Class == Call {
		return l.acquireCall(ctx, r, deadline)
	}
	for {
		// Wait for the chat outside the line, so that a chat that must wait
		// holds nobody else.
		l.mu.Lock()
		now := l.clock.Now()
		if ready := l.chatReadyLocked(r.Chat); ready.After(now) {
			l.mu.Unlock()
			if err := l.sleep(ctx, now, ready, deadline, nil); err != nil {
				return Permit{}, err
			}
			continue
		}
		w := &waiter{req: r, turn: make(chan struct{}, 1)}
		if r.Class == Reply {
			l.replies = append(l.replies, w)
		} else {
			l.bulk = append(l.bulk, w)
		}
		l.mu.Unlock()
		p, err := l.await(ctx, w, deadline)
		if errors.Is(err, errStepAside) {
			continue
		}
		return p, err
	}
}

var errStepAside = errors.New("the chat is not ready")

// await waits in line until w is the head and the moment has come.
func (l *Limiter) await(ctx context.Context, w *waiter, deadline time.Time) (Permit, error) {
	for {
		l.mu.Lock()
		now := l.clock.Now()
		if l.headLocked() != w {
			l.mu.Unlock()
			if err := l.sleep(ctx, now, time.Time{}, deadline, w.turn); err != nil {
				l.leave(w)
				return Permit{}, err
			}
			continue
		}
		ln := l.laneLocked(w.req.Class)
		n := w.req.messages()
		at := later(later(l.pausedUntil, ln.free(n)), l.all.free(n))
		if l.chatReadyLocked(w.req.Chat).After(later(at, now)) {
			// Its chat got a 429 or a message while it waited: let the
			// next one go first.
			l.leaveLocked(w)
			l.mu.Unlock()
			return Permit{}, errStepAside
		}
		if !at.After(now) {
			p := l.grantLocked(w.req, ln, now)
			l.leaveLocked(w)
			l.mu.Unlock()
			return p, nil
		}
		l.mu.Unlock()
		if err := l.sleep(ctx, now, at, deadline, w.turn); err != nil {
			l.leave(w)
			return Permit{}, err
		}
	}
}

// acquireCall waits out the bot's pause.
func (l *Limiter) acquireCall(ctx context.Context, r Request, deadline time.Time) (Permit, error) {
	for {
		l.mu.Lock()
		now := l.clock.Now()
		if !l.pausedUntil.After(now) {
			l.stats.Granted[Call]++
			l.mu.Unlock()
			return Permit{l: l, req: r, start: now}, nil
		}
		until := l.pausedUntil
		l.mu.Unlock()
		if err := l.sleep(ctx, now, until, deadline, nil); err != nil {
			return Permit{}, err
		}
	}
}

// sleep waits until until (zero: no timer) or a poke on turn, whichever
// comes first. It fails at once with ErrTooLate if until is past the
// deadline, and when the deadline passes meanwhile.
func (l *Limiter) sleep(ctx context.Context, now, until, deadline time.Time, turn <-chan struct{}) error {
	if !deadline.IsZero() && (until.After(deadline) || !now.Before(deadline)) {
		l.mu.Lock()
		l.stats.TooLate++
		l.mu.Unlock()
		return ErrTooLate
	}
	wake := until
	if wake.IsZero() || (!deadline.IsZero() && deadline.Before(wake)) {
		wake = deadline
	}
	var timer <-chan time.Time
	if !wake.IsZero() {
		c, stop := l.clock.Timer(wake.Sub(now))
		defer stop()
		timer = c
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer:
	case <-turn:
	}
	return nil
}

func (l *Limiter) headLocked() *waiter {
	if len(l.replies) > 0 {
		return l.replies[0]
	}
	if len(l.bulk) > 0 {
		return l.bulk[0]
	}
	return nil
}

func (l *Limiter) leave(w *waiter) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.leaveLocked(w)
}

// leaveLocked takes w out of line and pokes the new head.
func (l *Limiter) leaveLocked(w *waiter) {
	remove := func(q []*waiter) []*waiter {
		for i, x := range q {
			if x == w {
				return append(q[:i], q[i+1:]...)
			}
		}
		return q
	}
	l.replies = remove(l.replies)
	l.bulk = remove(l.bulk)
	if h := l.headLocked(); h != nil {
		select {
		case h.turn <- struct{}{}:
		default:
		}
	}
}

func (l *Limiter) laneLocked(c Class) *lane {
	if c == Bulk && l.paid != nil {
		return l.paid
	}
	return l.ordinary
}

func (l *Limiter) grantLocked(r Request, ln *lane, now time.Time) Permit {
	n := r.messages()
	ln.take(now, n)
	l.all.add(now, n)
	if r.Chat != 0 {
		// A group's next message waits as if the items of an album had gone
		// one spacing apart (its 20 a minute are messages); a private chat
		// takes an album as one burst.
		c := l.chatLocked(r.Chat)
		c.group, c.last = r.Group, now
		if c.group {
			c.last = now.Add(time.Duration(n-1) * l.spacingLocked(c))
		}
	}
	l.stats.Granted[r.Class]++
	if l.grants++; l.grants >= 4096 {
		l.sweepLocked(now)
	}
	return Permit{l: l, req: r, paid: ln == l.paid, start: now}
}

func (l *Limiter) chatLocked(id int64) *chatState {
	c := l.chats[id]
	if c == nil {
		c = &chatState{}
		l.chats[id] = c
	}
	return c
}

// chatReadyLocked is the earliest time a message to chat may start, as far
// as the chat is concerned.
func (l *Limiter) chatReadyLocked(chat int64) time.Time {
	c := l.chats[chat]
	if c == nil || chat == 0 {
		return time.Time{}
	}
	return later(c.pause, c.last.Add(l.spacingLocked(c)))
}

// spacingLocked is the least time between two messages to c.
func (l *Limiter) spacingLocked(c *chatState) time.Duration {
	spacing := PrivateSpacing
	if c.group {
		spacing = GroupSpacing
	}
	return min(maxChatSpacing, (spacing+l.margin)<<min(c.strikes, 6))
}

// sweepLocked forgets chats that no longer matter.
func (l *Limiter) sweepLocked(now time.Time) {
	l.grants = 0
	for id, c := range l.chats {
		if now.Sub(later(later(c.pause, c.last), c.last429)) > chatMemory {
			delete(l.chats, id)
		}
	}
}

// Delay is how long a bulk message to chat would wait for the bot's pause
// and the chat's own spacing and pauses, not counting the line: the outbox
// claims a chat only when this is short.
func (l *Limiter) Delay(chat int64) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return max(0, later(l.pausedUntil, l.chatReadyLocked(chat)).Sub(l.clock.Now()))
}

// Stats returns the current counters.
func (l *Limiter) Stats() Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	s := l.stats
	s.Granted = make(map[Class]uint64, len(l.stats.Granted))
	for k, v := range l.stats.Granted {
		s.Granted[k] = v
	}
	s.Pace = l.ordinary.current(now)
	if l.paid != nil {
		s.PaidPace = l.paid.current(now)
	}
	s.PausedUntil = l.pausedUntil
	s.Waiting = len(l.replies) + len(l.bulk)
	return s
}

// Answered reports that Telegram answered the request with anything but a
// 429 (success or another error): the bot was not banned when it arrived.
// Network errors and 5xx are not answers from Telegram: report nothing.
func (p Permit) Answered() {
	if p.l == nil || p.req.Chat == 0 {
		return
	}
	l := p.l
	l.mu.Lock()
	defer l.mu.Unlock()
	if c := l.chats[p.req.Chat]; c != nil && p.req.Class != Call {
		c.strikes = 0
		c.lastOK = later(c.lastOK, p.start)
	}
	a := answered{at: p.start, chat: p.req.Chat}
	switch {
	case a.chat == l.lastOK[0].chat:
		l.lastOK[0].at = later(l.lastOK[0].at, a.at)
	case a.at.After(l.lastOK[0].at):
		l.lastOK[1], l.lastOK[0] = l.lastOK[0], a
	case a.at.After(l.lastOK[1].at):
		l.lastOK[1] = a
	}
}

// Pause says how a 429 was taken.
type Pause struct {
	// Global is true when the whole bot pauses, false when only the chat.
	Global bool
	// Wait is the pause after DefaultRetryAfter and MaxRetryAfter; Until
	// its end.
	Wait  time.Duration
	Until time.Time
}

// TooMany reports that Telegram answered the request with 429 and
// retry_after (0 if absent). It pauses the chat and, unless the 429 is
// evidently the chat's own, the whole bot, and backs off the pace; the
// caller then acquires a new permit to try again.
func (p Permit) TooMany(retryAfter time.Duration) Pause {
	l := p.l
	if l == nil {
		return Pause{}
	}
	wait := retryAfter
	if wait <= 0 {
		wait = DefaultRetryAfter
	}
	wait = min(wait, MaxRetryAfter)
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	pause := Pause{Wait: wait, Until: now.Add(wait), Global: true}
	if p.req.Chat != 0 && p.req.Class != Call {
		c := l.chatLocked(p.req.Chat)
		pause.Global = !l.chatsOwnLocked(p.req.Chat, c)
		c.pause = later(c.pause, pause.Until)
		c.last429 = now
		if !pause.Global {
			c.strikes++
		}
	}
	l.last429.at, l.last429.chat = now, p.req.Chat
	if !pause.Global {
		l.stats.TooManyChat++
		return pause
	}
	l.stats.TooManyGlobal++
	l.pausedUntil = later(l.pausedUntil, pause.Until)
	ln := l.ordinary
	if p.paid {
		ln = l.paid
	}
	ln.cut(now, p.start, l.pausedUntil)
	return pause
}

// chatsOwnLocked applies the rule of the package doc: the chat's 429 is its
// own when it is a repeat offender while the rest of the bot gets through.
func (l *Limiter) chatsOwnLocked(chat int64, c *chatState) bool {
	now := l.clock.Now()
	if c.last429.IsZero() || now.Sub(c.last429) > chatMemory || !c.lastOK.Before(c.last429) {
		return false
	}
	if l.last429.chat != chat && l.last429.at.After(c.last429) {
		return false // another chat drew a 429 since: the bot is under pressure
	}
	other := l.lastOK[0]
	if other.chat == chat {
		other = l.lastOK[1]
	}
	return other.chat != 0 && other.at.After(c.last429)
}
