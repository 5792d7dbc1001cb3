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
	arts, err := s.DigestArticles(ctx, d.ID)
	if err != nil || len(arts) != 2 {
		t.Fatalf("digest articles = %d, %v; want 2", len(arts), err)
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
	if arts, _ := s.DigestArticles(ctx, d2.ID); len(arts) != 1 || arts[0].Key != "c" {
		t.Fatalf("next day's digest = %+v, want only c", arts)
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
			arts, _ := s.DigestArticles(ctx, d.ID)
			found = len(arts) == 1 && arts[0].Key == "d"
		}
	}
	if !found {
		t.Fatalf("switching to instant did not send the waiting article: %+v", due)
	}
	if err := s.SetDigestHour(ctx, 2, 24, t0); err == nil {
		t.Fatal("digest hour 24 accepted")
	}
}
