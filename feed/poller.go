package feed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/osipovichi/newsbot/subscriptions"
)

// Store is what the poller needs from the database (store.Store
// implements it).
type Store interface {
	// EnsureFeeds upserts the configured feeds by URL and returns them with
	// their saved validators and health.
	EnsureFeeds(ctx context.Context, cfgs []subscriptions.FeedConfig) ([]subscriptions.Feed, error)
	// RecordFeedFailure increments ConsecutiveFailures, sets FailingSince when
	// it was zero, LastAttemptAt and LastError.
	RecordFeedFailure(ctx context.Context, feedID int64, errText string, at time.Time) (subscriptions.Feed, error)
	// SetFeedAlerted records when admins were told the feed is down; zero clears.
	SetFeedAlerted(ctx context.Context, feedID int64, at time.Time) error
	// IngestFeed records a successful fetch and its articles in one transaction.
	IngestFeed(ctx context.Context, feedID int64, res subscriptions.FetchResult, articles []subscriptions.Article) (subscriptions.IngestResult, error)
	// EnsureVersions upserts the language versions found on the page of a
	// configured source, by URL, and returns them (not a URL that is a
	// configured source itself); Versions returns those known.
	EnsureVersions(ctx context.Context, parent int64, versions []subscriptions.FeedConfig) ([]subscriptions.Feed, error)
	Versions(ctx context.Context, parent int64) ([]subscriptions.Feed, error)
}

// Alerter tells the admins about a feed that has gone silent and when it
// is back, and about a feed that keeps arriving cut off.
type Alerter interface {
	// FeedDown: no successful poll since f.LastSuccessAt (the poller's
	// start when the feed never had one), for f.LastError.
	FeedDown(ctx context.Context, f subscriptions.Feed)
	FeedRecovered(ctx context.Context, f subscriptions.Feed)
	// FeedTruncated: every poll since `since` got a document cut off; only
	// its complete items were read.
	FeedTruncated(ctx context.Context, f subscriptions.Feed, since time.Time)
	// FeedFlood: one poll brought more new articles than MaxNew: announced
	// were sent one by one, more are announced by one overflow notice.
	FeedFlood(ctx context.Context, f subscriptions.Feed, announced, more int)
}

// Poll outcomes, as in the metrics and FeedHealth.LastOutcome.
const (
	OutcomeOK          = "ok"
	OutcomeNotModified = "not_modified"
	OutcomeError       = "error"
)

// Poller defaults. DefaultInterval and DefaultAlertAfter are also the
// defaults of NEWSBOT_POLL_INTERVAL and NEWSBOT_FEED_ALERT_AFTER.
const (
	DefaultInterval    = 5 * time.Minute
	DefaultMaxBackoff  = time.Hour
	DefaultAlertAfter  = time.Hour
	DefaultConcurrency = 4
	// DefaultMaxNew is how many new articles of one feed one poll announces
	// one by one (NEWSBOT_MAX_NEW_PER_POLL).
	DefaultMaxNew = 10
	// DefaultPollTimeout bounds one poll: discovery, the feed, the article
	// pages of a listing; each request has the fetcher's own timeouts too.
	DefaultPollTimeout = 2 * time.Minute
	// rediscoverEvery is how often the page of a source without a language
	// is read again although its feed is known: new language versions.
	rediscoverEvery = 24 * time.Hour
	// truncatedPolls is how many polls in a row must get a cut-off
	// document (for longer than the alert threshold) before admins hear of it.
	truncatedPolls = 3
)

// PollerOptions configures a Poller. Store and Feeds are required.
type PollerOptions struct {
	Store Store
	Feeds []subscriptions.FeedConfig
	// Fetcher defaults to NewFetcher(FetcherOptions{}).
	Fetcher *Fetcher
	// Interval between polls of one feed (±10% jitter); DefaultInterval when zero.
	Interval time.Duration
	// MaxBackoff caps the delay after failures, and a server's Retry-After;
	// DefaultMaxBackoff when zero.
	MaxBackoff time.Duration
	// AlertAfter is how long a feed may go without a successful poll (or
	// keep arriving cut off) before the admins are told; never less than
	// two intervals; DefaultAlertAfter when zero.
	AlertAfter time.Duration
	// Concurrency is how many feeds Run polls at once; DefaultConcurrency when zero.
	Concurrency int
	// PollTimeout bounds each poll; DefaultPollTimeout when zero.
	PollTimeout time.Duration
	// MaxNew is how many new articles of a feed one poll announces one by
	// one; the others are stored and announced by one "and N more on the
	// portal" notice (see subscriptions.FetchResult). DefaultMaxNew when zero.
	MaxNew int
	Logger *slog.Logger
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// OnNew is called after an ingest that found new articles or enqueued
	// deliveries; not after a feed's first poll, which announces nothing.
	OnNew func(ctx context.Context, res subscriptions.IngestResult)
	// Alerter is optional.
	Alerter Alerter
	// Registerer, when set, receives the poller's Prometheus metrics.
	Registerer prometheus.Registerer
	// Location is the zone of listing dates written without one; DefaultLocation (Europe/Minsk) when nil.
	Location *time.Location
	// Selectors override DefaultSelectors per configured URL of a listing source.
	Selectors map[string]Selectors
	// ArticlePages bounds the article pages fetched per poll for the og:image and
	// og:description of new listing items that have no picture or teaser;
	// DefaultArticlePages when zero, none when negative.
	ArticlePages int
}

// FeedHealth is the poller's view of one feed, for /healthz and metrics.
// Polls answered 304 are only kept here, not in the store.
type FeedHealth struct {
	FeedID        int64
	URL           string // as configured
	Section       string
	Language      string
	DiscoveredURL string // feed found by autodiscovery, if any
	// VersionOf is, for a language version, the configured page it was found on.
	VersionOf string
	// Versions are the languages of the versions of a page source, with the
	// evidence for each ("be (hreflang)"), as last discovered.
	Versions            []string
	ReadAs              string // ReadAsFeed, ReadAsListing, ReadAsDetectedListing or ReadAsVersions; "" before the first poll of a feed
	LastAttemptAt       time.Time
	LastSuccessAt       time.Time // a 304 counts as a success
	LastOutcome         string    // OutcomeOK, OutcomeNotModified, OutcomeError or "" before the first poll
	LastStatus          int       // HTTP status of the last response, 0 if none
	LastError           string
	ConsecutiveFailures int
	FailingSince        time.Time
	ItemCount           int
	Encoding            string // character set of the last parsed body
	// Repairs says what the last parsed document needed to be read
	// (Recovery.String: truncated, characters removed); "" when nothing.
	Repairs string
	// TruncatedSince is when the current run of cut-off documents began
	// (zero when the last document was whole).
	TruncatedSince time.Time
	NextPollAt     time.Time
}

type feedState struct {
	feed   subscriptions.Feed // as last known to the store
	health FeedHealth
	// polling is set while a poll of the feed is in flight, since pollingSince.
	polling      bool
	pollingSince time.Time
	// truncated counts the polls in a row that got a cut-off document;
	// truncationAlerted is set once admins were told of this run.
	truncated         int
	truncationAlerted bool
	// discoveredAt is when this process last read the page of a page
	// source (see rediscoverEvery).
	discoveredAt time.Time
	listing      listingState // used by the feed's poll only (one at a time)
}

// Poller polls the configured feeds and hands their articles to the store.
type Poller struct {
	store       Store
	cfgs        []subscriptions.FeedConfig
	fetcher     *Fetcher
	interval    time.Duration
	maxBackoff  time.Duration
	alertAfter  time.Duration
	concurrency int
	pollTimeout time.Duration
	maxNew      int
	log         *slog.Logger
	now         func() time.Time
	onNew       func(context.Context, subscriptions.IngestResult)
	alerter     Alerter
	metrics     *metrics
	listings    *listingReader
	pages       int // article pages per poll, see PollerOptions.ArticlePages

	loadMu  sync.Mutex // one load from the store at a time
	mu      sync.Mutex // guards feeds, their states and started
	feeds   []*feedState
	started time.Time // when the feeds were loaded: the silence of a feed never polled counts from there
}

// NewPoller returns a Poller; it fails only when options are missing or the
// metrics cannot be registered.
func NewPoller(opts PollerOptions) (*Poller, error) {
	if opts.Store == nil {
		return nil, errors.New("new poller: no store")
	}
	if opts.Fetcher == nil {
		opts.Fetcher = NewFetcher(FetcherOptions{})
	}
	opts.Interval = positiveOr(opts.Interval, DefaultInterval)
	opts.MaxBackoff = positiveOr(opts.MaxBackoff, DefaultMaxBackoff)
	opts.AlertAfter = max(positiveOr(opts.AlertAfter, DefaultAlertAfter), 2*opts.Interval)
	opts.Concurrency = positiveOr(opts.Concurrency, DefaultConcurrency)
	opts.PollTimeout = positiveOr(opts.PollTimeout, DefaultPollTimeout)
	opts.MaxNew = positiveOr(opts.MaxNew, DefaultMaxNew)
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	m, err := newMetrics(opts.Registerer)
	if err != nil {
		return nil, fmt.Errorf("new poller: %w", err)
	}
	return &Poller{
		store:       opts.Store,
		cfgs:        append([]subscriptions.FeedConfig(nil), opts.Feeds...),
		fetcher:     opts.Fetcher,
		interval:    opts.Interval,
		maxBackoff:  opts.MaxBackoff,
		alertAfter:  opts.AlertAfter,
		concurrency: opts.Concurrency,
		pollTimeout: opts.PollTimeout,
		maxNew:      opts.MaxNew,
		log:         opts.Logger,
		now:         opts.Now,
		onNew:       opts.OnNew,
		alerter:     opts.Alerter,
		metrics:     m,
		listings:    &listingReader{loc: opts.Location, selectors: opts.Selectors, now: opts.Now},
		pages:       articlePages(opts.ArticlePages),
	}, nil
}

// Health returns the health of every feed, in configuration order; empty
// until the feeds have been loaded from the store.
func (p *Poller) Health() []FeedHealth {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]FeedHealth, len(p.feeds))
	for i, st := range p.feeds {
		out[i] = st.health
	}
	return out
}

// load reads the feeds from the store once, and staggers their first polls.
func (p *Poller) load(ctx context.Context) error {
	p.loadMu.Lock()
	defer p.loadMu.Unlock()
	p.mu.Lock()
	loaded := p.feeds != nil
	p.mu.Unlock()
	if loaded {
		return nil
	}
	rows, err := p.store.EnsureFeeds(ctx, p.cfgs)
	if err != nil {
		return fmt.Errorf("load feeds: %w", err)
	}
	now := p.now()
	kinds := make(map[string]subscriptions.SourceKind, len(p.cfgs))
	for _, c := range p.cfgs {
		kinds[c.URL] = c.Kind
	}
	var all []subscriptions.Feed
	for _, f := range rows {
		f.Kind = kinds[f.URL] // the store does not keep it
		all = append(all, f)
		if !pageSource(f) {
			continue
		}
		versions, err := p.store.Versions(ctx, f.ID)
		if err != nil {
			return fmt.Errorf("load feeds: %w", err)
		}
		all = append(all, versions...)
	}
	stagger := time.Duration(0)
	if len(all) > 1 {
		stagger = min(p.interval/time.Duration(len(all)), 5*time.Second)
	}
	states := make([]*feedState, len(all))
	parents := map[int64]string{}
	for i, f := range all {
		if f.ParentID == 0 {
			parents[f.ID] = f.URL
		}
		states[i] = p.newState(f, parents[f.ParentID], now.Add(time.Duration(i)*stagger))
	}
	p.mu.Lock()
	p.feeds, p.started = states, now
	p.mu.Unlock()
	return nil
}

// pageSource reports whether a source may be a page whose feeds in
// several languages become its versions: a configured feed source without
// a language.
func pageSource(f subscriptions.Feed) bool {
	return f.ParentID == 0 && f.Kind == subscriptions.SourceFeed && f.Language == "" && !f.IsPosted()
}

// newState is the state of a feed as the store knows it, first polled at next.
func (p *Poller) newState(f subscriptions.Feed, versionOf string, next time.Time) *feedState {
	p.metrics.items.WithLabelValues(f.URL).Set(float64(f.ItemCount))
	p.metrics.failures.WithLabelValues(f.URL).Set(float64(f.ConsecutiveFailures))
	return &feedState{feed: f, health: FeedHealth{
		FeedID:              f.ID,
		URL:                 f.URL,
		Section:             f.Section,
		Language:            f.Language,
		DiscoveredURL:       f.ResolvedURL,
		VersionOf:           versionOf,
		LastAttemptAt:       f.LastAttemptAt,
		LastSuccessAt:       f.LastSuccessAt,
		LastError:           f.LastError,
		ConsecutiveFailures: f.ConsecutiveFailures,
		FailingSince:        f.FailingSince,
		ItemCount:           f.ItemCount,
		NextPollAt:          next,
	}}
}

// PollOnce loads the feeds if needed and polls each of them once, one
// after another in configuration order, whatever their schedule (a feed
// that Run is polling at that moment is left out). Failures are recorded
// in the store and in Health as usual, and also returned, joined.
func (p *Poller) PollOnce(ctx context.Context) error {
	if err := p.load(ctx); err != nil {
		return err
	}
	var errs []error
	for _, st := range p.states() {
		if !p.claim(st, time.Time{}) {
			continue
		}
		err := p.poll(ctx, st)
		p.release(st)
		if err != nil {
			errs = append(errs, err)
		}
		if ctx.Err() != nil {
			break
		}
	}
	return errors.Join(errs...)
}

// Run polls every feed when it is due, until ctx is cancelled; it then
// waits for the polls in flight and returns nil. Feeds are polled
// concurrently, at most Concurrency at a time, each poll within its own
// PollTimeout, so that one slow feed never holds up another's schedule;
// a timer checks for silent feeds (see watch) whatever the polls do.
// Failures are logged and recorded, never returned. If the store cannot
// load the feeds, Run retries with backoff.
func (p *Poller) Run(ctx context.Context) error {
	if !p.loadRetrying(ctx) {
		return nil
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	slots := make(chan struct{}, p.concurrency)
	finished := make(chan struct{}, 1)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		now := p.now()
		for _, st := range p.states() {
			if !p.claim(st, now) {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer p.release(st)
				select {
				case slots <- struct{}{}:
				case <-ctx.Done():
					return
				}
				if err := p.poll(ctx, st); err != nil && ctx.Err() == nil {
					p.log.Warn("feed poll failed", slog.String("feed_url", st.health.URL), slog.Any("error", err),
						slog.Int("consecutive_failures", p.failures(st)), slog.Time("next_poll_at", p.nextPoll(st)))
				}
				<-slots
				select {
				case finished <- struct{}{}:
				default:
				}
			}()
		}
		p.watch(ctx, now)

		timer.Reset(p.untilNext())
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		case <-finished:
		}
	}
}

// loadRetrying loads the feeds, retrying with backoff while the store
// fails; false when ctx ends first.
func (p *Poller) loadRetrying(ctx context.Context) bool {
	delay := time.Second
	for {
		err := p.load(ctx)
		if err == nil {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		p.log.Error("cannot load feeds; retrying", slog.Any("error", err), slog.Duration("retry_in", delay))
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return false
		case <-t.C:
		}
		delay = min(delay*2, time.Minute)
	}
}

// claim marks a feed as being polled when it is due at now (the zero time:
// whenever) and not being polled already; it reports whether it did.
func (p *Poller) claim(st *feedState, now time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if st.polling || !now.IsZero() && now.Before(st.health.NextPollAt) {
		return false
	}
	st.polling, st.pollingSince = true, p.now()
	return true
}

func (p *Poller) release(st *feedState) {
	p.mu.Lock()
	defer p.mu.Unlock()
	st.polling = false
}

func (p *Poller) states() []*feedState {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*feedState(nil), p.feeds...)
}

func (p *Poller) failures(st *feedState) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return st.health.ConsecutiveFailures
}

func (p *Poller) nextPoll(st *feedState) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return st.health.NextPollAt
}

// untilNext is the time until the next feed not being polled is due, or
// the next check for silent feeds: at least a millisecond, at most the interval.
func (p *Poller) untilNext() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	wait := min(p.interval, p.watchEvery())
	for _, st := range p.feeds {
		if !st.polling {
			wait = min(wait, st.health.NextPollAt.Sub(now))
		}
	}
	return max(wait, time.Millisecond)
}
