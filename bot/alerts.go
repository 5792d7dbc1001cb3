package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/feed"
	"github.com/osipovichi/newsbot/subscriptions"
)

// alertStore is what alerts need from the store.
type alertStore interface {
	AddAudit(ctx context.Context, e subscriptions.AuditEntry) error
}

// alerts tell the admins, in private, what the feed poller noticed.
type alerts struct {
	*base
	store alertStore
}

// FeedDown tells every admin that a feed has been failing for a while: what
// happened in plain words, since when, and the technical cause once.
func (b *Bot) FeedDown(ctx context.Context, f subscriptions.Feed) {
	b.alerts.record(ctx, subscriptions.AuditEntry{Action: subscriptions.AuditFeedDown, Ref: f.ID,
		Details: fmt.Sprintf("url=%s section=%s language=%s error=%s", f.URL, f.Section, f.Language, f.LastError)})
	since := f.LastSuccessAt // the poller alerts on silence, whatever the cause
	if since.IsZero() {
		since = f.FailingSince
	}
	if since.IsZero() {
		since = b.now()
	}
	b.alerts.tellAdmins(ctx, func(lang string) string {
		words, detail := feedTrouble(lang, f.LastError)
		lines := []string{
			i18n.T(lang, "alert.feed_down", b.feedLabel(lang, f.Section, f.Language), span(lang, b.now().Sub(since)), words),
			i18n.T(lang, "alert.address", f.URL),
		}
		if detail != "" {
			lines = append(lines, i18n.T(lang, "alert.detail", detail))
		}
		return strings.Join(lines, "\n")
	})
}

// FeedTruncated tells every admin that a feed has arrived cut off at every
// poll since `since`: residents get its complete items only.
func (b *Bot) FeedTruncated(ctx context.Context, f subscriptions.Feed, since time.Time) {
	b.alerts.record(ctx, subscriptions.AuditEntry{Action: subscriptions.AuditFeedTruncated, Ref: f.ID,
		Details: fmt.Sprintf("url=%s section=%s language=%s", f.URL, f.Section, f.Language)})
	b.alerts.tellAdmins(ctx, func(lang string) string {
		return i18n.T(lang, "admin.feed_truncated", b.feedLabel(lang, f.Section, f.Language), b.alerts.when(lang, since), f.URL)
	})
}

// FeedRecovered tells every admin that a failing feed works again.
func (b *Bot) FeedRecovered(ctx context.Context, f subscriptions.Feed) {
	b.alerts.record(ctx, subscriptions.AuditEntry{Action: subscriptions.AuditFeedRecovered, Ref: f.ID,
		Details: fmt.Sprintf("url=%s section=%s language=%s", f.URL, f.Section, f.Language)})
	b.alerts.tellAdmins(ctx, func(lang string) string {
		return i18n.T(lang, "alert.feed_recovered", b.feedLabel(lang, f.Section, f.Language)) + "\n" + i18n.T(lang, "alert.address", f.URL)
	})
}

// FeedFlood tells every admin that a poll of a feed brought more new
// articles than are announced one by one: announced were, more went into
// one "and N more on the portal" message.
func (b *Bot) FeedFlood(ctx context.Context, f subscriptions.Feed, announced, more int) {
	b.alerts.record(ctx, subscriptions.AuditEntry{Action: subscriptions.AuditFeedFlood, Ref: f.ID,
		Details: fmt.Sprintf("url=%s section=%s language=%s announced=%d more=%d", f.URL, f.Section, f.Language, announced, more)})
	b.alerts.tellAdmins(ctx, func(lang string) string {
		return i18n.T(lang, "admin.feed_flood", b.feedLabel(lang, f.Section, f.Language), announced+more, announced, more, f.URL)
	})
}

// DatabaseDown tells every admin that the database does not keep what the
// bot writes (deleted, read-only, full disk): deliveries are paused. It is
// not audited: the audit trail is in that database.
func (b *Bot) DatabaseDown(ctx context.Context, reason string) {
	b.alerts.tellAdmins(ctx, func(lang string) string { return i18n.T(lang, "admin.db_down", reason) })
}

// DatabaseRecovered tells every admin that the database takes writes again.
func (b *Bot) DatabaseRecovered(ctx context.Context) {
	b.alerts.tellAdmins(ctx, func(lang string) string { return i18n.T(lang, "admin.db_recovered") })
}

// when writes a moment of an alert in the admin's language and the bot's time zone.
func (b *alerts) when(lang string, t time.Time) string {
	return i18n.DateTime(lang, t.In(b.loc))
}

// record adds an entry to the audit trail; a failure is logged.
func (b *alerts) record(ctx context.Context, e subscriptions.AuditEntry) {
	if e.At.IsZero() {
		e.At = b.now()
	}
	if err := b.store.AddAudit(ctx, e); err != nil {
		b.log.Error("record audit entry", "action", e.Action, "error", err)
	}
}

// tellAdmins sends a notice to each admin's private chat, in the admin's language when known.
func (b *alerts) tellAdmins(ctx context.Context, text func(lang string) string) {
	for id := range b.admins {
		chat := subscriptions.Chat{ID: id, Type: subscriptions.ChatPrivate}
		b.replyText(ctx, chat, text(b.langOf(ctx, id)))
	}
}

// maxDetail bounds the technical cause shown to staff.
const maxDetail = 300

// feedTrouble says in lang what the text of a feed's last error means, and
// the technical detail to show once after it ("" when the words say it all).
func feedTrouble(lang, lastError string) (words, detail string) {
	e := feed.Explain(lastError)
	switch e.Problem {
	case feed.ProblemUnknown:
		return i18n.T(lang, "feed.problem.unknown"), render.Cut(e.Plain, maxDetail)
	case feed.ProblemStatus:
		words = i18n.T(lang, "feed.problem.status", e.Status)
		if e.RetryAfter > 0 {
			words += i18n.T(lang, "feed.problem.retry_after", span(lang, e.RetryAfter))
		}
		return words, render.Cut(e.Detail, maxDetail)
	}
	return i18n.T(lang, "feed.problem."+string(e.Problem)), render.Cut(e.Detail, maxDetail)
}

// feedLabel names a feed for staff: its section, and its language when it has one.
func (b *base) feedLabel(lang, section, feedLang string) string {
	name := b.sections.Name(lang, section)
	if subscriptions.ValidLanguage(feedLang) {
		return i18n.T(lang, "feed.label_lang", name, i18n.T(lang, "notice.button.lang."+feedLang))
	}
	return i18n.T(lang, "feed.label", name)
}

// span says roughly how long d is: minutes within the hour, hours within
// three days, then days.
func span(lang string, d time.Duration) string {
	switch {
	case d < time.Hour:
		return i18n.T(lang, "span.minutes", max(int(d.Minutes()), 1))
	case d < 72*time.Hour:
		return i18n.T(lang, "span.hours", int(d.Hours()))
	}
	return i18n.T(lang, "span.days", int(d.Hours()/24))
}
