package pace

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// These tests run many senders at once inside a synctest bubble: the
// limiter's SystemClock reads the bubble's fake time, which moves only when
// every goroutine waits, so minutes of traffic take milliseconds and every
// time below is exact.

type grantRec struct {
	at    time.Time
	chat  int64
	group bool
	class Class
	paid  bool
	n     int // messages: several for an album
}

type pauseRec struct {
	from  time.Time // when the 429 was reported
	chat  int64
	pause Pause
}

// sim is a run of traffic through one limiter, recorded.
type sim struct {
	l   *Limiter
	cfg Config
	mu  sync.Mutex
	rnd *rand.Rand

	grants   []grantRec
	pauses   []pauseRec
	replies  int // replies delivered
	tooLate  int // replies given up, the flooder's aside
	flooder  int64
	floodOwn int // 429s of the flooder taken as its own
}

func (s *sim) intn(n int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rnd.IntN(n)
}

// roundTrip stands for Telegram's answer time (20–300 ms) on the fake clock.
func (s *sim) roundTrip() {
	<-time.After(time.Duration(20+s.intn(281)) * time.Millisecond)
}

func (s *sim) record(p Permit, r Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Class != Call {
		s.grants = append(s.grants, grantRec{at: time.Now(), chat: r.Chat, group: r.Group, class: r.Class, paid: p.Paid(), n: r.messages()})
	} else {
		s.grants = append(s.grants, grantRec{at: time.Now(), class: Call})
	}
}

// answer plays Telegram: mostly accepted, sometimes a 429 that the
// limiter must take as the bot's, always a 429 for the flooder.
func (s *sim) answer(p Permit, r Request, p429 int) (ok bool) {
	s.roundTrip()
	var ra time.Duration
	switch {
	case r.Chat == s.flooder && s.flooder != 0:
		ra = 2 * time.Second
	case s.intn(1000) < p429:
		ra = []time.Duration{0, time.Second, 3 * time.Second, 5 * time.Second}[s.intn(4)]
	default:
		p.Answered()
		return true
	}
	now := time.Now()
	pause := p.TooMany(ra)
	s.mu.Lock()
	s.pauses = append(s.pauses, pauseRec{from: now, chat: r.Chat, pause: pause})
	if r.Chat == s.flooder && !pause.Global {
		s.floodOwn++
	}
	s.mu.Unlock()
	return false
}

// claimWithin is how soon a chat must be ready for a bulk worker to take it.
const claimWithin = 100 * time.Millisecond

type traffic struct {
	cfg      Config
	workers  int
	duration time.Duration
	p429     int // per mille of requests answered with a 429
	replies  int // bursts of replies over the run
	flooder  bool
	albums   bool // some bulk requests copy an album of 2-10 at once
}

// run drives bulk workers, bursts of replies and calls for tr.duration.
func run(t *testing.T, seed uint64, tr traffic) *sim {
	t.Helper()
	var s *sim
	synctest.Test(t, func(t *testing.T) {
		l, err := New(tr.cfg)
		if err != nil {
			t.Fatal(err)
		}
		s = &sim{l: l, cfg: tr.cfg, rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
		if tr.flooder {
			s.flooder = 777
		}
		ctx, cancel := context.WithTimeout(context.Background(), tr.duration)
		defer cancel()
		var wg sync.WaitGroup
		var next int64
		var nextMu sync.Mutex
		chat := func() Request {
			nextMu.Lock()
			defer nextMu.Unlock()
			next++
			switch n := s.intn(100); {
			case n < 5: // a few chats hear often: their spacing matters
				return Request{Class: Bulk, Chat: int64(1 + s.intn(5))}
			case n < 10:
				return Request{Class: Bulk, Chat: -int64(1 + s.intn(5)), Group: true}
			case n < 11 && s.flooder != 0:
				return Request{Class: Bulk, Chat: s.flooder}
			case n < 13 && tr.albums && s.cfg.Rate >= 2:
				// an album of 2 to 10 copied at once, no bigger than the rate
				return Request{Class: Bulk, Chat: 1000 + next, Messages: 2 + s.intn(min(9, int(s.cfg.Rate)-1))}
			}
			return Request{Class: Bulk, Chat: 1000 + next}
		}
		for range tr.workers {
			wg.Go(func() {
				for ctx.Err() == nil {
					r := chat()
					if d := l.Delay(r.Chat); d > claimWithin {
						// As the outbox does: not this chat now; look again soon.
						<-time.After(min(d, 200*time.Millisecond))
						continue
					}
					p, err := l.Acquire(ctx, r)
					if err != nil {
						return
					}
					s.record(p, r)
					s.answer(p, r, tr.p429)
				}
			})
		}
		// Bursts of replies: people asking at once, some twice in a row.
		for range tr.replies {
			wg.Go(func() {
				<-time.After(time.Duration(s.intn(int(tr.duration/time.Millisecond))) * time.Millisecond)
				var burst sync.WaitGroup
				for i := range 1 + s.intn(40) {
					c := int64(100000 + s.intn(60))
					if s.flooder != 0 && i == 0 {
						c = s.flooder
					}
					burst.Go(func() { s.reply(ctx, c, tr.p429) })
				}
				burst.Wait()
			})
		}
		wg.Go(func() { // now and then a call (a button's answer)
			for ctx.Err() == nil {
				<-time.After(time.Duration(100+s.intn(2000)) * time.Millisecond)
				if p, err := l.Acquire(ctx, Request{Class: Call}); err == nil {
					s.record(p, Request{Class: Call})
					s.answer(p, Request{Class: Call}, tr.p429)
				}
			}
		})
		wg.Wait()
	})
	return s
}

// reply sends one reply the way the sender must: after a 429 it asks again,
// until it gets through or is too late.
func (s *sim) reply(ctx context.Context, chat int64, p429 int) {
	r := Request{Class: Reply, Chat: chat, Asked: time.Now()}
	for {
		p, err := s.l.Acquire(ctx, r)
		if errors.Is(err, ErrTooLate) {
			if chat != s.flooder { // Telegram refuses it everything
				s.mu.Lock()
				s.tooLate++
				s.mu.Unlock()
			}
			return
		}
		if err != nil {
			return // the run ended
		}
		s.record(p, r)
		if s.answer(p, r, p429) {
			s.mu.Lock()
			s.replies++
			s.mu.Unlock()
			return
		}
		if chat == s.flooder {
			return // it never gets through; enough to have tried
		}
	}
}

// check asserts the contract over everything that was granted.
func (s *sim) check(t *testing.T) {
	t.Helper()
	margin := s.l.margin
	var counted, ordinary []time.Time
	perChat := map[int64][]grantRec{}
	for _, g := range s.grants {
		if g.class == Call {
			continue
		}
		for range g.n { // each item of an album counts
			counted = append(counted, g.at)
			if !g.paid {
				ordinary = append(ordinary, g.at)
			}
		}
		perChat[g.chat] = append(perChat[g.chat], g)
	}
	// In any second ≤ Rate; ordinary ≤ 30 in any 1 s + margin.
	maxIn := func(ts []time.Time, span time.Duration) (int, time.Time) {
		best, at := 0, time.Time{}
		for i, j := 0, 0; j < len(ts); j++ {
			for ts[j].Sub(ts[i]) >= span {
				i++
			}
			if j-i+1 > best {
				best, at = j-i+1, ts[i]
			}
		}
		return best, at
	}
	if n, at := maxIn(counted, time.Second); n > int(s.cfg.Rate) {
		t.Errorf("%d messages started in the second from %v, want ≤ %v", n, at, s.cfg.Rate)
	}
	if n, at := maxIn(ordinary, time.Second+margin); n > OrdinaryMax {
		t.Errorf("%d ordinary messages in 1 s + %v from %v, want ≤ 30", n, margin, at)
	}
	// Nothing inside a pause: the bot's for everyone, the chat's for it.
	for _, p := range s.pauses {
		for _, g := range s.grants {
			// (a grant at the very instant of the report may have come first)
			inside := g.at.After(p.from) && g.at.Before(p.pause.Until)
			if inside && (p.pause.Global || (g.class != Call && g.chat == p.chat)) {
				t.Fatalf("a %v permit for chat %d at %v, inside the pause %v..%v of a 429 for chat %d (global %v)",
					g.class, g.chat, g.at, p.from, p.pause.Until, p.chat, p.pause.Global)
			}
		}
	}
	// Each chat's spacing, a group's one per item of an album.
	for chat, gs := range perChat {
		for i := 1; i < len(gs); i++ {
			want := PrivateSpacing + margin
			if gs[i].group {
				want = GroupSpacing + margin
			}
			if gs[i].group {
				want *= time.Duration(gs[i-1].n)
			}
			if d := gs[i].at.Sub(gs[i-1].at); d < want {
				t.Fatalf("chat %d: messages %v apart at %v, want ≥ %v", chat, d, gs[i].at, want)
			}
		}
	}
}

func TestContractUnderRandomTraffic(t *testing.T) {
	cases := []traffic{
		{cfg: Config{Rate: 25}, workers: 12, duration: 3 * time.Minute, p429: 2, replies: 6, albums: true},
		{cfg: Config{Rate: 29}, workers: 20, duration: 3 * time.Minute, p429: 5, replies: 10, flooder: true, albums: true},
		{cfg: Config{Rate: 30, Margin: -1}, workers: 30, duration: 3 * time.Minute, p429: 1, replies: 10},
		{cfg: Config{Rate: 30, Margin: 80 * time.Millisecond}, workers: 8, duration: 3 * time.Minute, p429: 20, replies: 20, albums: true},
		{cfg: Config{Rate: 5}, workers: 4, duration: 3 * time.Minute, p429: 10, replies: 5, flooder: true, albums: true},
		{cfg: Config{Rate: 200, Paid: true}, workers: 80, duration: time.Minute, p429: 2, replies: 10},
	}
	for i, tr := range cases {
		for seed := range uint64(3) {
			t.Run(fmt.Sprintf("case%d_rate%v_seed%d", i, tr.cfg.Rate, seed), func(t *testing.T) {
				s := run(t, seed+uint64(i)*100, tr)
				s.check(t)
				if s.tooLate > 0 {
					t.Errorf("%d replies given up, want none (pauses ≤ 5 s, MaxReplyWait %v)", s.tooLate, DefaultMaxReplyWait)
				}
				if s.replies == 0 || len(s.pauses) == 0 {
					t.Errorf("%d replies, %d 429s: the run exercised too little", s.replies, len(s.pauses))
				}
				if tr.flooder && s.floodOwn == 0 {
					t.Errorf("the flooder's 429s were never taken as its own")
				}
				t.Logf("%d grants, %d replies, %d 429s (flooder's own %d)", len(s.grants), s.replies, len(s.pauses), s.floodOwn)
			})
		}
	}
}

// Without 429s the pace is kept: the limiter does not leave slots unused.
// An album of n, counted at once, keeps n slots of every window that holds
// it: the second after it has room for n-1 fewer messages, and no more
// than that may be lost.
func TestKeepsThePace(t *testing.T) {
	for _, albums := range []bool{false, true} {
		for _, rate := range []float64{10, 25, 29, 30} {
			t.Run(fmt.Sprintf("rate%v_albums%v", rate, albums), func(t *testing.T) {
				s := run(t, 1, traffic{cfg: Config{Rate: rate}, workers: int(rate/3) + 2, duration: time.Minute, albums: albums})
				s.check(t)
				n, lost := 0, 0
				for _, g := range s.grants {
					if g.class != Call {
						n += g.n
						lost += g.n - 1
					}
				}
				// ordinary messages at 30 are held to 30 per 1 s + margin
				want := min(rate, OrdinaryMax/(1+DefaultMargin.Seconds()))*60 - float64(lost)
				if float64(n) < 0.99*want {
					t.Errorf("%d messages in a minute at rate %v (albums: %d slots lost), want ≥ 99%% of %.0f", n, rate, lost, want)
				}
				t.Logf("%d messages, %d slots lost to albums", n, lost)
			})
		}
	}
}

func TestRepliesGoAheadOfBulk(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l, err := New(Config{Rate: 10})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		var mu sync.Mutex
		var order []Class
		var wg sync.WaitGroup
		for w := range 20 {
			wg.Go(func() {
				for i := 0; ; i++ {
					if _, err := l.Acquire(ctx, bulk(int64(1000*w+i))); err != nil {
						return
					}
					mu.Lock()
					order = append(order, Bulk)
					mu.Unlock()
				}
			})
		}
		<-time.After(5*time.Second + 10*time.Millisecond)
		mu.Lock()
		before := len(order)
		mu.Unlock()
		var replies sync.WaitGroup
		for i := range 5 {
			replies.Go(func() {
				// Chats of their own: the bulk senders' chats (0, 1, 2…) may have had a message within the second.
				if _, err := l.Acquire(ctx, reply(int64(1_000_000+i))); err != nil {
					t.Errorf("reply %d: %v", i, err)
				}
				mu.Lock()
				order = append(order, Reply)
				mu.Unlock()
			})
		}
		replies.Wait()
		cancel()
		wg.Wait()
		if got := order[before : before+5]; !slices.Equal(got, []Class{Reply, Reply, Reply, Reply, Reply}) {
			t.Errorf("after the replies arrived, permits went to %v, want the 5 replies first", got)
		}
		if before != 51 {
			t.Errorf("%d bulk permits in 5 s at rate 10, want 51", before)
		}
	})
}

// After a 429 every request waits out the pause, including those that were
// waiting for their slot when it came, and the line moves on after it.
func TestPauseHoldsEveryWaiter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l, err := New(Config{Rate: 30})
		if err != nil {
			t.Fatal(err)
		}
		first, err := l.Acquire(context.Background(), bulk(1))
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var at []time.Time
		for i := range 10 {
			wg.Go(func() {
				r := bulk(int64(i + 2))
				if i%3 == 0 {
					r = reply(int64(i + 2))
				}
				if _, err := l.Acquire(context.Background(), r); err != nil {
					t.Error(err)
				}
				mu.Lock()
				at = append(at, time.Now())
				mu.Unlock()
			})
		}
		synctest.Wait() // all ten wait for their slots
		pause := first.TooMany(3 * time.Second)
		wg.Wait()
		slices.SortFunc(at, time.Time.Compare)
		if at[0].Before(pause.Until) {
			t.Fatalf("a permit at %v, inside the pause until %v", at[0], pause.Until)
		}
		// After the pause they leave at the backed-off pace (24/s), not in a burst.
		for i := 1; i < len(at); i++ {
			if d := at[i].Sub(at[i-1]); d < time.Second/25 {
				t.Errorf("permits %d and %d %v apart after the pause, want the backed-off spacing", i-1, i, d)
			}
		}
	})
}

// A reply whose chat is paused (its own 429) waits aside: the others pass.
func TestWaitingChatHoldsNobody(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l, err := New(Config{Rate: 25})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if _, err := l.Acquire(ctx, reply(5)); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		var wg sync.WaitGroup
		wg.Go(func() {
			if _, err := l.Acquire(ctx, reply(5)); err != nil { // a second reply to 5: a second later
				t.Error(err)
			}
			if d := time.Since(start); d < time.Second {
				t.Errorf("second reply to the chat after %v, want ≥ 1s", d)
			}
		})
		synctest.Wait()
		for i := range 10 {
			if _, err := l.Acquire(ctx, reply(int64(100+i))); err != nil {
				t.Fatal(err)
			}
		}
		if d := time.Since(start); d > time.Second/2 {
			t.Errorf("ten replies to other chats took %v behind the waiting one, want 0.4s", d)
		}
		wg.Wait()
	})
}

// A cancelled waiter leaves the line and the next one moves up.
func TestCancelLeavesTheLine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l, err := New(Config{Rate: 1})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.Acquire(context.Background(), bulk(1)); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() { _, err := l.Acquire(ctx, bulk(2)); errc <- err }()
		synctest.Wait()
		got := make(chan time.Time, 1)
		go func() { l.Acquire(context.Background(), bulk(3)); got <- time.Now() }()
		synctest.Wait()
		start := time.Now()
		cancel()
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled Acquire = %v, want context.Canceled", err)
		}
		if d := (<-got).Sub(start); d != time.Second {
			t.Errorf("the next in line went %v after the cancel, want its slot 1s after the first", d)
		}
		if w := l.Stats().Waiting; w != 0 {
			t.Errorf("Waiting = %d, want 0", w)
		}
	})
}

// A bot whose real ceiling is 20 a second, configured at 29: after a few
// 429s the pace settles just below 20 and the 429s become rare, instead of
// one every second or two.
func TestSettlesBelowALowerCeiling(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l, err := New(Config{Rate: 29})
		if err != nil {
			t.Fatal(err)
		}
		// Telegram as this bot meets it: 20 in any second, counted at
		// arrival, a 1 s ban after a refusal.
		var mu sync.Mutex
		// episodes are the refusals that began a ban; the others were
		// already on their way when the first answer came back.
		var recent, accepted, refused, episodes []time.Time
		var bannedUntil time.Time
		arrive := func(now time.Time) bool {
			mu.Lock()
			defer mu.Unlock()
			for len(recent) > 0 && !recent[0].After(now.Add(-time.Second)) {
				recent = recent[1:]
			}
			if now.Before(bannedUntil) || len(recent) >= 20 {
				if !now.Before(bannedUntil) {
					episodes = append(episodes, now)
				}
				bannedUntil = later(bannedUntil, now.Add(time.Second))
				refused = append(refused, now)
				return false
			}
			recent = append(recent, now)
			accepted = append(accepted, now)
			return true
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		var wg sync.WaitGroup
		var chat atomic.Int64
		for range 12 {
			wg.Go(func() {
				for {
					p, err := l.Acquire(ctx, bulk(chat.Add(1)))
					if err != nil {
						return
					}
					ok := arrive(time.Now())
					<-time.After(150 * time.Millisecond) // the answer's way back
					if ok {
						p.Answered()
					} else {
						p.TooMany(time.Second)
					}
				}
			})
		}
		wg.Wait()
		since := func(ts []time.Time, from time.Time) int {
			i, _ := slices.BinarySearchFunc(ts, from, time.Time.Compare)
			return len(ts) - i
		}
		half := accepted[0].Add(5 * time.Minute)
		lateBans, lateOK := since(episodes, half), since(accepted, half)
		t.Logf("bans: %d in all, %d in the last 5 minutes (%d 429s in all); pace then %.1f/s; %.1f/s accepted",
			len(episodes), lateBans, len(refused), l.Stats().Pace, float64(lateOK)/300)
		if lateBans > 12 {
			t.Errorf("%d bans in the last 5 minutes, want ≤ 12 (settled below the ceiling)", lateBans)
		}
		if rate := float64(lateOK) / 300; rate < 16 {
			t.Errorf("%.1f messages a second accepted in the last 5 minutes, want ≥ 16 (80%% of the real ceiling)", rate)
		}
	})
}

// countingClock counts the timers a waiter sets.
type countingClock struct {
	SystemClock
	timers atomic.Int64
}

func (c *countingClock) Timer(d time.Duration) (<-chan time.Time, func() bool) {
	c.timers.Add(1)
	return c.SystemClock.Timer(d)
}

// An hour's pause is waited out on one timer, not polled.
func TestLongPauseIsWaitedNotPolled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := &countingClock{}
		l, err := New(Config{Rate: 25, Clock: clock})
		if err != nil {
			t.Fatal(err)
		}
		p, err := l.Acquire(context.Background(), bulk(1))
		if err != nil {
			t.Fatal(err)
		}
		pause := p.TooMany(time.Hour)
		var wg sync.WaitGroup
		for _, r := range []Request{bulk(2), {Class: Call}} {
			wg.Go(func() {
				if _, err := l.Acquire(context.Background(), r); err != nil {
					t.Error(err)
				}
				if now := time.Now(); now.Before(pause.Until) {
					t.Errorf("%v permit at %v, before the end of the pause %v", r.Class, now, pause.Until)
				}
			})
		}
		wg.Wait()
		if n := clock.timers.Load(); n != 2 {
			t.Errorf("%d timers for two requests waiting out the pause, want 2", n)
		}
	})
}
