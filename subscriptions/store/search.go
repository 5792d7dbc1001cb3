package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/osipovichi/newsbot/subscriptions"
)

// maxQueryTerms bounds the words of one search.
const maxQueryTerms = 8

// searchQuery turns what a person typed into an FTS5 query: its terms
// (see subscriptions.SearchTerms) searched as prefixes ("дороги" →
// "дорог"*, and "дорож"* for "дорожный"), all of them required, at most
// maxQueryTerms. Only letters and digits reach the query, each prefix
// quoted, so no input can make an FTS5 syntax error. It returns false when
// no word is left.
func searchQuery(text string) (string, bool) {
	var terms []string
	for _, prefixes := range subscriptions.SearchTerms(text) {
		alts := make([]string, len(prefixes))
		for i, p := range prefixes {
			alts[i] = `"` + strings.ReplaceAll(p, `"`, `""`) + `"*`
		}
		term := alts[0]
		if len(alts) > 1 {
			term = "(" + strings.Join(alts, " OR ") + ")"
		}
		terms = append(terms, term)
		if len(terms) == maxQueryTerms {
			break
		}
	}
	return strings.Join(terms, " AND "), len(terms) > 0
}

// SearchArticles returns up to limit stored articles that match a query
// (see searchQuery), newest first, each story once. A query without words
// fails with ErrEmptyQuery.
func (s *Store) SearchArticles(ctx context.Context, text string, limit int) ([]subscriptions.Article, error) {
	q, ok := searchQuery(text)
	if !ok {
		return nil, subscriptions.ErrEmptyQuery
	}
	// The same story may come through several feeds: read a few more and drop repeats.
	rows, err := s.db.QueryContext(ctx, `SELECT `+prefixed("a.", articleColumns)+` FROM articles_fts f
		JOIN articles a ON a.id = f.rowid
		WHERE articles_fts MATCH ? ORDER BY a.published_at DESC, a.id DESC LIMIT ?`, q, limit*3)
	if err != nil {
		return nil, fmt.Errorf("search articles: %w", err)
	}
	defer rows.Close()
	var out []subscriptions.Article
	stories := map[int64]bool{}
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, fmt.Errorf("search articles: %w", err)
		}
		if stories[a.Story()] || len(out) == limit {
			continue
		}
		stories[a.Story()] = true
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search articles: %w", err)
	}
	return out, nil
}
