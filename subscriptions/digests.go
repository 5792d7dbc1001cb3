package subscriptions

import "time"

// DigestForm says what a digest delivery (KindDigest) gathers.
type DigestForm string

const (
	DigestDaily  DigestForm = "daily"  // a day's articles, at the chat's hour
	DigestWeekly DigestForm = "weekly" // a week's articles, on the chat's day and hour
	// DigestHeadlines is a batch of the articles that came since the last
	// one, for a chat that reads headlines.
	DigestHeadlines DigestForm = "headlines"
	// DigestCatchUp is what was waiting when the chat went back to getting
	// its news one article at a time.
	DigestCatchUp DigestForm = "catchup"
)

// Digest is a digest delivery with its articles.
type Digest struct {
	Form DigestForm
	// Slot is when it fell due: it holds the articles put aside before
	// then. A weekly digest covers the week before its slot.
	Slot     time.Time
	Articles []Article // oldest first
}
