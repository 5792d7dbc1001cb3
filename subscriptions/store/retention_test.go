package store

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

// prune runs PruneDeliveries in batches until nothing is left to delete.
func prune(t *testing.T, s *Store, before time.Time, limit int) (total, batches int) {
	t.Helper()
	for {
		n, err := s.PruneDeliveries(context.Background(), before, limit)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return total, batches
		}
		total += n
		batches++
	}
}

func TestPruneDeliveries(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	minsk, err := time.LoadLocation("Europe/Minsk")
	if err != nil {
		t.Fatal(err)
	}
	const instant, digestChat, leaver = 1, 2, 3
	for _, id := range []int64{instant, digestChat, leaver} {
		subscribe(t, s, id)
	}
	for _, id := range []int64{digestChat, leaver} {
		if err := s.SetDigestHour(ctx, id, 8, t0); err != nil {
			t.Fatal(err)
		}
	}
	f := feedFor(t, s, "https://x/")
	s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, nil)
	old, err := s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, []subscriptions.Article{article("a", "A"), article("b", "B")})
	if err != nil {
		t.Fatal(err)
	}
	// Day 1: the digest chat gets its digest; the instant chat gets a and
	// fails b; the leaver unsubscribes with its items still waiting.
	day1 := time.Date(2023, 3, 3, 8, 10, 0, 0, minsk)
	if n, err := s.CreateDueDigests(ctx, day1, minsk); err != nil || n != 2 {
		t.Fatalf("digests = %d, %v; want 2", n, err)
	}
	digest, _ := s.Delivery(ctx, digestChat, subscriptions.KindDigest, 20230303)
	a, _ := s.Delivery(ctx, instant, subscriptions.KindArticle, old.New[0].ID)
	b, _ := s.Delivery(ctx, instant, subscriptions.KindArticle, old.New[1].ID)
	if err := s.RecordOutcomes(ctx, []subscriptions.Outcome{
		{ID: digest.ID, State: subscriptions.DeliverySent, CountAttempt: true},
		{ID: a.ID, State: subscriptions.DeliverySent, CountAttempt: true},
		{ID: b.ID, State: subscriptions.DeliveryFailed, Error: "bad request", CountAttempt: true},
	}, day1); err != nil {
		t.Fatal(err)
	}
	later := day1.Add(time.Hour)
	fresh, err := s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: later}, []subscriptions.Article{article("c", "C")})
	if err != nil || len(fresh.New) != 1 {
		t.Fatalf("ingest c: %+v, %v", fresh, err)
	}
	// The leaver leaves: its digest of a and b is skipped, and its item c is
	// dropped as it leaves. The instant chat's c is pending, the digest
	// chat's c waits for tomorrow's digest: both stay.
	if _, err := s.SetSubscribed(ctx, leaver, false, later); err != nil {
		t.Fatal(err)
	}
	var leaverItems int
	s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM digest_items WHERE chat_id = ? AND delivery_id IS NULL`, leaver).Scan(&leaverItems)
	if leaverItems != 0 {
		t.Fatalf("the leaver's waiting items = %d, want none", leaverItems)
	}

	cutoff := day1.Add(24 * time.Hour)
	total, batches := prune(t, s, cutoff, 2)
	if batches < 2 {
		t.Errorf("batches = %d, want several of at most 2 rows", batches)
	}
	counts, _ := s.DeliveryCounts(ctx)
	if counts[subscriptions.DeliveryPending] != 1 || counts[subscriptions.DeliverySent]+counts[subscriptions.DeliveryFailed]+counts[subscriptions.DeliverySkipped] != 0 {
		t.Errorf("deliveries after pruning = %v, want only the pending one", counts)
	}
	var items, waitingDigest int
	s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM digest_items`).Scan(&items)
	s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM digest_items WHERE chat_id = ? AND delivery_id IS NULL`, digestChat).Scan(&waitingDigest)
	if items != 1 || waitingDigest != 1 {
		t.Errorf("digest items after pruning = %d (%d waiting for the digest chat), want only c waiting", items, waitingDigest)
	}
	if total == 0 {
		t.Fatal("nothing pruned")
	}
	// A pruned digest's articles do not come back in the next digest.
	if n, err := s.CreateDueDigests(ctx, day1.Add(24*time.Hour), minsk); err != nil || n != 1 {
		t.Fatalf("next digest = %d, %v; want 1", n, err)
	}
	next, _ := s.Delivery(ctx, digestChat, subscriptions.KindDigest, 20230304)
	if dg, _ := s.Digest(ctx, next.ID); len(dg.Articles) != 1 || dg.Articles[0].Key != "c" {
		t.Errorf("next digest = %+v, want only c", dg.Articles)
	}
	// Articles stay for /search and /latest.
	if arts, _ := s.LatestArticles(ctx, 10); len(arts) != 3 {
		t.Errorf("articles after pruning = %d, want 3", len(arts))
	}
	if n, _ := s.PruneDeliveries(ctx, cutoff, 100); n != 0 {
		t.Errorf("second pruning deleted %d rows, want 0", n)
	}
}

// The deliveries of a notice whose final report is not written yet are
// what the report counts: they stay until it is written.
func TestPruneKeepsUnreportedNotices(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	seedChats(t, s, map[int64]string{1: subscriptions.LangRU, 2: subscriptions.LangRU})
	n, err := s.CreateNotice(ctx, 9001, subscriptions.NoticeVersion{Language: subscriptions.LangRU, ChatID: 9001, MessageIDs: []int{42}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.ConfirmNotice(ctx, n.ID, 9001, fanOut(t, subscriptions.LangRU), t0); err != nil {
		t.Fatal(err)
	}
	due, _ := s.DueDeliveries(ctx, t0, 10)
	var outs []subscriptions.Outcome
	for _, d := range due {
		outs = append(outs, subscriptions.Outcome{ID: d.ID, State: subscriptions.DeliverySent, CountAttempt: true})
	}
	if err := s.RecordOutcomes(ctx, outs, t0); err != nil {
		t.Fatal(err)
	}
	if done, err := s.FinishNotice(ctx, n.ID, t0); err != nil || !done {
		t.Fatalf("finish notice = %t, %v", done, err)
	}
	cutoff := t0.Add(time.Hour)
	if total, _ := prune(t, s, cutoff, 10); total != 0 {
		t.Errorf("pruned %d rows of an unreported notice, want 0", total)
	}
	if err := s.SetNoticeReported(ctx, n.ID, t0); err != nil {
		t.Fatal(err)
	}
	if total, _ := prune(t, s, cutoff, 10); total != 2 {
		t.Errorf("pruned %d rows of a reported notice, want its 2 deliveries", total)
	}
}

func TestIncrementalVacuum(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	var mode int
	if err := s.db.QueryRowContext(ctx, `PRAGMA auto_vacuum`).Scan(&mode); err != nil || mode != autoVacuumIncremental {
		t.Fatalf("a new database: auto_vacuum = %d, %v; want %d (incremental)", mode, err, autoVacuumIncremental)
	}
	// Fill the outbox, settle it, prune it: the pages come back.
	ids := make([]int64, 300)
	for i := range ids {
		ids[i] = int64(1000 + i)
		subscribe(t, s, ids[i])
	}
	f := feedFor(t, s, "https://x/")
	s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, nil)
	var arts []subscriptions.Article
	for _, k := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		arts = append(arts, article(k, k))
	}
	if _, err := s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, arts); err != nil {
		t.Fatal(err)
	}
	_, err := s.db.ExecContext(ctx, `UPDATE deliveries SET state = 'sent', last_error = printf('%.300c', 'x')`)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := s.SizeBytes(ctx)
	prune(t, s, t0.Add(time.Hour), 500)
	free := -1
	for free != 0 {
		if free, err = s.ReclaimSpace(ctx, 50); err != nil {
			t.Fatal(err)
		}
	}
	after, _ := s.SizeBytes(ctx)
	if after >= before/2 {
		t.Errorf("size after pruning and reclaiming = %d bytes, want well under half of %d", after, before)
	}
	if changed, err := s.EnableIncrementalVacuum(ctx); err != nil || changed {
		t.Errorf("EnableIncrementalVacuum on an incremental database = %t, %v; want false, nil", changed, err)
	}
}

// openOld opens a database made before incremental vacuum: it had a table
// before Open saw it.
func openOld(tb testing.TB) *Store {
	tb.Helper()
	ctx := context.Background()
	path := filepath.Join(tb.TempDir(), "old.db")
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `CREATE TABLE leftover (x INTEGER)`); err != nil {
		tb.Fatal(err)
	}
	raw.Close()
	s, err := Open(ctx, path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// A database made before incremental vacuum is switched once, by a VACUUM.
func TestEnableIncrementalVacuumOnAnOldDatabase(t *testing.T) {
	ctx := context.Background()
	s := openOld(t)
	mode := func() int {
		var m int
		s.db.QueryRowContext(ctx, `PRAGMA auto_vacuum`).Scan(&m)
		return m
	}
	if m := mode(); m != 0 {
		t.Fatalf("old database: auto_vacuum = %d, want 0 (Open does not rewrite an existing database)", m)
	}
	if changed, err := s.EnableIncrementalVacuum(ctx); err != nil || !changed {
		t.Fatalf("EnableIncrementalVacuum = %t, %v; want true", changed, err)
	}
	if m := mode(); m != autoVacuumIncremental {
		t.Errorf("after EnableIncrementalVacuum: auto_vacuum = %d, want %d", m, autoVacuumIncremental)
	}
}

func TestFailingSinceIsTheFirstFailure(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	subscribe(t, s, 1)
	f := feedFor(t, s, "https://x/")
	s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, nil)
	s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, []subscriptions.Article{article("a", "A")})
	due, _ := s.DueDeliveries(ctx, t0, 10)
	if len(due) != 1 || !due[0].FailingSince.IsZero() {
		t.Fatalf("due = %+v, want one delivery not failing", due)
	}
	id := due[0].ID
	steps := []struct {
		out subscriptions.Outcome
		at  time.Time
	}{
		{subscriptions.Outcome{ID: id, State: subscriptions.DeliveryPending, Error: "429", NextAttemptAt: t0}, t0}, // a wait, not a failure
		{subscriptions.Outcome{ID: id, State: subscriptions.DeliveryPending, Error: "502", CountAttempt: true, Failing: true, NextAttemptAt: t0}, t0.Add(time.Minute)},
		{subscriptions.Outcome{ID: id, State: subscriptions.DeliveryPending, Error: "502", CountAttempt: true, Failing: true, NextAttemptAt: t0}, t0.Add(time.Hour)},
	}
	for _, st := range steps {
		if err := s.RecordOutcomes(ctx, []subscriptions.Outcome{st.out}, st.at); err != nil {
			t.Fatal(err)
		}
	}
	d, err := s.Delivery(ctx, 1, subscriptions.KindArticle, due[0].Ref)
	if err != nil || !d.FailingSince.Equal(t0.Add(time.Minute)) || d.Attempts != 2 {
		t.Errorf("delivery = %+v, %v; want failing since the first 502 (%v) after 2 attempts", d, err, t0.Add(time.Minute))
	}
}

// BenchmarkEnableIncrementalVacuum times the one-time rewrite of a database
// made before incremental vacuum: 100 articles sent to NEWSBOT_BENCH_CHATS
// chats (default 2,000), settled, in a database that does not have it.
func BenchmarkEnableIncrementalVacuum(b *testing.B) {
	chats := 2000
	if v, err := strconv.Atoi(os.Getenv("NEWSBOT_BENCH_CHATS")); err == nil && v > 0 {
		chats = v
	}
	ctx := context.Background()
	for range b.N {
		b.StopTimer()
		s := openOld(b)
		for i := range chats {
			id := int64(1000 + i)
			s.TouchChat(ctx, subscriptions.ChatInfo{ID: id, Type: subscriptions.ChatPrivate, Language: subscriptions.LangEN}, t0)
			s.SetSubscribed(ctx, id, true, t0)
		}
		feeds, _ := s.EnsureFeeds(ctx, []subscriptions.FeedConfig{{Section: "news", Language: subscriptions.LangEN, URL: "https://x/"}})
		s.IngestFeed(ctx, feeds[0].ID, subscriptions.FetchResult{At: t0}, nil)
		for a := range 100 {
			s.IngestFeed(ctx, feeds[0].ID, subscriptions.FetchResult{At: t0}, []subscriptions.Article{article(strconv.Itoa(a), "Article "+strconv.Itoa(a))})
		}
		if _, err := s.db.ExecContext(ctx, `UPDATE deliveries SET state = 'sent'`); err != nil {
			b.Fatal(err)
		}
		size, _ := s.SizeBytes(ctx)
		b.StartTimer()
		t := time.Now()
		if changed, err := s.EnableIncrementalVacuum(ctx); err != nil || !changed {
			b.Fatalf("EnableIncrementalVacuum = %t, %v", changed, err)
		}
		took := time.Since(t)
		b.StopTimer()
		b.ReportMetric(float64(size)/1e6, "MB")
		b.ReportMetric(took.Seconds()/(float64(size)/1e8), "s_per_100MB")
	}
}
