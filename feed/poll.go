package feed

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

// poll fetches one feed and records the outcome. It returns the poll's error
// (already recorded), or nil.
func (p *Poller) poll(ctx context.Context, st *feedState) error {
	now := p.now()
	p.mu.Lock()
	feed := st.feed
	p.mu.Unlock()

	// A failing (or alerted) feed is fetched without validators, so that its
	// recovery goes through IngestFeed and resets the health kept in the store.
	var v Validators
	if feed.ConsecutiveFailures == 0 && feed.AlertedAt.IsZero() {
		v = Validators{ETag: feed.ETag, LastModified: feed.LastModified}
	}
	// The poll's own deadline bounds the fetches (a body that never ends),
	// not the bookkeeping in the store.
	pctx, cancel := context.WithTimeout(ctx, p.pollTimeout)
	defer cancel()
	a, err := p.fetch(pctx, st, feed, v, now)
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
		if st.truncated > 0 {
			st.truncated++ // the same cut-off document, still
		}
		p.mu.Unlock()
		p.metrics.polls.WithLabelValues(feed.URL, OutcomeNotModified).Inc()
		p.log.Debug("feed not modified", slog.String("feed_url", feed.URL))
		p.watchFeed(ctx, st, now)
		return nil
	}

	if a.Page != nil {
		p.mu.Lock()
		st.discoveredAt = now
		p.mu.Unlock()
	}
	if len(a.Versions) > 0 {
		p.expand(ctx, st, a.Versions, now)
	}
	norm := feed
	norm.ResolvedURL = a.Resolved
	articles := a.articles(norm, p.listings.location(), now)
	p.noteReadAs(st, a)
	p.enrich(pctx, st, a, feed, articles)
	fr := subscriptions.FetchResult{ResolvedURL: a.Resolved, ETag: a.Resp.ETag, LastModified: a.Resp.LastModified, At: now,
		MaxNew: p.maxNew, SiteURL: a.siteURL(feed.URL)}
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
	h.Repairs = a.Parsed.Recovery.String()
	if a.Parsed.Recovery.Truncated {
		st.truncated++
		if h.TruncatedSince.IsZero() {
			h.TruncatedSince = now
		}
	} else {
		st.truncated, st.truncationAlerted, h.TruncatedSince = 0, false, time.Time{}
	}
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
		slog.Int("enqueued", res.Enqueued), slog.Int("overflow", res.Overflow), slog.Bool("first", res.First),
		slog.String("encoding", h.Encoding))
	if res.Overflow > 0 {
		p.log.Warn("feed brought more new articles than are announced one by one", slog.String("feed_url", feed.URL),
			slog.Int("announced", p.maxNew), slog.Int("more", res.Overflow))
		if p.alerter != nil {
			p.alerter.FeedFlood(ctx, recovered, p.maxNew, res.Overflow)
		}
	}

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
	p.watchFeed(ctx, st, now)
	return nil
}

// fail records a failed poll: in the store, in memory, in the metrics; it
// schedules the next attempt with backoff (or after the server's
// Retry-After, up to MaxBackoff) and checks whether the admins must hear of it.
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
		resolved, alerted := st.feed.ResolvedURL, st.feed.AlertedAt
		st.feed = row
		st.feed.ResolvedURL = resolved // as polled; the store keeps the last ingested one
		st.feed.AlertedAt = alerted    // as alerted by this process, also when the store failed to record it
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
		delay = min(ra, p.maxBackoff)
	}
	h.NextPollAt = now.Add(delay)
	failures := h.ConsecutiveFailures
	p.mu.Unlock()

	p.metrics.polls.WithLabelValues(feedURL, OutcomeError).Inc()
	p.metrics.failures.WithLabelValues(feedURL).Set(float64(failures))
	p.watchFeed(ctx, st, now)
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
