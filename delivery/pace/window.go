package pace

import (
	"math"
	"time"
)

// window remembers the last len(ts) grants: one more fits once the oldest
// of them is span old, so no span ever holds more than len(ts).
type window struct {
	span time.Duration
	ts   []time.Time // a ring, oldest at head; zero until filled
	head int
}

func newWindow(n int, span time.Duration) *window {
	return &window{span: span, ts: make([]time.Time, n)}
}

// free is the earliest time n more grants fit (zero: now). More than the
// window holds fit once it is empty.
func (w *window) free(n int) time.Time {
	oldest := w.ts[(w.head+min(n, len(w.ts))-1)%len(w.ts)]
	if oldest.IsZero() {
		return time.Time{}
	}
	return oldest.Add(w.span)
}

// add records n grants at t.
func (w *window) add(t time.Time, n int) {
	for range min(n, len(w.ts)) {
		w.ts[w.head] = t
		w.head = (w.head + 1) % len(w.ts)
	}
}

// Pace recovery after a 429 (see the package doc).
const (
	backoffFactor = 0.8
	// The pace climbs back at max/fastClimb per second up to nearCeiling of
	// the pace that drew the last 429, then at max/slowClimb per second,
	// halved for every other 429 in the last rememberCuts.
	fastClimb    = 20
	slowClimb    = 200
	nearCeiling  = 0.95
	rememberCuts = 10 * time.Minute
	minPace      = 1.0
)

// lane paces one kind of message (ordinary or paid) evenly at a pace that
// backs off after a 429 and climbs back.
type lane struct {
	max     float64     // the configured ceiling, messages a second
	pace    float64     // the current pace
	paceAt  time.Time   // when pace was last brought up to date
	ceiling float64     // the pace that drew the last 429
	cuts    []time.Time // the cuts in the last rememberCuts
	next    time.Time   // no grant before this: even spacing
	win     *window     // Telegram's 30 in 1 s + margin, ordinary lane only
}

func newLane(max float64, win *window) *lane {
	return &lane{max: max, pace: max, ceiling: max, win: win}
}

// current brings the pace up to date and returns it.
func (ln *lane) current(now time.Time) float64 {
	el := now.Sub(ln.paceAt).Seconds()
	if el <= 0 { // still paused after a cut
		return ln.pace
	}
	for len(ln.cuts) > 0 && now.Sub(ln.cuts[0]) > rememberCuts {
		ln.cuts = ln.cuts[1:]
	}
	if len(ln.cuts) == 0 {
		ln.ceiling = ln.max
	}
	if near, fast := nearCeiling*ln.ceiling, ln.max/fastClimb; ln.pace < near {
		// fast up to near the ceiling, the rest of the time slow
		t := math.Min(el, (near-ln.pace)/fast)
		ln.pace += fast * t
		el -= t
	}
	slow := ln.max / slowClimb / float64(int(1)<<min(max(len(ln.cuts)-1, 0), 10))
	ln.pace = math.Min(ln.max, ln.pace+slow*el)
	ln.paceAt = now
	return ln.pace
}

func (ln *lane) interval(now time.Time) time.Duration {
	return time.Duration(float64(time.Second) / ln.current(now))
}

// take records a grant of n messages at now. The items of an album count
// as if they had gone one interval apart, the last of them now (free holds
// the album until then), so that the window, which counts them at once,
// does not hold it again. A grant up to half an interval late keeps the
// schedule (a timer that fires late costs no pace); a later one, after a
// pause or an idle spell, starts it afresh (no catching up in a burst).
func (ln *lane) take(now time.Time, n int) {
	iv := ln.interval(now)
	due := ln.next.Add(time.Duration(n-1) * iv)
	if now.Sub(due) > iv/2 {
		due = now
	}
	ln.next = due.Add(iv)
	if ln.win != nil {
		ln.win.add(now, n)
	}
}

// free is the earliest time the lane allows a grant of n messages: n-1
// intervals after the next free slot (at the pace last brought up to date,
// which only climbs meanwhile).
func (ln *lane) free(n int) time.Time {
	at := ln.next.Add(time.Duration(n-1) * time.Duration(float64(time.Second)/ln.pace))
	if ln.win == nil {
		return at
	}
	return later(at, ln.win.free(n))
}

// cut backs the pace off after a 429 for a request granted at grantedAt;
// it climbs back from the end of the pause. The requests already in flight
// when the first 429 of an episode came back were paced before the cut:
// their 429s do not cut again.
func (ln *lane) cut(now, grantedAt, pausedUntil time.Time) {
	if len(ln.cuts) > 0 && grantedAt.Before(ln.cuts[len(ln.cuts)-1]) {
		return
	}
	p := ln.current(now)
	ln.ceiling = p
	ln.pace = math.Max(minPace, p*backoffFactor)
	ln.cuts = append(ln.cuts, now)
	ln.paceAt = later(now, pausedUntil)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
