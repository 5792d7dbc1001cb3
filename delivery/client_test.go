package delivery

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/osipovichi/newsbot/internal/faketelegram"
)

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

func TestRedactor(t *testing.T) {
	const token = "123456:AA+b/c"
	r := NewRedactor("", token)
	for _, s := range []string{token, url.QueryEscape(token), strings.ToLower(url.QueryEscape(token)), url.PathEscape(token)} {
		if got := r.Replace("GET https://api.telegram.org/bot" + s + "/getMe"); strings.Contains(got, s) || !strings.Contains(got, Redacted) {
			t.Errorf("Replace(… %s …) = %q, want the token redacted", s, got)
		}
	}
	cause := &url.Error{Op: "Post", URL: "https://api.telegram.org/bot" + token + "/getMe", Err: context.DeadlineExceeded}
	err := r.Error(cause)
	var ue *url.Error
	if strings.Contains(err.Error(), token) || !errors.As(err, &ue) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Error(%v) = %v; want the token redacted, the cause reachable", cause, err)
	}
	plain := errors.New("no secret")
	if r.Error(plain) != plain || r.Error(nil) != nil {
		t.Errorf("an error without the token must come back as it is")
	}
	var none *Redactor // no secret: nothing to hide
	if NewRedactor("") != nil || none.Replace(token) != token || none.Error(plain) != plain || none.Contains(token) {
		t.Errorf("a nil Redactor must hide nothing")
	}
}

func TestClientRedactsTelegramDescriptions(t *testing.T) {
	c := &Client{redactor: NewRedactor("123456:secret")}
	in := &tgbotapi.Error{Code: 400, Message: "Bad Request: unexpected 123456:secret"}
	err := c.redact(in)
	var tgErr *tgbotapi.Error
	if !errors.As(err, &tgErr) || tgErr.Code != 400 || strings.Contains(tgErr.Message, "secret") {
		t.Fatalf("redact(%v) = %v; want a *tgbotapi.Error 400 without the token", in, err)
	}
	if in.Message != "Bad Request: unexpected 123456:secret" {
		t.Errorf("redact changed the library's error in place")
	}
}

// Concurrent requests to the Bot API reuse connections: Go's default keeps
// two idle per host, fewer than the requests in flight at a high pace.
func TestHTTPClientKeepsConnections(t *testing.T) {
	c := NewHTTPClient(time.Minute)
	tr, ok := c.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("transport %T, want an *http.Transport", c.Transport)
	}
	if tr.MaxIdleConnsPerHost < 64 || tr.MaxIdleConns < tr.MaxIdleConnsPerHost {
		t.Fatalf("the transport keeps %d idle connections per host (%d in all), want at least 64", tr.MaxIdleConnsPerHost, tr.MaxIdleConns)
	}
	if c.Timeout != time.Minute {
		t.Errorf("timeout %v, want 1m", c.Timeout)
	}
}
