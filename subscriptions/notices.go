package subscriptions

import (
	"fmt"
	"strings"
	"time"
)

// NoticeState is the life of a notice: a draft until an admin confirms it,
// then sending at once, or scheduled until its time comes and then
// sending, until every delivery is settled (done) or an admin stops it. A
// draft or a scheduled notice may be cancelled; a scheduled one may go
// back to being a draft.
type NoticeState string

const (
	NoticeDraft     NoticeState = "draft"
	NoticeScheduled NoticeState = "scheduled"
	NoticeSending   NoticeState = "sending"
	NoticeStopped   NoticeState = "stopped"
	NoticeDone      NoticeState = "done"
	NoticeCancelled NoticeState = "cancelled"
)

// Audience is the set of subscribed, active chats a notice goes to: those
// that receive Section (every section when empty) and read Language (every
// language when empty). A chat that never chose its sections receives
// every section, as for articles; a chat that never chose a language reads
// the default one.
type Audience struct {
	Section  string
	Language string
}

// Validate reports what is wrong with an audience: an unknown language.
func (a Audience) Validate() error {
	if a.Language != "" && !ValidLanguage(a.Language) {
		return fmt.Errorf("unknown language %q", a.Language)
	}
	return nil
}

// String is the audience as recorded in the audit: "all", "section:news",
// "language:be", "section:news,language:be".
func (a Audience) String() string {
	switch {
	case a.Section != "" && a.Language != "":
		return "section:" + a.Section + ",language:" + a.Language
	case a.Section != "":
		return "section:" + a.Section
	case a.Language != "":
		return "language:" + a.Language
	}
	return "all"
}

// ParseAudience reads an audience as String writes it; ok is false for
// text String does not write.
func ParseAudience(s string) (a Audience, ok bool) {
	if s != "all" {
		for _, part := range strings.Split(s, ",") {
			key, value, _ := strings.Cut(part, ":")
			switch key {
			case "section":
				a.Section = value
			case "language":
				a.Language = value
			}
		}
	}
	return a, a.Validate() == nil && a.String() == s
}

// AudienceCount is how many chats a notice would reach now, and how many
// of them get it with their daily digest rather than at once.
type AudienceCount struct {
	Total  int
	Digest int
}

// FanOut is what the fan-out of a notice needs besides the notice: the
// language of the chats that chose none (NEWSBOT_LANG) and the time zone of
// digest hours (NEWSBOT_TIMEZONE).
type FanOut struct {
	DefaultLang string
	Location    *time.Location
}

// StoppedByAdmin is the reason recorded on the deliveries a Stop cancelled.
const StoppedByAdmin = "stopped by admin"

// The priorities of notices in the outbox: ahead of posts, articles and
// digests; an urgent notice ahead of everything.
const (
	NoticePriority = 10
	UrgentPriority = 20
)

// NoticeVersion is a notice in one language: a message of an admin, or
// the items of an album, copied to residents as they are.
type NoticeVersion struct {
	Language   string
	ChatID     int64
	MessageIDs []int // one message, or the items of an album in order
}

// Notice is what an admin sends to an audience of subscribers: a message of
// theirs in one or more languages (/broadcast), or a portal article (/post).
type Notice struct {
	ID          int64
	AdminUserID int64
	// Language is the language of the first version: readers of a language
	// without a version of its own get that one.
	Language string
	// Versions are the versions of a message notice, the first one first.
	Versions []NoticeVersion
	// Article is the portal article a /post sends (as news: to the chats
	// whose sections, language and keywords let it through, and that have
	// not had it); nil for a message notice.
	Article  *Article
	Audience Audience
	// Urgent notices ring in quiet hours, skip the wait for a digest and go
	// ahead of everything in the outbox.
	Urgent bool
	// SendAt is the time chosen to send it; zero for at once.
	SendAt      time.Time
	State       NoticeState
	ConfirmedBy int64 // who sent or scheduled it
	StoppedBy   int64
	// Recipients are the chats it went to when it started; Digest of them
	// get it with their daily digest (a message at the digest's hour, an
	// article inside the digest).
	Recipients int
	Digest     int
	// ProgressChatID and ProgressMessageID name the message with its
	// buttons: the draft's controls, then its progress and report.
	ProgressChatID    int64
	ProgressMessageID int
	CreatedAt         time.Time
	ConfirmedAt       time.Time // sent or scheduled
	StartedAt         time.Time // its deliveries were created
	FinishedAt        time.Time // done, stopped or cancelled
	ReportedAt        time.Time
}

// IsPost reports whether the notice is an article of the portal (/post).
func (n Notice) IsPost() bool { return n.Article != nil }

// Version returns the version a reader of lang gets: the one in lang, else
// the first. ok is false for a notice without versions.
func (n Notice) Version(lang string) (v NoticeVersion, ok bool) {
	for _, v := range n.Versions {
		if v.Language == lang {
			return v, true
		}
	}
	if len(n.Versions) == 0 {
		return NoticeVersion{}, false
	}
	return n.Versions[0], true
}

// HasVersion reports whether the notice has a version of its own in lang.
func (n Notice) HasVersion(lang string) bool {
	for _, v := range n.Versions {
		if v.Language == lang {
			return true
		}
	}
	return false
}

// Priority is the priority of the notice's deliveries in the outbox.
func (n Notice) Priority() int {
	switch {
	case n.Urgent:
		return UrgentPriority
	case n.IsPost():
		return PostPriority
	}
	return NoticePriority
}

// NoticeProgress counts the deliveries of a notice by outcome.
type NoticeProgress struct {
	Sent    int
	Blocked int // skipped: the chat blocked the bot, left, or unsubscribed meanwhile
	Failed  int
	Stopped int // skipped because an admin stopped the notice
	Pending int
	// Waiting are the pending deliveries that wait for their chat's digest hour.
	Waiting int
}

// Total is the number of deliveries of the notice.
func (p NoticeProgress) Total() int { return p.Sent + p.Blocked + p.Failed + p.Stopped + p.Pending }
