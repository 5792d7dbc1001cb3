package bot

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/internal/faketelegram"
)

func TestPanicInHandlerIsRecovered(t *testing.T) {
	h := newHarness(t, harnessOptions{noStart: true})
	h.bot.addCommands(command{name: "boom", run: func(context.Context, request, string) { panic("kaboom") }})
	h.start()
	id := h.tg.SendMessage(faketelegram.PrivateChat(resident), resident, "/boom")
	// The loop goes on: the next update is handled.
	if got := h.say(resident, "/help"); !strings.Contains(got.Plain, "/latest") {
		t.Fatalf("after a panic: got %q, want the help", got.Plain)
	}
	logs := h.logs.String()
	if !strings.Contains(logs, "panic while handling an update") || !strings.Contains(logs, "update_id="+strconv.Itoa(id)) {
		t.Fatalf("the panic was not logged with its update id:\n%s", logs)
	}
}

func TestConflictAndRetryAfterOnGetUpdates(t *testing.T) {
	h := newHarness(t, harnessOptions{noStart: true})
	h.tg.FailMethod("getUpdates", faketelegram.Conflict(), 1)
	h.tg.FailMethod("getUpdates", faketelegram.TooMany(1), 1)
	h.start()
	if got := h.say(resident, "/help"); !strings.Contains(got.Plain, "/latest") {
		t.Fatalf("after 409 and 429: got %q, want the help", got.Plain)
	}
	logs := h.logs.String()
	if !strings.Contains(logs, "another instance is polling Telegram with the same token") {
		t.Errorf("409 was not explained in the logs:\n%s", logs)
	}
	if !strings.Contains(logs, "getUpdates rate limited") {
		t.Errorf("429 on getUpdates was not logged:\n%s", logs)
	}
}

func TestUnauthorizedStopsTheLoop(t *testing.T) {
	h := newHarness(t, harnessOptions{noStart: true})
	h.tg.FailMethod("getUpdates", faketelegram.Unauthorized(), -1)
	done := make(chan error, 1)
	go func() { done <- h.run(context.Background()) }()
	select {
	case err := <-done:
		if !errors.Is(err, delivery.ErrUnauthorized) {
			t.Fatalf("Run = %v, want ErrUnauthorized", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop on 401")
	}
}

func TestOffsetPersistedAcrossRestarts(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.say(resident, "/start")
	h.say(resident, "/help")
	h.stop()
	off, err := h.store.UpdateOffset(context.Background())
	if err != nil || off != 3 {
		t.Fatalf("saved offset = %d, %v; want 3 (two updates handled)", off, err)
	}
	before := len(h.tg.Messages(resident.ID))
	h.start()
	h.say(resident, "/help")
	if n := len(h.tg.Messages(resident.ID)); n != before+1 { // the reply to /help, nothing replayed
		t.Fatalf("bot messages after restart = %d, want %d", n, before+1)
	}
}

// A chat that floods the bot gets every reply, at the pace Telegram allows
// a chat (one a second, counted by the fake at arrival with no burst): no
// reply is dropped and Telegram answers none of them 429. Another
// resident is answered meanwhile, before the flooder's last reply.
func TestFloodingChatIsPacedAndStallsNoOne(t *testing.T) {
	h := newHarness(t, harnessOptions{realPace: true, tg: faketelegram.Options{EnforceLimits: true, PrivateBurst: 1}})
	flooder := faketelegram.User{ID: 6001, FirstName: "Flood", LanguageCode: "ru"}
	const flood = 4
	for i := 0; i < flood; i++ {
		h.tg.SendMessage(faketelegram.PrivateChat(flooder), flooder, "/help")
	}
	answer := h.say(resident, "/help")
	if !strings.Contains(answer.Plain, "/latest") {
		t.Fatalf("resident's /help: got %q", answer.Plain)
	}
	replies := h.tg.WaitMessages(t, flooder.ID, flood, 30*time.Second)
	if last := replies[len(replies)-1].At; !answer.At.Before(last) {
		t.Errorf("the resident was answered at %v, after the flooder's last reply at %v: want before", answer.At, last)
	}
	if len(replies) != flood {
		t.Errorf("the flooding chat got %d replies, want one to each of its %d commands", len(replies), flood)
	}
	for i := 1; i < len(replies); i++ {
		if gap := replies[i].At.Sub(replies[i-1].At); gap < time.Second {
			t.Errorf("replies to the flooder %v apart, want at least 1 s", gap)
		}
	}
	if st := h.tg.Stats(); st.TooManyRequests != 0 {
		t.Errorf("Telegram answered 429 %d times, want none: %v", st.TooManyRequests, h.tg.TooManyAnswers())
	}
}
