package bot

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/subscriptions"
)

// FuzzCallbackData presses buttons with arbitrary callback data, as a forged
// or stale client could: the bot must never panic (the press is handled
// here directly, without the engine's recovery), must always answer the
// press, and must leave the chat's preferences valid.
func FuzzCallbackData(f *testing.F) {
	for _, s := range []string{
		"sub", "unsub", "set:5001:main", "set:5001:lang:be", "set:5001:sec:news", "set:5001:dig:8", "set:5001:dig:99",
		"set:5001:quiet:1320-480", "set:-100:lang:en", "ntc:send:1", "ntc:lng:1:xx", "ntc:urgy:1", "ntc:sec:1:*", "chn:del:-1001", ":", "set::::",
		"set:5001:lang:\x00", "sub:extra:data", "\xff\xfe", "kwo:1", "kwo:-5",
		"set:5001:disp:headlines", "set:5001:disp:huge", "set:5001:hl:15", "set:5001:hl:16", "set:5001:ht:1",
		"set:5001:wk:1", "set:5001:wk:1-8", "set:5001:wk:7-8", "set:5001:wk:1-13", "set:5001:wk:-8",
		"rd:1", "rd:1:2", "rd:999999:1",
	} {
		f.Add(s)
	}
	h := newHarness(f, harnessOptions{noStart: true, admins: []int64{admin.ID}})
	h.subscribe(resident.ID)
	ctx := context.Background()
	chat := &delivery.Chat{ID: resident.ID, Type: subscriptions.ChatPrivate, Title: resident.FirstName}
	from := delivery.User{ID: resident.ID, LanguageCode: "ru"}
	n := 0
	f.Fuzz(func(t *testing.T, data string) {
		n++
		before := len(h.tg.CallbackAnswers())
		// The fake issues the query id (it accepts answers to its own queries only);
		// the bot is not polling, so the press is handled here, synchronously.
		_, id := h.tg.PressButton(faketelegram.PrivateChat(resident), resident, 1, data)
		h.bot.Handle(ctx, delivery.Update{ID: n, Press: &delivery.Press{ID: id, From: from, Chat: chat, MessageID: 1, Data: data}})
		if got := len(h.tg.CallbackAnswers()); got != before+1 {
			t.Fatalf("press %q: %d answers, want 1", data, got-before)
		}
		c, err := h.store.Chat(ctx, resident.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Language != "" && !subscriptions.ValidLanguage(c.Language) || c.DigestHour < -1 || c.DigestHour > 23 ||
			c.QuietStart < 0 || c.QuietStart >= 24*60 || c.QuietEnd < 0 || c.QuietEnd >= 24*60 ||
			!slices.Contains(subscriptions.Displays(), c.Display) || !slices.Contains(subscriptions.HeadlinesIntervals(), c.HeadlinesEvery) ||
			c.DigestWeekday < -1 || c.DigestWeekday > time.Saturday {
			t.Fatalf("press %q left the chat invalid: %+v", data, c)
		}
	})
}

// FuzzCallbackCodecs reads arbitrary data with every family's decoder, as a
// forged press could bring it: what a decoder accepts is exactly what its
// encoder writes for the value it read, within Telegram's 64 bytes.
func FuzzCallbackCodecs(f *testing.F) {
	for _, s := range []string{
		"sub", "unsub", "sub:", "set:5001:m", "set:5001:sec:+news", "set:-1001234567890:quiet:1320-480", "set:5001:dlv:08",
		"set:+5001:m", "set:0:m", "set:5001:lang:be", "set:5001:x:", "ntc:sec:1:*", "ntc:lng:1:be", "ntc:sec:1:news", "ntc:ver:1:en",
		"ntc:send:1", "ntc:stop:01", "ntc:send:1:x", "ntc:lng:-1:*", "ntc:mainl:1:ru", "ntc:sch:1", "ch:l", "ch:d:-1001", "ch:dy:-1001", "ch:l:1", "\xff",
		"kwo:1", "kwo:-1", "kwo:01", "kwo:", "kwo:9223372036854775807",
		"set:5001:disp:compact", "set:5001:disp:", "set:5001:hl:060", "set:5001:ht:0", "set:5001:wk:0-20", "set:5001:wk:00", "set:5001:wk:3-",
		"rd:1", "rd:12:3", "rd:12:0", "rd:12:01", "rd:-1", "rd:1:1000", "rd:1:2:3",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		accepted := func(d callbackData, ok bool) {
			if !ok {
				return
			}
			if got, err := encodeCallback(d); err != nil || got != data {
				t.Errorf("%q decodes to %+v, which encodes to %q (%v)", data, d, got, err)
			}
		}
		accepted(decodeSubscribe(data))
		accepted(decodeSettings(data))
		accepted(decodeNotice(data))
		accepted(decodeChannels(data))
		accepted(decodeOffer(data))
		accepted(decodeRead(data))
	})
}

// TestCallbackCodecsRoundTrip encodes a value of every kind each family has
// and reads it back; data over Telegram's limit is refused when encoding.
func TestCallbackCodecsRoundTrip(t *testing.T) {
	const channel = -1001234567890123
	tests := []struct {
		d      callbackData
		decode func(string) (callbackData, bool)
	}{
		{subscribeData{on: true}, func(s string) (callbackData, bool) { return decodeSubscribe(s) }},
		{subscribeData{on: false}, func(s string) (callbackData, bool) { return decodeSubscribe(s) }},
		{settingsData{chat: 5001, op: screenMain}, func(s string) (callbackData, bool) { return decodeSettings(s) }},
		{settingsData{chat: channel, op: screenSections, arg: "-economy"}, func(s string) (callbackData, bool) { return decodeSettings(s) }},
		{settingsData{chat: channel, op: screenLang, arg: subscriptions.LangBE}, func(s string) (callbackData, bool) { return decodeSettings(s) }},
		{settingsData{chat: channel, op: screenDelivery, arg: "-1"}, func(s string) (callbackData, bool) { return decodeSettings(s) }},
		{settingsData{chat: channel, op: screenQuiet, arg: quietArg(quietPresets[0])}, func(s string) (callbackData, bool) { return decodeSettings(s) }},
		{settingsData{chat: channel, op: opPreviews, arg: "1"}, func(s string) (callbackData, bool) { return decodeSettings(s) }},
		{settingsData{chat: channel, op: opClose}, func(s string) (callbackData, bool) { return decodeSettings(s) }},
		{settingsData{chat: channel, op: screenDisplay, arg: string(subscriptions.DisplayHeadlines)}, func(s string) (callbackData, bool) { return decodeSettings(s) }},
		{settingsData{chat: channel, op: opHeadlines, arg: "180"}, func(s string) (callbackData, bool) { return decodeSettings(s) }},
		{settingsData{chat: channel, op: opHashtags, arg: "0"}, func(s string) (callbackData, bool) { return decodeSettings(s) }},
		{settingsData{chat: channel, op: screenWeekly, arg: "6"}, func(s string) (callbackData, bool) { return decodeSettings(s) }},
		{settingsData{chat: channel, op: screenWeekly, arg: "0-20"}, func(s string) (callbackData, bool) { return decodeSettings(s) }},
		{noticeData{action: noticeSend, id: 42}, func(s string) (callbackData, bool) { return decodeNotice(s) }},
		{noticeData{action: noticeSection, id: 42, arg: noticeAll}, func(s string) (callbackData, bool) { return decodeNotice(s) }},
		{noticeData{action: noticeSection, id: 42, arg: "news"}, func(s string) (callbackData, bool) { return decodeNotice(s) }},
		{noticeData{action: noticeLanguage, id: 42, arg: subscriptions.LangBE}, func(s string) (callbackData, bool) { return decodeNotice(s) }},
		{noticeData{action: noticeLanguage, id: 42, arg: noticeAll}, func(s string) (callbackData, bool) { return decodeNotice(s) }},
		{noticeData{action: noticeVersion, id: 42, arg: subscriptions.LangEN}, func(s string) (callbackData, bool) { return decodeNotice(s) }},
		{noticeData{action: noticeMain, id: 42, arg: subscriptions.LangRU}, func(s string) (callbackData, bool) { return decodeNotice(s) }},
		{noticeData{action: noticeUrgentOn, id: 42}, func(s string) (callbackData, bool) { return decodeNotice(s) }},
		{noticeData{action: noticeSchedule, id: 42}, func(s string) (callbackData, bool) { return decodeNotice(s) }},
		{channelsData{op: channelsList}, func(s string) (callbackData, bool) { return decodeChannels(s) }},
		{channelsData{op: channelsConfirm, id: channel}, func(s string) (callbackData, bool) { return decodeChannels(s) }},
		{offerData{id: 9223372036854775807}, func(s string) (callbackData, bool) { return decodeOffer(s) }},
		{readData{article: 1 << 53}, func(s string) (callbackData, bool) { return decodeRead(s) }},
		{readData{article: 41234, page: maxReadPage}, func(s string) (callbackData, bool) { return decodeRead(s) }},
	}
	for _, tt := range tests {
		data, err := encodeCallback(tt.d)
		if err != nil {
			t.Errorf("encode %+v: %v", tt.d, err)
			continue
		}
		if got, ok := tt.decode(data); !ok || got != tt.d {
			t.Errorf("decode(%q) = %+v, %t; want %+v", data, got, ok, tt.d)
		}
	}
	long := settingsData{chat: channel, op: screenSections, arg: "+" + strings.Repeat("я", 40)}
	if data, err := encodeCallback(long); err == nil {
		t.Errorf("encode of %d bytes = %q, want an error", len(long.encode()), data)
	}
}
