package delivery

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/delivery/pace"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/internal/testkit"
)

// A 429 without retry_after waits pace.DefaultRetryAfter, doubling with
// each one in a row to a request that left after the previous came back;
// the requests already on their way do not double it.
func TestRetryWaitWhenTelegramDoesNotSay(t *testing.T) {
	s := &sender{}
	if got := s.retryWait(7*time.Second, time.Now()); got != 7*time.Second {
		t.Errorf("retry_after 7 s: wait %v, want 7s", got)
	}
	onItsWay := time.Now()
	want := pace.DefaultRetryAfter
	for i := range 10 {
		if got := s.retryWait(0, time.Now()); got != want {
			t.Errorf("429 #%d without retry_after: wait %v, want %v", i+1, got, want)
		}
		if i == 0 {
			if got := s.retryWait(0, onItsWay); got != want {
				t.Errorf("a request on its way meanwhile: wait %v, want still %v", got, want)
			}
		}
		want = min(2*want, maxOutagePause)
	}
}

// newPacedEngine is an engine against the fake Bot API whose pacer runs
// twenty times faster than real time.
func newPacedEngine(t *testing.T, logs *testkit.LogBuffer) (*Engine, *faketelegram.Server) {
	t.Helper()
	e, tg, _ := newTestEngine(t, func(c *Config) {
		c.PaceClock = testkit.NewFastClock(20)
		c.Logger = slog.New(slog.NewTextHandler(logs, nil))
	})
	return e, tg
}

// A reply that meets a 429 is not dropped: it waits for the pause and goes
// again, once.
func TestReplyWaitsOutA429(t *testing.T) {
	for _, f := range []faketelegram.Failure{faketelegram.TooMany(2), {Code: 429, Description: "Too Many Requests"}} {
		t.Run(f.Description, func(t *testing.T) {
			e, tg := newPacedEngine(t, &testkit.LogBuffer{})
			u := faketelegram.User{ID: 8, FirstName: "Olga"}
			tg.AddChat(faketelegram.PrivateChat(u))
			tg.FailChat(u.ID, f, 2)
			if err := e.Reply(context.Background(), Message{ChatID: u.ID, Text: "subscribed"}); err != nil {
				t.Fatalf("Reply after two 429s = %v, want it delivered", err)
			}
			if got := len(tg.Messages(u.ID)); got != 1 {
				t.Errorf("the chat got %d messages, want 1", got)
			}
			if n := e.RateLimited(); n != 2 {
				t.Errorf("RateLimited = %d, want 2", n)
			}
		})
	}
}

// A reply that cannot leave in time for the person who asked (a retry_after
// of an hour) is given up at once, logged and counted, not waited for.
func TestReplyGivenUpWhenTooLate(t *testing.T) {
	logs := &testkit.LogBuffer{}
	e, tg := newPacedEngine(t, logs)
	u := faketelegram.User{ID: 9, FirstName: "Ivan"}
	tg.AddChat(faketelegram.PrivateChat(u))
	tg.FailChat(u.ID, faketelegram.TooMany(3600), 1)
	err := e.Reply(context.Background(), Message{ChatID: u.ID, Text: "hello"})
	if !errors.Is(err, pace.ErrTooLate) {
		t.Fatalf("Reply during an hour's 429 = %v, want ErrTooLate", err)
	}
	if got := e.sender.pacer.stats().TooLate; got != 1 {
		t.Errorf("replies too late = %d, want 1", got)
	}
	if !strings.Contains(logs.String(), "reply given up") {
		t.Errorf("logs lack the reply given up:\n%s", logs)
	}
}
