package store

import (
	"context"
	"errors"
	"testing"

	"github.com/osipovichi/newsbot/subscriptions"
)

func TestPostArticle(t *testing.T) {
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
	p, err := s.PostArticle(ctx, got, 9001, t0)
	if err != nil || !p.Known || p.Enqueued != 1 || p.Digest != 1 || p.Article.ID != known.ID {
		t.Fatalf("PostArticle(known) = %+v, %v; want known, 1 now, 1 in a digest", p, err)
	}
	if d, err := s.Delivery(ctx, 3, subscriptions.KindArticle, known.ID); err != nil || d.Priority != subscriptions.PostPriority {
		t.Fatalf("delivery to chat 3 = %+v, %v; want priority %d", d, err, subscriptions.PostPriority)
	}
	if p, _ := s.PostArticle(ctx, got, 9001, t0); p.Enqueued != 0 || p.Digest != 0 {
		t.Fatalf("second post = %+v, want nothing new", p)
	}

	// A new article is stored under a posted feed of its section and language, and sent to everyone.
	if _, err := s.ArticleByLink(ctx, "https://osipovichi.gov.by/en/news/view/9/"); !errors.Is(err, subscriptions.ErrNotFound) {
		t.Fatalf("ArticleByLink(unknown) error = %v, want ErrNotFound", err)
	}
	a := subscriptions.Article{Title: "Road closed", Summary: "Lenin street is closed.", Link: "https://osipovichi.gov.by/en/news/view/9/",
		Section: "news", Language: subscriptions.LangEN}
	p, err = s.PostArticle(ctx, a, 9001, t0)
	if err != nil || p.Known || p.Enqueued != 3 || p.Digest != 1 || p.Article.ID == 0 {
		t.Fatalf("PostArticle(new) = %+v, %v; want stored, 3 now, 1 in a digest", p, err)
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
	log, _ := s.AuditLog(ctx, 5)
	if len(log) != 3 || log[0].Action != subscriptions.AuditPost || log[0].UserID != 9001 || log[0].Ref != p.Article.ID {
		t.Fatalf("audit = %+v; want three posts, the latest of article %d", log, p.Article.ID)
	}
	if _, err := s.PostArticle(ctx, subscriptions.Article{Link: "https://x/"}, 9001, t0); err == nil {
		t.Fatalf("an article without a title was posted")
	}
}
