package store

import (
	"context"
	"errors"
	"maps"
	"testing"

	"github.com/osipovichi/newsbot/subscriptions"
)

// post previews a, creates its draft and sends it, checking that the
// preview counted what the fan-out did.
func post(t *testing.T, s *Store, a subscriptions.Article) subscriptions.Notice {
	t.Helper()
	ctx := context.Background()
	before, _ := s.DeliveryCounts(ctx)
	preview, err := s.PreviewPost(ctx, a, t0)
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := s.DeliveryCounts(ctx); !maps.Equal(before, after) {
		t.Fatalf("the preview changed the deliveries: %v, then %v", before, after)
	}
	n, err := s.CreatePost(ctx, 9001, a, t0)
	if err != nil {
		t.Fatal(err)
	}
	started, n, err := s.ConfirmNotice(ctx, n.ID, 9001, subscriptions.FanOut{DefaultLang: "en", Location: t0.Location()}, t0)
	if err != nil || !started {
		t.Fatalf("ConfirmNotice(post) = %t, %v", started, err)
	}
	if n.Recipients != preview.Enqueued+preview.Digest || n.Digest != preview.Digest {
		t.Fatalf("post reached %d (%d in digests), the preview said %d now and %d in digests", n.Recipients, n.Digest,
			preview.Enqueued, preview.Digest)
	}
	return n
}

func TestPosts(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	seedChats(t, s, map[int64]string{1: subscriptions.LangEN, 2: subscriptions.LangEN})
	f := feedFor(t, s, "https://osipovichi.gov.by/en/news/rss/")
	s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, nil)
	res, _ := s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, []subscriptions.Article{article("known", "Known")})
	known := res.New[0]
	seedChats(t, s, map[int64]string{3: subscriptions.LangEN, 4: subscriptions.LangEN})
	if err := s.SetDigestHour(ctx, 4, 8, t0); err != nil {
		t.Fatal(err)
	}

	// A stored article goes to those who have not had it: 3 at once, 4 in its digest.
	got, err := s.ArticleByLink(ctx, "https://nowhere/", known.Link)
	if err != nil || got.ID != known.ID {
		t.Fatalf("ArticleByLink = %+v, %v; want article %d", got, err, known.ID)
	}
	n := post(t, s, got)
	if n.Recipients != 2 || n.Digest != 1 || n.Article.ID != known.ID || n.Priority() != subscriptions.PostPriority {
		t.Fatalf("post of the known article = %+v; want 2 recipients, 1 in a digest", n)
	}
	if d, err := s.Delivery(ctx, 3, subscriptions.KindArticle, known.ID); err != nil || d.Priority != subscriptions.PostPriority {
		t.Fatalf("delivery to chat 3 = %+v, %v; want priority %d", d, err, subscriptions.PostPriority)
	}
	// Its deliveries are its own: the feed's delivery of the same article to chats 1 and 2 is not counted.
	if p, _ := s.NoticeProgress(ctx, n.ID, t0); p != (subscriptions.NoticeProgress{Pending: 1}) {
		t.Fatalf("progress of the post = %+v, want the one delivery it made", p)
	}
	if again := post(t, s, got); again.Recipients != 0 {
		t.Fatalf("second post reached %d, want nobody new", again.Recipients)
	}

	// A new article is stored when it is sent (not when it is previewed), under a posted feed of its section and language.
	a := subscriptions.Article{Title: "Road closed", Summary: "Lenin street is closed.", Link: "https://osipovichi.gov.by/en/news/view/9/",
		Section: "news", Language: subscriptions.LangEN}
	if p, err := s.PreviewPost(ctx, a, t0); err != nil || p.Known || p.Enqueued != 3 || p.Digest != 1 {
		t.Fatalf("PreviewPost(new) = %+v, %v; want 3 now, 1 in a digest", p, err)
	}
	if _, err := s.ArticleByLink(ctx, a.Link); !errors.Is(err, subscriptions.ErrNotFound) {
		t.Fatalf("ArticleByLink after a preview = %v, want ErrNotFound", err)
	}
	n = post(t, s, a)
	if n.Recipients != 4 || n.Article.ID == 0 {
		t.Fatalf("post of a new article = %+v; want it stored, 4 recipients", n)
	}
	stored, err := s.ArticleByLink(ctx, a.Link)
	if err != nil || stored.ID != n.Article.ID {
		t.Fatalf("ArticleByLink after the post = %+v, %v; want article %d", stored, err, n.Article.ID)
	}
	feeds, _ := s.Feeds(ctx)
	if len(feeds) != 2 || !feeds[1].IsPosted() || feeds[1].Section != "news" || feeds[0].IsPosted() {
		t.Fatalf("feeds = %+v; want the configured one and a posted one for news", feeds)
	}
	// The feed brings the same article later (with its own key): nobody gets it twice.
	later := article("guid-9", "Road closed")
	later.Link = a.Link
	res, err = s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, []subscriptions.Article{later})
	if err != nil || len(res.New) != 1 || res.Enqueued != 0 {
		t.Fatalf("ingest of the posted article = %+v, %v; want stored, nothing enqueued", res, err)
	}

	// Sent out, it finishes with what it did in the audit trail.
	due, _ := s.DueDeliveries(ctx, t0, 10)
	var outs []subscriptions.Outcome
	for _, d := range due {
		if d.Kind == subscriptions.KindArticle && d.Ref == n.Article.ID {
			outs = append(outs, subscriptions.Outcome{ID: d.ID, State: subscriptions.DeliverySent, CountAttempt: true})
		}
	}
	s.RecordOutcomes(ctx, outs, t0)
	if ok, err := s.FinishNotice(ctx, n.ID, t0); err != nil || !ok {
		t.Fatalf("FinishNotice(post) = %t, %v", ok, err)
	}
	log, _ := s.AuditLog(ctx, 2)
	if len(log) != 2 || log[0].Action != subscriptions.AuditPostFinished || log[0].Ref != n.Article.ID ||
		log[0].Details != "delivered=3 blocked=0 failed=0 digest=1" ||
		log[1].Action != subscriptions.AuditPost || log[1].UserID != 9001 ||
		log[1].Details != "link=https://osipovichi.gov.by/en/news/view/9/ recipients=4 digest=1" {
		t.Fatalf("audit = %+v; want the post and what it did", log)
	}
	if _, err := s.CreatePost(ctx, 9001, subscriptions.Article{Link: "https://x/"}, t0); err == nil {
		t.Fatalf("an article without a title was accepted")
	}
}
