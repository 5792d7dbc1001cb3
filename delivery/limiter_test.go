package delivery

import (
	"context"
	"errors"
	"testing"
	"time"
)

func fixedClock(t *time.Time) func() time.Time { return func() time.Time { return *t } }

func TestLimiterPaces(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(25, fixedClock(&now))
	// Bulk messages to different chats: one every 40 ms.
	for i := 0; i < 5; i++ {
		got := l.reserve(int64(i), false, false).Sub(now)
		if want := time.Duration(i) * 40 * time.Millisecond; got != want {
			t.Errorf("bulk #%d: at +%v, want +%v", i, got, want)
		}
	}
	// A second bulk message to chat 0 waits for the chat's 1 s spacing.
	if got := l.reserve(0, false, false).Sub(now); got != time.Second {
		t.Errorf("second message to a private chat at +%v, want +1s", got)
	}
	// A group waits 3 s between messages.
	g1 := l.reserve(-100, true, false)
	if got := l.reserve(-100, true, false).Sub(g1); got != 3*time.Second {
		t.Errorf("group spacing = %v, want 3s", got)
	}
	// A reply goes at once, ahead of the bulk queue.
	if got := l.reserve(42, false, true).Sub(now); got != 0 {
		t.Errorf("interactive reply at +%v, want now", got)
	}
}

func TestLimiterTooMany(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(25, fixedClock(&now))
	l.reserve(1, false, false)
	if !l.tooMany(1, 5*time.Second) {
		t.Errorf("a 429 on a chat's first message: want a global pause")
	}
	if got := l.reserve(2, false, false).Sub(now); got < 5*time.Second {
		t.Errorf("after a global 429 a message goes at +%v, want >= 5s", got)
	}
	now = now.Add(10 * time.Second)
	l.reserve(3, false, true)
	l.reserve(3, false, true) // two replies in a row to chat 3
	if l.tooMany(3, 7*time.Second) {
		t.Errorf("a 429 right after another message to the same chat: want that chat paused, not the bot")
	}
	if d := l.delay(3); d < 7*time.Second {
		t.Errorf("chat 3 delay = %v, want >= 7s", d)
	}
	if d := l.delay(4); d > 0 {
		t.Errorf("chat 4 delay = %v, want none", d)
	}
}

func TestLimiterWaitHonoursContext(t *testing.T) {
	l := newLimiter(1, time.Now)
	l.reserve(1, false, false)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.wait(ctx, 2, false, false); !errors.Is(err, context.Canceled) {
		t.Fatalf("wait with a cancelled context = %v, want context.Canceled", err)
	}
}

func TestLimiterWindowStopsCatchUpBursts(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(10, fixedClock(&now)) // window of 11 sends a second
	// Senders that woke up late all at once: only the window's worth go.
	admitted := 0
	for i := 0; i < 30; i++ {
		if l.admit() <= 0 {
			admitted++
		}
	}
	if admitted != 11 {
		t.Fatalf("sends admitted at one instant = %d, want 11", admitted)
	}
	if d := l.admit(); d != time.Second {
		t.Fatalf("next send waits %v, want 1s", d)
	}
	now = now.Add(time.Second)
	if d := l.admit(); d > 0 {
		t.Fatalf("a second later the send still waits %v", d)
	}
}
