package feed

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

// fakeStore is an in-memory Store that keeps the contract of
// store.Store: upsert by (feed, key), first poll announces nothing.
type fakeStore struct {
	mu          sync.Mutex
	feeds       []*subscriptions.Feed
	articles    map[int64]map[string]subscriptions.Article
	nextID      int64
	calls       []string
	ingests     []ingestCall
	failures    []failureCall
	alerts      []time.Time // SetFeedAlerted calls
	announced   []string    // keys of articles enqueued to subscribers
	ingestErr   error
	ensureErr   error
	subscribers int
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

func newFakeStore() *fakeStore {
	return &fakeStore{articles: make(map[int64]map[string]subscriptions.Article), subscribers: 2}
}

var _ Store = (*fakeStore)(nil)

func (s *fakeStore) EnsureFeeds(ctx context.Context, cfgs []subscriptions.FeedConfig) ([]subscriptions.Feed, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, "EnsureFeeds")
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
		f.Section, f.Language = c.Section, c.Language
		out = append(out, *f)
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
	s.calls = append(s.calls, "RecordFeedFailure")
	f := s.feed(feedID)
	if f == nil {
		return subscriptions.Feed{}, subscriptions.ErrNotFound
	}
	s.failures = append(s.failures, failureCall{feedID, errText, at})
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
	s.calls = append(s.calls, "SetFeedAlerted")
	f := s.feed(feedID)
	if f == nil {
		return subscriptions.ErrNotFound
	}
	f.AlertedAt = at
	s.alerts = append(s.alerts, at)
	return nil
}

func (s *fakeStore) IngestFeed(ctx context.Context, feedID int64, res subscriptions.FetchResult, articles []subscriptions.Article) (subscriptions.IngestResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, "IngestFeed")
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
	s.ingests = append(s.ingests, ingestCall{feedID, res, articles, out})
	return out, nil
}

func (s *fakeStore) count(call string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		if c == call {
			n++
		}
	}
	return n
}

func (s *fakeStore) row(id int64) subscriptions.Feed {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.feed(id)
}

func (s *fakeStore) stored(id int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.articles[id])
}

func (s *fakeStore) lastIngest() ingestCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ingests[len(s.ingests)-1]
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// alerts records Alerter calls.
type alerts struct {
	mu        sync.Mutex
	down      []subscriptions.Feed
	recovered []subscriptions.Feed
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

func (a *alerts) counts() (int, int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.down), len(a.recovered)
}
