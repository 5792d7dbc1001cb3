package feed

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
	"github.com/osipovichi/newsbot/subscriptions/store"
)

// backingStore is a Store the poller tests run against, with what they
// read back from it: the keys of the articles announced to subscribers
// (once per announcement), a feed's row and how many of its articles are
// stored.
type backingStore interface {
	Store
	announcedKeys(t testing.TB) []string
	feedRow(t testing.TB, id int64) subscriptions.Feed
	storedCount(t testing.TB, feedID int64) int
}

// storeKind is a store the contract scenarios run against.
type storeKind struct {
	name string
	open func(t testing.TB) backingStore
}

// storeKinds are the stores of the contract scenarios: the poller's "no
// duplicates" promises hold with the real SQLite store, and the fake that
// keeps the other poller tests fast keeps them too.
var storeKinds = []storeKind{
	{name: "sqlite", open: openSQLiteStore},
	{name: "fake", open: func(testing.TB) backingStore { return newFakeStore() }},
}

// contract runs a scenario once against each kind of store.
func contract(t *testing.T, scenario func(t *testing.T, k storeKind)) {
	for _, k := range storeKinds {
		t.Run(k.name, func(t *testing.T) { scenario(t, k) })
	}
}

// contractSubscribers are the chats subscribed in every store under test.
var contractSubscribers = []int64{1, 2}

// sqliteStore is the real store in a temporary file, with two subscribers
// who receive every section.
type sqliteStore struct {
	*store.Store
}

func openSQLiteStore(t testing.TB) backingStore {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "poller.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for _, id := range contractSubscribers {
		if _, err := s.TouchChat(ctx, subscriptions.ChatInfo{ID: id, Type: subscriptions.ChatPrivate, Title: "resident"}, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetSubscribed(ctx, id, true, t0); err != nil {
			t.Fatal(err)
		}
	}
	return sqliteStore{s}
}

// articles returns every stored article, oldest first.
func (s sqliteStore) articles(t testing.TB) []subscriptions.Article {
	t.Helper()
	all, err := s.LatestArticles(context.Background(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(all, func(a, b subscriptions.Article) int { return int(a.ID - b.ID) })
	return all
}

// announcedKeys reads the outbox: the articles with a delivery, each of
// which must have gone to every subscriber, and nothing else in it.
func (s sqliteStore) announcedKeys(t testing.TB) []string {
	t.Helper()
	ctx := context.Background()
	var keys []string
	for _, a := range s.articles(t) {
		n := 0
		for _, chat := range contractSubscribers {
			_, err := s.Delivery(ctx, chat, subscriptions.KindArticle, a.ID)
			switch {
			case err == nil:
				n++
			case !errors.Is(err, subscriptions.ErrNotFound):
				t.Fatal(err)
			}
		}
		if n > 0 {
			keys = append(keys, a.Key)
		}
		if n > 0 && n < len(contractSubscribers) {
			t.Errorf("article %q went to %d of %d subscribers", a.Key, n, len(contractSubscribers))
		}
	}
	counts, err := s.DeliveryCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	total -= s.overflowDeliveries(t)
	if want := len(keys) * len(contractSubscribers); total != want {
		t.Errorf("the outbox holds %d deliveries, want %d (%d articles to %d subscribers)", total, want, len(keys), len(contractSubscribers))
	}
	return keys
}

// overflowDeliveries counts the deliveries of "and N more" notices (their
// ids count from 1).
func (s sqliteStore) overflowDeliveries(t testing.TB) int {
	t.Helper()
	n := 0
	for id := int64(1); ; id++ {
		found := 0
		for _, chat := range contractSubscribers {
			if _, err := s.Delivery(context.Background(), chat, subscriptions.KindArticle, subscriptions.OverflowRef(id)); err == nil {
				found++
			}
		}
		if found == 0 {
			return n
		}
		n += found
	}
}

func (s sqliteStore) feedRow(t testing.TB, id int64) subscriptions.Feed {
	t.Helper()
	feeds, err := s.Feeds(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range feeds {
		if f.ID == id {
			return f
		}
	}
	t.Fatalf("no feed %d in the store", id)
	return subscriptions.Feed{}
}

func (s sqliteStore) storedCount(t testing.TB, feedID int64) int {
	t.Helper()
	n := 0
	for _, a := range s.articles(t) {
		if a.FeedID == feedID {
			n++
		}
	}
	return n
}

// storeRecorder is the Store the poller under test gets: it records the
// calls and hands them to the store under test.
type storeRecorder struct {
	backing backingStore
	t       testing.TB

	mu       sync.Mutex
	calls    []string
	ingests  []ingestCall
	failures []failureCall
}

type ingestCall struct {
	feedID   int64
	res      subscriptions.FetchResult
	articles []subscriptions.Article
	out      subscriptions.IngestResult
}

type failureCall struct {
	feedID  int64
	errText string
	at      time.Time
}

func newRecorder(t testing.TB, backing backingStore) *storeRecorder {
	return &storeRecorder{backing: backing, t: t}
}

var _ Store = (*storeRecorder)(nil)

func (r *storeRecorder) record(call string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, call)
}

func (r *storeRecorder) EnsureFeeds(ctx context.Context, cfgs []subscriptions.FeedConfig) ([]subscriptions.Feed, error) {
	r.record("EnsureFeeds")
	return r.backing.EnsureFeeds(ctx, cfgs)
}

func (r *storeRecorder) RecordFeedFailure(ctx context.Context, feedID int64, errText string, at time.Time) (subscriptions.Feed, error) {
	r.record("RecordFeedFailure")
	f, err := r.backing.RecordFeedFailure(ctx, feedID, errText, at)
	if err == nil {
		r.mu.Lock()
		r.failures = append(r.failures, failureCall{feedID, errText, at})
		r.mu.Unlock()
	}
	return f, err
}

func (r *storeRecorder) SetFeedAlerted(ctx context.Context, feedID int64, at time.Time) error {
	r.record("SetFeedAlerted")
	return r.backing.SetFeedAlerted(ctx, feedID, at)
}

func (r *storeRecorder) IngestFeed(ctx context.Context, feedID int64, res subscriptions.FetchResult, articles []subscriptions.Article) (subscriptions.IngestResult, error) {
	r.record("IngestFeed")
	out, err := r.backing.IngestFeed(ctx, feedID, res, articles)
	if err == nil {
		r.mu.Lock()
		r.ingests = append(r.ingests, ingestCall{feedID, res, articles, out})
		r.mu.Unlock()
	}
	return out, err
}

func (r *storeRecorder) EnsureVersions(ctx context.Context, parent int64, versions []subscriptions.FeedConfig) ([]subscriptions.Feed, error) {
	r.record("EnsureVersions")
	return r.backing.EnsureVersions(ctx, parent, versions)
}

func (r *storeRecorder) Versions(ctx context.Context, parent int64) ([]subscriptions.Feed, error) {
	r.record("Versions")
	return r.backing.Versions(ctx, parent)
}

// count is how many times the poller made a call.
func (r *storeRecorder) count(call string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.calls {
		if c == call {
			n++
		}
	}
	return n
}

func (r *storeRecorder) lastIngest() ingestCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.ingests[len(r.ingests)-1]
}

// announced are the keys of the articles announced so far, as the store under test tells.
func (r *storeRecorder) announced() []string { return r.backing.announcedKeys(r.t) }

func (r *storeRecorder) row(id int64) subscriptions.Feed { return r.backing.feedRow(r.t, id) }

func (r *storeRecorder) stored(feedID int64) int { return r.backing.storedCount(r.t, feedID) }
