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

// ArticleByLink returns the first stored article with one of links (as
// subscriptions.LinkKey compares them: http or https, "www.", tracking
// parameters aside), or ErrNotFound.
func (s *Store) ArticleByLink(ctx context.Context, links ...string) (subscriptions.Article, error) {
	for _, l := range links {
		key := subscriptions.LinkKey(l)
		if key == "" {
			continue
		}
		a, err := scanArticle(s.db.QueryRowContext(ctx, `SELECT `+articleColumns+` FROM articles WHERE link_key = ?
			ORDER BY id LIMIT 1`, key))
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
// through and who have not had its story yet: at once, ahead of the feeds'
// articles, or in the daily digest of the chats that chose one. The article
// is matched by link; when it is not stored yet, it is stored first, in
// the story of an article it is the same as (a.Link, a.Title, a.Section
// are required).
func postArticle(ctx context.Context, tx *sql.Tx, a subscriptions.Article, now time.Time) (subscriptions.PostResult, error) {
	var res subscriptions.PostResult
	if err := postable(a); err != nil {
		return res, err
	}
	known, err := scanArticle(tx.QueryRowContext(ctx, `SELECT `+articleColumns+` FROM articles WHERE link_key = ?
		ORDER BY id LIMIT 1`, subscriptions.LinkKey(a.Link)))
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
	if res.Enqueued, res.Digest, err = announce(ctx, tx, res.Article, subscriptions.PostPriority, now.Unix(), false); err != nil {
		return res, err
	}
	return res, nil
}

// storePosted stores a posted article under the posted feed of its
// section and language, in the story of a stored article it is the same as.
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
	ing := newIngestion(feedID, []subscriptions.Article{a}, now.Unix(), false)
	if err := ing.begin(ctx, tx); err != nil {
		return subscriptions.Article{}, err
	}
	defer ing.end()
	st, err := ing.store(ctx, a)
	return st.article, err
}
