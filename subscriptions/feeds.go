package subscriptions

import (
	"strings"
	"time"
)

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
	// ParentID is, for a language version, the configured source on whose
	// page it was found (its URL is the version's feed); 0 for a configured source.
	ParentID int64
}

// PostedFeedPrefix starts the URL of the feed rows that hold the articles
// admins post with /post that no feed had brought: one row per configured
// section and language, so that they add no section or language anywhere.
// The poller never sees them (it polls the configured feeds only), and an
// article a feed brings later with the same link is not announced again.
const PostedFeedPrefix = "newsbot:posted:"

// IsPosted reports whether the feed holds posted articles rather than being a configured source.
func (f Feed) IsPosted() bool { return strings.HasPrefix(f.URL, PostedFeedPrefix) }

// FetchResult is what a successful fetch of a feed tells the store besides its items.
type FetchResult struct {
	ResolvedURL  string // the feed found by autodiscovery, or empty
	ETag         string
	LastModified string
	At           time.Time
	// MaxNew is how many new articles may be announced one by one; the
	// others are stored and announced by one Overflow notice. 0: no limit.
	MaxNew int
	// SiteURL is the portal's page of the feed, the link of an Overflow notice.
	SiteURL string
}

// IngestResult says what the store did with a successful poll.
type IngestResult struct {
	First    bool      // the feed's first successful poll: everything recorded as seen, nothing announced
	New      []Article // articles never seen before for this feed, with IDs
	Updated  int       // known articles whose title or summary changed (also under a new GUID)
	Enqueued int       // deliveries created for the new articles, and for the overflow notice
	// Overflow counts the new articles stored but not announced one by one
	// (over FetchResult.MaxNew); OverflowID is their notice, 0 when none.
	Overflow   int
	OverflowID int64
}
