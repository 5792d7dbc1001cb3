package bot

import (
	"context"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/subscriptions"
)

// FeedDown tells every admin that a feed has been failing for over an hour.
func (b *Bot) FeedDown(ctx context.Context, f subscriptions.Feed) {
	b.recordAudit(ctx, subscriptions.AuditEntry{Action: subscriptions.AuditFeedDown, Ref: f.ID, Details: "url=" + f.URL + " error=" + f.LastError})
	b.tellAdmins(ctx, func(lang string) string {
		return i18n.T(lang, "admin.feed_down", i18n.Section(lang, f.Section), f.URL, f.LastError)
	})
}

// FeedRecovered tells every admin that a failing feed works again.
func (b *Bot) FeedRecovered(ctx context.Context, f subscriptions.Feed) {
	b.recordAudit(ctx, subscriptions.AuditEntry{Action: subscriptions.AuditFeedRecovered, Ref: f.ID, Details: "url=" + f.URL})
	b.tellAdmins(ctx, func(lang string) string {
		return i18n.T(lang, "admin.feed_recovered", i18n.Section(lang, f.Section), f.URL)
	})
}

// tellAdmins sends a notice to each admin's private chat, in the admin's language when known.
func (b *Bot) tellAdmins(ctx context.Context, text func(lang string) string) {
	for id := range b.admins {
		chat := subscriptions.Chat{ID: id, Type: subscriptions.ChatPrivate}
		lang := i18n.Pick(b.defaultLang)
		if c, err := b.store.Chat(ctx, id); err == nil {
			chat, lang = c, i18n.Pick(b.defaultLang, c.Language)
		}
		b.replyText(ctx, chat, text(lang))
	}
}
