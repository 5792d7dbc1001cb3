package feed

import (
	"context"
	"log/slog"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

// watchEvery is how often Run checks for silent feeds: a tenth of the alert
// threshold, between a second and a minute.
func (p *Poller) watchEvery() time.Duration {
	return min(time.Minute, max(time.Second, p.alertAfter/10))
}

// watch checks every feed for silence and persistent truncation (see watchFeed).
func (p *Poller) watch(ctx context.Context, now time.Time) {
	for _, st := range p.states() {
		p.watchFeed(ctx, st, now)
	}
}

// watchFeed tells the admins, once per episode, about a feed that has had
// no successful poll for AlertAfter, whatever the reason (failures, a
// server that asked to wait, a poll that does not end), and about a feed
// whose documents have arrived cut off in truncatedPolls polls in a row
// for AlertAfter. It runs after each poll and on Run's timer, so that a
// feed that is not being polled at all is noticed too.
func (p *Poller) watchFeed(ctx context.Context, st *feedState, now time.Time) {
	if p.alerter == nil {
		return
	}
	p.mu.Lock()
	quietSince := st.health.LastSuccessAt
	if quietSince.Before(p.started) {
		quietSince = p.started
	}
	var down, cut *subscriptions.Feed
	if st.feed.AlertedAt.IsZero() && now.Sub(quietSince) >= p.alertAfter {
		st.feed.AlertedAt = now
		f := st.feed
		f.LastSuccessAt, f.LastError = quietSince, p.silenceReason(st)
		down = &f
	}
	cutSince := st.health.TruncatedSince
	if !st.truncationAlerted && st.truncated >= truncatedPolls && now.Sub(cutSince) >= p.alertAfter {
		st.truncationAlerted = true
		f := st.feed
		cut = &f
	}
	p.mu.Unlock()

	if down != nil {
		p.log.Warn("feed silent, alerting admins", slog.String("feed_url", down.URL), slog.Time("last_success", down.LastSuccessAt),
			slog.String("reason", down.LastError))
		p.alerter.FeedDown(ctx, *down)
		if err := p.store.SetFeedAlerted(ctx, down.ID, now); err != nil {
			p.log.Error("cannot record feed alert", slog.String("feed_url", down.URL), slog.Any("error", err))
		}
	}
	if cut != nil {
		p.log.Warn("feed keeps arriving cut off, alerting admins", slog.String("feed_url", cut.URL), slog.Time("truncated_since", cutSince))
		p.alerter.FeedTruncated(ctx, *cut, cutSince)
	}
}

// silenceReason says why a feed has had no successful poll, for the admins
// (p.mu held): the last error, or a poll that has not ended.
func (p *Poller) silenceReason(st *feedState) string {
	switch {
	case st.health.LastError != "":
		return st.health.LastError
	case st.polling:
		return "a poll that began at " + st.pollingSince.UTC().Format(time.RFC3339) + " has not ended"
	case st.health.LastAttemptAt.IsZero():
		return "the feed has not been polled yet"
	}
	return "no successful poll"
}
