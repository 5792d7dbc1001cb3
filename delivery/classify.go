package delivery

import (
	"context"
	"errors"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/osipovichi/newsbot/delivery/pace"
	"github.com/osipovichi/newsbot/subscriptions"
)

// verdict is what an answer from Telegram means for the message that got it.
type verdict int

const (
	verdictOK           verdict = iota
	verdictRetryAfter           // 429: wait RetryAfter, then try again; not a failure
	verdictChatGone             // blocked, kicked, deactivated, chat not found: stop writing to the chat
	verdictMigrated             // the group became a supergroup: move the chat to MigrateTo and resend
	verdictBug                  // our message was wrong (bad HTML, too long): fail the row, log an error
	verdictTransient            // 5xx, network, timeout, a proxy's HTML page: retry with backoff
	verdictRejected             // another 4xx: permanent for this message
	verdictUnauthorized         // 401: the token is wrong or revoked
	verdictConflict             // 409: another instance polls with the same token
	verdictCanceled             // our own shutdown
	verdictNotModified          // an edit that changes nothing: done already
	verdictTooLate              // a reply that could not leave in time for the person who asked: given up
)

// classification is the one place where Telegram's error codes and
// descriptions are read.
type classification struct {
	verdict verdict
	// retryAfter is Telegram's retry_after (0: it did not say); the sender
	// replaces it with the pause the pacer took.
	retryAfter time.Duration
	global     bool // for verdictRetryAfter: the bot's own limit rather than the chat's (set by the sender)
	migrateTo  int64
	status     subscriptions.ChatStatus // for verdictChatGone
	reason     string                   // short, for the outbox row and metrics
	cause      error                    // the error classified, redacted
	took       time.Duration            // the request, from its start to the answer (set by the sender)
}

// err is the error behind a classification, or nil when the request went
// through. errors.Is and IsTemporary see what classify saw.
func (c classification) err() error {
	if c.verdict == verdictOK {
		return nil
	}
	return c.cause
}

// scope names what a 429 paused, for logs and metrics.
func (c classification) scope() string {
	if c.global {
		return "global"
	}
	return "chat"
}

func classify(err error) classification {
	if err == nil {
		return classification{verdict: verdictOK}
	}
	if errors.Is(err, context.Canceled) {
		return classification{verdict: verdictCanceled, reason: "canceled", cause: err}
	}
	if errors.Is(err, pace.ErrTooLate) {
		return classification{verdict: verdictTooLate, reason: "too late", cause: err}
	}
	var tgErr *tgbotapi.Error
	if !errors.As(err, &tgErr) {
		// Network errors, timeouts and bodies that are not JSON (a proxy's HTML page).
		return classification{verdict: verdictTransient, reason: err.Error(), cause: err}
	}
	desc := strings.ToLower(tgErr.Message)
	c := classification{reason: tgErr.Message, cause: err}
	switch {
	case tgErr.Code == 429 || tgErr.RetryAfter > 0:
		c.verdict = verdictRetryAfter
		c.retryAfter = time.Duration(max(tgErr.RetryAfter, 0)) * time.Second
	case tgErr.MigrateToChatID != 0:
		c.verdict, c.migrateTo = verdictMigrated, tgErr.MigrateToChatID
	case tgErr.Code == 401:
		c.verdict = verdictUnauthorized
	case tgErr.Code == 409:
		c.verdict = verdictConflict
	case tgErr.Code == 403 && (strings.Contains(desc, "blocked") || strings.Contains(desc, "deactivated")):
		c.verdict, c.status = verdictChatGone, subscriptions.StatusBlocked
	case tgErr.Code == 403 || strings.Contains(desc, "chat not found") || strings.Contains(desc, "chat_write_forbidden") ||
		strings.Contains(desc, "have no rights to send") || strings.Contains(desc, "not enough rights"):
		c.verdict, c.status = verdictChatGone, subscriptions.StatusLeft
	case strings.Contains(desc, "message is not modified"):
		c.verdict = verdictNotModified
	case strings.Contains(desc, "can't parse entities") || strings.Contains(desc, "too long") ||
		strings.Contains(desc, "message text is empty") || strings.Contains(desc, "button_data_invalid"):
		c.verdict = verdictBug
	case tgErr.Code >= 500 || tgErr.Code == 0:
		c.verdict = verdictTransient
	default:
		c.verdict = verdictRejected
	}
	return c
}

// IsUnauthorized reports whether err is Telegram refusing the token.
func IsUnauthorized(err error) bool { return classify(err).verdict == verdictUnauthorized }

// IsTemporary reports whether err may go away by itself: a network error,
// a server error or a rate limit, rather than an answer about the request.
func IsTemporary(err error) bool {
	v := classify(err).verdict
	return v == verdictTransient || v == verdictRetryAfter
}
