package feed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
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
}

// Alerter tells the admins about a feed that is down, and when it is back.
type Alerter interface {
	FeedDown(ctx context.Context, f subscriptions.Feed)
	FeedRecovered(ctx context.Context, f subscriptions.Feed)
}

// Poll outcomes, as in the metrics and FeedHealth.LastOutcome.
const (
	OutcomeOK          = "ok"
	OutcomeNotModified = "not_modified"
	OutcomeError       = "error"
)

// Poller defaults. DefaultInterval is also the default of NEWSBOT_POLL_INTERVAL.
const (
	DefaultInterval   = 5 * time.Minute
	DefaultMaxBackoff = time.Hour
	DefaultAlertAfter = time.Hour
)

// PollerOptions configures a Poller. Store and Feeds are required.
type PollerOptions struct {
	Store Store
	Feeds []subscriptions.FeedConfig
	// Fetcher defaults to NewFetcher(FetcherOptions{}).
	Fetcher *Fetcher
	// Interval between polls of one feed (±10% jitter); DefaultInterval when zero.
	Interval time.Duration
	// MaxBackoff caps the delay after failures; DefaultMaxBackoff when zero.
	MaxBackoff time.Duration
	// AlertAfter is how long a feed fails before Alerter.FeedDown; DefaultAlertAfter when zero.
	AlertAfter time.Duration
	Logger     *slog.Logger
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
	FeedID              int64
	URL                 string // as configured
	Section             string
	Language            string
	DiscoveredURL       string // feed found by autodiscovery, if any
	ReadAs              string // ReadAsFeed, ReadAsListing or ReadAsDetectedListing; "" before the first poll of a feed
	LastAttemptAt       time.Time
	LastSuccessAt       time.Time // a 304 counts as a success
	LastOutcome         string    // OutcomeOK, OutcomeNotModified, OutcomeError or "" before the first poll
	LastStatus          int       // HTTP status of the last response, 0 if none
	LastError           string
	ConsecutiveFailures int
	FailingSince        time.Time
	ItemCount           int
	Encoding            string // character set of the last parsed body
	NextPollAt          time.Time
}

type feedState struct {
	feed    subscriptions.Feed // as last known to the store
	health  FeedHealth
	listing listingState // used by poll only (under pollMu)
}

// Poller polls the configured feeds and hands their articles to the store.
type Poller struct {
	store      Store
	cfgs       []subscriptions.FeedConfig
	fetcher    *Fetcher
	interval   time.Duration
	maxBackoff time.Duration
	alertAfter time.Duration
	log        *slog.Logger
	now        func() time.Time
	onNew      func(context.Context, subscriptions.IngestResult)
	alerter    Alerter
	metrics    *metrics
	listings   *listingReader
	pages      int // article pages per poll, see PollerOptions.ArticlePages

	loadMu sync.Mutex // one load from the store at a time
	pollMu sync.Mutex // one poll round at a time (Run, PollOnce)
	mu     sync.Mutex // guards feeds
	feeds  []*feedState
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
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = DefaultMaxBackoff
	}
	if opts.AlertAfter <= 0 {
		opts.AlertAfter = DefaultAlertAfter
	}
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
		store:      opts.Store,
		cfgs:       append([]subscriptions.FeedConfig(nil), opts.Feeds...),
		fetcher:    opts.Fetcher,
		interval:   opts.Interval,
		maxBackoff: opts.MaxBackoff,
		alertAfter: opts.AlertAfter,
		log:        opts.Logger,
		now:        opts.Now,
		onNew:      opts.OnNew,
		alerter:    opts.Alerter,
		metrics:    m,
		listings:   &listingReader{loc: opts.Location, selectors: opts.Selectors, now: opts.Now},
		pages:      articlePages(opts.ArticlePages),
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
	stagger := time.Duration(0)
	if len(rows) > 1 {
		stagger = min(p.interval/time.Duration(len(rows)), 5*time.Second)
	}
	states := make([]*feedState, len(rows))
	kinds := make(map[string]subscriptions.SourceKind, len(p.cfgs))
	for _, c := range p.cfgs {
		kinds[c.URL] = c.Kind
	}
	for i, f := range rows {
		f.Kind = kinds[f.URL] // the store does not keep it
		states[i] = &feedState{feed: f, health: FeedHealth{
			FeedID:              f.ID,
			URL:                 f.URL,
			Section:             f.Section,
			Language:            f.Language,
			DiscoveredURL:       f.ResolvedURL,
			LastAttemptAt:       f.LastAttemptAt,
			LastSuccessAt:       f.LastSuccessAt,
			LastError:           f.LastError,
			ConsecutiveFailures: f.ConsecutiveFailures,
			FailingSince:        f.FailingSince,
			ItemCount:           f.ItemCount,
			NextPollAt:          now.Add(time.Duration(i) * stagger),
		}}
		p.metrics.items.WithLabelValues(f.URL).Set(float64(f.ItemCount))
		p.metrics.failures.WithLabelValues(f.URL).Set(float64(f.ConsecutiveFailures))
	}
	p.mu.Lock()
	p.feeds = states
	p.mu.Unlock()
	return nil
}

// PollOnce loads the feeds if needed and polls each of them once, in order,
// whatever their schedule. Failures are recorded in the store and in Health
// as usual, and also returned, joined.
func (p *Poller) PollOnce(ctx context.Context) error {
	if err := p.load(ctx); err != nil {
		return err
	}
	p.pollMu.Lock()
	defer p.pollMu.Unlock()
	var errs []error
	for _, st := range p.states() {
		if err := p.poll(ctx, st); err != nil {
			errs = append(errs, err)
		}
		if ctx.Err() != nil {
			break
		}
	}
	return errors.Join(errs...)
}

// Run polls every feed when it is due, until ctx is cancelled; it then
// returns nil. Failures are logged and recorded, never returned. If the
// store cannot load the feeds, Run retries with backoff.
func (p *Poller) Run(ctx context.Context) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	delay := time.Second
	for {
		err := p.load(ctx)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		p.log.Error("cannot load feeds; retrying", slog.Any("error", err), slog.Duration("retry_in", delay))
		timer.Reset(delay)
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
		delay = min(delay*2, time.Minute)
	}

	for {
		p.pollMu.Lock()
		for _, st := range p.states() {
			if ctx.Err() != nil {
				break
			}
			p.mu.Lock()
			due := !p.now().Before(st.health.NextPollAt)
			p.mu.Unlock()
			if due {
				if err := p.poll(ctx, st); err != nil && ctx.Err() == nil {
					p.log.Warn("feed poll failed", slog.String("feed_url", st.health.URL), slog.Any("error", err),
						slog.Int("consecutive_failures", p.failures(st)), slog.Time("next_poll_at", p.nextPoll(st)))
				}
			}
		}
		p.pollMu.Unlock()

		wait := p.untilNext()
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
	}
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

// untilNext is the time until the next feed is due (at least a millisecond, at most the interval).
func (p *Poller) untilNext() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	wait := p.interval
	for _, st := range p.feeds {
		wait = min(wait, st.health.NextPollAt.Sub(now))
	}
	return max(wait, time.Millisecond)
}

// poll fetches one feed and records the outcome. It returns the poll's error
// (already recorded), or nil.
func (p *Poller) poll(ctx context.Context, st *feedState) error {
	now := p.now()
	p.mu.Lock()
	feed := st.feed
	p.mu.Unlock()

	// A failing feed is fetched without validators, so that its recovery goes
	// through IngestFeed and resets the health kept in the store.
	var v Validators
	if feed.ConsecutiveFailures == 0 {
		v = Validators{ETag: feed.ETag, LastModified: feed.LastModified}
	}
	a, err := p.fetch(ctx, feed, v)
	if ctx.Err() != nil {
		return ctx.Err() // shutting down: not the feed's fault
	}
	if a.Discovered != "" && a.Discovered != feed.ResolvedURL {
		p.log.Info("feed discovered", slog.String("feed_url", feed.URL), slog.String("discovered_url", a.Discovered),
			slog.String("previous_url", feed.ResolvedURL))
	}
	if err != nil {
		p.fail(ctx, st, now, a.Status, err)
		return err
	}
	if a.Resp.NotModified {
		p.mu.Lock()
		st.health.LastAttemptAt, st.health.LastSuccessAt = now, now
		st.health.LastOutcome, st.health.LastStatus, st.health.LastError = OutcomeNotModified, a.Resp.Status, ""
		st.health.NextPollAt = now.Add(p.jitter(p.interval))
		p.mu.Unlock()
		p.metrics.polls.WithLabelValues(feed.URL, OutcomeNotModified).Inc()
		p.log.Debug("feed not modified", slog.String("feed_url", feed.URL))
		return nil
	}

	norm := feed
	norm.ResolvedURL = a.Resolved
	articles := a.articles(norm, p.listings.location(), now)
	p.noteReadAs(st, a)
	p.enrich(ctx, st, a, feed, articles)
	fr := subscriptions.FetchResult{ResolvedURL: a.Resolved, ETag: a.Resp.ETag, LastModified: a.Resp.LastModified, At: now}
	res, err := p.store.IngestFeed(ctx, feed.ID, fr, articles)
	if err != nil {
		err = fmt.Errorf("store %d articles of %s: %w", len(articles), feed.URL, err)
		p.fail(ctx, st, now, a.Status, err)
		return err
	}

	p.mu.Lock()
	wasAlerted := !st.feed.AlertedAt.IsZero()
	st.feed.ResolvedURL, st.feed.ETag, st.feed.LastModified = a.Resolved, a.Resp.ETag, a.Resp.LastModified
	st.feed.Initialized = true
	st.feed.LastAttemptAt, st.feed.LastSuccessAt, st.feed.LastError = now, now, ""
	st.feed.ConsecutiveFailures, st.feed.FailingSince = 0, time.Time{}
	st.feed.ItemCount = len(articles)
	h := &st.health
	h.DiscoveredURL = a.Resolved
	h.LastAttemptAt, h.LastSuccessAt = now, now
	h.LastOutcome, h.LastStatus, h.LastError = OutcomeOK, a.Resp.Status, ""
	h.ConsecutiveFailures, h.FailingSince = 0, time.Time{}
	h.ItemCount = len(articles)
	h.Encoding = a.Parsed.Encoding()
	h.ReadAs = a.readAs()
	h.NextPollAt = now.Add(p.jitter(p.interval))
	recovered := st.feed
	if wasAlerted {
		st.feed.AlertedAt = time.Time{}
	}
	p.mu.Unlock()

	st.listing.remember(a, articles)
	p.metrics.polls.WithLabelValues(feed.URL, OutcomeOK).Inc()
	p.metrics.items.WithLabelValues(feed.URL).Set(float64(len(articles)))
	p.metrics.failures.WithLabelValues(feed.URL).Set(0)
	p.log.Info("feed polled", slog.String("feed_url", feed.URL), slog.String("fetch_url", a.Resp.URL),
		slog.Int("items", len(articles)), slog.Int("new", len(res.New)), slog.Int("updated", res.Updated),
		slog.Int("enqueued", res.Enqueued), slog.Bool("first", res.First), slog.String("encoding", h.Encoding))

	if wasAlerted {
		if p.alerter != nil {
			p.alerter.FeedRecovered(ctx, recovered)
		}
		if err := p.store.SetFeedAlerted(ctx, feed.ID, time.Time{}); err != nil {
			p.log.Error("cannot clear feed alert", slog.String("feed_url", feed.URL), slog.Any("error", err))
		}
	}
	if p.onNew != nil && !res.First && (len(res.New) > 0 || res.Enqueued > 0) {
		p.onNew(ctx, res)
	}
	return nil
}

// fail records a failed poll: in the store, in memory, in the metrics; it
// schedules the next attempt with backoff and alerts once after AlertAfter.
func (p *Poller) fail(ctx context.Context, st *feedState, now time.Time, status int, err error) {
	p.mu.Lock()
	feedID, feedURL := st.feed.ID, st.feed.URL
	p.mu.Unlock()

	row, serr := p.store.RecordFeedFailure(ctx, feedID, err.Error(), now)
	if serr != nil {
		p.log.Error("cannot record feed failure", slog.String("feed_url", feedURL), slog.Any("error", serr))
	}

	p.mu.Lock()
	if serr == nil {
		resolved := st.feed.ResolvedURL
		st.feed = row
		st.feed.ResolvedURL = resolved // as polled; the store keeps the last ingested one
	} else {
		st.feed.ConsecutiveFailures++
		if st.feed.FailingSince.IsZero() {
			st.feed.FailingSince = now
		}
		st.feed.LastAttemptAt, st.feed.LastError = now, err.Error()
	}
	h := &st.health
	h.LastAttemptAt = now
	h.LastOutcome, h.LastStatus, h.LastError = OutcomeError, status, err.Error()
	h.ConsecutiveFailures = st.feed.ConsecutiveFailures
	h.FailingSince = st.feed.FailingSince
	delay := p.backoff(h.ConsecutiveFailures)
	if ra := retryAfter(err); ra > delay {
		delay = min(ra, 24*time.Hour)
	}
	h.NextPollAt = now.Add(delay)
	failures := h.ConsecutiveFailures
	alert := p.alerter != nil && st.feed.AlertedAt.IsZero() && !st.feed.FailingSince.IsZero() &&
		now.Sub(st.feed.FailingSince) >= p.alertAfter
	if alert {
		st.feed.AlertedAt = now
	}
	down := st.feed
	p.mu.Unlock()

	p.metrics.polls.WithLabelValues(feedURL, OutcomeError).Inc()
	p.metrics.failures.WithLabelValues(feedURL).Set(float64(failures))
	if alert {
		p.log.Warn("feed down, alerting admins", slog.String("feed_url", feedURL), slog.Time("failing_since", down.FailingSince))
		p.alerter.FeedDown(ctx, down)
		if err := p.store.SetFeedAlerted(ctx, feedID, now); err != nil {
			p.log.Error("cannot record feed alert", slog.String("feed_url", feedURL), slog.Any("error", err))
		}
	}
}

// backoff is the delay after n consecutive failures: min(interval, 1 min)
// doubled for each failure after the first, ±10%, capped at MaxBackoff.
func (p *Poller) backoff(n int) time.Duration {
	d := min(p.interval, time.Minute)
	for i := 1; i < n && d < p.maxBackoff; i++ {
		d *= 2
	}
	return min(p.jitter(d), p.maxBackoff)
}

// jitter spreads d by ±10%.
func (p *Poller) jitter(d time.Duration) time.Duration {
	return d + time.Duration((rand.Float64()*0.2-0.1)*float64(d))
}
