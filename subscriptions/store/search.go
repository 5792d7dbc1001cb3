package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/osipovichi/newsbot/subscriptions"
	"github.com/osipovichi/newsbot/subscriptions/analyser"
)

// The search index, articles_fts (migration 0007), is written from Go: each
// article's title, summary and categories as the analyser's tokens
// (analyser.Doc.IndexText), in the transaction that stores the article. It
// is contentless (rowid = articles.id); a trigger deletes the row of a
// deleted article. An index written by another version of the analyser is
// rebuilt from the articles (RebuildSearchIndex).

// indexArticle writes the index row of a stored article (a.ID set).
func indexArticle(ctx context.Context, tx execer, a subscriptions.Article) error {
	d := a.Analyse()
	cats := make([]string, 0, len(a.Categories))
	for i := range a.Categories {
		if t := d.IndexText(subscriptions.FieldCategories + i); t != "" {
			cats = append(cats, t)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM articles_fts WHERE rowid = ?`, a.ID); err != nil {
		return fmt.Errorf("index article %d: %w", a.ID, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO articles_fts (rowid, title, summary, categories) VALUES (?, ?, ?, ?)`,
		a.ID, d.IndexText(subscriptions.FieldTitle), d.IndexText(subscriptions.FieldSummary), strings.Join(cats, " ")); err != nil {
		return fmt.Errorf("index article %d: %w", a.ID, err)
	}
	return nil
}

// reindexStored writes the index row of an article as it is stored now
// (after an update that may have kept its summary or image).
func reindexStored(ctx context.Context, tx *sql.Tx, id int64) error {
	a, err := scanArticle(tx.QueryRowContext(ctx, `SELECT `+articleColumns+` FROM articles WHERE id = ?`, id))
	if err != nil {
		return fmt.Errorf("reindex article %d: %w", id, err)
	}
	return indexArticle(ctx, tx, a)
}

// State keys of the index: the analyser version it was written with, and
// how far a rebuild got ("VERSION:LAST_ID").
const (
	stateIndexVersion = "search_index_version"
	stateIndexRebuild = "search_index_rebuild"
)

// RebuildSearchIndex rewrites the index rows of every article, in
// transactions of batch articles, unless the index was written by this
// analyser version already. A rebuild interrupted (a restart) goes on
// where it stopped. Articles stored meanwhile are indexed by their own
// transactions. It returns how many articles it indexed.
func (s *Store) RebuildSearchIndex(ctx context.Context, batch int) (int, error) {
	version := strconv.Itoa(analyser.Version)
	done, err := s.State(ctx, stateIndexVersion)
	if err == nil && done == version {
		return 0, nil
	}
	if err != nil && !errors.Is(err, subscriptions.ErrNotFound) {
		return 0, err
	}
	var last int64
	if p, err := s.State(ctx, stateIndexRebuild); err == nil {
		if v, id, ok := strings.Cut(p, ":"); ok && v == version {
			last, _ = strconv.ParseInt(id, 10, 64)
		}
	}
	total := 0
	for {
		n := 0
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT `+articleColumns+` FROM articles WHERE id > ? ORDER BY id LIMIT ?`, last, batch)
			if err != nil {
				return err
			}
			var as []subscriptions.Article
			for rows.Next() {
				a, err := scanArticle(rows)
				if err != nil {
					rows.Close()
					return err
				}
				as = append(as, a)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, a := range as {
				if err := indexArticle(ctx, tx, a); err != nil {
					return err
				}
				last = a.ID
			}
			n = len(as)
			key, value := stateIndexRebuild, version+":"+strconv.FormatInt(last, 10)
			if n < batch {
				key, value = stateIndexVersion, version
				if _, err := tx.ExecContext(ctx, `DELETE FROM bot_state WHERE key = ?`, stateIndexRebuild); err != nil {
					return err
				}
				// One segment instead of one per batch: searches read 2-5x less.
				if _, err := tx.ExecContext(ctx, `INSERT INTO articles_fts (articles_fts) VALUES ('optimize')`); err != nil {
					return err
				}
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO bot_state (key, value) VALUES (?, ?)
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
			return err
		})
		if err != nil {
			return total, fmt.Errorf("rebuild the search index after article %d: %w", last, err)
		}
		total += n
		if n < batch {
			return total, nil
		}
	}
}

// searchCandidates is how many index matches a search reads for each
// result it returns: phrases select a superset in FTS5 (analyser.Query.FTS),
// checked with Match; the same story may come through several feeds.
const (
	searchCandidates      = 5
	exactSearchCandidates = 2 // without a phrase: FTS5 is exact, only repeated links are dropped
)

// recentArticles is how many of the newest articles a search ranks first
// (Store.recent): a word found in most of the archive would otherwise be
// scored in every article that holds it (a common word in 50,000
// articles: 30,000 scores).
// When the newest hold enough matches, the results come from them.
const recentArticles = 5000

// SearchArticles returns up to limit stored articles in which every term
// of q occurs, the most relevant first: by bm25 (the title weighs twice
// the rest; scores equal to one decimal count as equal) and then newest
// first, each story once. Only the newest articles (recentArticles) are
// ranked when they hold enough matches; the whole archive otherwise.
func (s *Store) SearchArticles(ctx context.Context, q analyser.Query, limit int) ([]subscriptions.Article, error) {
	expr := q.FTS()
	if expr == "" {
		return nil, analyser.ErrEmptyQuery
	}
	candidates := searchCandidates
	if q.Exact() {
		candidates = exactSearchCandidates
	}
	var newest int64
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM articles`).Scan(&newest); err != nil {
		return nil, fmt.Errorf("search articles: %w", err)
	}
	found, err := s.searchSince(ctx, expr, newest-s.recent, limit*candidates)
	if err == nil && len(found) < limit*candidates && newest > s.recent {
		found, err = s.searchSince(ctx, expr, 0, limit*candidates) // too few among the newest: all of them
	}
	if err != nil {
		return nil, fmt.Errorf("search articles: %w", err)
	}
	var out []subscriptions.Article
	stories := map[int64]bool{}
	for _, a := range found {
		if len(out) == limit {
			break
		}
		if stories[a.Story()] || !q.Exact() && !q.Match(a.Analyse()) {
			continue
		}
		stories[a.Story()] = true
		out = append(out, a)
	}
	return out, nil
}

// searchSince returns up to n articles after article id after that match
// the FTS5 expression, ranked as SearchArticles ranks them.
func (s *Store) searchSince(ctx context.Context, expr string, after int64, n int) ([]subscriptions.Article, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+prefixed("a.", articleColumns)+` FROM (
			SELECT rowid, round(bm25(articles_fts, 2.0, 1.0, 1.0), 1) AS score FROM articles_fts
			WHERE articles_fts MATCH ? AND rowid > ? ORDER BY score LIMIT ?) f
		JOIN articles a ON a.id = f.rowid
		ORDER BY f.score, a.published_at DESC, a.id DESC`, expr, after, n)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []subscriptions.Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
