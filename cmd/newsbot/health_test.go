package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/feed"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/subscriptions"
	"github.com/osipovichi/newsbot/subscriptions/store"
)

func getJSON(t *testing.T, url string) (int, healthReport) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rep healthReport
	if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil {
		t.Fatalf("decode /healthz: %v", err)
	}
	return resp.StatusCode, rep
}

func TestHealthAndMetricsOfARunningBot(t *testing.T) {
	t.Parallel()
	w := newWorld(t, faketelegram.Options{})
	addr := freeAddr(t)
	w.env["NEWSBOT_HTTP_ADDR"] = addr
	w.start()
	w.say(ruUser, "/subscribe")
	w.waitIngested(3)
	var rep healthReport
	w.tg.WaitFor(t, 10*time.Second, func() bool {
		code, r := getJSON(t, "http://"+addr+"/healthz")
		rep = r
		return code == http.StatusOK && len(r.Feeds) == 1 && r.Feeds[0].LastSuccess != nil
	}, "a healthy report with the feed's last success")
	if rep.Status != "ok" || rep.Database != "ok" || rep.UpdateLoop != "ok" || rep.Feeds[0].Items < 3 {
		t.Errorf("healthz = %+v", rep)
	}
	wants := []string{
		"newsbot_updates_handled_total", `newsbot_commands_total{command="subscribe"} 1`,
		"newsbot_messages_sent_total", "newsbot_feed_polls_total", "newsbot_active_subscribers 1",
		"newsbot_outbox_pending", "go_goroutines",
	}
	// The fake has the reply before the bot has its answer and counts it: wait.
	w.tg.WaitFor(t, 10*time.Second, func() bool {
		resp, err := http.Get("http://" + addr + "/metrics")
		if err != nil {
			return false
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return !slices.ContainsFunc(wants, func(want string) bool { return !strings.Contains(string(body), want) })
	}, fmt.Sprintf("/metrics with each of %q", wants))
}

func TestHealthUnavailable(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	tg := faketelegram.New(faketelegram.Options{})
	defer tg.Close()
	client, err := delivery.NewClient(ctx, tg.Token(), tg.Endpoint(), tg.Client())
	if err != nil {
		t.Fatal(err)
	}
	engine, err := delivery.New(delivery.Config{Client: client, Store: db, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	poller, err := feed.NewPoller(feed.PollerOptions{Store: db, Feeds: []subscriptions.FeedConfig{{Section: "news", URL: "https://example.invalid/"}}})
	if err != nil {
		t.Fatal(err)
	}
	h := &health{store: db, updates: engine, outbox: engine, telegram: link{up: true}, poller: poller, started: time.Now()}
	srv := httptest.NewServer(h.routes(prometheus.NewRegistry()))
	defer srv.Close()

	// Connected, but the update loop never polled: it counts as stuck.
	code, rep := getJSON(t, srv.URL+"/healthz")
	if code != http.StatusServiceUnavailable || rep.Status != "unavailable" || !strings.HasPrefix(rep.UpdateLoop, "stuck") {
		t.Errorf("never-polled bot: got %d %+v, want 503 with a stuck update loop", code, rep)
	}
	db.Close()
	code, rep = getJSON(t, srv.URL+"/healthz")
	if code != http.StatusServiceUnavailable || !strings.HasPrefix(rep.Database, "unreachable") {
		t.Errorf("closed database: got %d %+v, want 503 with the database unreachable", code, rep)
	}
}

// healthParts opens a database and a poller of one feed for a health
// report; they close with the test.
func healthParts(t *testing.T) (*store.Store, *feed.Poller) {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	poller, err := feed.NewPoller(feed.PollerOptions{Store: db, Feeds: []subscriptions.FeedConfig{{Section: "news", URL: "https://example.invalid/"}}})
	if err != nil {
		t.Fatal(err)
	}
	return db, poller
}

// outboxState is an outboxReporter with a fixed status.
type outboxState delivery.OutboxStatus

func (s outboxState) OutboxStatus() delivery.OutboxStatus { return delivery.OutboxStatus(s) }

// The outbox's pauses in /healthz: waiting out Telegram is degraded (200)
// until outageUnhealthyAfter, a store that refuses writes is unavailable.
func TestHealthOfTheOutbox(t *testing.T) {
	db, poller := healthParts(t)
	now := time.Now()
	for _, tc := range []struct {
		name   string
		st     delivery.OutboxStatus
		code   int
		status string
	}{
		{"sending", delivery.OutboxStatus{}, http.StatusOK, "ok"},
		{"telegram down for a minute", delivery.OutboxStatus{Cause: delivery.PauseTelegram, Reason: "HTTP 502", Since: now.Add(-time.Minute), Until: now.Add(time.Minute)},
			http.StatusOK, "degraded"},
		{"telegram down for an hour", delivery.OutboxStatus{Cause: delivery.PauseTelegram, Reason: "HTTP 502", Since: now.Add(-time.Hour), Until: now.Add(time.Minute)},
			http.StatusServiceUnavailable, "unavailable"},
		{"rate limited for an hour", delivery.OutboxStatus{Cause: delivery.PauseRateLimit, Reason: "Too Many Requests: retry after 3600", Since: now.Add(-time.Hour), Until: now.Add(time.Minute)},
			http.StatusOK, "degraded"},
		{"store refuses writes", delivery.OutboxStatus{Cause: delivery.PauseStore, Reason: "cannot record delivery outcomes: disk I/O error", Since: now},
			http.StatusServiceUnavailable, "unavailable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := &health{store: db, updates: polled{}, outbox: outboxState(tc.st), telegram: link{up: true}, poller: poller, started: now}
			srv := httptest.NewServer(h.routes(prometheus.NewRegistry()))
			defer srv.Close()
			code, rep := getJSON(t, srv.URL+"/healthz")
			if code != tc.code || rep.Status != tc.status {
				t.Errorf("got %d %q, want %d %q (%+v)", code, rep.Status, tc.code, tc.status, rep)
			}
			if tc.st.Cause != "" && (!strings.Contains(rep.Outbox, "paused ("+tc.st.Cause+")") || !strings.Contains(rep.Outbox, tc.st.Reason)) {
				t.Errorf("outbox = %q, want the cause %s and the reason %q", rep.Outbox, tc.st.Cause, tc.st.Reason)
			}
		})
	}
}

// polled is an update loop that has just polled, with an update in flight
// since oldest (none when zero).
type polled struct{ oldest time.Time }

func (polled) LastPoll() time.Time        { return time.Now() }
func (polled) PollTimeout() time.Duration { return time.Minute }
func (p polled) UpdatesInFlight() (int, time.Time) {
	if p.oldest.IsZero() {
		return 0, time.Time{}
	}
	return 1, p.oldest
}

// link is Telegram as the engine sees it: connected (getMe answered) or
// not, and unreachable since a time (none when zero).
type link struct {
	up     bool
	since  time.Time
	reason string
}

func (l link) Connected() <-chan struct{} {
	c := make(chan struct{})
	if l.up {
		close(c)
	}
	return c
}

func (l link) TelegramStatus() (time.Time, string) { return l.since, l.reason }

// The update loop and Telegram in /healthz: waiting for Telegram at the
// start is degraded (200) until outageUnhealthyAfter; an update handled
// for longer than handlingStuckAfter is a stuck update loop (503).
func TestHealthOfTheUpdateLoopAndTelegram(t *testing.T) {
	db, poller := healthParts(t)
	now := time.Now()
	const refused = "dial tcp 127.0.0.1:1: connect: connection refused"
	unreachable := func(since time.Time) (link, outboxState) {
		return link{since: since, reason: refused}, outboxState{Cause: delivery.PauseTelegram, Reason: refused, Since: since}
	}
	for _, tc := range []struct {
		name     string
		updates  polled
		telegram link
		outbox   outboxState
		code     int
		status   string
		loop     string // the start of update_loop
	}{
		{"all well", polled{}, link{up: true}, outboxState{}, http.StatusOK, "ok", "ok"},
		{"an update handled for 2 min (a reply waiting out a global 429)", polled{oldest: now.Add(-2 * time.Minute)}, link{up: true}, outboxState{}, http.StatusOK, "ok", "ok"},
		{"an update handled for 4 min", polled{oldest: now.Add(-4 * time.Minute)}, link{up: true}, outboxState{},
			http.StatusServiceUnavailable, "unavailable", "stuck: an update handled since"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := &health{store: db, updates: tc.updates, outbox: tc.outbox, telegram: tc.telegram, poller: poller, started: now}
			srv := httptest.NewServer(h.routes(prometheus.NewRegistry()))
			defer srv.Close()
			code, rep := getJSON(t, srv.URL+"/healthz")
			if code != tc.code || rep.Status != tc.status || !strings.HasPrefix(rep.UpdateLoop, tc.loop) || rep.Telegram != "ok" {
				t.Errorf("got %d %q update_loop %q telegram %q, want %d %q %q… ok", code, rep.Status, rep.UpdateLoop, rep.Telegram,
					tc.code, tc.status, tc.loop)
			}
		})
	}
	for _, tc := range []struct {
		name   string
		lasted time.Duration
		code   int
		status string
	}{
		{"unreachable for a minute", time.Minute, http.StatusOK, "degraded"},
		{"unreachable for longer than the bound", outageUnhealthyAfter + time.Minute, http.StatusServiceUnavailable, "unavailable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			since := now.Add(-tc.lasted)
			tg, ob := unreachable(since)
			h := &health{store: db, updates: polled{}, outbox: ob, telegram: tg, poller: poller, started: since}
			srv := httptest.NewServer(h.routes(prometheus.NewRegistry()))
			defer srv.Close()
			code, rep := getJSON(t, srv.URL+"/healthz")
			want := "unreachable since " + rfc3339(since) + ": " + refused
			if code != tc.code || rep.Status != tc.status || rep.Telegram != want || rep.UpdateLoop != "waiting for Telegram" {
				t.Errorf("got %d %q telegram %q update_loop %q; want %d %q %q, waiting for Telegram",
					code, rep.Status, rep.Telegram, rep.UpdateLoop, tc.code, tc.status, want)
			}
		})
	}
}
