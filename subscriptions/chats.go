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
	// DigestHour is the local hour (0-23) of the daily or weekly digest, or -1 for instant delivery.
	DigestHour int
	// DigestWeekday is the day of the weekly digest, or -1 for a daily one.
	DigestWeekday time.Weekday
	// Display is how the chat's news look.
	Display Display
	// HeadlinesEvery is the least time between two batches of headlines, in
	// minutes (one of HeadlinesIntervals).
	HeadlinesEvery int
	// Hashtags asks for the hashtags of an article's categories under it.
	Hashtags  bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Display is how a chat's news look.
type Display string

const (
	DisplayFull    Display = "full"    // title, date, photo, summary, section, link
	DisplayCompact Display = "compact" // title, date and link
	// DisplayHeadlines gathers new articles into one numbered list of
	// titles, sent at most every HeadlinesEvery minutes.
	DisplayHeadlines Display = "headlines"
)

// Displays are the displays a chat can choose, in menu order.
func Displays() []Display { return []Display{DisplayFull, DisplayCompact, DisplayHeadlines} }

// HeadlinesIntervals are the choices of minutes between two batches of
// headlines, in menu order; DefaultHeadlinesEvery is one of them.
func HeadlinesIntervals() []int { return []int{15, 30, 60, 180} }

// DefaultHeadlinesEvery is the interval of headlines a chat starts with.
const DefaultHeadlinesEvery = 60

// Daily reports whether the chat gets a daily digest.
func (c Chat) Daily() bool { return c.DigestHour >= 0 && c.DigestWeekday < 0 }

// Weekly reports whether the chat gets a weekly digest.
func (c Chat) Weekly() bool { return c.DigestHour >= 0 && c.DigestWeekday >= 0 }

// PutsAside reports whether new articles wait for the chat in a digest or a
// batch of headlines, rather than going out one by one.
func (c Chat) PutsAside() bool { return c.DigestHour >= 0 || c.Display == DisplayHeadlines }

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
