package subscriptions

import (
	"regexp"
	"strings"
	"time"
)

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
	Ref      int64 // the notice or article concerned, if any
	// Details are language-neutral fields "key=value key=value", e.g.
	// "audience=language:be recipients=120" (see Fields). Values hold no
	// spaces, but for the field error, which stands last and holds any text.
	Details string
}

// detailKey starts a field of Details.
var detailKey = regexp.MustCompile(`^[a-z_]+=`)

// Fields reads Details back: each word "key=" starts a field whose value
// runs to the next one; the field error takes the rest.
func (e AuditEntry) Fields() map[string]string {
	out := map[string]string{}
	key := ""
	for _, w := range strings.Split(e.Details, " ") {
		if m := detailKey.FindString(w); m != "" && key != "error" {
			key = strings.TrimSuffix(m, "=")
			out[key] = w[len(m):]
			continue
		}
		if key != "" {
			out[key] += " " + w
		}
	}
	return out
}
