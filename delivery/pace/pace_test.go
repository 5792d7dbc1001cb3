package pace

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"
)

func bulk(chat int64) Request  { return Request{Class: Bulk, Chat: chat} }
func reply(chat int64) Request { return Request{Class: Reply, Chat: chat} }

func TestNewRejectsRates(t *testing.T) {
	for _, rate := range []float64{0, 0.5, -3, 1001, math.NaN()} {
		if _, err := New(Config{Rate: rate}); err == nil {
			t.Errorf("New(rate %v) = nil error, want one", rate)
		}
	}
	for _, rate := range []float64{1, 29.5, 1000} {
		if _, err := New(Config{Rate: rate}); err != nil {
			t.Errorf("New(rate %v) = %v, want a limiter", rate, err)
		}
	}
}

func TestSpacing(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want time.Duration // between two bulk messages to different chats
	}{
		{"rate 25", Config{Rate: 25}, 40 * time.Millisecond},
		{"rate 10", Config{Rate: 10}, 100 * time.Millisecond},
		{"rate 60 is held to 30 for ordinary messages", Config{Rate: 60}, time.Second / 30},
		{"paid broadcasts at 500", Config{Rate: 500, Paid: true}, 2 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, clock := newLimiter(t, tt.cfg)
			grant(t, l, clock, bulk(1))
			clock.Advance(tt.want - time.Microsecond)
			held(t, l, clock, bulk(2))
			clock.Advance(time.Microsecond)
			if p := grant(t, l, clock, bulk(2)); p.Paid() != tt.cfg.Paid {
				t.Errorf("Paid() = %v, want %v", p.Paid(), tt.cfg.Paid)
			}
		})
	}
}

func TestChatSpacing(t *testing.T) {
	margin := 20 * time.Millisecond
	for _, tt := range []struct {
		name  string
		group bool
		want  time.Duration
	}{
		{"private", false, time.Second + margin},
		{"group", true, 3*time.Second + margin},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l, clock := newLimiter(t, Config{Rate: 30, Margin: margin})
			r := Request{Class: Reply, Chat: -7, Group: tt.group}
			grant(t, l, clock, r)
			if d := l.Delay(-7); d != tt.want {
				t.Errorf("Delay = %v, want %v", d, tt.want)
			}
			if d := l.Delay(8); d != 0 {
				t.Errorf("Delay of another chat = %v, want 0", d)
			}
			clock.Advance(tt.want - time.Millisecond)
			held(t, l, clock, r) // replies too keep the chat's spacing
			clock.Advance(time.Millisecond)
			grant(t, l, clock, r)
		})
	}
}

func TestOrdinaryWindowWithMargin(t *testing.T) {
	// At rate 30 the evenly spaced messages would put 31 in 1 s + margin:
	// the window holds the 31st until the first is that old.
	margin := 50 * time.Millisecond
	l, clock := newLimiter(t, Config{Rate: 30, Margin: margin})
	iv := time.Second / 30
	for i := range 30 {
		grant(t, l, clock, bulk(int64(i+1)))
		clock.Advance(iv)
	}
	// 30 grants at 0 .. 29·iv; now = 30·iv ≈ 1 s, inside 1 s + margin.
	held(t, l, clock, bulk(100))
	clock.Advance(epoch.Add(time.Second+margin).Sub(clock.Now()) - time.Microsecond)
	held(t, l, clock, bulk(100))
	clock.Advance(time.Microsecond)
	grant(t, l, clock, bulk(100))
}

// An album copied at once counts each of its items: in the lane's spacing
// (its items as if one interval apart, the last when it goes), in the
// windows and in a group's spacing; a private chat takes it as one burst.
func TestAlbumCountsEachItem(t *testing.T) {
	margin := 20 * time.Millisecond
	iv := time.Second / 25
	l, clock := newLimiter(t, Config{Rate: 25, Margin: margin})
	grant(t, l, clock, bulk(1))
	album := Request{Class: Bulk, Chat: -2, Group: true, Messages: 5}
	clock.Advance(5*iv - time.Microsecond)
	held(t, l, clock, album)
	clock.Advance(time.Microsecond)
	grant(t, l, clock, album)
	clock.Advance(iv - time.Microsecond)
	held(t, l, clock, bulk(3))
	clock.Advance(time.Microsecond)
	grant(t, l, clock, bulk(3))
	if d, want := l.Delay(-2), 5*(GroupSpacing+margin)-iv; d != want {
		t.Errorf("Delay of the album's group = %v, want %v (five spacings)", d, want)
	}
	clock.Advance(4 * iv)
	grant(t, l, clock, Request{Class: Reply, Chat: 4, Messages: 3})
	if d, want := l.Delay(4), time.Second+margin; d != want {
		t.Errorf("Delay of a private chat after an album = %v, want %v (one spacing)", d, want)
	}

	// The window of 30 in 1 s + margin must have room for every item: at
	// rate 30, 25 messages in the last second leave room for an album of
	// 5, not of 6 (which the lane's spacing would let go by now).
	l, clock = newLimiter(t, Config{Rate: 30, Margin: margin})
	for i := range 25 {
		grant(t, l, clock, bulk(int64(100+i)))
		clock.Advance(time.Second / 30)
	}
	clock.Advance(epoch.Add(time.Second).Sub(clock.Now()))
	held(t, l, clock, Request{Class: Reply, Chat: 7, Messages: 6})
	grant(t, l, clock, Request{Class: Reply, Chat: 8, Messages: 5})
}

func TestPauseAfterGlobal429(t *testing.T) {
	l, clock := newLimiter(t, Config{Rate: 25})
	p := grant(t, l, clock, bulk(1))
	clock.Advance(100 * time.Millisecond)
	pause := p.TooMany(3 * time.Second)
	if !pause.Global || pause.Wait != 3*time.Second {
		t.Fatalf("first 429 = %+v, want a global 3 s pause", pause)
	}
	for _, r := range []Request{bulk(2), reply(3), {Class: Call}} {
		held(t, l, clock, r)
	}
	if d := l.Delay(9); d != 3*time.Second {
		t.Errorf("Delay of an untouched chat during the pause = %v, want 3s", d)
	}
	clock.Advance(3*time.Second - time.Nanosecond)
	held(t, l, clock, reply(3))
	held(t, l, clock, Request{Class: Call})
	clock.Advance(time.Nanosecond)
	grant(t, l, clock, reply(3))
	grant(t, l, clock, Request{Class: Call})
	if st := l.Stats(); st.TooManyGlobal != 1 || !st.PausedUntil.Equal(epoch.Add(3100*time.Millisecond)) {
		t.Errorf("Stats = %+v, want one global 429, paused until +3.1s", st)
	}
}

func TestOddRetryAfter(t *testing.T) {
	for _, tt := range []struct {
		name  string
		given time.Duration
		want  time.Duration
	}{
		{"absent or 0", 0, DefaultRetryAfter},
		{"negative", -time.Second, DefaultRetryAfter},
		{"an hour", time.Hour, time.Hour},
		{"a week", 7 * 24 * time.Hour, MaxRetryAfter},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l, clock := newLimiter(t, Config{Rate: 25})
			pause := grant(t, l, clock, bulk(1)).TooMany(tt.given)
			if pause.Wait != tt.want || !pause.Until.Equal(epoch.Add(tt.want)) {
				t.Fatalf("pause = %+v, want %v", pause, tt.want)
			}
			clock.Advance(tt.want - time.Millisecond)
			held(t, l, clock, bulk(2))
			clock.Advance(time.Millisecond)
			grant(t, l, clock, bulk(2))
		})
	}
}

// A reply that cannot make it within MaxReplyWait gives up at once, without
// waiting for the pause to end; a bulk message waits it out.
func TestReplyGivesUpOnALongPause(t *testing.T) {
	l, clock := newLimiter(t, Config{Rate: 25, MaxReplyWait: time.Minute})
	grant(t, l, clock, bulk(1)).TooMany(time.Hour)
	ctx := context.Background()
	if _, err := l.Acquire(ctx, reply(2)); !errors.Is(err, ErrTooLate) {
		t.Fatalf("reply during an hour's pause: %v, want ErrTooLate", err)
	}
	// It asked 30 s ago and the pause ends in 40 s: also too late.
	grant2 := func() error {
		_, err := l.Acquire(ctx, Request{Class: Reply, Chat: 3, Asked: clock.Now().Add(-30 * time.Second)})
		return err
	}
	clock.Advance(time.Hour - 40*time.Second)
	if err := grant2(); !errors.Is(err, ErrTooLate) {
		t.Fatalf("reply asked 30 s ago, 40 s of pause left: %v, want ErrTooLate", err)
	}
	if got := l.Stats().TooLate; got != 2 {
		t.Errorf("TooLate = %d, want 2", got)
	}
	if !clock.Now().Equal(epoch.Add(time.Hour - 40*time.Second)) {
		t.Errorf("the clock moved to %v: the limiter waited", clock.Now())
	}
}

func TestAttribution(t *testing.T) {
	const flooder, other, third = 10, 20, 30
	type step struct {
		grant      int64 // chat to grant a message to (0: a call)
		answer     string
		wantGlobal bool
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"a first 429 pauses the bot", []step{
			{flooder, "429", true},
		}},
		{"a repeat offender while others get through pauses only itself", []step{
			{flooder, "429", true},
			{other, "ok", false},
			{flooder, "429", false},
			{other, "ok", false},
			{flooder, "429", false},
		}},
		{"no proof that the bot got through since: global again", []step{
			{flooder, "429", true},
			{flooder, "429", true},
		}},
		{"another chat drew a 429 since: global", []step{
			{flooder, "429", true},
			{other, "ok", false},
			{third, "429", true},
			{other, "ok", false},
			{flooder, "429", true},
		}},
		{"the chat got a message through since its 429: global", []step{
			{flooder, "429", true},
			{other, "ok", false},
			{flooder, "ok", false},
			{other, "ok", false},
			{flooder, "429", true},
		}},
		{"a call's 429 pauses the bot", []step{
			{flooder, "429", true},
			{other, "ok", false},
			{0, "429", true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, clock := newLimiter(t, Config{Rate: 25})
			for i, s := range tt.steps {
				clock.Advance(l.Delay(s.grant) + time.Minute) // past every pause and spacing
				r := bulk(s.grant)
				if s.grant == 0 {
					r = Request{Class: Call}
				}
				p := grant(t, l, clock, r)
				clock.Advance(200 * time.Millisecond)
				if s.answer == "ok" {
					p.Answered()
					continue
				}
				pause := p.TooMany(2 * time.Second)
				if pause.Global != s.wantGlobal {
					t.Fatalf("step %d (429 for chat %d): global = %v, want %v", i, s.grant, pause.Global, s.wantGlobal)
				}
				if !pause.Global {
					// Only the chat waits; others go at once.
					grant(t, l, clock, bulk(99))
					if d := l.Delay(s.grant); d < 2*time.Second {
						t.Errorf("step %d: the chat's Delay = %v, want ≥ 2s", i, d)
					}
				}
			}
		})
	}
}

// A chat's spacing doubles with each 429 taken as its own and comes back
// once Telegram accepts a message for it.
func TestChatStrikes(t *testing.T) {
	l, clock := newLimiter(t, Config{Rate: 25, Margin: -1})
	const chat, other = 10, 20
	grant(t, l, clock, bulk(chat)).TooMany(time.Second) // global: first offence
	clock.Advance(2 * time.Second)
	grant(t, l, clock, bulk(other)).Answered()
	clock.Advance(2 * time.Second)
	grant(t, l, clock, bulk(chat)).TooMany(time.Second) // its own
	clock.Advance(time.Second)
	if d := l.Delay(chat); d != time.Second { // spacing 2 s from the last grant
		t.Fatalf("Delay after a strike = %v, want 1s", d)
	}
	clock.Advance(time.Second)
	grant(t, l, clock, bulk(chat)).Answered()
	if d := l.Delay(chat); d != time.Second {
		t.Fatalf("Delay after an accepted message = %v, want the plain 1s", d)
	}
}

func TestBackoffAndRecovery(t *testing.T) {
	l, clock := newLimiter(t, Config{Rate: 30})
	pace := func(t *testing.T, want float64, when string) {
		t.Helper()
		if got := l.Stats().Pace; math.Abs(got-want) > 1e-9 {
			t.Fatalf("pace %s = %v, want %v", when, got, want)
		}
	}
	pace(t, 30, "at first")
	p := grant(t, l, clock, bulk(1))
	late := grant2(t, l, clock, bulk(2)) // in flight when the 429 comes back
	clock.Advance(10 * time.Millisecond)
	p.TooMany(time.Second)
	pace(t, 24, "after a 429 (×0.8)")
	late.TooMany(time.Second)
	pace(t, 24, "after a second 429 of the same episode")
	// No climb during the 1 s pause; then fast (30/20 = 1.5 a second) to
	// 95% of 30, then slow (30/200 = 0.15 a second).
	clock.Advance(time.Second)
	pace(t, 24, "at the end of the pause")
	clock.Advance(3 * time.Second)
	pace(t, 28.5, "3 s after the pause")
	clock.Advance(5 * time.Second)
	pace(t, 29.25, "5 s further")
	// The spacing follows the pace.
	grant(t, l, clock, bulk(3))
	clock.Advance(time.Second*100/2925 - time.Microsecond) // 1/29.25 s
	held(t, l, clock, bulk(4))
	clock.Advance(time.Microsecond)
	grant(t, l, clock, bulk(4))
	clock.Advance(5 * time.Second)
	pace(t, 30, "5 s further")

	// A second 429 within ten minutes: the slow climb halves.
	grant(t, l, clock, bulk(5)).TooMany(time.Second)
	clock.Advance(4 * time.Second)
	pace(t, 28.5, "4 s after the second 429")
	clock.Advance(5 * time.Second)
	pace(t, 28.875, "5 s further")

	// Ten quiet minutes later the 429s are forgotten.
	clock.Advance(time.Hour)
	pace(t, 30, "an hour later")
	grant(t, l, clock, bulk(6)).TooMany(time.Second)
	clock.Advance(9 * time.Second)
	pace(t, 29.25, "9 s after a lone 429")
}

// grant2 grants r as soon as the pace allows.
func grant2(t *testing.T, l *Limiter, clock *manualClock, r Request) Permit {
	t.Helper()
	for range 1000 {
		if p, err := try(l, clock, r); err == nil {
			return p
		}
		clock.Advance(time.Millisecond)
	}
	t.Fatalf("Acquire(%+v): no permit within a second", r)
	return Permit{}
}

func TestPaidBroadcasts(t *testing.T) {
	l, clock := newLimiter(t, Config{Rate: 100, Paid: true})
	// Replies stay ordinary and share the window of all messages (≤ 100 a
	// second); bulk goes paid at 100 a second.
	paid := 0
	for range 200 {
		if p, err := try(l, clock, bulk(int64(1000+paid))); err == nil {
			if !p.Paid() {
				t.Fatal("bulk permit not paid")
			}
			paid++
		}
		if p, err := try(l, clock, reply(int64(5000+paid))); err == nil && p.Paid() {
			t.Fatal("reply permit paid, want ordinary")
		}
		clock.Advance(5 * time.Millisecond)
	}
	// Over one second: at most 100 messages in all.
	if st := l.Stats(); st.Granted[Bulk]+st.Granted[Reply] > 100 || st.Granted[Reply] > 30 {
		t.Errorf("granted %v in one second, want ≤ 100 in all, ≤ 30 replies", st.Granted)
	}
	if st := l.Stats(); st.PaidPace != 100 || st.Pace != 30 {
		t.Errorf("paces = %v / %v, want paid 100, ordinary 30", st.PaidPace, st.Pace)
	}
}

func TestClassString(t *testing.T) {
	for c, want := range map[Class]string{Bulk: "bulk", Reply: "reply", Call: "call", 7: "class(7)"} {
		if got := c.String(); got != want {
			t.Errorf("Class(%d) = %q, want %q", int(c), got, want)
		}
	}
}
