package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/osipovichi/newsbot/subscriptions"
)

const articleColumns = `id, feed_id, item_key, title, summary, link, image_url, published_at, categories,
	section, language, first_seen_at, story_id`

func scanArticle(row interface{ Scan(...any) error }) (subscriptions.Article, error) {
	var a subscriptions.Article
	var published, seen int64
	var cats string
	if err := row.Scan(&a.ID, &a.FeedID, &a.Key, &a.Title, &a.Summary, &a.Link, &a.ImageURL, &published, &cats,
		&a.Section, &a.Language, &seen, &a.StoryID); err != nil {
		return subscriptions.Article{}, err
	}
	a.Published, a.FirstSeen = fromUnix(published), fromUnix(seen)
	if cats != "" {
		a.Categories = strings.Split(cats, "\n")
	}
	return a, nil
}

// prefixed qualifies each column of a column list with a table alias.
func prefixed(alias, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = alias + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// Article returns the article with id, or ErrNotFound.
func (s *Store) Article(ctx context.Context, id int64) (subscriptions.Article, error) {
	a, err := scanArticle(s.db.QueryRowContext(ctx, `SELECT `+articleColumns+` FROM articles WHERE id = ?`, id))
	if err != nil {
		return subscriptions.Article{}, fmt.Errorf("read article %d: %w", id, notFound(err))
	}
	return a, nil
}

// LatestArticles returns the n most recently published stories, newest
// first, each as its first article the filter lets through (at most one
// filter is used).
func (s *Store) LatestArticles(ctx context.Context, n int, filter ...subscriptions.ArticleFilter) ([]subscriptions.Article, error) {
	// A story is listed at its first article: no earlier article of the
	// same story passes the same filter.
	query, args := `SELECT `+articleColumns+` FROM articles a
		WHERE NOT EXISTS (SELECT 1 FROM articles b WHERE b.story_id = a.story_id AND b.id < a.id)
		ORDER BY published_at DESC, id DESC LIMIT ?`, []any{n}
	if len(filter) > 0 && filter[0].Chat != 0 {
		id := filter[0].Chat
		// The same choice as the audience of a new article (see sectionAudience in feeds.go).
		visible := func(x string) string {
			return `(NOT EXISTS (SELECT 1 FROM chat_sections s WHERE s.chat_id = c.id)
				OR ` + x + `.section IN (SELECT section FROM chat_sections WHERE chat_id = c.id))
				AND (` + x + `.language = '' OR c.lang IN ('', ` + x + `.language)
					OR NOT EXISTS (SELECT 1 FROM feeds f WHERE f.section = ` + x + `.section AND f.language = c.lang))`
		}
		query = `SELECT ` + prefixed("a.", articleColumns) + ` FROM articles a, (SELECT id, language AS lang FROM chats WHERE id = ?) c
		WHERE ` + visible("a") + `
			AND NOT EXISTS (SELECT 1 FROM articles b WHERE b.story_id = a.story_id AND b.id < a.id AND ` + visible("b") + `)
		ORDER BY a.published_at DESC, a.id DESC LIMIT ?`
		args = []any{id, n}
	} else if len(filter) > 0 && filter[0].Language != "" {
		lang := filter[0].Language
		query = `SELECT ` + articleColumns + ` FROM articles a
		WHERE a.language IN ('', ?)
			AND NOT EXISTS (SELECT 1 FROM articles b WHERE b.story_id = a.story_id AND b.id < a.id AND b.language IN ('', ?))
		ORDER BY published_at DESC, id DESC LIMIT ?`
		args = []any{lang, lang, n}
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("latest articles: %w", err)
	}
	defer rows.Close()
	var out []subscriptions.Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, fmt.Errorf("latest articles: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
