package store

import (
	"context"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

func TestDigests(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	minsk, err := time.LoadLocation("Europe/Minsk")
	if err != nil {
		t.Fatal(err)
	}
	subscribe(t, s, 1) // instant
	subscribe(t, s, 2) // digest at 08:00
	if err := s.SetDigestHour(ctx, 2, 8, t0); err != nil {
		t.Fatal(err)
	}
	f := feedFor(t, s, "https://x/")
	s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, nil)
	res, err := s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, []subscriptions.Article{article("a", "A"), article("b", "B")})
	if err != nil {
		t.Fatal(err)
	}
	if res.Enqueued != 4 {
		t.Fatalf("enqueued = %d, want 4 (2 deliveries + 2 digest items)", res.Enqueued)
	}
	if due, _ := s.DueDeliveries(ctx, t0, 10); len(due) != 2 || due[0].ChatID != 1 {
		t.Fatalf("due = %+v, want 2 deliveries to the instant chat only", due)
	}
	day1 := time.Date(2023, 3, 3, 7, 30, 0, 0, minsk)
	if n, err := s.CreateDueDigests(ctx, day1, minsk); err != nil || n != 0 {
		t.Fatalf("digests at 07:30 = %d, %v; want 0", n, err)
	}
	if n, err := s.CreateDueDigests(ctx, day1.Add(40*time.Minute), minsk); err != nil || n != 1 {
		t.Fatalf("digests at 08:10 = %d, %v; want 1", n, err)
	}
	if n, _ := s.CreateDueDigests(ctx, day1.Add(50*time.Minute), minsk); n != 0 {
		t.Fatalf("second digest the same day = %d, want 0", n)
	}
	d, err := s.Delivery(ctx, 2, subscriptions.KindDigest, 20230303)
	if err != nil {
		t.Fatal(err)
	}
	dg, err := s.Digest(ctx, d.ID)
	if err != nil || len(dg.Articles) != 2 || dg.Form != subscriptions.DigestDaily || !dg.Slot.Equal(time.Date(2023, 3, 3, 8, 0, 0, 0, minsk)) {
		t.Fatalf("digest = %s at %v with %d articles, %v; want daily at 08:00 with 2", dg.Form, dg.Slot, len(dg.Articles), err)
	}
	// An article after today's digest waits for tomorrow's.
	s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, []subscriptions.Article{article("c", "C")})
	if n, _ := s.CreateDueDigests(ctx, day1.Add(3*time.Hour), minsk); n != 0 {
		t.Fatalf("digest later the same day = %d, want 0", n)
	}
	if n, _ := s.CreateDueDigests(ctx, day1.Add(24*time.Hour+time.Hour), minsk); n != 1 {
		t.Fatalf("digest the next day = %d, want 1", n)
	}
	d2, _ := s.Delivery(ctx, 2, subscriptions.KindDigest, 20230304)
	if dg, _ := s.Digest(ctx, d2.ID); len(dg.Articles) != 1 || dg.Articles[0].Key != "c" {
		t.Fatalf("next day's digest = %+v, want only c", dg.Articles)
	}
	// Back to instant delivery: what waits goes out at once.
	s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, []subscriptions.Article{article("d", "D")})
	if err := s.SetDigestHour(ctx, 2, -1, t0); err != nil {
		t.Fatal(err)
	}
	due, _ := s.DueDeliveries(ctx, t0, 20)
	found := false
	for _, d := range due {
		if d.ChatID == 2 && d.Kind == subscriptions.KindDigest {
			dg, _ := s.Digest(ctx, d.ID)
			found = len(dg.Articles) == 1 && dg.Articles[0].Key == "d" && dg.Form == subscriptions.DigestCatchUp
		}
	}
	if !found {
		t.Fatalf("switching to instant did not send the waiting article: %+v", due)
	}
	if err := s.SetDigestHour(ctx, 2, 24, t0); err == nil {
		t.Fatal("digest hour 24 accepted")
	}
}

// digestOf returns the digest delivery of chat with ref, with its articles' keys.
func digestOf(t *testing.T, s *Store, chat, ref int64) (subscriptions.Digest, []string) {
	t.Helper()
	ctx := context.Background()
	d, err := s.Delivery(ctx, chat, subscriptions.KindDigest, ref)
	if err != nil {
		t.Fatalf("digest %d of chat %d: %v", ref, chat, err)
	}
	dg, err := s.Digest(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, a := range dg.Articles {
		keys = append(keys, a.Key)
	}
	return dg, keys
}

func TestWeeklyDigest(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	minsk, err := time.LoadLocation("Europe/Minsk")
	if err != nil {
		t.Fatal(err)
	}
	subscribe(t, s, 3)
	// Mondays at 09:00 Minsk; 2023-03-02 is a Thursday.
	if err := s.SetWeeklyDigest(ctx, 3, time.Monday, 9, t0); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Chat(ctx, 3); !c.Weekly() || c.Daily() || c.DigestWeekday != time.Monday || c.DigestHour != 9 {
		t.Fatalf("chat after SetWeeklyDigest: weekday %d hour %d", c.DigestWeekday, c.DigestHour)
	}
	f := feedFor(t, s, "https://x/")
	s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, nil)
	thu := time.Date(2023, 3, 2, 12, 0, 0, 0, minsk)
	if _, err := s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: thu}, []subscriptions.Article{article("a", "A")}); err != nil {
		t.Fatal(err)
	}
	sun := time.Date(2023, 3, 5, 20, 0, 0, 0, minsk)
	s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: sun}, []subscriptions.Article{article("b", "B")})
	for _, at := range []time.Time{thu.Add(time.Hour), sun, time.Date(2023, 3, 6, 8, 59, 0, 0, minsk)} {
		if n, err := s.CreateDueDigests(ctx, at, minsk); err != nil || n != 0 {
			t.Fatalf("weekly digests at %v = %d, %v; want 0 before Monday 09:00", at, n, err)
		}
	}
	mon := time.Date(2023, 3, 6, 9, 0, 0, 0, minsk)
	if n, err := s.CreateDueDigests(ctx, mon, minsk); err != nil || n != 1 {
		t.Fatalf("weekly digests on Monday 09:00 = %d, %v; want 1", n, err)
	}
	if n, _ := s.CreateDueDigests(ctx, mon.Add(time.Hour), minsk); n != 0 {
		t.Fatalf("a second weekly digest the same week: %d", n)
	}
	dg, keys := digestOf(t, s, 3, mon.Unix())
	if dg.Form != subscriptions.DigestWeekly || !dg.Slot.Equal(mon) || len(keys) != 2 {
		t.Fatalf("weekly digest = %s at %v with %v, want weekly at %v with a and b", dg.Form, dg.Slot, keys, mon)
	}
	// An article after Monday's digest waits for the next Monday, and goes in that digest only.
	s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: mon.Add(time.Minute)}, []subscriptions.Article{article("c", "C")})
	if n, _ := s.CreateDueDigests(ctx, mon.AddDate(0, 0, 6), minsk); n != 0 {
		t.Fatalf("digest on Sunday = %d, want 0", n)
	}
	// The bot was down on Monday: the digest goes out when it is back, on Tuesday.
	tue := mon.AddDate(0, 0, 8)
	if n, _ := s.CreateDueDigests(ctx, tue, minsk); n != 1 {
		t.Fatalf("missed weekly digest on Tuesday = %d, want 1", n)
	}
	if _, keys := digestOf(t, s, 3, mon.AddDate(0, 0, 7).Unix()); len(keys) != 1 || keys[0] != "c" {
		t.Fatalf("second week's digest = %v, want [c]", keys)
	}
	// A daily digest again: weekday back to -1.
	if err := s.SetDigestHour(ctx, 3, 8, tue); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Chat(ctx, 3); !c.Daily() || c.DigestWeekday != -1 {
		t.Fatalf("chat after SetDigestHour: weekday %d, want -1 (daily)", c.DigestWeekday)
	}
	for _, bad := range [][2]int{{-1, 9}, {7, 9}, {1, 24}, {1, -1}} {
		if err := s.SetWeeklyDigest(ctx, 3, time.Weekday(bad[0]), bad[1], tue); err == nil {
			t.Errorf("SetWeeklyDigest(%d, %d) accepted", bad[0], bad[1])
		}
	}
}

func TestLastWeeklySlot(t *testing.T) {
	minsk, err := time.LoadLocation("Europe/Minsk")
	if err != nil {
		t.Fatal(err)
	}
	thu := time.Date(2023, 3, 2, 12, 0, 0, 0, minsk)
	for _, tc := range []struct {
		now  time.Time
		day  time.Weekday
		hour int
		want time.Time
	}{
		{thu, time.Thursday, 12, thu},
		{thu, time.Thursday, 13, thu.AddDate(0, 0, -7).Add(time.Hour)},
		{thu, time.Thursday, 11, thu.Add(-time.Hour)},
		{thu, time.Monday, 9, time.Date(2023, 2, 27, 9, 0, 0, 0, minsk)},
		{thu, time.Friday, 0, time.Date(2023, 2, 24, 0, 0, 0, 0, minsk)},
		{thu, time.Sunday, 23, time.Date(2023, 2, 26, 23, 0, 0, 0, minsk)},
		{time.Date(2023, 3, 1, 2, 0, 0, 0, minsk), time.Tuesday, 9, time.Date(2023, 2, 28, 9, 0, 0, 0, minsk)}, // across a month
	} {
		if got := lastWeeklySlot(tc.now, tc.day, tc.hour); !got.Equal(tc.want) {
			t.Errorf("lastWeeklySlot(%v, %v, %d) = %v, want %v", tc.now, tc.day, tc.hour, got, tc.want)
		}
	}
}

func TestHeadlinesBatches(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	subscribe(t, s, 4)
	subscribe(t, s, 5) // full display: one delivery per article
	if err := s.SetDisplay(ctx, 4, subscriptions.DisplayHeadlines, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.SetHeadlinesEvery(ctx, 4, 30, t0); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Chat(ctx, 4); c.Display != subscriptions.DisplayHeadlines || c.HeadlinesEvery != 30 || !c.PutsAside() {
		t.Fatalf("chat after SetDisplay: %s every %d", c.Display, c.HeadlinesEvery)
	}
	f := feedFor(t, s, "https://x/")
	s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, nil)
	s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, []subscriptions.Article{article("a", "A"), article("b", "B")})
	if due, _ := s.DueDeliveries(ctx, t0, 10); len(due) != 2 || due[0].ChatID != 5 || due[1].ChatID != 5 {
		t.Fatalf("due = %+v, want the 2 articles of chat 5 only", due)
	}
	if n, _ := s.WaitingArticles(ctx, 4); n != 2 {
		t.Fatalf("waiting for chat 4: %d, want 2", n)
	}
	// The first batch goes at once.
	if n, err := s.CreateDueDigests(ctx, t0, time.UTC); err != nil || n != 1 {
		t.Fatalf("first batch = %d, %v; want 1", n, err)
	}
	dg, keys := digestOf(t, s, 4, t0.Unix())
	if dg.Form != subscriptions.DigestHeadlines || len(keys) != 2 {
		t.Fatalf("first batch = %s with %v, want headlines with a, b", dg.Form, keys)
	}
	// The next waits 30 minutes after the first.
	s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0.Add(time.Minute)}, []subscriptions.Article{article("c", "C")})
	s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0.Add(20 * time.Minute)}, []subscriptions.Article{article("d", "D")})
	for _, at := range []time.Time{t0.Add(time.Minute), t0.Add(29*time.Minute + 59*time.Second)} {
		if n, _ := s.CreateDueDigests(ctx, at, time.UTC); n != 0 {
			t.Fatalf("batch at %v = %d, want 0 (the last was at %v)", at, n, t0)
		}
	}
	second := t0.Add(30 * time.Minute)
	if n, _ := s.CreateDueDigests(ctx, second, time.UTC); n != 1 {
		t.Fatalf("second batch = %d, want 1", n)
	}
	if _, keys := digestOf(t, s, 4, second.Unix()); len(keys) != 2 || keys[0] != "c" || keys[1] != "d" {
		t.Fatalf("second batch = %v, want [c d]", keys)
	}
	// Nothing waiting: no batch, however long since the last.
	if n, _ := s.CreateDueDigests(ctx, second.Add(time.Hour), time.UTC); n != 0 {
		t.Fatalf("empty batch created: %d", n)
	}
	// Leaving headlines sends what waits at once, as a catch-up.
	later := second.Add(time.Minute)
	s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: later}, []subscriptions.Article{article("e", "E")})
	if err := s.SetDisplay(ctx, 4, subscriptions.DisplayCompact, later); err != nil {
		t.Fatal(err)
	}
	if dg, keys := digestOf(t, s, 4, -later.Unix()); dg.Form != subscriptions.DigestCatchUp || len(keys) != 1 || keys[0] != "e" {
		t.Fatalf("catch-up on leaving headlines = %s %v, want catchup [e]", dg.Form, keys)
	}
	// Headlines with a daily digest: the digest decides, not the interval.
	if err := s.SetDisplay(ctx, 4, subscriptions.DisplayHeadlines, later); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDigestHour(ctx, 4, 8, later); err != nil {
		t.Fatal(err)
	}
	s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: later}, []subscriptions.Article{article("f", "F")})
	if n, _ := s.CreateDueDigests(ctx, later.Add(2*time.Hour), time.UTC); n != 0 {
		t.Fatalf("a headlines batch beside a daily digest: %d", n)
	}
	if err := s.SetDigestHour(ctx, 4, -1, later); err != nil { // back to headlines: f waits for the next batch
		t.Fatal(err)
	}
	if n, _ := s.WaitingArticles(ctx, 4); n != 1 {
		t.Fatalf("waiting after leaving the digest for headlines: %d, want 1 (no catch-up)", n)
	}
	// Unsubscribing drops what waits: coming back later brings no stale news.
	s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: later}, []subscriptions.Article{article("g", "G")})
	if n, _ := s.WaitingArticles(ctx, 4); n != 2 {
		t.Fatalf("waiting before unsubscribing: %d, want 2", n)
	}
	if _, err := s.SetSubscribed(ctx, 4, false, later); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.WaitingArticles(ctx, 4); n != 0 {
		t.Fatalf("waiting after unsubscribing: %d, want 0", n)
	}
	for _, bad := range []int{0, 1, 45, -30} {
		if err := s.SetHeadlinesEvery(ctx, 4, bad, later); err == nil {
			t.Errorf("SetHeadlinesEvery(%d) accepted", bad)
		}
	}
	if err := s.SetDisplay(ctx, 4, "huge", later); err == nil {
		t.Error("SetDisplay(huge) accepted")
	}
}
