package main

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/osipovichi/newsbot/feed"
	"github.com/osipovichi/newsbot/subscriptions/store"
)

// health answers /healthz from the running parts.
type health struct {
	store   *store.Store
	updates updateLoop
	poller  *feed.Poller
	started time.Time
}

// updateLoop is what /healthz asks the delivery engine's update loop.
type updateLoop interface {
	LastPoll() time.Time
	PollTimeout() time.Duration
}

type healthReport struct {
	Status         string       `json:"status"` // ok or unavailable
	Version        string       `json:"version"`
	Uptime         string       `json:"uptime"`
	Database       string       `json:"database"`
	UpdateLoop     string       `json:"update_loop"`
	LastUpdatePoll time.Time    `json:"last_update_poll"`
	Feeds          []feedReport `json:"feeds"`
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
	r := healthReport{Status: "ok", Version: version, Database: "ok", UpdateLoop: "ok",
		Uptime: time.Since(h.started).Round(time.Second).String(), LastUpdatePoll: h.updates.LastPoll().UTC()}
	ok := true
	pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := h.store.Ping(pctx); err != nil {
		r.Database, ok = "unreachable: "+err.Error(), false
	}
	if time.Since(h.updates.LastPoll()) > 2*h.updates.PollTimeout() {
		r.UpdateLoop, ok = "stuck since "+h.updates.LastPoll().UTC().Format(time.RFC3339), false
	}
	for _, f := range h.poller.Health() {
		r.Feeds = append(r.Feeds, feedReport{Section: f.Section, URL: f.URL, Language: f.Language, DiscoveredURL: f.DiscoveredURL,
			VersionOf: f.VersionOf, Versions: f.Versions, ReadAs: f.ReadAs,
			LastAttempt: timePtr(f.LastAttemptAt), LastSuccess: timePtr(f.LastSuccessAt), LastError: f.LastError,
			ConsecutiveFailures: f.ConsecutiveFailures, Items: f.ItemCount,
			Repairs: f.Repairs, TruncatedSince: timePtr(f.TruncatedSince), NextPoll: timePtr(f.NextPollAt)})
	}
	if !ok {
		r.Status = "unavailable"
	}
	return r, ok
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
