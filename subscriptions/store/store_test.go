package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

var t0 = time.Date(2023, 3, 2, 9, 0, 0, 0, time.UTC)

func openTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func subscribe(t *testing.T, s *Store, id int64) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.TouchChat(ctx, subscriptions.ChatInfo{ID: id, Type: subscriptions.ChatPrivate, Title: "Resident", Language: subscriptions.LangRU}, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetSubscribed(ctx, id, true, t0); err != nil {
		t.Fatal(err)
	}
}

func article(key, title string) subscriptions.Article {
	return subscriptions.Article{Key: key, Title: title, Summary: "summary of " + title, Link: "https://osipovichi.gov.by/" + key,
		Published: t0, Section: "news", Language: subscriptions.LangEN, FirstSeen: t0}
}

func feedFor(t *testing.T, s *Store, url string) subscriptions.Feed {
	t.Helper()
	feeds, err := s.EnsureFeeds(context.Background(), []subscriptions.FeedConfig{{Section: "news", Language: subscriptions.LangEN, URL: url}})
	if err != nil {
		t.Fatal(err)
	}
	return feeds[0]
}

func TestMigrationsAndNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "db.sqlite")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.SchemaVersion(ctx)
	if err != nil || v < 1 {
		t.Fatalf("SchemaVersion = %d, %v; want >= 1", v, err)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = Open(ctx, path)
	if err == nil || !strings.Contains(err.Error(), "newer than this binary") {
		t.Fatalf("Open on a newer schema: got %v, want a clear refusal", err)
	}
	// Reopening a current database applies nothing twice.
	path2 := filepath.Join(t.TempDir(), "db2.sqlite")
	for i := 0; i < 2; i++ {
		s, err := Open(ctx, path2)
		if err != nil {
			t.Fatalf("open #%d: %v", i, err)
		}
		s.Close()
	}
}

func TestChatLifecycle(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	c, err := s.TouchChat(ctx, subscriptions.ChatInfo{ID: 42, Type: subscriptions.ChatPrivate, Title: "Ivan", Language: subscriptions.LangBE}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if c.Language != subscriptions.LangBE || c.Subscribed || c.Status != subscriptions.StatusActive || !c.LinkPreviews || c.DigestHour != -1 {
		t.Fatalf("new chat = %+v", c)
	}
	// A second touch keeps the chosen language.
	c, err = s.TouchChat(ctx, subscriptions.ChatInfo{ID: 42, Type: subscriptions.ChatPrivate, Title: "Ivan P", Language: subscriptions.LangEN}, t0)
	if err != nil || c.Language != subscriptions.LangBE || c.Title != "Ivan P" {
		t.Fatalf("touch again = %+v, %v; want language be and new title", c, err)
	}
	for i, want := range []bool{true, false} {
		changed, err := s.SetSubscribed(ctx, 42, true, t0)
		if err != nil || changed != want {
			t.Fatalf("subscribe #%d: changed=%t err=%v, want %t", i, changed, err, want)
		}
	}
	if n, _ := s.CountSubscribers(ctx); n != 1 {
		t.Fatalf("CountSubscribers = %d, want 1", n)
	}
	if err := s.SetChatStatus(ctx, 42, subscriptions.StatusBlocked, "blocked by user", t0); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountSubscribers(ctx); n != 0 {
		t.Fatalf("CountSubscribers after block = %d, want 0", n)
	}
	c, _ = s.TouchChat(ctx, subscriptions.ChatInfo{ID: 42, Type: subscriptions.ChatPrivate}, t0)
	if c.Status != subscriptions.StatusActive || !c.Subscribed {
		t.Fatalf("after unblock: %+v, want active and still subscribed", c)
	}
	if _, err := s.SetSubscribed(ctx, 7, true, t0); !errors.Is(err, subscriptions.ErrNotFound) {
		t.Fatalf("subscribe unknown chat: got %v, want ErrNotFound", err)
	}
	if _, err := s.Chat(ctx, 7); !errors.Is(err, subscriptions.ErrNotFound) {
		t.Fatalf("Chat(unknown): got %v, want ErrNotFound", err)
	}
}

func TestIngestFirstPollThenNew(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	subscribe(t, s, 1)
	subscribe(t, s, 2)
	if _, err := s.TouchChat(ctx, subscriptions.ChatInfo{ID: 3, Type: subscriptions.ChatPrivate}, t0); err != nil { // not subscribed
		t.Fatal(err)
	}
	f := feedFor(t, s, "https://osipovichi.gov.by/en/rss-en/")
	res, err := s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{ETag: `"a"`, At: t0}, []subscriptions.Article{article("a", "A"), article("b", "B")})
	if err != nil {
		t.Fatal(err)
	}
	if !res.First || len(res.New) != 2 || res.Enqueued != 0 {
		t.Fatalf("first poll: %+v, want First, 2 new, 0 enqueued", res)
	}
	// Reordered, plus one new item, plus an edit.
	edited := article("a", "A (updated)")
	res, err = s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{ETag: `"b"`, At: t0.Add(time.Minute)},
		[]subscriptions.Article{article("c", "C"), article("b", "B"), edited})
	if err != nil {
		t.Fatal(err)
	}
	if res.First || len(res.New) != 1 || res.New[0].Key != "c" || res.Enqueued != 2 || res.Updated != 1 {
		t.Fatalf("second poll: %+v, want 1 new (c), 2 enqueued, 1 updated", res)
	}
	// c vanished, then comes back: never announced again.
	if _, err := s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0.Add(2 * time.Minute)}, []subscriptions.Article{article("b", "B")}); err != nil {
		t.Fatal(err)
	}
	res, err = s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0.Add(3 * time.Minute)}, []subscriptions.Article{article("c", "C"), article("b", "B")})
	if err != nil || len(res.New) != 0 || res.Enqueued != 0 {
		t.Fatalf("re-added item: %+v, %v; want nothing new", res, err)
	}
	latest, err := s.LatestArticles(ctx, 10)
	if err != nil || len(latest) != 3 {
		t.Fatalf("LatestArticles = %d, %v; want 3", len(latest), err)
	}
	got, err := s.Article(ctx, latest[len(latest)-1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Key == "a" && got.Title != "A (updated)" {
		t.Fatalf("edited title = %q, want updated", got.Title)
	}
	counts, _ := s.DeliveryCounts(ctx)
	if counts[subscriptions.DeliveryPending] != 2 {
		t.Fatalf("pending deliveries = %d, want 2", counts[subscriptions.DeliveryPending])
	}
	feeds, _ := s.Feeds(ctx)
	if feeds[0].ETag != "" || !feeds[0].Initialized || feeds[0].ItemCount != 2 {
		t.Fatalf("feed state = %+v", feeds[0])
	}
}

func TestEditKeepsSummaryAndImageMissingFromAFetch(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	f := feedFor(t, s, "https://x/")
	a := article("a", "A")
	a.ImageURL = "https://osipovichi.gov.by/img/a.jpg"
	if _, err := s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, []subscriptions.Article{a}); err != nil {
		t.Fatal(err)
	}
	bare := a
	bare.Summary, bare.ImageURL = "", ""
	res, err := s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, []subscriptions.Article{bare})
	if err != nil || res.Updated != 0 {
		t.Fatalf("a fetch without summary and image: updated %d, %v; want 0", res.Updated, err)
	}
	edited := bare
	edited.Title = "A, corrected"
	if res, err = s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, []subscriptions.Article{edited}); err != nil || res.Updated != 1 {
		t.Fatalf("an edited title: updated %d, %v; want 1", res.Updated, err)
	}
	got, _ := s.LatestArticles(ctx, 1)
	if got[0].Title != "A, corrected" || got[0].Summary != a.Summary || got[0].ImageURL != a.ImageURL {
		t.Fatalf("stored = %+v, want the new title with the old summary and image", got[0])
	}
}

func TestCrossFeedDuplicateNotAnnounced(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	subscribe(t, s, 1)
	feeds, err := s.EnsureFeeds(ctx, []subscriptions.FeedConfig{{Section: "news", URL: "https://a/"}, {Section: "society", URL: "https://b/"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range feeds {
		if _, err := s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, nil); err != nil {
			t.Fatal(err)
		}
	}
	total := 0
	for _, f := range feeds {
		res, err := s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, []subscriptions.Article{article("same", "Same")})
		if err != nil {
			t.Fatal(err)
		}
		total += res.Enqueued
	}
	if total != 1 {
		t.Fatalf("deliveries of an article in two feeds = %d, want 1", total)
	}
}

func TestFeedFailureAndAlert(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	f := feedFor(t, s, "https://x/")
	for i := 1; i <= 3; i++ {
		got, err := s.RecordFeedFailure(ctx, f.ID, "http 500", t0.Add(time.Duration(i)*time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if got.ConsecutiveFailures != i || !got.FailingSince.Equal(t0.Add(time.Minute)) {
			t.Fatalf("failure %d: %+v", i, got)
		}
	}
	if err := s.SetFeedAlerted(ctx, f.ID, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, nil); err != nil {
		t.Fatal(err)
	}
	feeds, _ := s.Feeds(ctx)
	if feeds[0].ConsecutiveFailures != 0 || !feeds[0].FailingSince.IsZero() || feeds[0].LastError != "" || feeds[0].AlertedAt.IsZero() {
		t.Fatalf("after success: %+v, want health reset and the alert still open", feeds[0])
	}
}

func TestMigrateChat(t *testing.T) {
	ctx := context.Background()
	for _, newExists := range []bool{false, true} {
		s := openTest(t)
		if _, err := s.TouchChat(ctx, subscriptions.ChatInfo{ID: -10, Type: subscriptions.ChatGroup, Title: "School 1"}, t0); err != nil {
			t.Fatal(err)
		}
		s.SetSubscribed(ctx, -10, true, t0)
		s.ChangeLanguage(ctx, -10, subscriptions.LangBE, t0)
		f := feedFor(t, s, "https://x/")
		s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, nil)
		res, _ := s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, []subscriptions.Article{article("n", "N")})
		s.SetDisplay(ctx, -10, subscriptions.DisplayCompact, t0)
		s.SetHashtags(ctx, -10, true, t0)
		s.SetWeeklyDigest(ctx, -10, time.Friday, 18, t0)
		s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, []subscriptions.Article{article("w", "W")}) // put aside
		if newExists {
			s.TouchChat(ctx, subscriptions.ChatInfo{ID: -100200, Type: subscriptions.ChatSupergroup, Title: "School 1"}, t0)
		}
		if err := s.MigrateChat(ctx, -10, -100200, t0); err != nil {
			t.Fatalf("newExists=%t: %v", newExists, err)
		}
		c, err := s.Chat(ctx, -100200)
		if err != nil || !c.Subscribed || c.Language != subscriptions.LangBE || c.Display != subscriptions.DisplayCompact ||
			!c.Hashtags || c.DigestWeekday != time.Friday {
			t.Fatalf("newExists=%t: migrated chat %+v, %v; want subscribed, be, compact with hashtags, weekday Friday", newExists, c, err)
		}
		if _, err := s.Chat(ctx, -10); !errors.Is(err, subscriptions.ErrNotFound) {
			t.Fatalf("newExists=%t: old chat still there (%v)", newExists, err)
		}
		d, err := s.Delivery(ctx, -100200, subscriptions.KindArticle, res.New[0].ID)
		if err != nil || d.State != subscriptions.DeliveryPending {
			t.Fatalf("newExists=%t: delivery moved = %+v, %v", newExists, d, err)
		}
		if n, err := s.WaitingArticles(ctx, -100200); n != 1 || err != nil {
			t.Fatalf("newExists=%t: %d articles wait for the weekly digest of the new chat (%v), want 1", newExists, n, err)
		}
		// Migrating again is harmless.
		if err := s.MigrateChat(ctx, -10, -100200, t0); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOutcomesAndSkips(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	subscribe(t, s, 1)
	subscribe(t, s, 2)
	f := feedFor(t, s, "https://x/")
	s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, nil)
	res, _ := s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, []subscriptions.Article{article("n", "N"), article("m", "M")})
	due, err := s.DueDeliveries(ctx, t0, 10)
	if err != nil || len(due) != 4 {
		t.Fatalf("due = %d, %v; want 4", len(due), err)
	}
	var outs []subscriptions.Outcome
	for _, d := range due {
		if d.ChatID == 1 && d.Ref == res.New[0].ID {
			outs = append(outs, subscriptions.Outcome{ID: d.ID, State: subscriptions.DeliverySent, MessageID: 77, CountAttempt: true})
		}
		if d.ChatID == 1 && d.Ref == res.New[1].ID {
			outs = append(outs, subscriptions.Outcome{ID: d.ID, State: subscriptions.DeliveryPending, Error: "http 502", NextAttemptAt: t0.Add(time.Minute), CountAttempt: true})
		}
	}
	if err := s.RecordOutcomes(ctx, outs, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.SetChatStatus(ctx, 2, subscriptions.StatusBlocked, "blocked by user", t0); err != nil {
		t.Fatal(err)
	}
	due, _ = s.DueDeliveries(ctx, t0, 10)
	if len(due) != 0 {
		t.Fatalf("due now = %+v, want none (one retry later, chat 2 skipped)", due)
	}
	due, _ = s.DueDeliveries(ctx, t0.Add(time.Minute), 10)
	if len(due) != 1 || due[0].Chat.ID != 1 || due[0].Attempts != 1 || due[0].LastError != "http 502" {
		t.Fatalf("due later = %+v, want the retry with 1 attempt", due)
	}
	sent, _ := s.Delivery(ctx, 1, subscriptions.KindArticle, res.New[0].ID)
	if sent.State != subscriptions.DeliverySent || sent.MessageID != 77 {
		t.Fatalf("sent delivery = %+v", sent)
	}
	counts, _ := s.DeliveryCounts(ctx)
	if counts[subscriptions.DeliverySkipped] != 2 || counts[subscriptions.DeliverySent] != 1 || counts[subscriptions.DeliveryPending] != 1 {
		t.Fatalf("counts = %v", counts)
	}
}

func TestBackupAndOffset(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	subscribe(t, s, 5)
	if off, err := s.UpdateOffset(ctx); err != nil || off != 0 {
		t.Fatalf("initial offset = %d, %v", off, err)
	}
	if err := s.SetUpdateOffset(ctx, 1234); err != nil {
		t.Fatal(err)
	}
	for _, ids := range [][]int{{1236, 1240}, nil, {1235}} {
		if err := s.SetHandledUpdates(ctx, ids); err != nil {
			t.Fatal(err)
		}
		if got, err := s.HandledUpdates(ctx); err != nil || !slices.Equal(got, ids) {
			t.Errorf("HandledUpdates after setting %v = %v, %v", ids, got, err)
		}
	}
	dest := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(ctx, dest); err == nil {
		t.Fatal("backup over an existing file: want an error")
	}
	b, err := Open(ctx, dest)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if off, _ := b.UpdateOffset(ctx); off != 1234 {
		t.Fatalf("backup offset = %d, want 1234", off)
	}
	if n, _ := b.CountSubscribers(ctx); n != 1 {
		t.Fatalf("backup subscribers = %d, want 1", n)
	}
}

// TestFilesArePrivate: the database, its WAL and shared-memory files, the
// directories the bot creates for it and its backups are for the bot's
// user only; a database that exists keeps its mode.
func TestFilesArePrivate(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	dir := filepath.Join(root, "data", "newsbot")
	path := filepath.Join(dir, "bot.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	subscribe(t, s, 1) // a write, so that the WAL is in use
	mode := func(p string) os.FileMode {
		t.Helper()
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Mode().Perm()
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if m := mode(p); m != 0o600 {
			t.Errorf("%s: mode %o, want 600", filepath.Base(p), m)
		}
	}
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if m := mode(d); m != 0o700 {
			t.Errorf("directory %s: mode %o, want 700", filepath.Base(d), m)
		}
	}

	backup := filepath.Join(root, "backup.db")
	if err := s.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	if m := mode(backup); m != 0o600 {
		t.Errorf("backup: mode %o, want 600", m)
	}
	if err := s.Backup(ctx, filepath.Join(root, "missing", "backup.db")); err == nil {
		t.Error("backup into a missing directory: want an error")
	}
	if err := s.Backup(ctx, backup); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("backup over an existing file: got %v, want it refused", err)
	}

	// A database the operator made readable by a group stays so.
	shared := filepath.Join(root, "shared.db")
	if err := os.WriteFile(shared, nil, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(shared, 0o640); err != nil { // whatever the umask
		t.Fatal(err)
	}
	s2, err := Open(ctx, shared)
	if err != nil {
		t.Fatal(err)
	}
	s2.Close()
	if m := mode(shared); m != 0o640 {
		t.Errorf("existing database: mode %o, want 640 kept", m)
	}
}
