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
