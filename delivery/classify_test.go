package delivery

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/osipovichi/newsbot/delivery/pace"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		err  error
		want verdict
	}{
		{&tgbotapi.Error{Code: 429, Message: "Too Many Requests: retry after 3", ResponseParameters: tgbotapi.ResponseParameters{RetryAfter: 3}}, verdictRetryAfter},
		{&tgbotapi.Error{Code: 403, Message: "Forbidden: bot was blocked by the user"}, verdictChatGone},
		{&tgbotapi.Error{Code: 403, Message: "Forbidden: user is deactivated"}, verdictChatGone},
		{&tgbotapi.Error{Code: 403, Message: "Forbidden: bot was kicked from the group chat"}, verdictChatGone},
		{&tgbotapi.Error{Code: 400, Message: "Bad Request: chat not found"}, verdictChatGone},
		{&tgbotapi.Error{Code: 400, Message: "Bad Request: group chat was upgraded to a supergroup chat", ResponseParameters: tgbotapi.ResponseParameters{MigrateToChatID: -100123}}, verdictMigrated},
		{&tgbotapi.Error{Code: 400, Message: "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 0"}, verdictBug},
		{&tgbotapi.Error{Code: 400, Message: "Bad Request: message is too long"}, verdictBug},
		{&tgbotapi.Error{Code: 502, Message: "Bad Gateway"}, verdictTransient},
		{&tgbotapi.Error{Code: 400, Message: "Bad Request: wrong file identifier/HTTP URL specified"}, verdictRejected},
		{&tgbotapi.Error{Code: 401, Message: "Unauthorized"}, verdictUnauthorized},
		{&tgbotapi.Error{Code: 409, Message: "Conflict: terminated by other getUpdates request"}, verdictConflict},
		{&tgbotapi.Error{Code: 400, Message: "Bad Request: message is not modified: specified new message content and reply markup are exactly the same"}, verdictNotModified},
		{errors.New("invalid character '<' looking for beginning of value"), verdictTransient},
		{context.Canceled, verdictCanceled},
	}
	for _, tt := range tests {
		if got := classify(tt.err).verdict; got != tt.want {
			t.Errorf("classify(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
	if c := classify(tests[0].err); c.retryAfter != 3*time.Second {
		t.Errorf("retry_after = %v, want 3s", c.retryAfter)
	}
	if c := classify(tests[1].err); c.status != "blocked" {
		t.Errorf("blocked user status = %q, want blocked", c.status)
	}
}

func TestIsTemporary(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want bool
	}{
		{fmt.Errorf("get chat @x: %w", &tgbotapi.Error{Code: 502, Message: "Bad Gateway"}), true},
		{&tgbotapi.Error{Code: 429, Message: "Too Many Requests: retry after 3", ResponseParameters: tgbotapi.ResponseParameters{RetryAfter: 3}}, true},
		{errors.New("connection refused"), true},
		{fmt.Errorf("get chat @x: %w", &tgbotapi.Error{Code: 400, Message: "Bad Request: chat not found"}), false},
		{&tgbotapi.Error{Code: 401, Message: "Unauthorized"}, false},
		{context.Canceled, false},
	} {
		if got := IsTemporary(tt.err); got != tt.want {
			t.Errorf("IsTemporary(%v) = %t, want %t", tt.err, got, tt.want)
		}
	}
}

func TestEveryVerdictHasAnOutcomeName(t *testing.T) {
	for v := verdictOK; v <= verdictNotModified; v++ {
		if outcomeNames[v] == "" {
			t.Errorf("verdict %d has no outcome name for the metrics", v)
		}
	}
}

// A 429 that does not say how long to wait has no retry_after: the sender
// decides the wait (see TestRetryWaitWhenTelegramDoesNotSay).
func TestClassifyRetryAfter(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want time.Duration
	}{
		{&tgbotapi.Error{Code: 429, Message: "Too Many Requests"}, 0},
		{&tgbotapi.Error{Code: 429, Message: "Too Many Requests: retry after 0", ResponseParameters: tgbotapi.ResponseParameters{RetryAfter: 0}}, 0},
		{&tgbotapi.Error{Code: 429, Message: "Too Many Requests: retry after 3600", ResponseParameters: tgbotapi.ResponseParameters{RetryAfter: 3600}}, time.Hour},
	} {
		c := classify(tt.err)
		if c.verdict != verdictRetryAfter || c.retryAfter != tt.want {
			t.Errorf("classify(%v) = verdict %v, retry after %v; want a 429 verdict, %v", tt.err, c.verdict, c.retryAfter, tt.want)
		}
	}
	if c := classify(fmt.Errorf("reply: %w", pace.ErrTooLate)); c.verdict != verdictTooLate || IsTemporary(c.cause) {
		t.Errorf("classify(ErrTooLate) = verdict %v, want too late and not temporary", c.verdict)
	}
}
