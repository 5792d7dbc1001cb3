package delivery

import (
	"math"
	"slices"
	"sync"
	"time"
)

// serviceTimes keeps how long the last deliveries took to serve: from the
// start of the attempt to its outcome recorded, without the waits for the
// pace. Their median, which a busy machine's stalls (a few slow samples) do
// not move, sets how many deliveries may be in flight. Only answers count:
// a timeout says nothing of how fast Telegram answers.
type serviceTimes struct {
	mu     sync.Mutex
	recent [15]time.Duration
	n      int // samples taken; the last len(recent) are kept
}

func (s *serviceTimes) observe(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recent[s.n%len(s.recent)] = d
	s.n++
}

// median returns the median of the recent samples, or 0 before the first.
func (s *serviceTimes) median() time.Duration {
	s.mu.Lock()
	r := slices.Clone(s.recent[:min(s.n, len(s.recent))])
	s.mu.Unlock()
	if len(r) == 0 {
		return 0
	}
	slices.Sort(r)
	return r[len(r)/2]
}

// inFlightMargin is how much more than rate × service time may be in
// flight, for service times that vary: with round trips of 20-300 ms a
// margin of 1.25 left the fan-out short (0.93 of rate 29 on a quiet
// machine), 2 took it to 0.96, the replies to residents at one a second
// making up the rest of the rate, 3 no further (BENCHMARKS.md).
const inFlightMargin = 2.0

// inFlightLimit is how many deliveries may be in flight (being sent, or
// their outcome not yet recorded): what the pace needs over one service
// time (Little's law), with a margin, at least one and at most o.workers.
// A crash can repeat at most these, so no more are in flight than the pace
// needs, however busy the machine: a stall neither lets outcomes pile up
// unrecorded nor lets a burst of sends out after it.
func (o *outbox) inFlightLimit() int {
	k := int(math.Ceil(bulkPace(o.sender.pacer.stats()) * o.service.median().Seconds() * inFlightMargin))
	return min(max(k, 1), o.workers)
}
