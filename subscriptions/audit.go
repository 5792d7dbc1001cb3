package subscriptions

import "time"

// Audit actions.
const (
	AuditNoticeCreated     = "notice.created"
	AuditNoticeSent        = "notice.sent"   // deliveries created
	AuditNoticeUrgent      = "notice.urgent" // an urgent notice's deliveries created
	AuditNoticeScheduled   = "notice.scheduled"
	AuditNoticeUnscheduled = "notice.unscheduled" // back to a draft
	AuditNoticeCancelled   = "notice.cancelled"
	AuditNoticeStopped     = "notice.stopped"
	AuditNoticeFinished    = "notice.finished"
	AuditPost              = "post" // a portal article's deliveries created
	AuditPostFinished      = "post.finished"
	AuditFeedDown          = "feed.down"
	AuditFeedRecovered     = "feed.recovered"
	AuditFeedTruncated     = "feed.truncated"
	AuditFeedFlood         = "feed.flood"
)

// AuditEntry is one line of the audit trail: who did what and when.
type AuditEntry struct {
	ID     int64
	At     time.Time
	UserID int64 // 0: the bot itself
	// UserName is the name of the user's private chat with the bot, when known (read only).
	UserName string
	Action   string
	Ref      int64  // the notice or article concerned, if any
	Details  string // language-neutral, e.g. "audience=language:be recipients=120"
}
