package delivery

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
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

// An album copied at once counts each of its items: twelve albums of three
// (36 messages) at rate 30 go out without a 429 from a Telegram that counts
// every copy. Counted as one message each, they would all leave within half
// a second.
func TestAlbumsArePacedByTheirItems(t *testing.T) {
	tg := faketelegram.New(faketelegram.Options{EnforceLimits: true, PrivateBurst: 1})
	t.Cleanup(tg.Close)
	client, err := NewClient(context.Background(), tg.Token(), tg.Endpoint(), tg.Client())
	if err != nil {
		t.Fatal(err)
	}
	e, _, _ := newTestEngine(t, func(c *Config) { c.Client, c.Rate = client, 30 })
	const staff = 5
	for _, id := range []string{"a", "b", "c"} {
		tg.SendMessageUpdate(map[string]any{"chat": map[string]any{"id": staff, "type": "private"}, "from": map[string]any{"id": staff, "first_name": "Staff"},
			"media_group_id": "g", "photo": []any{map[string]any{"file_id": id, "file_unique_id": "u" + id, "width": 10, "height": 10}}})
	}
	var wg sync.WaitGroup
	for chat := int64(100); chat < 112; chat++ {
		tg.AddChat(faketelegram.Chat{ID: chat, Type: "private"})
		wg.Go(func() {
			if _, c := e.sender.send(context.Background(), Message{ChatID: chat, Copy: &Source{ChatID: staff, MessageIDs: []int{1, 2, 3}}}); c.verdict != verdictOK {
				t.Errorf("album to chat %d: %s", chat, c.reason)
			}
		})
	}
	wg.Wait()
	if n := len(tg.AllMessages()); n != 36 {
		t.Errorf("%d messages copied, want 36", n)
	}
	if n := tg.Stats().TooManyRequests; n != 0 {
		t.Errorf("%d answers 429, want none", n)
	}
}
