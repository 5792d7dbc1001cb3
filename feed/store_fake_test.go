package feed

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

// fakeStore is an in-memory Store that keeps the contract of store.Store
// that the poller relies on (upsert by (feed, key), the first poll
// announces nothing, an item is announced once): the contract tests
// (poller_contract_test.go) run the same scenarios against both. It also
// fails on demand.
type fakeStore struct {
	mu          sync.Mutex
	feeds       []*subscriptions.Feed
	articles    map[int64]map[string]subscriptions.Article
	nextID      int64
	announced   []string // keys of articles enqueued to subscribers
	ingestErr   error
	ensureErr   error
	subscribers int
}

func newFakeStore() *fakeStore {
	return &fakeStore{articles: make(map[int64]map[string]subscriptions.Article), subscribers: 2}
}

var _ Store = (*fakeStore)(nil)

func (s *fakeStore) EnsureFeeds(ctx context.Context, cfgs []subscriptions.FeedConfig) ([]subscriptions.Feed, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ensureErr != nil {
		return nil, s.ensureErr
	}
	var out []subscriptions.Feed
	for _, c := range cfgs {
		var f *subscriptions.Feed
		for _, g := range s.feeds {
			if g.URL == c.URL {
				f = g
			}
		}
		if f == nil {
			f = &subscriptions.Feed{ID: int64(len(s.feeds) + 1), URL: c.URL}
			s.feeds = append(s.feeds, f)
		}
		f.Section, f.Language, f.ParentID = c.Section, c.Language, 0
		out = append(out, *f)
	}
	return out, nil
}

func (s *fakeStore) EnsureVersions(ctx context.Context, parent int64, versions []subscriptions.FeedConfig) ([]subscriptions.Feed, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []subscriptions.Feed
	for _, v := range versions {
		i := slices.IndexFunc(s.feeds, func(f *subscriptions.Feed) bool { return f.URL == v.URL })
		if i >= 0 && s.feeds[i].ParentID == 0 {
			continue // a configured source
		}
		if i < 0 {
			s.feeds = append(s.feeds, &subscriptions.Feed{ID: int64(len(s.feeds) + 1), URL: v.URL})
			i = len(s.feeds) - 1
		}
		f := s.feeds[i]
		f.Section, f.Language, f.ParentID = v.Section, v.Language, parent
		out = append(out, *f)
	}
	return out, nil
}

func (s *fakeStore) Versions(ctx context.Context, parent int64) ([]subscriptions.Feed, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []subscriptions.Feed
	for _, f := range s.feeds {
		if f.ParentID == parent {
			out = append(out, *f)
		}
	}
	return out, nil
}

func (s *fakeStore) feed(id int64) *subscriptions.Feed {
	for _, f := range s.feeds {
		if f.ID == id {
			return f
		}
	}
	return nil
}

func (s *fakeStore) RecordFeedFailure(ctx context.Context, feedID int64, errText string, at time.Time) (subscriptions.Feed, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.feed(feedID)
	if f == nil {
		return subscriptions.Feed{}, subscriptions.ErrNotFound
	}
	f.ConsecutiveFailures++
	if f.FailingSince.IsZero() {
		f.FailingSince = at
	}
	f.LastAttemptAt, f.LastError = at, errText
	return *f, nil
}

func (s *fakeStore) SetFeedAlerted(ctx context.Context, feedID int64, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.feed(feedID)
	if f == nil {
		return subscriptions.ErrNotFound
	}
	f.AlertedAt = at
	return nil
}

func (s *fakeStore) IngestFeed(ctx context.Context, feedID int64, res subscriptions.FetchResult, articles []subscriptions.Article) (subscriptions.IngestResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ingestErr != nil {
		return subscriptions.IngestResult{}, s.ingestErr
	}
	f := s.feed(feedID)
	if f == nil {
		return subscriptions.IngestResult{}, errors.New("no such feed")
	}
	out := subscriptions.IngestResult{First: !f.Initialized}
	f.Initialized = true
	f.ResolvedURL, f.ETag, f.LastModified = res.ResolvedURL, res.ETag, res.LastModified
	f.LastAttemptAt, f.LastSuccessAt, f.LastError = res.At, res.At, ""
	f.ConsecutiveFailures, f.FailingSince, f.ItemCount = 0, time.Time{}, len(articles)
	if s.articles[feedID] == nil {
		s.articles[feedID] = make(map[string]subscriptions.Article)
	}
	for _, a := range articles {
		if old, ok := s.articles[feedID][a.Key]; ok {
			if old.Title != a.Title || old.Summary != a.Summary {
				old.Title, old.Summary = a.Title, a.Summary
				s.articles[feedID][a.Key] = old
				out.Updated++
			}
			continue
		}
		s.nextID++
		a.ID = s.nextID
		s.articles[feedID][a.Key] = a
		out.New = append(out.New, a)
	}
	if !out.First {
		for _, a := range out.New {
			s.announced = append(s.announced, a.Key)
			out.Enqueued += s.subscribers
		}
	}
	return out, nil
}

func (s *fakeStore) announcedKeys(testing.TB) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.announced)
}

func (s *fakeStore) feedRow(_ testing.TB, id int64) subscriptions.Feed {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.feed(id)
}

func (s *fakeStore) storedCount(_ testing.TB, feedID int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.articles[feedID])
}

// alerts records Alerter calls.
type alerts struct {
	mu        sync.Mutex
	down      []subscriptions.Feed
	recovered []subscriptions.Feed
	truncated []time.Time // since, of each FeedTruncated
	floods    [][2]int    // announced and more, of each FeedFlood
}

func (a *alerts) FeedDown(ctx context.Context, f subscriptions.Feed) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.down = append(a.down, f)
}

func (a *alerts) FeedRecovered(ctx context.Context, f subscriptions.Feed) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.recovered = append(a.recovered, f)
}

func (a *alerts) FeedTruncated(ctx context.Context, f subscriptions.Feed, since time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.truncated = append(a.truncated, since)
}

func (a *alerts) FeedFlood(ctx context.Context, f subscriptions.Feed, announced, more int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.floods = append(a.floods, [2]int{announced, more})
}

func (a *alerts) counts() (int, int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.down), len(a.recovered)
}
