package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
	"github.com/osipovichi/newsbot/subscriptions/analyser"
)

// headlines are the texts of the analyser's labelled sets: district news
// in Russian, Belarusian and English.
func headlines(tb testing.TB) []string {
	tb.Helper()
	var out []string
	for _, lang := range []string{"ru", "be", "en"} {
		f, err := os.Open(filepath.Join("..", "analyser", "testdata", "labelled_"+lang+".txt"))
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			parts := strings.Split(sc.Text(), "|")
			if len(parts) == 3 && !strings.HasPrefix(parts[0], "#") {
				out = append(out, strings.TrimSpace(parts[2]))
			}
		}
		f.Close()
	}
	return out
}

// archive stores n articles made of the headlines: a title and a summary
// of four other headlines each, a day apart.
func archive(tb testing.TB, s *Store, n int) {
	tb.Helper()
	texts := headlines(tb)
	f := feedsIn(tb, s, "news/ru")["news/ru"]
	for start := 0; start < n; start += 500 {
		var as []subscriptions.Article
		for i := start; i < min(n, start+500); i++ {
			var summary []string
			for j := 1; j <= 4; j++ {
				summary = append(summary, texts[(i*7+j*13)%len(texts)])
			}
			as = append(as, subscriptions.Article{Key: fmt.Sprint("a", i), Title: texts[i%len(texts)], Summary: strings.Join(summary, ". "),
				Link: fmt.Sprintf("https://osipovichi.gov.by/ru/news-ru/view/%d/", i), Published: t0.Add(-time.Duration(i) * time.Hour)})
		}
		ingest(tb, s, f, as...)
	}
}

// BenchmarkSearchArticles measures /search over an archive of 5,000
// articles: the FTS5 query, the candidates read and, for phrases, checked
// with Match. First as ten polls left the index, then merged into one
// segment, as a rebuild leaves it.
func BenchmarkSearchArticles(b *testing.B) {
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	archive(b, s, 5000)
	for _, state := range []string{"ingested", "merged"} {
		if state == "merged" {
			if _, err := s.db.Exec(`INSERT INTO articles_fts (articles_fts) VALUES ('optimize')`); err != nil {
				b.Fatal(err)
			}
		}
		for _, text := range []string{"вода", "ремонт дорог", `"детский сад"`, "горячая вода Сумченко", "в школе", "дарога", "road repairs"} {
			q, err := analyser.ParseQuery(text)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(state+"/"+text, func(b *testing.B) {
				for b.Loop() {
					if _, err := s.SearchArticles(context.Background(), q, 10); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkRebuildSearchIndex measures rewriting the index of 5,000
// articles, as a start with a new analyser version does.
func BenchmarkRebuildSearchIndex(b *testing.B) {
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	archive(b, s, 5000)
	for b.Loop() {
		if err := s.SetState(context.Background(), stateIndexVersion, "0"); err != nil {
			b.Fatal(err)
		}
		if n, err := s.RebuildSearchIndex(context.Background(), 500); err != nil || n != 5000 {
			b.Fatalf("rebuilt %d, %v", n, err)
		}
	}
}
