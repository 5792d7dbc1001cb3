package delivery

import (
	"context"
	"time"

	"github.com/osipovichi/newsbot/delivery/pace"
)

// pacer decides when each request to Telegram may leave: delivery/pace's
// Limiter (see limiter below). The outbox's fault tests, which run on a
// fake clock, put in one that lets every request go at once.
type pacer interface {
	// acquire returns when a request may start, right before it does.
	acquire(ctx context.Context, r pace.Request) (permit, error)
	// delay is how long a bulk message to chat would wait for the bot's
	// pause and the chat's own pace; delay(0) is what is left of the
	// bot's pause after a global 429.
	delay(chat int64) time.Duration
	stats() pace.Stats
	// now is the pacer's clock, for the moment a person asked.
	now() time.Time
}

// permit is the go-ahead for one request: report what Telegram answered.
type permit interface {
	Paid() bool
	Answered()
	TooMany(retryAfter time.Duration) pace.Pause
}

// limiter is the pacer of the running bot.
type limiter struct {
	*pace.Limiter
	clock pace.Clock
}

// newPacer paces every request at rate messages a second (bulk messages as
// paid broadcasts if paid), on clock (the real one if nil).
func newPacer(rate float64, paid bool, clock pace.Clock) (limiter, error) {
	if clock == nil {
		clock = pace.SystemClock{}
	}
	l, err := pace.New(pace.Config{Rate: rate, Paid: paid, Clock: clock})
	return limiter{Limiter: l, clock: clock}, err
}

func (l limiter) acquire(ctx context.Context, r pace.Request) (permit, error) {
	p, err := l.Acquire(ctx, r)
	if err != nil {
		return nil, err
	}
	return p, nil
}

func (l limiter) delay(chat int64) time.Duration { return l.Delay(chat) }
func (l limiter) stats() pace.Stats              { return l.Stats() }
func (l limiter) now() time.Time                 { return l.clock.Now() }

// bulkPace is the pace of bulk messages a pacer keeps now: paid broadcasts'
// when bulk goes as paid broadcasts.
func bulkPace(s pace.Stats) float64 {
	if s.PaidPace > 0 {
		return s.PaidPace
	}
	return s.Pace
}
