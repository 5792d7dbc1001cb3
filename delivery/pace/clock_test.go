package pace

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"
)

// manualClock is a Clock that moves only when the test says so.
type manualClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*manualTimer
	// onWait, if set, is called when someone starts waiting for a timer.
	onWait func()
}

type manualTimer struct {
	at time.Time
	c  chan time.Time
}

var epoch = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

func newManualClock() *manualClock { return &manualClock{now: epoch} }

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Timer(d time.Duration) (<-chan time.Time, func() bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &manualTimer{at: c.now.Add(d), c: make(chan time.Time, 1)}
	if d <= 0 {
		t.c <- c.now
		return t.c, func() bool { return false }
	}
	c.timers = append(c.timers, t)
	if c.onWait != nil {
		c.onWait()
	}
	return t.c, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		for i, x := range c.timers {
			if x == t {
				c.timers = append(c.timers[:i], c.timers[i+1:]...)
				return true
			}
		}
		return false
	}
}

// Advance moves the clock on and fires the timers that are due.
func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	sort.Slice(c.timers, func(i, j int) bool { return c.timers[i].at.Before(c.timers[j].at) })
	for len(c.timers) > 0 && !c.timers[0].at.After(c.now) {
		c.timers[0].c <- c.now
		c.timers = c.timers[1:]
	}
}

// try acquires a permit only if it is due at this very moment: the
// context is cancelled as soon as the limiter starts a timer to wait.
func try(l *Limiter, clock *manualClock, r Request) (Permit, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	clock.mu.Lock()
	clock.onWait = cancel
	clock.mu.Unlock()
	defer func() {
		clock.mu.Lock()
		clock.onWait = nil
		clock.mu.Unlock()
	}()
	return l.Acquire(ctx, r)
}

func newLimiter(t *testing.T, cfg Config) (*Limiter, *manualClock) {
	t.Helper()
	clock := newManualClock()
	if cfg.Clock == nil {
		cfg.Clock = clock
	}
	l, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return l, clock
}

// grant asserts that r is granted at once and returns its permit.
func grant(t *testing.T, l *Limiter, clock *manualClock, r Request) Permit {
	t.Helper()
	p, err := try(l, clock, r)
	if err != nil {
		t.Fatalf("Acquire(%+v) at %v: %v, want a permit now", r, l.clock.Now().Sub(epoch), err)
	}
	return p
}

// held asserts that r is not granted at this moment.
func held(t *testing.T, l *Limiter, clock *manualClock, r Request) {
	t.Helper()
	if _, err := try(l, clock, r); err == nil {
		t.Fatalf("Acquire(%+v) at %v granted, want it held", r, l.clock.Now().Sub(epoch))
	}
}
