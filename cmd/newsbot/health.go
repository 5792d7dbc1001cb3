package main

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/feed"
	"github.com/osipovichi/newsbot/subscriptions/store"
)

// outageUnhealthyAfter is how long the bot may wait for Telegram (no answer
// to getMe since the start, or an outage of the outbox: 5xx, timeouts, no
// connection) with /healthz saying "degraded" (200) before it says
// "unavailable" (503).
const outageUnhealthyAfter = 30 * time.Minute

// handlingStuckAfter is how long one update may be handled, or wait for
// its chat's turn, before /healthz calls the update loop stuck: a minute
// beyond the handlers' own deadline (a reply may wait out a global 429 for
// two minutes), so only a handler that ignores it.
const handlingStuckAfter = delivery.MaxHandling + time.Minute

// health answers /healthz from the running parts.
type health struct {
	store    *store.Store
	updates  updateLoop
	outbox   outboxReporter
	telegram telegramLink
	db       *dbWatch // nil: not watched
	poller   *feed.Poller
	started  time.Time
}

// outboxReporter is what /healthz asks the delivery engine's outbox.
type outboxReporter interface {
	OutboxStatus() delivery.OutboxStatus
}

// updateLoop is what /healthz asks the delivery engine's update loop.
type updateLoop interface {
	LastPoll() time.Time
	PollTimeout() time.Duration
	UpdatesInFlight() (n int, oldest time.Time)
}

// telegramLink is what /healthz asks the delivery engine of Telegram.
type telegramLink interface {
	Connected() <-chan struct{}
	TelegramStatus() (since time.Time, reason string)
}

// Values of healthReport.Status: degraded answers 200 like ok (the bot
// works and waits for something outside it), unavailable 503.
const (
	statusOK          = "ok"
	statusDegraded    = "degraded"
	statusUnavailable = "unavailable"
)

type healthReport struct {
	Status          string       `json:"status"` // ok, degraded or unavailable
	Version         string       `json:"version"`
	Uptime          string       `json:"uptime"`
	Database        string       `json:"database"`
	Outbox          string       `json:"outbox"`
	Telegram        string       `json:"telegram"` // ok, or "unreachable since …: why"
	UpdateLoop      string       `json:"update_loop"`
	UpdatesInFlight int          `json:"updates_in_flight"`
	LastUpdatePoll  time.Time    `json:"last_update_poll"`
	Feeds           []feedReport `json:"feeds"`
}

type feedReport struct {
	Section       string `json:"section"`
	URL           string `json:"url"`
	Language      string `json:"language,omitempty"`
	DiscoveredURL string `json:"discovered_url,omitempty"`
	// VersionOf is, for a language version, the configured page it was found on;
	// Versions are a page's versions, each language with its evidence.
	VersionOf           string     `json:"version_of,omitempty"`
	Versions            []string   `json:"versions,omitempty"`
	ReadAs              string     `json:"read_as,omitempty"` // feed, listing or "listing (detected)"
	LastAttempt         *time.Time `json:"last_attempt,omitempty"`
	LastSuccess         *time.Time `json:"last_success,omitempty"`
	LastError           string     `json:"last_error,omitempty"`
	ConsecutiveFailures int        `json:"consecutive_failures"`
	Items               int        `json:"items"`
	// Repairs says what the last document needed to be read (cut off, characters removed).
	Repairs        string     `json:"repairs,omitempty"`
	TruncatedSince *time.Time `json:"truncated_since,omitempty"`
	NextPoll       *time.Time `json:"next_poll,omitempty"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func (h *health) report(ctx context.Context) (healthReport, bool) {
	r := healthReport{Status: statusOK, Version: version, Database: "ok", Outbox: "ok", Telegram: "ok", UpdateLoop: "ok",
		Uptime: time.Since(h.started).Round(time.Second).String(), LastUpdatePoll: h.updates.LastPoll().UTC()}
	ok, degraded := true, false
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := h.store.Ping(pctx); err != nil {
		r.Database, ok = "unreachable: "+err.Error(), false
	} else if h.db != nil {
		if fault, since := h.db.status(); fault != "" {
			r.Database, ok = fault+" (since "+rfc3339(since)+")", false
		}
	}
	if st := h.outbox.OutboxStatus(); st.Cause != "" {
		r.Outbox = "paused (" + st.Cause + ") since " + rfc3339(st.Since) + ": " + st.Reason
		if !st.Until.IsZero() {
			r.Outbox += "; next try at " + rfc3339(st.Until)
		}
		switch {
		case st.Cause == delivery.PauseTelegram && time.Since(st.Since) > outageUnhealthyAfter:
			ok = false
		case st.Cause == delivery.PauseTelegram || st.Cause == delivery.PauseRateLimit:
			degraded = true
		default: // the store or the database: nothing can be sent
			ok = false
		}
	}
	if since, reason := h.telegram.TelegramStatus(); !since.IsZero() {
		r.Telegram = "unreachable since " + rfc3339(since) + ": " + reason
	}
	n, oldest := h.updates.UpdatesInFlight()
	r.UpdatesInFlight = n
	switch {
	case !isClosed(h.telegram.Connected()):
		r.UpdateLoop = "waiting for Telegram"
	case time.Since(h.updates.LastPoll()) > 2*h.updates.PollTimeout():
		r.UpdateLoop, ok = "stuck since "+rfc3339(h.updates.LastPoll()), false
	case n > 0 && time.Since(oldest) > handlingStuckAfter:
		r.UpdateLoop, ok = "stuck: an update handled since "+rfc3339(oldest), false
	}
	for _, f := range h.poller.Health() {
		r.Feeds = append(r.Feeds, feedReport{Section: f.Section, URL: f.URL, Language: f.Language, DiscoveredURL: f.DiscoveredURL,
			VersionOf: f.VersionOf, Versions: f.Versions, ReadAs: f.ReadAs,
			LastAttempt: timePtr(f.LastAttemptAt), LastSuccess: timePtr(f.LastSuccessAt), LastError: f.LastError,
			ConsecutiveFailures: f.ConsecutiveFailures, Items: f.ItemCount,
			Repairs: f.Repairs, TruncatedSince: timePtr(f.TruncatedSince), NextPoll: timePtr(f.NextPollAt)})
	}
	switch {
	case !ok:
		r.Status = statusUnavailable
	case degraded:
		r.Status = statusDegraded
	}
	return r, ok
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

func (h *health) routes(reg *prometheus.Registry) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		rep, ok := h.report(r.Context())
		w.Header().Set("Content-Type", "application/json")
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return mux
}
