package faketelegram

import (
	"math"
	"time"
)

// Telegram's flood limits.
const (
	globalPerSecond = 30
	privateBurst    = 3
	groupPerMinute  = 20
)

// timeQueue is a FIFO of times.
type timeQueue struct {
	ts   []time.Time
	head int
}

func (q *timeQueue) len() int { return len(q.ts) - q.head }

func (q *timeQueue) front() time.Time { return q.ts[q.head] }

func (q *timeQueue) push(t time.Time) {
	if q.head > 0 && q.head == len(q.ts) {
		q.ts, q.head = q.ts[:0], 0
	} else if q.head > 64 && q.head > len(q.ts)/2 {
		n := copy(q.ts, q.ts[q.head:])
		q.ts, q.head = q.ts[:n], 0
	}
	q.ts = append(q.ts, t)
}

// dropUntil removes the times not after cutoff.
func (q *timeQueue) dropUntil(cutoff time.Time) {
	for q.head < len(q.ts) && !q.ts[q.head].After(cutoff) {
		q.head++
	}
}

func ceilSeconds(d time.Duration) int {
	n := int(math.Ceil(d.Seconds()))
	if n < 1 {
		n = 1
	}
	return n
}

// checkLimitsLocked returns the 429 a counted message to cs would get now,
// or nil. It changes nothing but expired bookkeeping.
func (s *Server) checkLimitsLocked(cs *chatState, now time.Time, paid bool) *Failure {
	if cs.chat.Type == "private" {
		cs.refill(now)
		if cs.tokens < 1 {
			return TooMany(ceilSeconds(time.Duration((1 - cs.tokens) * float64(time.Second)))).ptr()
		}
	} else {
		cs.window.dropUntil(now.Add(-time.Minute))
		if cs.window.len() >= groupPerMinute {
			return TooMany(ceilSeconds(cs.window.front().Add(time.Minute).Sub(now))).ptr()
		}
	}
	if !paid {
		s.global.dropUntil(now.Add(-time.Second))
		if s.global.len() >= globalPerSecond {
			return TooMany(1).ptr()
		}
	}
	return nil
}

// consumeLocked books an accepted counted message.
func (s *Server) consumeLocked(cs *chatState, now time.Time, paid bool) {
	if cs.chat.Type == "private" {
		cs.refill(now)
		cs.tokens--
	} else {
		cs.window.push(now)
	}
	if !paid {
		s.global.push(now)
	}
}

func (cs *chatState) refill(now time.Time) {
	if !cs.tokensInit {
		cs.tokens, cs.tokensAt, cs.tokensInit = privateBurst, now, true
		return
	}
	if el := now.Sub(cs.tokensAt); el > 0 {
		cs.tokens = math.Min(privateBurst, cs.tokens+el.Seconds())
		cs.tokensAt = now
	}
}
