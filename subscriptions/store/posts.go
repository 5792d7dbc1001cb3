package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

// ArticleByLink returns the first stored article with one of links, or ErrNotFound.
func (s *Store) ArticleByLink(ctx context.Context, links ...string) (subscriptions.Article, error) {
	for _, l := range links {
		if l == "" {
			continue
		}
		a, err := scanArticle(s.db.QueryRowContext(ctx, `SELECT `+articleColumns+` FROM articles WHERE link = ?
			ORDER BY id LIMIT 1`, l))
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return subscriptions.Article{}, fmt.Errorf("find article by link: %w", err)
		}
		return a, nil
	}
	return subscriptions.Article{}, subscriptions.ErrNotFound
}

// postable reports what is missing from an article to be posted.
func postable(a subscriptions.Article) error {
	if a.Link == "" || strings.TrimSpace(a.Title) == "" || a.Section == "" {
		return errors.New("post article: link, title and section are required")
	}
	return nil
}

// postArticle pushes an article to the subscribers whose preferences let it
// through and who have not had it yet: at once, ahead of the feeds'
// articles, or in the daily digest of the chats that chose one. The article
// is matched by link; when it is not stored yet, it is stored first (a.Link,
// a.Title, a.Section are required).
func postArticle(ctx context.Context, tx *sql.Tx, a subscriptions.Article, now time.Time) (subscriptions.PostResult, error) {
	var res subscriptions.PostResult
	if err := postable(a); err != nil {
		return res, err
	}
	known, err := scanArticle(tx.QueryRowContext(ctx, `SELECT `+articleColumns+` FROM articles WHERE link = ?
		ORDER BY id LIMIT 1`, a.Link))
	switch {
	case err == nil:
		res.Article, res.Known = known, true
	case errors.Is(err, sql.ErrNoRows):
		if res.Article, err = storePosted(ctx, tx, a, now); err != nil {
			return res, err
		}
	default:
		return res, err
	}
	if res.Enqueued, res.Digest, err = pushArticle(ctx, tx, res.Article, now); err != nil {
		return res, err
	}
	return res, nil
}

// storePosted stores a posted article under the posted feed of its section and language.
func storePosted(ctx context.Context, tx *sql.Tx, a subscriptions.Article, now time.Time) (subscriptions.Article, error) {
	var feedID int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO feeds (url, section, language, initialized) VALUES (?, ?, ?, 1)
		ON CONFLICT (url) DO UPDATE SET section = excluded.section RETURNING id`,
		subscriptions.PostedFeedPrefix+a.Section+":"+a.Language, a.Section, a.Language).Scan(&feedID); err != nil {
		return subscriptions.Article{}, fmt.Errorf("posted feed: %w", err)
	}
	if a.Published.IsZero() {
		a.Published = now
	}
	a.FeedID, a.Key, a.FirstSeen = feedID, a.Link, now
	err := tx.QueryRowContext(ctx, `INSERT INTO articles (feed_id, item_key, title, summary, link, image_url,
			published_at, categories, section, language, first_seen_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		a.FeedID, a.Key, a.Title, a.Summary, a.Link, a.ImageURL, a.Published.Unix(), strings.Join(a.Categories, "\n"),
		a.Section, a.Language, now.Unix(), now.Unix()).Scan(&a.ID)
	if err != nil {
		return subscriptions.Article{}, fmt.Errorf("store posted article: %w", err)
	}
	if err := indexArticle(ctx, tx, a); err != nil {
		return subscriptions.Article{}, err
	}
	return a, nil
}

// pushArticle sends a stored article to its audience except the chats that
// had it already (sent, waiting, or put aside for a digest).
func pushArticle(ctx context.Context, tx *sql.Tx, a subscriptions.Article, now time.Time) (instant, digest int, err error) {
	chats, err := audience(ctx, tx, a)
	if err != nil {
		return 0, 0, fmt.Errorf("audience of article %d: %w", a.ID, err)
	}
	send, err := tx.PrepareContext(ctx, `INSERT INTO deliveries (chat_id, kind, ref, priority, next_attempt_at, created_at, updated_at)
		SELECT ?, 'article', ?, ?, ?, ?, ? WHERE NOT EXISTS (
			SELECT 1 FROM digest_items WHERE chat_id = ? AND article_id = ?)
		ON CONFLICT (chat_id, kind, ref) DO NOTHING`)
	if err != nil {
		return 0, 0, err
	}
	defer send.Close()
	aside, err := tx.PrepareContext(ctx, `INSERT INTO digest_items (chat_id, article_id, added_at)
		SELECT ?, ?, ? WHERE NOT EXISTS (
			SELECT 1 FROM deliveries WHERE chat_id = ? AND kind = 'article' AND ref = ?)
		ON CONFLICT (chat_id, article_id) DO NOTHING`)
	if err != nil {
		return 0, 0, err
	}
	defer aside.Close()
	at := now.Unix()
	for _, c := range chats {
		var r sql.Result
		if c.digest {
			r, err = aside.ExecContext(ctx, c.id, a.ID, at, c.id, a.ID)
		} else {
			r, err = send.ExecContext(ctx, c.id, a.ID, subscriptions.PostPriority, at, at, at, c.id, a.ID)
		}
		if err != nil {
			return instant, digest, fmt.Errorf("push article %d to chat %d: %w", a.ID, c.id, err)
		}
		if n, _ := r.RowsAffected(); n == 1 {
			if c.digest {
				digest++
			} else {
				instant++
			}
		}
	}
	return instant, digest, nil
}
