package delivery

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/osipovichi/newsbot/internal/faketelegram"
)

func fixedClock(t *time.Time) func() time.Time { return func() time.Time { return *t } }

func TestLimiterPaces(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(25, fixedClock(&now))
	// Bulk messages to different chats: one every 40 ms.
	for i := 0; i < 5; i++ {
		got := l.reserve(int64(i), false, false).Sub(now)
		if want := time.Duration(i) * 40 * time.Millisecond; got != want {
			t.Errorf("bulk #%d: at +%v, want +%v", i, got, want)
		}
	}
	// A second bulk message to chat 0 waits for the chat's 1 s spacing.
	if got := l.reserve(0, false, false).Sub(now); got != time.Second {
		t.Errorf("second message to a private chat at +%v, want +1s", got)
	}
	// A group waits 3 s between messages.
	g1 := l.reserve(-100, true, false)
	if got := l.reserve(-100, true, false).Sub(g1); got != 3*time.Second {
		t.Errorf("group spacing = %v, want 3s", got)
	}
	// A reply goes at once, ahead of the bulk queue.
	if got := l.reserve(42, false, true).Sub(now); got != 0 {
		t.Errorf("interactive reply at +%v, want now", got)
	}
}

func TestLimiterTooMany(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(25, fixedClock(&now))
	l.reserve(1, false, false)
	if !l.tooMany(1, 5*time.Second) {
		t.Errorf("a 429 on a chat's first message: want a global pause")
	}
	if got := l.reserve(2, false, false).Sub(now); got < 5*time.Second {
		t.Errorf("after a global 429 a message goes at +%v, want >= 5s", got)
	}
	now = now.Add(10 * time.Second)
	l.reserve(3, false, true)
	l.reserve(3, false, true) // two replies in a row to chat 3
	if l.tooMany(3, 7*time.Second) {
		t.Errorf("a 429 right after another message to the same chat: want that chat paused, not the bot")
	}
	if d := l.delay(3); d < 7*time.Second {
		t.Errorf("chat 3 delay = %v, want >= 7s", d)
	}
	if d := l.delay(4); d > 0 {
		t.Errorf("chat 4 delay = %v, want none", d)
	}
}

func TestLimiterWaitHonoursContext(t *testing.T) {
	l := newLimiter(1, time.Now)
	l.reserve(1, false, false)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := l.wait(ctx, 2, false, false); !errors.Is(err, context.Canceled) {
		t.Fatalf("wait with a cancelled context = %v, want context.Canceled", err)
	}
}

func TestClientRedactsTokenFromNetworkErrors(t *testing.T) {
	tg := faketelegram.New(faketelegram.Options{})
	c, err := NewClient(context.Background(), tg.Token(), tg.Endpoint(), &http.Client{})
	if err != nil {
		t.Fatal(err)
	}
	tg.Close() // every later request fails with a *url.Error quoting the URL
	_, err = c.call(context.Background(), "sendMessage", tgbotapi.Params{"chat_id": "1", "text": "x"})
	if err == nil {
		t.Fatal("want an error from a closed server")
	}
	if strings.Contains(err.Error(), tg.Token()) || !strings.Contains(err.Error(), "[REDACTED]") {
		t.Fatalf("error = %q, want the token redacted", err)
	}
	if c := classify(err); c.verdict != verdictTransient {
		t.Fatalf("a network error classified as %v, want transient", c.verdict)
	}
	// Cancellation stays recognisable through the redaction.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.call(ctx, "getMe", nil)
	if !errors.Is(err, context.Canceled) || strings.Contains(err.Error(), tg.Token()) {
		t.Fatalf("cancelled call = %v, want context.Canceled without the token", err)
	}
	if _, err := NewClient(context.Background(), tg.Token(), tg.Endpoint(), &http.Client{}); err == nil || strings.Contains(err.Error(), tg.Token()) {
		t.Fatalf("NewClient against a closed server = %v, want an error without the token", err)
	}
}

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

func TestLimiterWindowStopsCatchUpBursts(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(10, fixedClock(&now)) // window of 11 sends a second
	// Senders that woke up late all at once: only the window's worth go.
	admitted := 0
	for i := 0; i < 30; i++ {
		if l.admit() <= 0 {
			admitted++
		}
	}
	if admitted != 11 {
		t.Fatalf("sends admitted at one instant = %d, want 11", admitted)
	}
	if d := l.admit(); d != time.Second {
		t.Fatalf("next send waits %v, want 1s", d)
	}
	now = now.Add(time.Second)
	if d := l.admit(); d > 0 {
		t.Fatalf("a second later the send still waits %v", d)
	}
}
