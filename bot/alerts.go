package bot

import (
	"context"

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

// FeedDown tells every admin that a feed has been failing for over an hour.
func (b *Bot) FeedDown(ctx context.Context, f subscriptions.Feed) {
	b.alerts.record(ctx, subscriptions.AuditEntry{Action: subscriptions.AuditFeedDown, Ref: f.ID, Details: "url=" + f.URL + " error=" + f.LastError})
	b.alerts.tellAdmins(ctx, func(lang string) string {
		return i18n.T(lang, "admin.feed_down", b.sections.Name(lang, f.Section), f.URL, f.LastError)
	})
}

// FeedRecovered tells every admin that a failing feed works again.
func (b *Bot) FeedRecovered(ctx context.Context, f subscriptions.Feed) {
	b.alerts.record(ctx, subscriptions.AuditEntry{Action: subscriptions.AuditFeedRecovered, Ref: f.ID, Details: "url=" + f.URL})
	b.alerts.tellAdmins(ctx, func(lang string) string {
		return i18n.T(lang, "admin.feed_recovered", b.sections.Name(lang, f.Section), f.URL)
	})
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
