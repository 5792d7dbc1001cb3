package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
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

// FeedDown tells every admin that a feed has had no successful poll since
// f.LastSuccessAt, and why (f.LastError).
func (b *Bot) FeedDown(ctx context.Context, f subscriptions.Feed) {
	b.alerts.record(ctx, subscriptions.AuditEntry{Action: subscriptions.AuditFeedDown, Ref: f.ID, Details: "url=" + f.URL + " error=" + f.LastError})
	b.alerts.tellAdmins(ctx, func(lang string) string {
		return i18n.T(lang, "admin.feed_down", b.sections.Name(lang, f.Section), b.alerts.when(lang, f.LastSuccessAt), f.URL, f.LastError)
	})
}

// FeedTruncated tells every admin that a feed has arrived cut off at every
// poll since `since`: residents get its complete items only.
func (b *Bot) FeedTruncated(ctx context.Context, f subscriptions.Feed, since time.Time) {
	b.alerts.record(ctx, subscriptions.AuditEntry{Action: subscriptions.AuditFeedTruncated, Ref: f.ID, Details: "url=" + f.URL})
	b.alerts.tellAdmins(ctx, func(lang string) string {
		return i18n.T(lang, "admin.feed_truncated", b.sections.Name(lang, f.Section), b.alerts.when(lang, since), f.URL)
	})
}

// FeedRecovered tells every admin that a failing feed works again.
func (b *Bot) FeedRecovered(ctx context.Context, f subscriptions.Feed) {
	b.alerts.record(ctx, subscriptions.AuditEntry{Action: subscriptions.AuditFeedRecovered, Ref: f.ID, Details: "url=" + f.URL})
	b.alerts.tellAdmins(ctx, func(lang string) string {
		return i18n.T(lang, "admin.feed_recovered", b.sections.Name(lang, f.Section), f.URL)
	})
}

// FeedFlood tells every admin that a poll of a feed brought more new
// articles than are announced one by one: announced were, more went into
// one "and N more on the portal" message.
func (b *Bot) FeedFlood(ctx context.Context, f subscriptions.Feed, announced, more int) {
	b.alerts.record(ctx, subscriptions.AuditEntry{Action: subscriptions.AuditFeedFlood, Ref: f.ID,
		Details: fmt.Sprintf("url=%s announced=%d more=%d", f.URL, announced, more)})
	b.alerts.tellAdmins(ctx, func(lang string) string {
		return i18n.T(lang, "admin.feed_flood", b.sections.Name(lang, f.Section), announced+more, announced, more, f.URL)
	})
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
