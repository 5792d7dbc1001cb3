package faketelegram

import (
	"math"
	"time"
)

// Telegram's flood limits.
const (
	globalPerSecond     = 30
	defaultPrivateBurst = 3
	groupPerMinute      = 20
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

// countLocked applies the flood limits to a request that sends n messages
// to cs (several for an album copied at once: each counts) and is about to
// be accepted now: it returns the 429 it gets, or counts them.
func (s *Server) countLocked(cs *chatState, sent *Sent, now time.Time, n int) *Failure {
	paid := sent.AllowPaidBroadcast
	if s.opts.EnforceLimits {
		if f := s.checkLimitsLocked(cs, sent.Method, now, paid, n); f != nil {
			return f
		}
		s.consumeLocked(cs, now, paid, n)
	}
	if !paid {
		s.sinceGlobal += n
	}
	return nil
}

// checkLimitsLocked returns the 429 that n counted messages to cs would get
// now, or nil. It changes nothing but expired bookkeeping. A private chat
// takes an album as one burst, whenever it could take one message; the
// windows (a group's and the bot's) must have room for every item, or be
// empty.
func (s *Server) checkLimitsLocked(cs *chatState, method string, now time.Time, paid bool, n int) *Failure {
	if cs.chat.Type == "private" {
		cs.refill(now, s.privateBurst())
		if cs.tokens < 1 {
			return s.tooManyLocked(method, cs.chat.ID, false, ceilSeconds(time.Duration((1-cs.tokens)*float64(time.Second))), "limit", now)
		}
	} else {
		cs.window.dropUntil(now.Add(-time.Minute))
		if cs.window.len() > 0 && cs.window.len()+n > groupPerMinute {
			return s.tooManyLocked(method, cs.chat.ID, false, ceilSeconds(cs.window.front().Add(time.Minute).Sub(now)), "limit", now)
		}
	}
	if !paid {
		s.global.dropUntil(now.Add(-time.Second))
		if s.global.len() > 0 && s.global.len()+n > globalPerSecond {
			return s.tooManyLocked(method, cs.chat.ID, true, ceilSeconds(s.global.front().Add(time.Second).Sub(now)), "limit", now)
		}
	}
	return nil
}

// consumeLocked books n accepted counted messages sent at once: one burst
// of a private chat's, n in a group's window and the bot's.
func (s *Server) consumeLocked(cs *chatState, now time.Time, paid bool, n int) {
	if cs.chat.Type == "private" {
		cs.refill(now, s.privateBurst())
		cs.tokens--
	}
	for range n {
		if cs.chat.Type != "private" {
			cs.window.push(now)
		}
		if !paid {
			s.global.push(now)
		}
	}
}

func (s *Server) privateBurst() float64 {
	if s.opts.PrivateBurst > 0 {
		return float64(s.opts.PrivateBurst)
	}
	return defaultPrivateBurst
}

// refill tops up a private chat's bucket: one message a second, up to burst.
func (cs *chatState) refill(now time.Time, burst float64) {
	if !cs.tokensInit {
		cs.tokens, cs.tokensAt, cs.tokensInit = burst, now, true
		return
	}
	if el := now.Sub(cs.tokensAt); el > 0 {
		cs.tokens = math.Min(burst, cs.tokens+el.Seconds())
		cs.tokensAt = now
	}
}
