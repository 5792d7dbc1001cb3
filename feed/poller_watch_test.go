package feed

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/internal/fakeportal"
	"github.com/osipovichi/newsbot/subscriptions"
)

// TestPollerRunHangingFeedDelaysNoOther (issue 16.7): while one feed's
// body never ends, Run keeps polling the other on its schedule; the slow
// poll ends at its own deadline, and cancelling Run returns at once.
func TestPollerRunHangingFeedDelaysNoOther(t *testing.T) {
	portal := testPortal(t)
	portal.Fault("/be/rss-be/", fakeportal.FaultSlowBody)
	store := newRecorder(t, newFakeStore())
	p, err := NewPoller(PollerOptions{
		Store: store,
		Feeds: []subscriptions.FeedConfig{
			{Section: "news", URL: portal.URL("/be/rss-be/")},
			{Section: "news", URL: portal.URL("/ru/rss-ru/")},
		},
		Fetcher:     NewFetcher(FetcherOptions{Timeout: time.Minute, ResponseHeaderTimeout: time.Minute}),
		Interval:    20 * time.Millisecond,
		PollTimeout: 1500 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()

	// Five polls of the good feed while the first poll of the slow one is
	// still reading its body.
	deadline := time.Now().Add(10 * time.Second)
	for len(portal.Requests("/ru/rss-ru/")) < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s: %d polls of the good feed, want 5", len(portal.Requests("/ru/rss-ru/")))
		}
		time.Sleep(time.Millisecond)
	}
	if n := len(portal.Requests("/be/rss-be/")); n != 1 {
		t.Errorf("the slow feed was requested %d times, want once (its poll still running)", n)
	}
	if h := p.Health()[0]; h.LastAttemptAt.IsZero() == false {
		t.Errorf("the slow feed's poll ended before its deadline: %+v", h)
	}
	// The slow poll fails at its own deadline, in plain words.
	for p.Health()[0].LastOutcome == "" {
		if time.Now().After(deadline) {
			t.Fatal("the slow feed's poll did not end at its deadline")
		}
		time.Sleep(time.Millisecond)
	}
	if h := p.Health()[0]; h.LastOutcome != OutcomeError || !strings.HasPrefix(h.LastError, "the portal did not answer in time") {
		t.Errorf("slow feed: got %s %q, want an error saying it did not answer in time", h.LastOutcome, h.LastError)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: got %v, want nil", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not return after cancellation")
	}
}

// TestPollerRunBoundsConcurrency: no more feeds are fetched at once than
// Concurrency, however many hang.
func TestPollerRunBoundsConcurrency(t *testing.T) {
	portal := testPortal(t)
	var cfgs []subscriptions.FeedConfig
	for _, path := range []string{"/h1/", "/h2/", "/h3/", "/h4/"} {
		portal.Set(path, nil, "")
		portal.Fault(path, fakeportal.FaultHang)
		cfgs = append(cfgs, subscriptions.FeedConfig{Section: "news", URL: portal.URL(path)})
	}
	p, err := NewPoller(PollerOptions{Store: newFakeStore(), Feeds: cfgs, Concurrency: 2,
		Fetcher: NewFetcher(FetcherOptions{}), Interval: 20 * time.Millisecond, PollTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	requested := func() int {
		n := 0
		for _, c := range cfgs {
			n += len(portal.Requests(strings.TrimPrefix(c.URL, portal.URL(""))))
		}
		return n
	}
	deadline := time.Now().Add(5 * time.Second)
	for requested() < 2 {
		if time.Now().After(deadline) {
			t.Fatal("no two feeds requested")
		}
		time.Sleep(time.Millisecond)
	}
	// Give the scheduler many rounds to overstep the bound, if it would.
	time.Sleep(200 * time.Millisecond)
	if n := requested(); n != 2 {
		t.Errorf("%d feeds requested at once, want 2 (Concurrency)", n)
	}
	cancel()
	<-done
}

// TestPollerSilentFeedAlertsOnTheTimer (issue 16.6): a feed that asked to
// wait a day is polled again within the hour, and the admins hear of its
// silence when the threshold passes, from the timer, with no poll at all.
func TestPollerSilentFeedAlertsOnTheTimer(t *testing.T) {
	e := newPollerEnv(t, "/ru/rss-ru/")
	ctx := context.Background()
	if err := e.poller.PollOnce(ctx); err != nil {
		t.Fatal(err)
	}
	e.portal.Fault("/ru/rss-ru/", fakeportal.Fault503Day)
	e.clock.Advance(5 * time.Minute)
	if err := e.poller.PollOnce(ctx); err == nil {
		t.Fatal("503: no error")
	}
	h := e.health(t, 0)
	if wait := h.NextPollAt.Sub(e.clock.Now()); wait > time.Hour || wait < 54*time.Minute {
		t.Errorf("after Retry-After: 86400, next poll in %s; want the one-hour cap", wait)
	}
	// 59 minutes after the last success: not yet.
	e.clock.Set(t0.Add(59 * time.Minute))
	e.poller.watch(ctx, e.clock.Now())
	if down, _ := e.alerts.counts(); down != 0 {
		t.Fatalf("alerted %d times before the threshold", down)
	}
	// An hour without a successful poll: the timer alerts, once.
	e.clock.Set(t0.Add(time.Hour))
	e.poller.watch(ctx, e.clock.Now())
	e.clock.Advance(10 * time.Minute)
	e.poller.watch(ctx, e.clock.Now())
	if down, _ := e.alerts.counts(); down != 1 {
		t.Fatalf("got %d alerts, want 1", down)
	}
	got := e.alerts.down[0]
	if !got.LastSuccessAt.Equal(t0) || !strings.Contains(got.LastError, "asked to retry after 24h0m0s") {
		t.Errorf("alert: silent since %v for %q; want since %v, the 503 as the reason", got.LastSuccessAt, got.LastError, t0)
	}
	if n := len(e.portal.Requests("/ru/rss-ru/")); n != 2 {
		t.Errorf("%d requests, want 2: the alert came without a poll", n)
	}
	if row := e.store.row(1); row.AlertedAt.IsZero() {
		t.Error("the alert is not recorded in the store")
	}
	// Back: one recovery notice.
	e.portal.Fault("/ru/rss-ru/", fakeportal.FaultNone)
	if err := e.poller.PollOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if down, rec := e.alerts.counts(); down != 1 || rec != 1 {
		t.Errorf("after recovery: %d down, %d recovered; want 1, 1", down, rec)
	}
}

// TestPollerNeverPolledFeedAlerts: a feed whose polls never end (or that
// was never polled) is silent from the poller's start.
func TestPollerNeverPolledFeedAlerts(t *testing.T) {
	e := newPollerEnv(t, "/ru/rss-ru/")
	ctx := context.Background()
	if err := e.poller.load(ctx); err != nil {
		t.Fatal(err)
	}
	st := e.poller.states()[0]
	if !e.poller.claim(st, time.Time{}) { // a poll in flight
		t.Fatal("cannot claim the feed")
	}
	e.clock.Advance(2 * time.Hour)
	e.poller.watch(ctx, e.clock.Now())
	if down, _ := e.alerts.counts(); down != 1 {
		t.Fatalf("got %d alerts, want 1", down)
	}
	if got := e.alerts.down[0]; !got.LastSuccessAt.Equal(t0) || !strings.HasPrefix(got.LastError, "a poll that began at 2023-03-03T17:00:00Z has not ended") {
		t.Errorf("alert: since %v for %q", got.LastSuccessAt, got.LastError)
	}
}

// TestPollerPersistentTruncation (issue 12.3): a cut-off document is read
// and shown in the health at once; admins hear of it only when it has
// lasted three polls (304s of the same document count) and the alert
// threshold, once; a whole document ends it.
func TestPollerPersistentTruncation(t *testing.T) {
	e := newPollerEnv(t, "/ru/rss-ru/")
	ctx := context.Background()
	serve := func() { // modified now, by the test's clock
		if err := e.portal.Serve("/ru/rss-ru/", "ru-rss.xml", "application/rss+xml"); err != nil {
			t.Fatal(err)
		}
	}
	serve()
	if err := e.poller.PollOnce(ctx); err != nil {
		t.Fatal(err)
	}
	e.portal.Fault("/ru/rss-ru/", fakeportal.FaultTruncated)
	start := t0.Add(10 * time.Minute)
	for i, at := range []time.Duration{10, 20, 75, 90} {
		e.clock.Set(t0.Add(at * time.Minute))
		if err := e.poller.PollOnce(ctx); err != nil {
			t.Fatalf("poll %d of a truncated feed: %v", i, err)
		}
		h := e.health(t, 0)
		if !strings.HasPrefix(h.Repairs, "truncated:") || !h.TruncatedSince.Equal(start) || h.LastOutcome == OutcomeError {
			t.Errorf("poll %d: health %+v, want truncated since %v", i, h, start)
		}
		want := 0
		if at >= 75 { // three polls, and over an hour since the first
			want = 1
		}
		if got := len(e.alerts.truncated); got != want {
			t.Errorf("poll %d at +%dm: %d truncation alerts, want %d", i, at, got, want)
		}
	}
	if !e.alerts.truncated[0].Equal(start) {
		t.Errorf("alert says truncated since %v, want %v", e.alerts.truncated[0], start)
	}
	e.portal.Fault("/ru/rss-ru/", fakeportal.FaultNone)
	e.clock.Advance(10 * time.Minute)
	serve() // the portal fixed it
	if err := e.poller.PollOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if h := e.health(t, 0); h.Repairs != "" || !h.TruncatedSince.IsZero() {
		t.Errorf("after a whole document: repairs %q since %v, want none", h.Repairs, h.TruncatedSince)
	}
	if down, _ := e.alerts.counts(); down != 0 {
		t.Errorf("a truncated feed is not silent: got %d down alerts", down)
	}
}
