// Package subscriptions is the domain of newsbot and its SQLite store:
// chats and their preferences, feeds and their health, articles, the
// delivery outbox and the bot's own state. SQL lives here and nowhere else.
package subscriptions

import (
	"errors"
	"slices"
	"time"
)

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// Languages the bot speaks. The empty string means "not chosen".
const (
	LangRU = "ru"
	LangBE = "be"
	LangEN = "en"
)

// Languages are the languages the bot speaks, in menu order: the one list
// of them (each has its catalogue of texts in bot/i18n).
func Languages() []string { return []string{LangRU, LangBE, LangEN} }

// ValidLanguage reports whether l is one of the Languages.
func ValidLanguage(l string) bool { return slices.Contains(Languages(), l) }

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

// SourceKind says how a configured source is read. It comes from the
// configuration at each start; the store does not keep it.
type SourceKind string

const (
	// SourceFeed is an RSS, Atom or JSON feed, or an HTML page that links one
	// (or, failing that, looks like a news listing). The zero value.
	SourceFeed SourceKind = ""
	// SourceListing is an HTML page listing news items ("html:" in NEWSBOT_FEEDS).
	SourceListing SourceKind = "html"
)

// FeedConfig is one configured source: a URL with its section name and optional language.
type FeedConfig struct {
	Section  string
	Language string // ru, be, en or empty
	URL      string // without the "html:" prefix: the key of the feeds table
	Kind     SourceKind
}

// Feed is a configured source with its fetch validators and health.
type Feed struct {
	ID       int64
	URL      string // as configured
	Section  string
	Language string
	Kind     SourceKind // from the configuration, not stored
	// ResolvedURL is the feed found by autodiscovery when URL is an HTML page; empty otherwise.
	ResolvedURL  string
	ETag         string
	LastModified string
	// Initialized is set by the first successful poll, whose items are recorded as seen and not announced.
	Initialized         bool
	LastAttemptAt       time.Time
	LastSuccessAt       time.Time
	LastError           string
	ConsecutiveFailures int
	ItemCount           int // items in the latest successful fetch
	// FailingSince is when the current run of failures began (zero when healthy).
	FailingSince time.Time
	// AlertedAt is when admins were told that the feed is failing (zero when no alert is open).
	AlertedAt time.Time
}

// FetchURL is the URL to poll: the discovered feed if there is one, else the configured URL.
func (f Feed) FetchURL() string {
	if f.ResolvedURL != "" {
		return f.ResolvedURL
	}
	return f.URL
}

// Article is one news item, normalised from a feed.
type Article struct {
	ID         int64
	FeedID     int64
	Key        string // stable per feed: GUID, else link, else a content hash
	Title      string
	Summary    string // plain text, paragraphs separated by "\n"
	Link       string // absolute
	ImageURL   string // absolute, or empty
	Published  time.Time
	Categories []string
	Section    string
	Language   string
	FirstSeen  time.Time
}

// DeliveryKind says what a delivery carries.
type DeliveryKind string

const (
	KindArticle DeliveryKind = "article"
	KindNotice  DeliveryKind = "notice"
	KindDigest  DeliveryKind = "digest"
)

// DeliveryState is the state of an outbox row.
type DeliveryState string

const (
	DeliveryPending DeliveryState = "pending"
	DeliverySent    DeliveryState = "sent"
	DeliveryFailed  DeliveryState = "failed"  // permanent, with a reason
	DeliverySkipped DeliveryState = "skipped" // the chat is gone or unsubscribed
)

// Delivery is one row of the outbox: one thing to send to one chat.
type Delivery struct {
	ID            int64
	ChatID        int64
	Kind          DeliveryKind
	Ref           int64 // article, notice or digest id
	Priority      int   // higher goes first
	State         DeliveryState
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	MessageID     int
	Silent        bool // send without notification (quiet hours)
	CreatedAt     time.Time
}

// FetchResult is what a successful fetch of a feed tells the store besides its items.
type FetchResult struct {
	ResolvedURL  string // the feed found by autodiscovery, or empty
	ETag         string
	LastModified string
	At           time.Time
}

// IngestResult says what IngestFeed did.
type IngestResult struct {
	First    bool      // the feed's first successful poll: everything recorded as seen, nothing announced
	New      []Article // articles never seen before for this feed, with IDs
	Updated  int       // known articles whose title or summary changed
	Enqueued int       // deliveries created for the new articles
}
