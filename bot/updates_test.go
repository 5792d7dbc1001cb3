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

// A chat that floods the bot gets 429s from Telegram for its replies: those
// replies are dropped at once, and other people's commands are still answered.
func TestFloodingChatDoesNotStallOthers(t *testing.T) {
	h := newHarness(t, harnessOptions{tg: faketelegram.Options{EnforceLimits: true}})
	flooder := faketelegram.User{ID: 6001, FirstName: "Flood", LanguageCode: "ru"}
	var last int
	for i := 0; i < 30; i++ {
		last = h.tg.SendMessage(faketelegram.PrivateChat(flooder), flooder, "/help")
	}
	start := time.Now()
	if got := h.say(resident, "/help"); !strings.Contains(got.Plain, "/latest") {
		t.Fatalf("resident's /help: got %q", got.Plain)
	}
	h.tg.WaitFor(t, 20*time.Second, func() bool { return h.tg.Confirmed() > last+1 }, "every update handled")
	if got := len(h.tg.Messages(flooder.ID)); got < 3 || got >= 30 {
		t.Errorf("the flooding chat got %d replies, want a few (Telegram's burst), not all 30", got)
	}
	t.Logf("the resident was answered %v after 30 flood messages", time.Since(start).Round(time.Millisecond))
}
