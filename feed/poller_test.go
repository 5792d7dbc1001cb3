package feed

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/osipovichi/newsbot/internal/fakeportal"
	"github.com/osipovichi/newsbot/internal/testkit"
	"github.com/osipovichi/newsbot/subscriptions"
	"github.com/osipovichi/newsbot/subscriptions/store"
)

type pollerEnv struct {
	portal *fakeportal.Portal
	store  *storeRecorder // what the poller asked of the store under test
	fake   *fakeStore     // the store under test when it is the fake (it fails on demand), else nil
	clock  *testkit.Clock
	alerts *alerts
	poller *Poller
	logs   *testkit.LogBuffer
	reg    *prometheus.Registry
	onNew  chan subscriptions.IngestResult
}

var t0 = time.Date(2023, 3, 3, 17, 0, 0, 0, time.UTC)

// newPollerEnv is newEnv of feeds at paths of the portal, over the fake store.
func newPollerEnv(t testing.TB, paths ...string) *pollerEnv {
	t.Helper()
	return newPollerEnvOn(t, newFakeStore(), paths...)
}

// newPollerEnvOn is newEnv of feeds at paths of the portal.
func newPollerEnvOn(t testing.TB, backing backingStore, paths ...string) *pollerEnv {
	t.Helper()
	var cfgs []subscriptions.FeedConfig
	for _, p := range paths {
		cfgs = append(cfgs, subscriptions.FeedConfig{Section: "news", URL: p})
	}
	e, _ := newEnv(t, backing, nil, cfgs...)
	return e
}

// newEnv starts a fake portal and a poller of cfgs (URLs given as paths on
// the portal) over backing (the fake store when nil); opts may adjust the
// options first. It returns the options too, for restarts.
func newEnv(t testing.TB, backing backingStore, opts func(*PollerOptions), cfgs ...subscriptions.FeedConfig) (*pollerEnv, PollerOptions) {
	t.Helper()
	if backing == nil {
		backing = newFakeStore()
	}
	fake, _ := backing.(*fakeStore)
	e := &pollerEnv{
		portal: testPortal(t),
		store:  newRecorder(t, backing),
		fake:   fake,
		clock:  testkit.NewClock(t0),
		alerts: &alerts{},
		logs:   &testkit.LogBuffer{},
		reg:    prometheus.NewRegistry(),
		onNew:  make(chan subscriptions.IngestResult, 100),
	}
	e.portal.SetClock(e.clock.Now)
	for i := range cfgs {
		cfgs[i].URL = e.portal.URL(cfgs[i].URL)
	}
	o := PollerOptions{
		Store:      e.store,
		Feeds:      cfgs,
		Fetcher:    testPollFetcher(envTimeout, e.clock.Now),
		Interval:   5 * time.Minute,
		Logger:     slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:        e.clock.Now,
		OnNew:      func(ctx context.Context, r subscriptions.IngestResult) { e.onNew <- r },
		Alerter:    e.alerts,
		Registerer: e.reg,
	}
	if opts != nil {
		opts(&o)
	}
	var err error
	if e.poller, err = NewPoller(o); err != nil {
		t.Fatal(err)
	}
	return e, o
}

// envTimeout is the fetcher's timeout in a poller test: long enough that a
// loaded machine, or the race detector, does not turn an answer into a
// timeout. Faults that are timeouts get a short one (see fetchTimeout).
const envTimeout = 5 * time.Second

func testPollFetcher(timeout time.Duration, now func() time.Time) *Fetcher {
	return NewFetcher(FetcherOptions{Version: "test", Timeout: timeout, ResponseHeaderTimeout: timeout, MaxBodyBytes: 1 << 20, Now: now})
}

// fetchTimeout gives the poller of a fault scenario a short timeout when
// the fault is one (a hanging server, a body that never ends), so that the
// scenario does not wait envTimeout at each poll.
func fetchTimeout(f fakeportal.Fault) func(*PollerOptions) {
	return func(o *PollerOptions) {
		if f == fakeportal.FaultHang || f == fakeportal.FaultSlowBody {
			o.Fetcher = testPollFetcher(150*time.Millisecond, o.Now)
		}
	}
}

func (e *pollerEnv) health(t testing.TB, i int) FeedHealth {
	t.Helper()
	h := e.poller.Health()
	if len(h) <= i {
		t.Fatalf("got %d feeds in Health, want more than %d", len(h), i)
	}
	return h[i]
}

func TestPollerFirstPollThenNewOnce(t *testing.T) {
	contract(t, func(t *testing.T, k storeKind) {
		e := newPollerEnvOn(t, k.open(t), "/ru/rss-ru/")
		ctx := context.Background()
		if err := e.poller.PollOnce(ctx); err != nil {
			t.Fatal(err)
		}
		first := e.store.lastIngest()
		if !first.out.First || len(first.articles) != 5 || len(e.store.announced()) != 0 {
			t.Fatalf("first poll: got First=%v, %d articles, %d announced; want first, 5, none", first.out.First, len(first.articles), len(e.store.announced()))
		}
		if first.res.ETag == "" || first.res.LastModified == "" || !first.res.At.Equal(t0) || first.res.ResolvedURL != "" {
			t.Errorf("fetch result: got %+v", first.res)
		}
		if len(e.onNew) != 0 {
			t.Errorf("OnNew called after the first poll")
		}
		h := e.health(t, 0)
		if h.LastOutcome != OutcomeOK || h.ItemCount != 5 || h.Encoding != "utf-8" || h.LastStatus != 200 || !h.LastSuccessAt.Equal(t0) {
			t.Errorf("health: got %+v", h)
		}
		if d := h.NextPollAt.Sub(t0); d < 270*time.Second || d > 330*time.Second {
			t.Errorf("next poll in %s, want 5m ±10%%", d)
		}

		// Nothing changed: 304, no store call.
		e.clock.Advance(5 * time.Minute)
		calls := len(e.store.calls)
		if err := e.poller.PollOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if len(e.store.calls) != calls {
			t.Errorf("304: store called %v, want no call", e.store.calls[calls:])
		}
		reqs := e.portal.Requests("/ru/rss-ru/")
		if last := reqs[len(reqs)-1].Header; last.Get("If-None-Match") != first.res.ETag || last.Get("If-Modified-Since") != first.res.LastModified {
			t.Errorf("validators: got %q / %q, want %q / %q", last.Get("If-None-Match"), last.Get("If-Modified-Since"), first.res.ETag, first.res.LastModified)
		}
		h = e.health(t, 0)
		if h.LastOutcome != OutcomeNotModified || h.LastStatus != 304 || !h.LastAttemptAt.Equal(t0.Add(5*time.Minute)) || !h.LastSuccessAt.Equal(h.LastAttemptAt) {
			t.Errorf("health after 304: got %+v", h)
		}

		// A new item on top: announced once.
		body, _ := os.ReadFile("testdata/ru-rss.xml")
		newItem := `<item><title>Новая новость</title><link>https://osipovichi.gov.by/ru/news-ru/view/novaja-12346/</link><guid>https://osipovichi.gov.by/ru/news-ru/view/novaja-12346/</guid><pubDate>Fri, 03 Mar 2023 19:00:00 +0300</pubDate><description>Текст.</description></item>`
		withNew := bytes.Replace(body, []byte("<item>"), []byte(newItem+"\n    <item>"), 1)
		e.portal.Set("/ru/rss-ru/", withNew, "application/rss+xml; charset=utf-8")
		e.clock.Advance(5 * time.Minute)
		if err := e.poller.PollOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if got := e.store.announced(); len(got) != 1 || got[0] != "https://osipovichi.gov.by/ru/news-ru/view/novaja-12346/" {
			t.Fatalf("announced: got %q, want the new item once", got)
		}
		select {
		case r := <-e.onNew:
			if len(r.New) != 1 || r.Enqueued != 2 {
				t.Errorf("OnNew: got %d new, %d enqueued; want 1, 2", len(r.New), r.Enqueued)
			}
		default:
			t.Error("OnNew not called for the new item")
		}

		// The item removed, then re-added with the others reordered: not new again.
		e.portal.Set("/ru/rss-ru/", body, "application/rss+xml; charset=utf-8")
		e.clock.Advance(5 * time.Minute)
		if err := e.poller.PollOnce(ctx); err != nil {
			t.Fatal(err)
		}
		items := strings.SplitAfter(string(withNew), "</item>")
		reordered := items[0][:strings.Index(items[0], "<item>")] + items[2][strings.Index(items[2], "<item>"):] +
			items[0][strings.Index(items[0], "<item>"):] + items[1] + strings.Join(items[3:], "")
		e.portal.Set("/ru/rss-ru/", []byte(reordered), "application/rss+xml; charset=utf-8")
		e.clock.Advance(5 * time.Minute)
		if err := e.poller.PollOnce(ctx); err != nil {
			t.Fatal(err)
		}
		last := e.store.lastIngest()
		if len(last.articles) != 6 || last.articles[0].Key == withNewKeyOrder(t, withNew)[0] {
			t.Errorf("reordered feed: got %d articles passed through (first %q), want 6 in the new order", len(last.articles), last.articles[0].Key)
		}
		if len(e.store.announced()) != 1 || len(e.onNew) != 0 {
			t.Errorf("after removal and re-adding: got %d announced, %d OnNew; want 1, 0", len(e.store.announced()), len(e.onNew))
		}
	})
}

func withNewKeyOrder(t *testing.T, body []byte) []string {
	t.Helper()
	_, arts, err := ParseArticles(body, "", "https://osipovichi.gov.by/ru/rss-ru/", subscriptionsFeed(), t0)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, a := range arts {
		keys = append(keys, a.Key)
	}
	return keys
}

func TestPollerFaults(t *testing.T) {
	contract(t, func(t *testing.T, k storeKind) {
		messages := map[fakeportal.Fault]string{
			fakeportal.Fault500:          "the portal answered 500 internal server error (GET ",
			fakeportal.Fault404:          "the portal answered 404 not found (GET ",
			fakeportal.Fault503:          "the portal answered 503 service unavailable and asked to retry after 2m0s (GET ",
			fakeportal.Fault503Day:       "the portal answered 503 service unavailable and asked to retry after 24h0m0s (GET ",
			fakeportal.Fault429:          "the portal answered 429 too many requests and asked to retry after 1m30s (GET ",
			fakeportal.FaultSlowBody:     "the portal did not answer in time (GET ",
			fakeportal.FaultHang:         "the portal did not answer in time (GET ",
			fakeportal.FaultHTML:         "no RSS or Atom feed link found on",
			fakeportal.FaultRandom:       "the address serves no RSS, Atom or JSON feed: the body does not start with markup (parse ",
			fakeportal.FaultHuge:         "the feed is larger than the 1 MiB limit (GET ",
			fakeportal.FaultRedirectLoop: "the portal redirected more than 5 times (GET ",
			fakeportal.FaultEmpty:        "the portal sent an empty answer instead of a feed (parse ",
		}
		// A Retry-After is honoured up to MaxBackoff (1 h): a day is an hour.
		retryAfter := map[fakeportal.Fault]time.Duration{fakeportal.Fault503: 2 * time.Minute, fakeportal.Fault429: 90 * time.Second,
			fakeportal.Fault503Day: time.Hour}
		const path = "/ru/rss-ru/"
		for _, fault := range fakeportal.Faults {
			t.Run(string(fault), func(t *testing.T) {
				t.Parallel()
				e, _ := newEnv(t, k.open(t), fetchTimeout(fault), subscriptions.FeedConfig{Section: "news", URL: path})
				ctx := context.Background()
				if err := e.poller.PollOnce(ctx); err != nil {
					t.Fatal(err)
				}
				url := e.portal.URL(path)

				e.portal.Fault(path, fault)
				if fault == fakeportal.FaultTruncated {
					// Half a feed is still a feed: its complete items are read, and nothing stored is lost.
					e.clock.Advance(time.Minute)
					if err := e.poller.PollOnce(ctx); err != nil || e.store.stored(1) != 5 || len(e.store.announced()) != 0 {
						t.Fatalf("truncated feed: got %v, %d stored, %q announced", err, e.store.stored(1), e.store.announced())
					}
					return
				}
				var prevDelay time.Duration
				for i := 1; i <= 3; i++ {
					e.clock.Advance(time.Minute)
					now := e.clock.Now()
					err := e.poller.PollOnce(ctx)
					if err == nil {
						t.Fatalf("poll %d: got no error", i)
					}
					fails := e.store.failures
					if len(fails) != i {
						t.Fatalf("poll %d: RecordFeedFailure called %d times, want %d", i, len(fails), i)
					}
					msg := fails[i-1].errText
					if !strings.Contains(msg, messages[fault]) || !strings.Contains(msg, url) || !fails[i-1].at.Equal(now) {
						t.Errorf("recorded %q at %v; want it to contain %q and %q, at %v", msg, fails[i-1].at, messages[fault], url, now)
					}
					h := e.health(t, 0)
					if h.ConsecutiveFailures != i || h.LastOutcome != OutcomeError || h.LastError != msg || !h.FailingSince.Equal(t0.Add(time.Minute)) {
						t.Errorf("health: got %+v", h)
					}
					delay := h.NextPollAt.Sub(now)
					if ra := retryAfter[fault]; ra > 0 {
						if delay < ra || delay > time.Hour {
							t.Errorf("poll %d: next poll in %s, want at least the Retry-After %s and at most an hour", i, delay, ra)
						}
					} else if delay <= prevDelay {
						t.Errorf("poll %d: next poll in %s, want more than %s (backoff)", i, delay, prevDelay)
					}
					prevDelay = delay
				}
				if n := e.store.count("IngestFeed"); n != 1 {
					t.Errorf("IngestFeed called %d times during faults, want 1 (the first poll)", n)
				}

				// The next good answer recovers, and nothing stored is lost.
				e.portal.Fault(path, fakeportal.FaultNone)
				e.clock.Advance(10 * time.Minute)
				if err := e.poller.PollOnce(ctx); err != nil {
					t.Fatalf("recovery: %v", err)
				}
				reqs := e.portal.Requests(path)
				if inm := reqs[len(reqs)-1].Header.Get("If-None-Match"); inm != "" {
					t.Errorf("recovery poll sent If-None-Match %q; want a full fetch after failures", inm)
				}
				row := e.store.row(1)
				h := e.health(t, 0)
				if row.ConsecutiveFailures != 0 || h.ConsecutiveFailures != 0 || h.LastOutcome != OutcomeOK || h.LastError != "" {
					t.Errorf("after recovery: store failures %d, health %+v; want reset", row.ConsecutiveFailures, h)
				}
				if n := e.store.stored(1); n != 5 {
					t.Errorf("after recovery: %d articles stored, want 5", n)
				}
				if len(e.store.announced()) != 0 {
					t.Errorf("after recovery: announced %q, want nothing", e.store.announced())
				}
			})
		}
	})
}

func TestPollerAlerts(t *testing.T) {
	e := newPollerEnv(t, "/ru/rss-ru/")
	ctx := context.Background()
	if err := e.poller.PollOnce(ctx); err != nil {
		t.Fatal(err)
	}
	e.portal.Fault("/ru/rss-ru/", fakeportal.Fault500)
	for _, step := range []time.Duration{time.Minute, 30 * time.Minute, 31 * time.Minute, 20 * time.Minute, 40 * time.Minute} {
		e.clock.Advance(step)
		e.poller.PollOnce(ctx)
	}
	down, rec := e.alerts.counts()
	if down != 1 || rec != 0 {
		t.Fatalf("after 2 h of failures: got %d down, %d recovered alerts; want 1, 0", down, rec)
	}
	if got := e.alerts.down[0]; got.ID != 1 || got.ConsecutiveFailures != 3 {
		t.Errorf("FeedDown got %+v, want feed 1 after the third failure (over an hour)", got)
	}
	if row := e.store.row(1); !row.AlertedAt.Equal(t0.Add(62 * time.Minute)) {
		t.Errorf("AlertedAt: got %v, want %v", row.AlertedAt, t0.Add(62*time.Minute))
	}

	e.portal.Fault("/ru/rss-ru/", fakeportal.FaultNone)
	for range 3 {
		e.clock.Advance(10 * time.Minute)
		if err := e.poller.PollOnce(ctx); err != nil {
			t.Fatal(err)
		}
	}
	down, rec = e.alerts.counts()
	if down != 1 || rec != 1 {
		t.Errorf("after recovery: got %d down, %d recovered alerts; want 1, 1", down, rec)
	}
	if row := e.store.row(1); !row.AlertedAt.IsZero() {
		t.Errorf("AlertedAt after recovery: got %v, want zero", row.AlertedAt)
	}
}

// TestPollerDiscovery: a page source in one language reads that
// language's feed from the page (see TestPollerLanguageVersions for a
// source without a language).
func TestPollerDiscovery(t *testing.T) {
	contract(t, func(t *testing.T, k storeKind) {
		e, _ := newEnv(t, k.open(t), nil, subscriptions.FeedConfig{Section: "news", Language: "ru", URL: "/"})
		ctx := context.Background()
		if err := e.poller.PollOnce(ctx); err != nil {
			t.Fatal(err)
		}
		feedURL := e.portal.URL("/ru/rss-ru/")
		in := e.store.lastIngest()
		if in.res.ResolvedURL != feedURL || len(in.articles) != 5 || in.articles[0].Language != "ru" {
			t.Fatalf("got resolved %q, %d articles in %q; want %s, 5, ru", in.res.ResolvedURL, len(in.articles), in.articles[0].Language, feedURL)
		}
		if h := e.health(t, 0); h.DiscoveredURL != feedURL {
			t.Errorf("health discovered url: got %q", h.DiscoveredURL)
		}
		if logs := e.logs.String(); !strings.Contains(logs, "discovered_url="+feedURL) || !strings.Contains(logs, "feed_url="+e.portal.URL("/")) {
			t.Errorf("logs do not name the discovered feed:\n%s", logs)
		}

		// Next poll goes to the feed directly, conditionally.
		e.clock.Advance(5 * time.Minute)
		if err := e.poller.PollOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if n := len(e.portal.Requests("/")); n != 1 {
			t.Errorf("home page fetched %d times, want 1", n)
		}
		if h := e.health(t, 0); h.LastOutcome != OutcomeNotModified {
			t.Errorf("second poll: got %s, want not_modified", h.LastOutcome)
		}

		// The feed moves: 404, so discovery runs again on the home page.
		home, _ := os.ReadFile("testdata/home.html")
		e.portal.Set("/", bytes.ReplaceAll(home, []byte("/ru/rss-ru/"), []byte("/ru/rss-new/")), "text/html; charset=utf-8")
		ru, _ := os.ReadFile("testdata/ru-rss.xml")
		e.portal.Set("/ru/rss-new/", ru, "application/rss+xml")
		e.portal.Remove("/ru/rss-ru/")
		e.clock.Advance(5 * time.Minute)
		if err := e.poller.PollOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if got := e.store.lastIngest().res.ResolvedURL; got != e.portal.URL("/ru/rss-new/") {
			t.Errorf("after the feed moved: resolved %q, want %q", got, e.portal.URL("/ru/rss-new/"))
		}
		if len(e.store.announced()) != 0 || len(e.store.failures) != 0 {
			t.Errorf("after the move: %d announced, %d failures; want none", len(e.store.announced()), len(e.store.failures))
		}
	})
}

func TestPollerHomeWithoutFeedLink(t *testing.T) {
	e := newPollerEnv(t, "/ru/contacts-ru/")
	err := e.poller.PollOnce(context.Background())
	if !errors.Is(err, ErrNoFeedLink) {
		t.Fatalf("got %v, want ErrNoFeedLink", err)
	}
	want := "no RSS or Atom feed link found on " + e.portal.URL("/ru/contacts-ru/") + ": the page is HTML"
	if got := e.store.failures[0].errText; got != want {
		t.Errorf("recorded %q, want %q", got, want)
	}
}

func TestPollerStoreErrors(t *testing.T) {
	e := newPollerEnv(t, "/ru/rss-ru/", "/en/rss-en/")
	e.fake.ingestErr = errors.New("database is locked")
	err := e.poller.PollOnce(context.Background())
	if err == nil || !strings.Contains(err.Error(), "database is locked") {
		t.Fatalf("got %v, want the store error", err)
	}
	if h := e.poller.Health(); len(h) != 2 || h[0].ConsecutiveFailures != 1 || h[1].ConsecutiveFailures != 1 {
		t.Errorf("health: got %+v, want both feeds failed once", h)
	}

	e2 := newPollerEnv(t, "/ru/rss-ru/")
	e2.fake.ensureErr = errors.New("disk full")
	if err := e2.poller.PollOnce(context.Background()); err == nil || !strings.Contains(err.Error(), "load feeds: disk full") {
		t.Errorf("got %v, want the load error", err)
	}
}

func TestPollerMetrics(t *testing.T) {
	e := newPollerEnv(t, "/ru/rss-ru/")
	ctx := context.Background()
	e.poller.PollOnce(ctx)
	e.poller.PollOnce(ctx)
	e.portal.Fault("/ru/rss-ru/", fakeportal.Fault500)
	e.poller.PollOnce(ctx)

	feed := e.portal.URL("/ru/rss-ru/")
	got := map[string]float64{}
	mfs, err := e.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			key := mf.GetName()
			for _, l := range m.GetLabel() {
				if l.GetName() == "feed" && l.GetValue() != feed {
					t.Errorf("feed label %q, want %q", l.GetValue(), feed)
				}
				if l.GetName() == "outcome" {
					key += "/" + l.GetValue()
				}
			}
			if m.Counter != nil {
				got[key] = m.Counter.GetValue()
			} else {
				got[key] = m.Gauge.GetValue()
			}
		}
	}
	want := map[string]float64{
		"newsbot_feed_polls_total/ok": 1, "newsbot_feed_polls_total/not_modified": 1, "newsbot_feed_polls_total/error": 1,
		"newsbot_feed_items": 5, "newsbot_feed_consecutive_failures": 1,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %v, want %v", k, got[k], v)
		}
	}
	// A second poller on the same registry reuses the collectors.
	if _, err := NewPoller(PollerOptions{Store: newFakeStore(), Registerer: e.reg}); err != nil {
		t.Errorf("second poller on one registry: %v", err)
	}
}

func TestPollerRun(t *testing.T) {
	portal := testPortal(t)
	store := newRecorder(t, newFakeStore())
	p, err := NewPoller(PollerOptions{
		Store: store,
		Feeds: []subscriptions.FeedConfig{
			{Section: "news", URL: portal.URL("/ru/rss-ru/")},
			{Section: "news", URL: portal.URL("/en/rss-en/")},
		},
		Fetcher:  NewFetcher(FetcherOptions{Timeout: time.Second}),
		Interval: 20 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()

	deadline := time.Now().Add(5 * time.Second)
	for len(portal.Requests("/ru/rss-ru/")) < 3 || len(portal.Requests("/en/rss-en/")) < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("after 5 s: %d and %d requests, want 3 each", len(portal.Requests("/ru/rss-ru/")), len(portal.Requests("/en/rss-en/")))
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: got %v, want nil on cancellation", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not return after cancellation")
	}
	if n := store.count("IngestFeed"); n != 2 {
		t.Errorf("IngestFeed called %d times, want 2 (then 304s)", n)
	}
	// Feeds are not polled at the same instant.
	ru, en := portal.Requests("/ru/rss-ru/")[0].At, portal.Requests("/en/rss-en/")[0].At
	if ru.Equal(en) {
		t.Errorf("both feeds first polled at %v", ru)
	}
}

func TestPollerRunRetriesLoad(t *testing.T) {
	fake := newFakeStore()
	fake.ensureErr = errors.New("database is locked")
	store := newRecorder(t, fake)
	p, err := NewPoller(PollerOptions{Store: store, Feeds: []subscriptions.FeedConfig{{URL: "http://127.0.0.1:1/"}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	deadline := time.Now().Add(2 * time.Second)
	for store.count("EnsureFeeds") < 1 {
		if time.Now().After(deadline) {
			t.Fatal("EnsureFeeds not called")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("got %v, want nil", err)
	}
}

func TestBackoff(t *testing.T) {
	p, err := NewPoller(PollerOptions{Store: newFakeStore(), Interval: 10 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	for n, base := range map[int]time.Duration{1: time.Minute, 2: 2 * time.Minute, 3: 4 * time.Minute, 6: 32 * time.Minute} {
		for range 50 {
			if d := p.backoff(n); d < base*9/10 || d > base*11/10 {
				t.Fatalf("backoff(%d) = %s, want %s ±10%%", n, d, base)
			}
		}
	}
	for _, n := range []int{7, 20, 1000} {
		if d := p.backoff(n); d > time.Hour || d < 54*time.Minute {
			t.Errorf("backoff(%d) = %s, want capped at 1h", n, d)
		}
	}
	short, _ := NewPoller(PollerOptions{Store: newFakeStore(), Interval: 20 * time.Second})
	if d := short.backoff(1); d < 18*time.Second || d > 22*time.Second {
		t.Errorf("backoff with a 20 s interval starts at %s, want 20 s", d)
	}
}

// The lead's store satisfies the poller's interface.
var _ Store = (*store.Store)(nil)
