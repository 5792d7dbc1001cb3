package subscriptions

import (
	"errors"
	"slices"
	"time"

	"github.com/osipovichi/newsbot/subscriptions/analyser"
)

// ChatType is Telegram's chat type.
type ChatType string

const (
	ChatPrivate    ChatType = "private"
	ChatGroup      ChatType = "group"
	ChatSupergroup ChatType = "supergroup"
	ChatChannel    ChatType = "channel"
)

// ChatStatus says whether the bot can still write to a chat.
type ChatStatus string

const (
	StatusActive  ChatStatus = "active"
	StatusBlocked ChatStatus = "blocked" // the user blocked the bot or deactivated the account
	StatusLeft    ChatStatus = "left"    // the bot was removed from the group or channel, or it is gone
)

// Chat is a Telegram chat known to the bot, with its preferences.
type Chat struct {
	ID           int64
	Type         ChatType
	Title        string // group/channel title or the user's name
	Username     string
	Language     string // ru, be, en; empty means the default
	Status       ChatStatus
	Subscribed   bool
	LinkPreviews bool
	// QuietStart and QuietEnd are minutes after local midnight; equal values mean quiet hours are off.
	QuietStart int
	QuietEnd   int
	// DigestHour is the local hour (0-23) of the daily digest, or -1 for instant delivery.
	DigestHour int
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// QuietHoursOn reports whether the chat has quiet hours set.
func (c Chat) QuietHoursOn() bool { return c.QuietStart != c.QuietEnd }

// InQuietHours reports whether local time t falls inside the chat's quiet hours.
func (c Chat) InQuietHours(t time.Time) bool {
	if !c.QuietHoursOn() {
		return false
	}
	m := t.Hour()*60 + t.Minute()
	if c.QuietStart < c.QuietEnd {
		return m >= c.QuietStart && m < c.QuietEnd
	}
	return m >= c.QuietStart || m < c.QuietEnd // wraps past midnight
}

// ChatInfo is what an update tells about a chat.
type ChatInfo struct {
	ID       int64
	Type     ChatType
	Title    string
	Username string
	// Language is used only when the chat is new: an existing chat keeps the language it has.
	Language string
}

// ErrLastSection is returned when a chat would be left without any section:
// /unsubscribe is the way to stop the news.
var ErrLastSection = errors.New("a chat keeps at least one section")

// Preferences is a chat with everything it chose.
type Preferences struct {
	Chat
	// Available are the sections offered in the chat's language, in
	// configuration order.
	Available []string
	// Sections are the sections the chat receives, among Available.
	Sections []string
	Keywords []analyser.Keyword
}

// HasSection reports whether the chat receives a section.
func (p Preferences) HasSection(section string) bool { return slices.Contains(p.Sections, section) }
