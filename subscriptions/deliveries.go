package subscriptions

import "time"

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
	CreatedAt     time.Time
	// FailingSince is when the delivery first failed with an error that may
	// go away by itself (zero: it has not); see Outcome.Failing.
	FailingSince time.Time
}

// An Overflow notice travels as an article delivery whose Ref is the
// negative of the overflow's ID: the schema fixes the delivery kinds, and
// article IDs are positive.

// OverflowRef is the Ref of the delivery of an Overflow notice.
func OverflowRef(overflowID int64) int64 { return -overflowID }

// Overflow returns the ID of the Overflow notice a delivery carries, if it carries one.
func (d Delivery) Overflow() (int64, bool) {
	if d.Kind == KindArticle && d.Ref < 0 {
		return -d.Ref, true
	}
	return 0, false
}

// DueDelivery is a pending delivery with the chat it goes to.
type DueDelivery struct {
	Delivery
	Chat Chat
}

// Outcome is what became of one attempt to send a delivery.
type Outcome struct {
	ID        int64
	State     DeliveryState // sent, failed, skipped, or pending to retry at NextAttemptAt
	MessageID int
	Error     string
	// NextAttemptAt is when to try again, for State pending.
	NextAttemptAt time.Time
	// CountAttempt is false for answers that are not the delivery's fault (a 429 wait).
	CountAttempt bool
	// Failing marks a pending outcome as a failure that may go away by
	// itself (Telegram down): the first one sets the delivery's FailingSince.
	Failing bool
}
