package store

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

func TestStats(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	now := t0.Add(30 * 24 * time.Hour)
	old, recent := t0, now.Add(-2*24*time.Hour)
	chat := func(id int64, typ subscriptions.ChatType, lang string, at time.Time) {
		t.Helper()
		if _, err := s.TouchChat(ctx, subscriptions.ChatInfo{ID: id, Type: typ, Language: lang}, at); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetSubscribed(ctx, id, true, at); err != nil {
			t.Fatal(err)
		}
	}
	// Active: 3 ru, 1 be, 1 en privates (one in digest mode), 2 groups, 1 channel without a language.
	chat(1, subscriptions.ChatPrivate, subscriptions.LangRU, old)
	chat(2, subscriptions.ChatPrivate, subscriptions.LangRU, old)
	chat(3, subscriptions.ChatPrivate, subscriptions.LangRU, recent)
	chat(4, subscriptions.ChatPrivate, subscriptions.LangBE, recent)
	chat(5, subscriptions.ChatPrivate, subscriptions.LangEN, old)
	chat(6, subscriptions.ChatGroup, "", old)
	chat(-1001, subscriptions.ChatSupergroup, "", recent)
	chat(-1002, subscriptions.ChatChannel, "", old)
	if err := s.SetDigestHour(ctx, 5, 8, old); err != nil {
		t.Fatal(err)
	}
	// Lost this week: 7 unsubscribed, 8 blocked the bot; 9 left a group long ago; 10 unsubscribed long ago.
	chat(7, subscriptions.ChatPrivate, subscriptions.LangRU, old)
	s.SetSubscribed(ctx, 7, false, recent)
	chat(8, subscriptions.ChatPrivate, subscriptions.LangRU, old)
	s.SetChatStatus(ctx, 8, subscriptions.StatusBlocked, "blocked", recent)
	chat(-9, subscriptions.ChatGroup, "", old)
	s.SetChatStatus(ctx, -9, subscriptions.StatusLeft, "kicked", old)
	chat(10, subscriptions.ChatPrivate, subscriptions.LangRU, old)
	s.SetSubscribed(ctx, 10, false, old)
	if _, err := s.db.ExecContext(ctx, `INSERT INTO chat_sections (chat_id, section) VALUES (1, 'news'), (2, 'economy')`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EnsureFeeds(ctx, []subscriptions.FeedConfig{{Section: "news", URL: "https://x/news"}, {Section: "economy", URL: "https://x/eco"}}); err != nil {
		t.Fatal(err)
	}
	// Deliveries: an old sent one, and in the last day 2 sent, 1 failed, 1 skipped; 1 pending.
	n, _ := s.CreateNotice(ctx, 9001, subscriptions.NoticeVersion{Language: subscriptions.LangRU, ChatID: 9001, MessageIDs: []int{1}}, old)
	s.ConfirmNotice(ctx, n.ID, 9001, subscriptions.FanOut{DefaultLang: subscriptions.LangRU, Location: time.UTC}, old)
	due, _ := s.DueDeliveries(ctx, now, 100)
	states := []subscriptions.DeliveryState{subscriptions.DeliverySent, subscriptions.DeliverySent, subscriptions.DeliverySent, subscriptions.DeliveryFailed, subscriptions.DeliverySkipped}
	for i, d := range due[:len(states)] {
		at := now.Add(-time.Hour)
		if i == 0 {
			at = old
		}
		if err := s.RecordOutcomes(ctx, []subscriptions.Outcome{{ID: d.ID, State: states[i], CountAttempt: true}}, at); err != nil {
			t.Fatal(err)
		}
	}

	got, err := s.Stats(ctx, now.Add(-7*24*time.Hour), now.Add(-24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := subscriptions.Stats{
		Active: 8, Blocked: 1, Left: 1,
		ByLanguage: map[string]int{subscriptions.LangRU: 3, subscriptions.LangBE: 1, subscriptions.LangEN: 1, "": 3},
		BySection:  map[string]int{"news": 7, "economy": 7},
		Instant:    7, Digest: 1,
		Private: 5, Groups: 2, Channels: 1,
		New: 3, Lost: 2, // new: 3, 4, -1001; lost: 7, 8
		Sent: 2, Failed: 1, Skipped: 1,
		Pending: len(due) - len(states),
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Stats:\ngot  %+v\nwant %+v", got, want)
	}
}

// TestDayFigures follows a few chats over three days: the figures of each
// day, the active subscribers at its end read back afterwards, and a
// snapshot kept once.
func TestDayFigures(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	day := func(n int) time.Time { return t0.Truncate(24*time.Hour).AddDate(0, 0, n) }
	at := func(n int, h time.Duration) time.Time { return day(n).Add(h * time.Hour) }
	subscribe := func(id int64, when time.Time) {
		t.Helper()
		if _, err := s.TouchChat(ctx, subscriptions.ChatInfo{ID: id, Type: subscriptions.ChatPrivate}, when); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetSubscribed(ctx, id, true, when); err != nil {
			t.Fatal(err)
		}
	}
	// Day 0: 1, 2, 3 subscribe. Day 1: 4 subscribes, 2 unsubscribes, 3
	// blocks the bot. Day 2: 5 subscribes and unsubscribes the same day.
	subscribe(1, at(0, 8))
	subscribe(2, at(0, 9))
	subscribe(3, at(0, 10))
	subscribe(4, at(1, 8))
	if _, err := s.SetSubscribed(ctx, 2, false, at(1, 9)); err != nil {
		t.Fatal(err)
	}
	if err := s.SetChatStatus(ctx, 3, subscriptions.StatusBlocked, "blocked", at(1, 10)); err != nil {
		t.Fatal(err)
	}
	subscribe(5, at(2, 8))
	if _, err := s.SetSubscribed(ctx, 5, false, at(2, 9)); err != nil {
		t.Fatal(err)
	}
	// Deliveries: 2 sent on day 1, 1 failed on day 1, 1 sent on day 2.
	for range 2 { // a notice to each of the two active subscribers, 1 and 4
		n, _ := s.CreateNotice(ctx, 9001, subscriptions.NoticeVersion{Language: subscriptions.LangRU, ChatID: 9001, MessageIDs: []int{1}}, at(1, 0))
		s.ConfirmNotice(ctx, n.ID, 9001, fanOut(t, subscriptions.LangRU), at(1, 0))
	}
	due, err := s.DueDeliveries(ctx, at(1, 1), 10)
	if err != nil {
		t.Fatal(err)
	}
	outcomes := []struct {
		state subscriptions.DeliveryState
		at    time.Time
	}{{subscriptions.DeliverySent, at(1, 11)}, {subscriptions.DeliverySent, at(1, 12)}, {subscriptions.DeliveryFailed, at(1, 13)}, {subscriptions.DeliverySent, at(2, 11)}}
	for i, o := range outcomes[:min(len(due), len(outcomes))] {
		if err := s.RecordOutcomes(ctx, []subscriptions.Outcome{{ID: due[i].ID, State: o.state, CountAttempt: true}}, o.at); err != nil {
			t.Fatal(err)
		}
	}
	if len(due) < len(outcomes) {
		t.Fatalf("%d due deliveries, want %d", len(due), len(outcomes))
	}

	want := []subscriptions.DayFigures{
		{Active: 3, New: 3, Lost: 0, Delivered: 0},
		{Active: 2, New: 1, Lost: 2, Delivered: 2}, // 1 and 4; 2 unsubscribed, 3 blocked
		{Active: 2, New: 1, Lost: 1, Delivered: 1}, // 5 came and went
	}
	for i, w := range want {
		got, err := s.DayFigures(ctx, day(i), day(i+1))
		if err != nil {
			t.Fatal(err)
		}
		if got != w {
			t.Errorf("day %d: got %+v, want %+v", i, got, w)
		}
	}
	// Today so far: the active subscribers are those of now.
	if got, err := s.DayFigures(ctx, day(2), at(2, 8).Add(30*time.Minute)); err != nil || got.Active != 3 || got.New != 1 {
		t.Errorf("day 2 until 8:30 = %+v, %v; want 3 active, 1 new (5 until 9:00)", got, err)
	}

	for i := range want {
		date := day(i).Format(time.DateOnly)
		saved, err := s.SaveDaySnapshot(ctx, date, day(i), day(i+1), day(i+1).Add(time.Minute))
		if err != nil || !saved {
			t.Fatalf("SaveDaySnapshot(%s) = %t, %v; want saved", date, saved, err)
		}
		want[i].Day = date
	}
	// A later attempt keeps what was kept.
	subscribe(6, at(3, 1))
	if saved, err := s.SaveDaySnapshot(ctx, day(1).Format(time.DateOnly), day(1), day(3), at(3, 2)); err != nil || saved {
		t.Errorf("SaveDaySnapshot of a kept day = %t, %v; want false, nil", saved, err)
	}
	got, err := s.DaySnapshots(ctx, day(-5).Format(time.DateOnly), day(2).Format(time.DateOnly))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DaySnapshots:\ngot  %+v\nwant %+v", got, want)
	}
	if got, err := s.DaySnapshots(ctx, day(1).Format(time.DateOnly), day(1).Format(time.DateOnly)); err != nil || len(got) != 1 || got[0] != want[1] {
		t.Errorf("DaySnapshots of day 1 = %+v, %v; want %+v", got, err, want[1])
	}
}
