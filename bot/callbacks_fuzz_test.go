package bot

import (
	"context"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/subscriptions"
)

// FuzzCallbackData presses buttons with arbitrary callback data, as a forged
// or stale client could: the bot must never panic, must always answer the
// press, and must leave the chat's preferences valid.
func FuzzCallbackData(f *testing.F) {
	for _, s := range []string{
		"sub", "unsub", "set:5001:main", "set:5001:lang:be", "set:5001:sec:news", "set:5001:dig:8", "set:5001:dig:99",
		"set:5001:quiet:1320-480", "set:-100:lang:en", "ntc:send:1", "ntc:aud:1:l:xx", "chn:del:-1001", ":", "set::::",
		"set:5001:lang:\x00", "sub:extra:data", "\xff\xfe",
	} {
		f.Add(s)
	}
	h := newHarness(f, harnessOptions{noStart: true, admins: []int64{admin.ID}})
	h.subscribe(resident.ID)
	ctx := context.Background()
	chat := &tgbotapi.Chat{ID: resident.ID, Type: "private", FirstName: resident.FirstName}
	from := &tgbotapi.User{ID: resident.ID, FirstName: resident.FirstName, LanguageCode: "ru"}
	n := 0
	f.Fuzz(func(t *testing.T, data string) {
		n++
		before := len(h.tg.CallbackAnswers())
		// The fake issues the query id (it accepts answers to its own queries only);
		// the bot is not polling, so the press is handled here, synchronously.
		_, id := h.tg.PressButton(faketelegram.PrivateChat(resident), resident, 1, data)
		h.bot.handleSafely(ctx, tgbotapi.Update{UpdateID: n, CallbackQuery: &tgbotapi.CallbackQuery{
			ID: id, From: from, Data: data,
			Message: &tgbotapi.Message{MessageID: 1, Chat: chat},
		}})
		if got := len(h.tg.CallbackAnswers()); got != before+1 {
			t.Fatalf("press %q: %d answers, want 1", data, got-before)
		}
		c, err := h.store.Chat(ctx, resident.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Language != "" && !subscriptions.ValidLanguage(c.Language) || c.DigestHour < -1 || c.DigestHour > 23 ||
			c.QuietStart < 0 || c.QuietStart >= 24*60 || c.QuietEnd < 0 || c.QuietEnd >= 24*60 {
			t.Fatalf("press %q left the chat invalid: %+v", data, c)
		}
	})
}
