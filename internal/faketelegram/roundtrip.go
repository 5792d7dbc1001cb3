package faketelegram

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"time"
)

// RoundTrip gives each send, copy and edit a random answer time, split
// into the way to Telegram (before the request is counted: only this part
// can bunch arrivals) and Telegram's work plus the way back (after it).
type RoundTrip struct {
	// Min and Max bound the round trip, drawn uniformly per request; off
	// while Max is 0.
	Min, Max time.Duration
	// Arrival is the share of each round trip before the request arrives,
	// 0 to 1. On a real network the way there varies by a few
	// milliseconds and Telegram's work by far more: 0.1 is realistic, 1 is
	// the worst case.
	Arrival float64
	// Seed seeds the draws (and Outage.Share).
	Seed uint64
}

// travel waits for the way to Telegram: Options.Latency and the Arrival
// share of a RoundTrip. It returns the rest of the round trip, to wait
// after the request is handled, and false if the client gave up meanwhile.
func (s *Server) travel(ctx context.Context) (back time.Duration, ok bool) {
	there, back := s.drawRoundTrip()
	there += s.opts.Latency
	if there > 0 && !s.wait(ctx, there) {
		return 0, false
	}
	return back, true
}

// drawRoundTrip draws one request's RoundTrip: the way there and back.
func (s *Server) drawRoundTrip() (there, back time.Duration) {
	rt := s.opts.RoundTrip
	if rt.Max <= 0 {
		return 0, 0
	}
	s.mu.Lock()
	d := rt.Min + time.Duration(s.rnd.Float64()*float64(rt.Max-rt.Min))
	s.mu.Unlock()
	there = time.Duration(float64(d) * min(max(rt.Arrival, 0), 1))
	return there, d - there
}

// heldAnswer keeps a response while it travels back to the bot. The 429s
// in it are told to the bot when it arrives there.
type heldAnswer struct {
	header http.Header
	status int
	body   bytes.Buffer
	pauses []*pause
}

func (h *heldAnswer) Header() http.Header {
	if h.header == nil {
		h.header = http.Header{}
	}
	return h.header
}

func (h *heldAnswer) WriteHeader(status int) {
	if h.status == 0 {
		h.status = status
	}
}

func (h *heldAnswer) Write(b []byte) (int, error) {
	h.WriteHeader(http.StatusOK)
	return h.body.Write(b)
}

// deliver waits for the way back and writes the answer, unless the client
// gave up meanwhile (then Telegram acted but the bot never hears of it).
func (s *Server) deliver(w http.ResponseWriter, r *http.Request, h *heldAnswer, back time.Duration) {
	if !s.pass(r.Context(), back) {
		s.mu.Lock()
		s.stats.LostAnswers++
		s.mu.Unlock()
		return
	}
	for _, p := range h.pauses {
		s.told(p)
	}
	for k, v := range h.header {
		w.Header()[k] = v
	}
	w.WriteHeader(h.status)
	w.Write(h.body.Bytes())
}

// announce tells the bot about a 429's pause now, or when a held answer
// reaches it.
func (s *Server) announce(w http.ResponseWriter, p *pause) {
	if h, ok := w.(*heldAnswer); ok {
		h.pauses = append(h.pauses, p)
		return
	}
	s.told(p)
}

// methodName is the canonical name of the method a request calls.
func methodName(r *http.Request) string {
	name := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	if m, ok := methods[lower(name)]; ok {
		return m.name
	}
	return name
}
