package store

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

// ingestArticles stores articles in a feed and returns them with their ids, newest first.
func ingestArticles(t *testing.T, s *Store, articles ...subscriptions.Article) []subscriptions.Article {
	t.Helper()
	ctx := context.Background()
	f := feedFor(t, s, "https://osipovichi.gov.by/en/rss-en/")
	if _, err := s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, articles); err != nil {
		t.Fatal(err)
	}
	got, err := s.LatestArticles(ctx, len(articles)+10)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestArticleTexts(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	arts := ingestArticles(t, s, article("a", "First"), article("b", "Second"))
	a, b := arts[0].ID, arts[1].ID

	if _, err := s.ArticleText(ctx, a); !errors.Is(err, subscriptions.ErrNotFound) {
		t.Fatalf("nothing kept yet: got %v, want ErrNotFound", err)
	}
	text := subscriptions.ArticleText{ArticleID: a, Status: subscriptions.TextOK, Truncated: true, FetchedAt: t0,
		Blocks: []subscriptions.TextBlock{
			{Kind: subscriptions.BlockHeading, Text: "Заголовок"},
			{Kind: subscriptions.BlockParagraph, Text: "Строка\nи \"кавычки\" <b>"},
			{Kind: subscriptions.BlockImage, URL: "https://osipovichi.gov.by/files/a.jpg"},
		}}
	if err := s.SaveArticleText(ctx, text, t0.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err := s.ArticleText(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, text) {
		t.Errorf("kept text:\ngot  %+v\nwant %+v", got, text)
	}

	// A new read replaces the old one; saving forgets what was read before the cut-off.
	gone := subscriptions.ArticleText{ArticleID: b, Status: subscriptions.TextGone, Reason: "the portal answered 404", FetchedAt: t0.Add(2 * time.Hour)}
	if err := s.SaveArticleText(ctx, gone, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ArticleText(ctx, a); !errors.Is(err, subscriptions.ErrNotFound) {
		t.Errorf("a text read before the cut-off: got %v, want it forgotten", err)
	}
	if got, err := s.ArticleText(ctx, b); err != nil || got.Status != subscriptions.TextGone || got.Reason != gone.Reason || len(got.Blocks) != 0 {
		t.Errorf("a failed read: got %+v, %v", got, err)
	}
	failed := gone
	failed.Status, failed.Reason = subscriptions.TextFailed, "no answer"
	if err := s.SaveArticleText(ctx, failed, t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ArticleText(ctx, b); got.Status != subscriptions.TextFailed || got.Reason != "no answer" {
		t.Errorf("replaced: got %+v", got)
	}

	// An article that does not exist keeps nothing and is no error.
	if err := s.SaveArticleText(ctx, subscriptions.ArticleText{ArticleID: 999, Status: subscriptions.TextOK, FetchedAt: t0}, t0); err != nil {
		t.Errorf("save for a missing article: %v", err)
	}
	if _, err := s.ArticleText(ctx, 999); !errors.Is(err, subscriptions.ErrNotFound) {
		t.Errorf("missing article: got %v, want ErrNotFound", err)
	}

	// The text goes with its article.
	if _, err := s.db.Exec(`DELETE FROM articles WHERE id = ?`, b); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ArticleText(ctx, b); !errors.Is(err, subscriptions.ErrNotFound) {
		t.Errorf("deleted article: got %v, want its text gone", err)
	}
}

func TestLatestArticlesInALanguage(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	ru, be, none := article("ru", "По-русски"), article("be", "Па-беларуску"), article("x", "Unknown")
	ru.Language, be.Language, none.Language = subscriptions.LangRU, subscriptions.LangBE, ""
	ru.Published, be.Published = t0.Add(time.Minute), t0.Add(2*time.Minute)
	ingestArticles(t, s, ru, be, none)
	got, err := s.LatestArticles(ctx, 10, subscriptions.ArticleFilter{Language: subscriptions.LangBE})
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, a := range got {
		titles = append(titles, a.Title)
	}
	if want := []string{"Па-беларуску", "Unknown"}; !reflect.DeepEqual(titles, want) {
		t.Errorf("latest in Belarusian: got %q, want %q", titles, want)
	}
}

// TestArticleTextsAfterDisplay: 0010 came after 0011 (display) on main, so
// a database that main's binary migrated has 0011 and not 0010; the next
// start applies 0010 all the same.
func TestArticleTextsAfterDisplay(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "main.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, `DROP TABLE article_texts; DELETE FROM schema_migrations WHERE version = 10`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a := ingestArticles(t, s, article("x", "Статья"))[0]
	if err := s.SaveArticleText(ctx, subscriptions.ArticleText{ArticleID: a.ID, Status: subscriptions.TextOK, FetchedAt: t0}, t0); err != nil {
		t.Fatalf("save a text after 0010 was applied late: %v", err)
	}
}
