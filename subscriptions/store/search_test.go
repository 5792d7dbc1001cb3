package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
	"github.com/osipovichi/newsbot/subscriptions/analyser"
)

// search parses a query as /search does and runs it.
func search(t *testing.T, s *Store, text string) []string {
	t.Helper()
	q, err := analyser.ParseQuery(text)
	if err != nil {
		t.Fatalf("ParseQuery(%q): %v", text, err)
	}
	got, err := s.SearchArticles(context.Background(), q, 10)
	if err != nil {
		t.Fatalf("SearchArticles(%q): %v", text, err)
	}
	return titles(got)
}

func TestSearchArticles(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	f := feedsIn(t, s, "news/ru", "news/be")
	day := 24 * time.Hour
	ingest(t, s, f["news/ru"],
		subscriptions.Article{Title: "Ремонт дороги на улице Ленина", Published: t0.Add(-3 * day), Link: "https://x/1"},
		subscriptions.Article{Title: "Дорожные работы", Summary: "Ограничено движение", Published: t0.Add(-2 * day), Link: "https://x/2"},
		subscriptions.Article{Title: "Ёлка на площади", Categories: []string{"Праздники"}, Published: t0.Add(-day), Link: "https://x/3"},
		subscriptions.Article{Title: "Дорогие ветераны, поздравляем!", Published: t0, Link: "https://x/6"},
		subscriptions.Article{Title: "Водители, внимание", Summary: "Отключение водоснабжения на Сумченко", Published: t0, Link: "https://x/7"},
	)
	ingest(t, s, f["news/be"],
		subscriptions.Article{Title: "Аб'явы райвыканкама", Summary: "Рамонт на вуліцы Сумской", Published: t0, Link: "https://x/4"},
	)
	tests := []struct {
		q    string
		want []string
	}{
		// Whole words in all their forms, not words that start alike.
		{"дорога", []string{"Дорожные работы", "Ремонт дороги на улице Ленина"}},
		{"дороги", []string{"Дорожные работы", "Ремонт дороги на улице Ленина"}},
		{"дорог", []string{"Дорожные работы", "Ремонт дороги на улице Ленина"}}, // a form of дорога (genitive plural)
		{"ремон", nil}, // the start of a word is not the word
		{"ремонт", []string{"Ремонт дороги на улице Ленина"}},
		{"елка", []string{"Ёлка на площади"}},
		{"праздник", []string{"Ёлка на площади"}}, // categories are searched
		{"вулица", []string{"Аб'явы райвыканкама"}},
		{"аб’ява", []string{"Аб'явы райвыканкама"}},
		{"вода", []string{"Водители, внимание"}}, // водоснабжение, not Водители
		{"водитель", []string{"Водители, внимание"}},
		{"движение дорожные", []string{"Дорожные работы"}},
		{`"дорожные работы"`, []string{"Дорожные работы"}},
		{`"работы дорожные"`, nil}, // a phrase keeps its order
		{"ремонт дороги ленина", []string{"Ремонт дороги на улице Ленина"}},
		{"мост", nil},
		// FTS5 syntax is text.
		{`"ремонт* ^( )`, []string{"Ремонт дороги на улице Ленина"}},
		{`NEAR(дорога ремонт)`, nil},
		{`ремонт OR ёлка`, nil},
		{`title:ремонт`, nil}, // two words, "title" and "ремонт", not a column
	}
	for _, tt := range tests {
		if got := search(t, s, tt.q); !slices.Equal(got, tt.want) {
			t.Errorf("search %q = %q; want %q", tt.q, got, tt.want)
		}
	}
	if _, err := s.SearchArticles(ctx, analyser.Query{}, 10); !errors.Is(err, analyser.ErrEmptyQuery) {
		t.Errorf("SearchArticles(no terms) error = %v, want ErrEmptyQuery", err)
	}
	// An edited article is found by its new words only.
	ingest(t, s, f["news/ru"], subscriptions.Article{Key: "edit", Title: "Старый заголовок", Link: "https://x/5"})
	ingest(t, s, f["news/ru"], subscriptions.Article{Key: "edit", Title: "Новый заголовок", Link: "https://x/5"})
	if got := search(t, s, "старый"); len(got) != 0 {
		t.Errorf("search for the old title found %q", got)
	}
	if got := search(t, s, "новый заголовок"); len(got) != 1 {
		t.Errorf("search for the new title found %q, want 1", got)
	}
	// A deleted article leaves the index.
	if _, err := s.db.Exec(`DELETE FROM articles WHERE link = 'https://x/5'`); err != nil {
		t.Fatal(err)
	}
	var rows int
	if err := s.db.QueryRow(`SELECT count(*) FROM articles_fts WHERE articles_fts MATCH '"заголов_"*'`).Scan(&rows); err != nil || rows != 0 {
		t.Errorf("index rows of the deleted article: %d, %v; want 0", rows, err)
	}
}

// TestSearchRanks checks the order: the most relevant first, then among
// articles about as relevant the newest; each link once; at most the limit.
func TestSearchRanks(t *testing.T) {
	s := openTest(t)
	f := feedsIn(t, s, "news/ru", "news/be")
	day := 24 * time.Hour
	ingest(t, s, f["news/ru"],
		subscriptions.Article{Title: "Итоги недели", Summary: "Среди прочего: вода, газ, ремонт, выборы, футбол, концерт, ярмарка, субботник, выставка и приём граждан",
			Published: t0, Link: "https://x/week"},
		subscriptions.Article{Title: "Отключение горячей воды", Summary: "Горячей воды не будет", Published: t0.Add(-5 * day), Link: "https://x/old"},
		subscriptions.Article{Title: "Отключение горячей воды", Summary: "Горячей воды не будет", Published: t0.Add(-day), Link: "https://x/new"},
	)
	for i := range 8 { // articles without the word, as in a real archive: bm25 needs them to weigh it
		ingest(t, s, f["news/ru"], subscriptions.Article{Title: fmt.Sprintf("Концерт номер %d", i), Published: t0, Link: fmt.Sprintf("https://x/c%d", i)})
	}
	// The same story through another feed, same link: listed once.
	ingest(t, s, f["news/be"], subscriptions.Article{Title: "Отключение горячей воды", Summary: "Горячей воды не будет", Published: t0.Add(-day), Link: "https://x/new"})
	want := []string{"https://x/new", "https://x/old", "https://x/week"}
	q, _ := analyser.ParseQuery("вода")
	got, err := s.SearchArticles(context.Background(), q, 10)
	var links []string
	for _, a := range got {
		links = append(links, a.Link)
	}
	if err != nil || !slices.Equal(links, want) {
		t.Errorf("search вода = %q, %v; want %q", links, err, want)
	}
	if got, _ := s.SearchArticles(context.Background(), q, 2); len(got) != 2 {
		t.Errorf("a limit of 2 gave %d results", len(got))
	}
}

// TestSearchRanksTheNewestFirst: when the newest articles hold enough
// matches, only they are ranked (a common word would otherwise be scored
// in most of the archive); a word they lack is found in the older ones.
func TestSearchRanksTheNewestFirst(t *testing.T) {
	s := openTest(t)
	s.recent = 4
	f := feedsIn(t, s, "news/ru")
	for i := range 8 { // articles without the word, as in a real archive: bm25 needs them to weigh it
		ingest(t, s, f["news/ru"], subscriptions.Article{Title: fmt.Sprintf("Концерт номер %d", i), Published: t0, Link: fmt.Sprintf("https://x/c%d", i)})
	}
	ingest(t, s, f["news/ru"], subscriptions.Article{Title: "Вода, вода, вода", Summary: "Олимпиада по химии", Published: t0, Link: "https://x/old"})
	for i := range 6 {
		ingest(t, s, f["news/ru"], subscriptions.Article{Title: fmt.Sprintf("Новость %d", i), Summary: "Горячая вода и ремонт",
			Published: t0.Add(time.Duration(i+1) * time.Hour), Link: fmt.Sprintf("https://x/%d", i)})
	}
	search := func(text string, limit int) []string {
		q, err := analyser.ParseQuery(text)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.SearchArticles(context.Background(), q, limit)
		if err != nil {
			t.Fatal(err)
		}
		var links []string
		for _, a := range got {
			links = append(links, a.Link)
		}
		return links
	}
	// Two results need four matches: the newest four have them, and the old
	// article, the most relevant of all, is not ranked.
	if got := search("вода", 2); slices.Contains(got, "https://x/old") || len(got) != 2 {
		t.Errorf("вода, 2 results = %q; want two of the newest four", got)
	}
	// Ten results need more matches than the newest hold: the whole archive, the most relevant first.
	if got := search("вода", 10); len(got) != 7 || got[0] != "https://x/old" {
		t.Errorf("вода, 10 results = %q; want all seven, the old one first", got)
	}
	if got := search("олимпиада", 5); !slices.Equal(got, []string{"https://x/old"}) {
		t.Errorf("олимпиада = %q; want the old article", got)
	}
}

// TestSearchHostileQueries checks that nothing a person types breaks the
// store's search: every query either has no words or runs.
func TestSearchHostileQueries(t *testing.T) {
	s := openTest(t)
	f := feedsIn(t, s, "news/ru")
	ingest(t, s, f["news/ru"], subscriptions.Article{Title: "Отключение горячей воды", Summary: "Детский сад закрыт", Link: "https://x/1"})
	for _, in := range []string{`"`, `""`, `NEAR(`, `NEAR(вода газ, 2)`, `*`, `вода*`, `^вода`, `OR`, `AND NOT`, `col:x`, `{title}:вода`,
		`'; DROP TABLE articles; --`, "во\x00да", "\xff\xfe", "вода\u202eгаз", "\u200b\u200d", "вoдa" /* Latin o and a */, strings.Repeat("вода ", 300),
		strings.Repeat(`"`, 101), "😀", "горячая вода детский сад северо-западный аб'ява улица Ленина школа №5 2025"} {
		q, err := analyser.ParseQuery(in)
		if errors.Is(err, analyser.ErrEmptyQuery) {
			continue
		}
		if err != nil {
			t.Errorf("ParseQuery(%q): %v", in, err)
			continue
		}
		if _, err := s.SearchArticles(context.Background(), q, 10); err != nil {
			t.Errorf("search %q: %v", in, err)
		}
	}
	if got := search(t, s, "вoдa"); len(got) != 1 {
		t.Errorf("a word with Latin lookalikes found %q, want the article", got)
	}
}

// openAtVersion creates a database with the migrations up to version only,
// as an older newsbot left it.
func openAtVersion(t *testing.T, path string, version int) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.version > version {
			break
		}
		if _, err := db.Exec(m.sql); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		if _, err := db.Exec(`INSERT INTO schema_migrations VALUES (?, ?, 0)`, m.version, m.name); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// TestUpgradeToTheAnalyser opens a database of the matcher before the
// analyser: the index is made again with the analyser's tokenizer, the
// folding triggers are gone, the rebuild (in batches, resumable) makes the
// old articles searchable, and the stored keywords follow the new rules.
func TestUpgradeToTheAnalyser(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old := openAtVersion(t, path, 4)
	for _, stmt := range []string{
		`INSERT INTO feeds (id, url, section, language) VALUES (1, 'https://osipovichi.gov.by/ru/rss-ru/', 'news', 'ru')`,
		`INSERT INTO chats (id, type, language, subscribed, created_at, updated_at) VALUES (10, 'private', 'ru', 1, 0, 0), (11, 'private', 'be', 1, 0, 0)`,
		// As the prefix matcher stored them: lowercased and trimmed, punctuation kept.
		`INSERT INTO chat_keywords (chat_id, word, exclude, created_at) VALUES
			(10, 'дорога!', 0, 0), (10, 'дорога', 0, 0), (10, '???', 0, 0), (10, 'реклама', 1, 0), (10, 'и', 0, 0),
			(11, 'дарога', 0, 0), (11, '«аб''ява»', 0, 0)`,
	} {
		if _, err := old.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	for i := 1; i <= 25; i++ {
		if _, err := old.Exec(`INSERT INTO articles (feed_id, item_key, title, summary, link, published_at, section, language, first_seen_at, updated_at)
			VALUES (1, ?, ?, 'Отключение водоснабжения', ?, ?, 'news', 'ru', 0, 0)`,
			fmt.Sprint("k", i), fmt.Sprintf("Ремонт дороги №%d", i), fmt.Sprintf("https://x/%d", i), t0.Unix()+int64(i)); err != nil {
			t.Fatal(err)
		}
	}
	old.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var ddl string
	if err := s.db.QueryRow(`SELECT sql FROM sqlite_master WHERE name = 'articles_fts'`).Scan(&ddl); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ddl, `"`+analyser.IndexTokenizer+`"`) {
		t.Errorf("articles_fts is %s; want the tokenizer %s (analyser.IndexTokenizer)", ddl, analyser.IndexTokenizer)
	}
	var triggers []string
	rows, err := s.db.Query(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'articles' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		triggers = append(triggers, n)
	}
	rows.Close()
	if !slices.Equal(triggers, []string{"articles_fts_delete"}) {
		t.Errorf("triggers on articles: %q, want only articles_fts_delete", triggers)
	}
	if got := search(t, s, "дорога"); len(got) != 0 {
		t.Fatalf("before the rebuild the index should be empty, found %q", got)
	}

	// A rebuild that stopped after the first ten articles (a restart) goes
	// on where it stopped: what it had done is kept, the rest is done.
	if err := s.SetState(ctx, stateIndexRebuild, fmt.Sprintf("%d:10", analyser.Version)); err != nil {
		t.Fatal(err)
	}
	if n, err := s.RebuildSearchIndex(ctx, 10); err != nil || n != 15 {
		t.Fatalf("resumed rebuild: %d, %v; want the 15 left", n, err)
	}
	if got := search(t, s, "дорога"); len(got) != 10 { // the limit of search()
		t.Fatalf("after the resumed rebuild: %d found, want 10", len(got))
	}
	q, _ := analyser.ParseQuery("вода дорога")
	if got, err := s.SearchArticles(ctx, q, 30); err != nil || len(got) != 15 {
		t.Fatalf("after the resumed rebuild: %d found, %v; want the 15 it indexed", len(got), err)
	}
	if err := s.SetState(ctx, stateIndexVersion, "0"); err != nil { // as if written by another analyser
		t.Fatal(err)
	}
	if n, err := s.RebuildSearchIndex(ctx, 10); err != nil || n != 25 {
		t.Fatalf("rebuild for a new analyser version: %d, %v; want all 25", n, err)
	}
	if n, err := s.RebuildSearchIndex(ctx, 10); err != nil || n != 0 {
		t.Fatalf("rebuild of a current index: %d, %v; want nothing to do", n, err)
	}
	if got, err := s.SearchArticles(ctx, q, 30); err != nil || len(got) != 25 {
		t.Fatalf("after the rebuild: %d found, %v; want 25", len(got), err)
	}

	m, err := s.MigrateKeywords(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := (subscriptions.KeywordMigration{Checked: 7, Rewritten: 2, Merged: 1, Dropped: 2}); m != want {
		t.Errorf("MigrateKeywords = %+v, want %+v", m, want)
	}
	for chat, want := range map[int64][]string{10: {"дорога", "-реклама"}, 11: {"дарога", "аб'ява"}} {
		kws, err := s.Keywords(ctx, chat)
		var got []string
		for _, k := range kws {
			got = append(got, k.String())
		}
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("keywords of chat %d after the migration: %q, %v; want %q", chat, got, err, want)
		}
	}
	if m, err := s.MigrateKeywords(ctx); err != nil || m != (subscriptions.KeywordMigration{}) {
		t.Errorf("second MigrateKeywords = %+v, %v; want nothing done", m, err)
	}
}
