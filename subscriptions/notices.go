package subscriptions

import (
	"errors"
	"fmt"
	"time"
)

// NoticeState is the life of a broadcast notice: a draft until an admin
// confirms it, then sending until every delivery is settled (done) or an
// admin stops it; a draft may be cancelled.
type NoticeState string

const (
	NoticeDraft     NoticeState = "draft"
	NoticeSending   NoticeState = "sending"
	NoticeStopped   NoticeState = "stopped"
	NoticeDone      NoticeState = "done"
	NoticeCancelled NoticeState = "cancelled"
)

// AudienceKind says who gets a notice.
type AudienceKind string

const (
	AudienceAll      AudienceKind = "all"
	AudienceSection  AudienceKind = "section"  // chats that follow one section
	AudienceLanguage AudienceKind = "language" // chats that read one language
)

// Audience is the set of subscribed, active chats a notice goes to.
type Audience struct {
	Kind  AudienceKind
	Value string // the section or the language; empty for all
}

// Validate reports what is wrong with an audience: an unknown kind or
// language, a section audience without a section, a value for all.
func (a Audience) Validate() error {
	switch a.Kind {
	case AudienceAll:
		if a.Value != "" {
			return fmt.Errorf("audience all with value %q", a.Value)
		}
	case AudienceLanguage:
		if !ValidLanguage(a.Value) {
			return fmt.Errorf("unknown language %q", a.Value)
		}
	case AudienceSection:
		if a.Value == "" {
			return errors.New("audience section without a section")
		}
	default:
		return fmt.Errorf("unknown audience kind %q", a.Kind)
	}
	return nil
}

// String is the audience as recorded in the audit: "all", "language:be", "section:news".
func (a Audience) String() string {
	if a.Kind == AudienceAll || a.Kind == "" {
		return string(AudienceAll)
	}
	return string(a.Kind) + ":" + a.Value
}

// StoppedByAdmin is the reason recorded on the deliveries a Stop cancelled.
const StoppedByAdmin = "stopped by admin"

// NoticePriority puts notices ahead of articles and digests in the outbox.
const NoticePriority = 10

// Notice is a message of an admin broadcast to an audience as a copy.
type Notice struct {
	ID                int64
	AdminUserID       int64
	SourceChatID      int64
	SourceMessageID   int
	Audience          Audience
	State             NoticeState
	ConfirmedBy       int64
	StoppedBy         int64
	Recipients        int // deliveries created on confirmation
	ProgressChatID    int64
	ProgressMessageID int
	CreatedAt         time.Time
	ConfirmedAt       time.Time
	FinishedAt        time.Time
	ReportedAt        time.Time
}

// NoticeProgress counts the deliveries of a notice by outcome.
type NoticeProgress struct {
	Sent    int
	Blocked int // skipped: the chat blocked the bot, left, or unsubscribed meanwhile
	Failed  int
	Stopped int // skipped because an admin stopped the notice
	Pending int
}

// Total is the number of deliveries of the notice.
func (p NoticeProgress) Total() int { return p.Sent + p.Blocked + p.Failed + p.Stopped + p.Pending }
