package delivery

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/internal/testkit"
	"github.com/osipovichi/newsbot/subscriptions"
	sqlstore "github.com/osipovichi/newsbot/subscriptions/store"
)

// retentionWorld is a store with chats subscribed and articles sent to them.
type retentionWorld struct {
	tb    testing.TB
	store *sqlstore.Store
	feed  int64
	chats int
	next  int // the next article's number
}

func newRetentionWorld(tb testing.TB, chats int) *retentionWorld {
	tb.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, filepath.Join(tb.TempDir(), "retention.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	feeds, err := db.EnsureFeeds(ctx, []subscriptions.FeedConfig{{Section: "news", Language: "en", URL: "https://osipovichi.gov.by/en/rss-en/"}})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := db.IngestFeed(ctx, feeds[0].ID, subscriptions.FetchResult{At: start}, nil); err != nil {
		tb.Fatal(err)
	}
	for i := range chats {
		id := int64(10000 + i)
		if _, err := db.TouchChat(ctx, subscriptions.ChatInfo{ID: id, Type: subscriptions.ChatPrivate, Language: "en"}, start); err != nil {
			tb.Fatal(err)
		}
		if _, err := db.SetSubscribed(ctx, id, true, start); err != nil {
			tb.Fatal(err)
		}
	}
	return &retentionWorld{tb: tb, store: db, feed: feeds[0].ID, chats: chats}
}

// send publishes n articles at `at` and records every delivery as sent then.
func (w *retentionWorld) send(n int, at time.Time) {
	w.tb.Helper()
	ctx := context.Background()
	for range n {
		w.next++
		a := subscriptions.Article{Key: fmt.Sprintf("a%d", w.next), Title: fmt.Sprintf("Article number %d of the district news", w.next),
			Summary: "The district executive committee reports on the week's work, the roads and the schools.",
			Link:    fmt.Sprintf("https://osipovichi.gov.by/en/news-en/view/%d/", w.next), Published: at, Section: "news", Language: "en"}
		if _, err := w.store.IngestFeed(ctx, w.feed, subscriptions.FetchResult{At: at}, []subscriptions.Article{a}); err != nil {
			w.tb.Fatal(err)
		}
		due, err := w.store.DueDeliveries(ctx, at, w.chats)
		if err != nil {
			w.tb.Fatal(err)
		}
		outs := make([]subscriptions.Outcome, len(due))
		for i, d := range due {
			outs[i] = subscriptions.Outcome{ID: d.ID, State: subscriptions.DeliverySent, MessageID: 1000 + i, CountAttempt: true}
		}
		if err := w.store.RecordOutcomes(ctx, outs, at); err != nil {
			w.tb.Fatal(err)
		}
	}
}

func (w *retentionWorld) size() int64 {
	w.tb.Helper()
	n, err := w.store.SizeBytes(context.Background())
	if err != nil {
		w.tb.Fatal(err)
	}
	return n
}

// timedStore measures the longest call of retention to the store: the
// longest the outbox's own writes may wait for it.
type timedStore struct {
	retentionStore
	mu                           sync.Mutex
	longestPrune, longestReclaim time.Duration
	calls                        int
}

func (s *timedStore) time(longest *time.Duration, f func()) {
	t0 := time.Now()
	f()
	d := time.Since(t0)
	s.mu.Lock()
	*longest, s.calls = max(*longest, d), s.calls+1
	s.mu.Unlock()
}

func (s *timedStore) PruneDeliveries(ctx context.Context, before time.Time, limit int) (n int, err error) {
	s.time(&s.longestPrune, func() { n, err = s.retentionStore.PruneDeliveries(ctx, before, limit) })
	return n, err
}

func (s *timedStore) ReclaimSpace(ctx context.Context, pages int) (free int, err error) {
	s.time(&s.longestReclaim, func() { free, err = s.retentionStore.ReclaimSpace(ctx, pages) })
	return free, err
}

func newRetention(store retentionStore, keep time.Duration, now func() time.Time) *retention {
	return &retention{store: store, keep: keep, log: slog.New(slog.DiscardHandler), metrics: newMetrics(nil, nil), now: now}
}

// Retention deletes what was settled before the cutoff, in batches, keeps
// what is recent, and gives the space back.
func TestRetentionPrunesInBatches(t *testing.T) {
	w := newRetentionWorld(t, 600)
	w.send(2, start)                   // 1,200 deliveries settled on day 1
	w.send(1, start.Add(36*time.Hour)) // 600 on day 2
	before := w.size()
	clock := testkit.NewClock(start.Add(48 * time.Hour))
	timed := &timedStore{retentionStore: w.store}
	r := newRetention(timed, 24*time.Hour, clock.Now)
	if n := r.prune(context.Background()); n != 1200 {
		t.Errorf("pruned %d rows, want the 1,200 deliveries of day 1", n)
	}
	if got := counterSum(r.metrics.pruned); got != 1200 {
		t.Errorf("newsbot_retention_deleted_total = %v, want 1200", got)
	}
	counts, _ := w.store.DeliveryCounts(context.Background())
	if counts[subscriptions.DeliverySent] != 600 {
		t.Errorf("deliveries left = %v, want the 600 of day 2", counts)
	}
	if timed.calls < 1200/pruneBatch+1 {
		t.Errorf("store calls = %d, want batches of at most %d rows", timed.calls, pruneBatch)
	}
	if after := w.size(); after >= before {
		t.Errorf("size after pruning = %d bytes, want less than %d", after, before)
	}
	if n := r.prune(context.Background()); n != 0 {
		t.Errorf("a second run pruned %d rows, want 0", n)
	}
}

// BenchmarkRetention fills the outbox with 100 articles sent to every chat
// (NEWSBOT_BENCH_CHATS, default 10,000: a million deliveries), moves the
// clock on past a retention of one day, prunes, and sends another 100
// articles: the database's size per delivery before and after pruning, and
// on the second day, shows that it does not grow without bound. It also
// reports the longest batch and vacuum step of retention, the longest
// write of another writer meanwhile (what the outbox's commits wait), and
// how long the pruning took.
func BenchmarkRetention(b *testing.B) {
	chats := benchChats(10000)
	const articles = 100
	for range b.N {
		b.StopTimer()
		w := newRetentionWorld(b, chats)
		w.send(articles, start)
		deliveries := float64(articles * chats)
		before := w.size()
		timed := &timedStore{retentionStore: w.store}
		r := newRetention(timed, 24*time.Hour, func() time.Time { return start.Add(48 * time.Hour) })
		// Another writer, as the outbox's commits, writes every 10 ms meanwhile.
		ctx, stop := context.WithCancel(context.Background())
		waited := make(chan time.Duration)
		go func() {
			longest := time.Duration(0)
			tick := time.NewTicker(10 * time.Millisecond)
			defer tick.Stop()
			for i := 0; ctx.Err() == nil; i++ {
				t0 := time.Now()
				if err := w.store.SetState(context.Background(), "bench_write", strconv.Itoa(i)); err != nil {
					b.Error(err)
				}
				longest = max(longest, time.Since(t0))
				select {
				case <-ctx.Done():
				case <-tick.C:
				}
			}
			waited <- longest
		}()
		b.StartTimer()
		t0 := time.Now()
		pruned := r.prune(context.Background())
		took := time.Since(t0)
		b.StopTimer()
		stop()
		longestWrite := <-waited
		after := w.size()
		w.send(articles, start.Add(48*time.Hour))
		day2 := w.size()
		b.ReportMetric(deliveries, "deliveries")
		b.ReportMetric(float64(pruned), "rows_pruned")
		b.ReportMetric(float64(before)/deliveries, "bytes/delivery_before")
		b.ReportMetric(float64(before)/1e6, "MB_before")
		b.ReportMetric(float64(after)/1e6, "MB_after_prune")
		b.ReportMetric(float64(day2)/1e6, "MB_next_day")
		b.ReportMetric(took.Seconds(), "prune_s")
		b.ReportMetric(float64(timed.longestPrune.Milliseconds()), "longest_batch_ms")
		b.ReportMetric(float64(timed.longestReclaim.Milliseconds()), "longest_vacuum_step_ms")
		b.ReportMetric(float64(longestWrite.Milliseconds()), "longest_other_write_ms")
	}
}
