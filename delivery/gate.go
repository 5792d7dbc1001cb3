package delivery

import (
	"log/slog"
	"sync"
	"time"
)

// Causes of an outbox pause, as logs, metrics and OutboxStatus name them.
const (
	// PauseStore: the outcomes of sends cannot be recorded (a full disk, a
	// read-only database). Sending more would only make more messages that
	// a restart sends again.
	PauseStore = "store"
	// PauseDatabase: the program holds the outbox (HoldOutbox) because the
	// database file was deleted, replaced or made read-only.
	PauseDatabase = "database"
	// PauseTelegram: Telegram does not answer, or answers 5xx or a page that
	// is not JSON. The outbox tries again with one message after a pause
	// that doubles, from minOutagePause to maxOutagePause.
	PauseTelegram = "telegram"
	// PauseRateLimit: a 429 for the whole bot. The pacer holds every
	// request until retry_after has passed; the outbox then tries again
	// with one message.
	PauseRateLimit = "rate_limit"
)

// pauseCauses in order of precedence: OutboxStatus reports the first that holds.
var pauseCauses = []string{PauseStore, PauseDatabase, PauseTelegram, PauseRateLimit}

// The pauses after failed tries of Telegram: doubling, capped, so that a
// six-hour outage costs a few dozen requests rather than every delivery's
// attempts.
const (
	minOutagePause = 5 * time.Second
	maxOutagePause = 10 * time.Minute
)

// OutboxStatus says whether the outbox sends and, when it does not, why.
type OutboxStatus struct {
	// Cause is empty while the outbox sends, else one of the Pause constants.
	Cause  string
	Reason string
	// Since is when the pause began.
	Since time.Time
	// Until is when the outbox tries again (with one message); zero for
	// PauseStore and PauseDatabase, which end when the fault clears.
	Until time.Time
}

// pause is one cause holding the outbox.
type pause struct {
	reason       string
	since, until time.Time // until: none for a rate limit, which the pacer times
}

// gate decides whether the outbox may start sends. Store and database
// pauses hold it until cleared. Telegram pauses hold it until a time; a
// rate-limit pause as long as the pacer's pause after a global 429 (the
// one record of it: the pacer holds every request, replies and calls
// too, until it ends). Then one send goes as a probe, and its answer
// either reopens the outbox or pauses it again, longer (a circuit breaker).
//
// Sends carry the epoch in which the gate allowed them: a failure
// escalates the pause only if no pause began since, so the sends that were
// on their way when Telegram went down count as one failure, not many.
type gate struct {
	mu      sync.Mutex
	now     func() time.Time
	log     *slog.Logger
	metrics *metrics
	notify  func()               // wakes the dispatcher when a pause ends
	paused  func() time.Duration // what is left of the pacer's pause after a global 429
	pauses  map[string]*pause
	level   int    // outage pauses in a row since Telegram last answered
	epoch   uint64 // incremented whenever a pause begins or grows
}

func newGate(now func() time.Time, log *slog.Logger, m *metrics, notify func(), paused func() time.Duration) *gate {
	return &gate{now: now, log: log, metrics: m, notify: notify, paused: paused, pauses: map[string]*pause{}}
}

// allow says whether sends may start now: freely, or one at a time (a
// probe after a timed pause), or not before wait has passed (or the pause
// is cleared: the dispatcher is woken then). Sends it allows carry epoch.
func (g *gate) allow() (ok, probe bool, epoch uint64, wait time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.pauses[PauseStore] != nil || g.pauses[PauseDatabase] != nil {
		return false, false, g.epoch, idlePoll
	}
	now := g.now()
	for _, cause := range []string{PauseTelegram, PauseRateLimit} {
		if p := g.pauses[cause]; p != nil {
			if w := g.leftLocked(cause, p, now); w > 0 {
				return false, false, g.epoch, w
			}
			probe = true
		}
	}
	return true, probe, g.epoch, 0
}

// leftLocked is how long the timed pause p of cause still holds.
func (g *gate) leftLocked(cause string, p *pause, now time.Time) time.Duration {
	if cause == PauseRateLimit {
		return g.paused()
	}
	return p.until.Sub(now)
}

// hold pauses the outbox for a cause that lasts until cleared.
func (g *gate) hold(cause, reason string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if p := g.pauses[cause]; p != nil {
		p.reason = reason
		return
	}
	g.start(cause, reason, time.Time{})
	g.log.Error("outbox paused", "cause", cause, "reason", reason)
}

// clear ends a pause of cause, if any.
func (g *gate) clear(cause string) {
	g.mu.Lock()
	p := g.pauses[cause]
	if p != nil {
		g.end(cause, p)
	}
	g.mu.Unlock()
	if p != nil {
		g.notify()
	}
}

// answered records an answer from Telegram that is not a failure of
// Telegram itself (a message sent, or refused for a reason of its own), to
// a send that started in epoch. Telegram answers, so an outage pause ends;
// a rate-limit pause ends only for a send that started after it began
// (one that was on its way before says nothing of Telegram's wait).
func (g *gate) answered(epoch uint64) {
	g.mu.Lock()
	ended := false
	for _, cause := range []string{PauseTelegram, PauseRateLimit} {
		if p := g.pauses[cause]; p != nil && (cause == PauseTelegram || epoch == g.epoch) {
			g.end(cause, p)
			ended = true
		}
	}
	g.level = 0
	g.mu.Unlock()
	if ended {
		g.notify()
	}
}

// failed records a failure of Telegram itself (a 5xx, a timeout, a
// network error) for a send that started in epoch: the outbox pauses, the
// pause doubling with each failed probe.
func (g *gate) failed(epoch uint64, reason string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	p := g.pauses[PauseTelegram]
	if p != nil && epoch != g.epoch {
		return // in flight when this pause began or grew: part of what caused it
	}
	g.level++
	wait := min(minOutagePause<<min(g.level-1, 20), maxOutagePause)
	if p == nil {
		g.start(PauseTelegram, reason, now.Add(wait))
		g.log.Warn("outbox paused", "cause", PauseTelegram, "reason", reason, "retry_in", wait)
		return
	}
	g.epoch++
	p.reason, p.until = reason, now.Add(wait)
	g.log.Warn("outbox still paused", "cause", PauseTelegram, "reason", reason, "since", p.since, "retry_in", wait)
}

// rateLimited records a 429 that paused the whole bot, which the pacer
// times: the outbox is held while it lasts, then probes.
func (g *gate) rateLimited(reason string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	wait := g.paused()
	if p := g.pauses[PauseRateLimit]; p != nil {
		g.epoch++
		p.reason = reason
		g.log.Warn("outbox still paused", "cause", PauseRateLimit, "reason", reason, "since", p.since, "retry_in", wait)
		return
	}
	g.start(PauseRateLimit, reason, time.Time{})
	g.log.Warn("outbox paused", "cause", PauseRateLimit, "reason", reason, "retry_in", wait)
}

// start begins a pause. g.mu must be held.
func (g *gate) start(cause, reason string, until time.Time) {
	g.pauses[cause] = &pause{reason: reason, since: g.now(), until: until}
	g.epoch++
	g.metrics.paused.WithLabelValues(cause).Set(1)
	g.metrics.pauses.WithLabelValues(cause).Inc()
}

// end ends a pause. g.mu must be held.
func (g *gate) end(cause string, p *pause) {
	delete(g.pauses, cause)
	g.metrics.paused.WithLabelValues(cause).Set(0)
	g.log.Info("outbox resumed", "cause", cause, "paused_for", g.now().Sub(p.since).Round(time.Millisecond))
}

// status reports the pause that holds the outbox, if any.
func (g *gate) status() OutboxStatus {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, cause := range pauseCauses {
		if p := g.pauses[cause]; p != nil {
			st := OutboxStatus{Cause: cause, Reason: p.reason, Since: p.since, Until: p.until}
			if cause == PauseRateLimit {
				st.Until = g.now().Add(g.paused())
			}
			return st
		}
	}
	return OutboxStatus{}
}

// pausedFor reports since when and why cause holds the outbox (a zero time
// when it does not).
func (g *gate) pausedFor(cause string) (since time.Time, reason string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if p := g.pauses[cause]; p != nil {
		return p.since, p.reason
	}
	return time.Time{}, ""
}
