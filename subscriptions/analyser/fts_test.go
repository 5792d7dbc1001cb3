package analyser

import (
	"database/sql"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// ftsIndex is a real FTS5 table written with Doc.IndexText, as the store
// will write articles_fts.
type ftsIndex struct {
	db *sql.DB
}

func newFTSIndex(t testing.TB) *ftsIndex {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "fts.db"))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE VIRTUAL TABLE docs USING fts5 (title, summary, tokenize = "` + IndexTokenizer + `")`); err != nil {
		t.Fatal(err)
	}
	return &ftsIndex{db: db}
}

// add indexes documents of a title and a summary each, rowid = index + 1.
func (x *ftsIndex) add(t testing.TB, docs ...[2]string) {
	t.Helper()
	tx, err := x.db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for i, doc := range docs {
		d := Analyse(doc[0], doc[1])
		if _, err := tx.Exec(`INSERT INTO docs (rowid, title, summary) VALUES (?, ?, ?)`, i+1, d.IndexText(0), d.IndexText(1)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// search returns the rowids that match an FTS5 expression, by rank.
func (x *ftsIndex) search(expr string) ([]int, error) {
	rows, err := x.db.Query(`SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs)`, expr)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// TestFTSAgreesWithMatch indexes every text of the labelled sets and checks
// that the FTS5 expression of each keyword selects what Keyword.Match
// accepts: exactly for words, a superset for phrases.
func TestFTSAgreesWithMatch(t *testing.T) {
	x := newFTSIndex(t)
	var texts []string
	keywords := map[string]bool{}
	for _, lang := range []string{"ru", "be", "en"} {
		for _, p := range readLabelled(t, lang) {
			texts = append(texts, p.text)
			keywords[p.keyword] = true
		}
	}
	docs := make([]*Doc, len(texts))
	rows := make([][2]string, len(texts))
	for i, text := range texts {
		rows[i] = [2]string{text, ""}
		docs[i] = Analyse(text, "")
	}
	x.add(t, rows...)
	for kw := range keywords {
		k := mustKeyword(t, kw)
		var b strings.Builder
		k.pattern.fts(&b)
		got, err := x.search(b.String())
		if err != nil {
			t.Fatalf("%q: FTS5 %q: %v", kw, b.String(), err)
		}
		sort.Ints(got)
		var want []int
		for i, d := range docs {
			if k.Match(d) {
				want = append(want, i+1)
			}
		}
		inFTS := map[int]bool{}
		for _, id := range got {
			inFTS[id] = true
		}
		for _, id := range want {
			if !inFTS[id] {
				t.Errorf("%q matches %q but its FTS5 expression does not find it", kw, texts[id-1])
			}
		}
		if !k.Phrase() && len(got) != len(want) {
			t.Errorf("%q: FTS5 finds %d texts, Match %d", kw, len(got), len(want))
		}
	}
}

// hostileQueries are searches a person could type to break FTS5.
var hostileQueries = []string{
	`"`, `""`, `"""`, `"детский сад`, `детский" сад"`, `NEAR(вода газ, 2)`, `NEAR(`, `)`, `(`, `*`, `вода*`, `^вода`,
	`OR`, `AND`, `NOT`, `вода OR газ`, `вода AND NOT газ`, `title:вода`, `col:x`, `{title summary}:вода`, `-вода`,
	`+`, `вода + газ`, `'; DROP TABLE docs; --`, `\"`, "во\x00да", "\xff\xfe", "вода\u202eгаз", "\u200b", `:`, `.`,
	`вода "газ`, `"вода" "газ"`, `“вода”`, `«вода»`, strings.Repeat("вода ", 500), strings.Repeat(`"`, 101),
	"горячая вода детский сад северо-западный аб'ява улица Ленина школа №5 2025",
}

func TestFTSQueriesAreValid(t *testing.T) {
	x := newFTSIndex(t)
	x.add(t, [2]string{"Отключение горячей воды", "Детский сад закрыт"}, [2]string{"Газета «Осиповичская правда»", "Водители, внимание"})
	for _, in := range hostileQueries {
		q, err := ParseQuery(in)
		if err != nil {
			continue
		}
		if _, err := x.search(q.FTS()); err != nil {
			t.Errorf("ParseQuery(%q).FTS() = %q: %v", in, q.FTS(), err)
		}
	}
	for in, want := range map[string][]int{
		`"детский сад"`: {1},
		`вода`:          {1},
		`газ`:           nil,
		`NEAR(вода`:     nil,
		`горячая вода "детский`: {1},
		`водители`:              {2},
	} {
		q, err := ParseQuery(in)
		if err != nil {
			t.Fatalf("ParseQuery(%q): %v", in, err)
		}
		got, err := x.search(q.FTS())
		if err != nil || len(got) != len(want) || len(got) > 0 && got[0] != want[0] {
			t.Errorf("search %q = %v, %v; want %v", in, got, err, want)
		}
	}
}

// TestFTSRanks checks that bm25 over the index ranks the article about the
// query above one that mentions it in passing.
func TestFTSRanks(t *testing.T) {
	x := newFTSIndex(t)
	x.add(t, [2]string{"Итоги недели", "Среди прочего: вода, газ, ремонт, выборы, футбол, концерт и ярмарка"},
		[2]string{"Отключение горячей воды", "Горячей воды не будет: вода вернётся 15 июля"})
	q, _ := ParseQuery("горячая вода")
	got, err := x.search(q.FTS())
	if err != nil || len(got) != 1 || got[0] != 2 {
		t.Errorf("горячая вода found %v, %v; want [2]", got, err)
	}
	q, _ = ParseQuery("вода")
	if got, err := x.search(q.FTS()); err != nil || len(got) != 2 || got[0] != 2 {
		t.Errorf("вода found %v, %v; want 2 first", got, err)
	}
}

// FuzzQueryFTS checks that whatever a person types, the FTS5 expression
// built from it runs on a real FTS5 table, and Match and Spans do not fail.
func FuzzQueryFTS(f *testing.F) {
	for _, s := range hostileQueries {
		f.Add(s)
	}
	x := newFTSIndex(f)
	x.add(f, [2]string{"Отключение горячей воды", "Детский сад закрыт"})
	d := Analyse("Отключение горячей воды", "Детский сад закрыт")
	f.Fuzz(func(t *testing.T, in string) {
		q, err := ParseQuery(in)
		if err != nil {
			return
		}
		if _, err := x.search(q.FTS()); err != nil {
			t.Fatalf("ParseQuery(%q).FTS() = %q: %v", in, q.FTS(), err)
		}
		q.Match(d)
		for _, s := range q.Spans(d) {
			if s.Start < 0 || s.End <= s.Start || s.Field > 1 {
				t.Fatalf("span %+v", s)
			}
		}
	})
}
