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

const feedColumns = `id, url, section, language, resolved_url, etag, last_modified, initialized,
	last_attempt_at, last_success_at, last_error, consecutive_failures, item_count, failing_since, alerted_at`

func scanFeed(row interface{ Scan(...any) error }) (subscriptions.Feed, error) {
	var f subscriptions.Feed
	var initialized int
	var attempt, success, failing, alerted int64
	err := row.Scan(&f.ID, &f.URL, &f.Section, &f.Language, &f.ResolvedURL, &f.ETag, &f.LastModified, &initialized,
		&attempt, &success, &f.LastError, &f.ConsecutiveFailures, &f.ItemCount, &failing, &alerted)
	if errors.Is(err, sql.ErrNoRows) {
		return subscriptions.Feed{}, subscriptions.ErrNotFound
	}
	if err != nil {
		return subscriptions.Feed{}, err
	}
	f.Initialized = initialized == 1
	f.LastAttemptAt, f.LastSuccessAt = fromUnix(attempt), fromUnix(success)
	f.FailingSince, f.AlertedAt = fromUnix(failing), fromUnix(alerted)
	return f, nil
}

// EnsureFeeds records the configured feeds (keyed by URL; section and
// language follow the configuration) and returns them with their saved state,
// in configuration order.
func (s *Store) EnsureFeeds(ctx context.Context, cfgs []subscriptions.FeedConfig) ([]subscriptions.Feed, error) {
	feeds := make([]subscriptions.Feed, 0, len(cfgs))
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, c := range cfgs {
			f, err := scanFeed(tx.QueryRowContext(ctx, `INSERT INTO feeds (url, section, language) VALUES (?, ?, ?)
				ON CONFLICT (url) DO UPDATE SET section = excluded.section, language = excluded.language
				RETURNING `+feedColumns, c.URL, c.Section, c.Language))
			if err != nil {
				return fmt.Errorf("feed %s: %w", c.URL, err)
			}
			feeds = append(feeds, f)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ensure feeds: %w", err)
	}
	return feeds, nil
}

// Feeds returns every feed the database knows, configured now or before.
func (s *Store) Feeds(ctx context.Context) ([]subscriptions.Feed, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+feedColumns+` FROM feeds ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list feeds: %w", err)
	}
	defer rows.Close()
	var feeds []subscriptions.Feed
	for rows.Next() {
		f, err := scanFeed(rows)
		if err != nil {
			return nil, fmt.Errorf("list feeds: %w", err)
		}
		feeds = append(feeds, f)
	}
	return feeds, rows.Err()
}

// RecordFeedFailure records a failed poll and returns the feed's new state.
func (s *Store) RecordFeedFailure(ctx context.Context, feedID int64, errText string, at time.Time) (subscriptions.Feed, error) {
	f, err := scanFeed(s.db.QueryRowContext(ctx, `UPDATE feeds SET last_attempt_at = ?, last_error = ?,
			consecutive_failures = consecutive_failures + 1,
			failing_since = CASE WHEN failing_since = 0 THEN ? ELSE failing_since END
		WHERE id = ? RETURNING `+feedColumns, at.Unix(), errText, at.Unix(), feedID))
	if err != nil {
		return subscriptions.Feed{}, fmt.Errorf("record failure of feed %d: %w", feedID, err)
	}
	return f, nil
}

// SetFeedAlerted records when admins were told that a feed is failing; the
// zero time closes the alert.
func (s *Store) SetFeedAlerted(ctx context.Context, feedID int64, at time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE feeds SET alerted_at = ? WHERE id = ?`, unix(at), feedID); err != nil {
		return fmt.Errorf("set feed %d alerted: %w", feedID, err)
	}
	return nil
}

// IngestFeed records a successful poll in one transaction: the feed's health
// and validators, every article (new ones inserted, edited ones updated, none
// announced twice) and, unless this is the feed's first successful poll, a
// delivery of each new article to every subscribed chat.
func (s *Store) IngestFeed(ctx context.Context, feedID int64, res subscriptions.FetchResult, articles []subscriptions.Article) (subscriptions.IngestResult, error) {
	var out subscriptions.IngestResult
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var initialized int
		if err := tx.QueryRowContext(ctx, `SELECT initialized FROM feeds WHERE id = ?`, feedID).Scan(&initialized); err != nil {
			return fmt.Errorf("read feed: %w", err)
		}
		out.First = initialized == 0
		at := res.At.Unix()
		if _, err := tx.ExecContext(ctx, `UPDATE feeds SET resolved_url = ?, etag = ?, last_modified = ?, initialized = 1,
				last_attempt_at = ?, last_success_at = ?, last_error = '', consecutive_failures = 0, failing_since = 0,
				item_count = ?
			WHERE id = ?`, res.ResolvedURL, res.ETag, res.LastModified, at, at, len(articles), feedID); err != nil {
			return fmt.Errorf("update feed: %w", err)
		}
		insert, err := tx.PrepareContext(ctx, `INSERT INTO articles (feed_id, item_key, title, summary, link, image_url,
				published_at, categories, section, language, first_seen_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (feed_id, item_key) DO NOTHING`)
		if err != nil {
			return err
		}
		defer insert.Close()
		// An edit updates the stored article; a summary or image missing from
		// this fetch (a feed hiccup, a listing without the teaser we once
		// read from the article page) does not erase the stored one.
		update, err := tx.PrepareContext(ctx, `UPDATE articles SET title = ?1, summary = COALESCE(NULLIF(?2, ''), summary),
				link = ?3, image_url = COALESCE(NULLIF(?4, ''), image_url), categories = ?5, updated_at = ?6
			WHERE feed_id = ?7 AND item_key = ?8 AND (title <> ?1 OR (?2 <> '' AND summary <> ?2) OR link <> ?3
				OR (?4 <> '' AND image_url <> ?4) OR categories <> ?5)`)
		if err != nil {
			return err
		}
		defer update.Close()
		for _, a := range articles {
			cats := strings.Join(a.Categories, "\n")
			r, err := insert.ExecContext(ctx, feedID, a.Key, a.Title, a.Summary, a.Link, a.ImageURL,
				a.Published.Unix(), cats, a.Section, a.Language, unix(a.FirstSeen), at)
			if err != nil {
				return fmt.Errorf("store article %q: %w", a.Key, err)
			}
			if n, _ := r.RowsAffected(); n == 1 {
				id, err := r.LastInsertId()
				if err != nil {
					return err
				}
				a.ID, a.FeedID = id, feedID
				if err := indexArticle(ctx, tx, a); err != nil {
					return err
				}
				out.New = append(out.New, a)
				continue
			}
			r, err = update.ExecContext(ctx, a.Title, a.Summary, a.Link, a.ImageURL, cats, at, feedID, a.Key)
			if err != nil {
				return fmt.Errorf("update article %q: %w", a.Key, err)
			}
			if n, _ := r.RowsAffected(); n == 1 {
				out.Updated++
				if err := reindexStored(ctx, tx, feedID, a.Key); err != nil {
					return err
				}
			}
		}
		if out.First {
			return nil
		}
		for _, a := range out.New {
			n, err := enqueueArticle(ctx, tx, a, at)
			if err != nil {
				return err
			}
			out.Enqueued += n
		}
		return nil
	})
	if err != nil {
		return subscriptions.IngestResult{}, fmt.Errorf("ingest feed %d: %w", feedID, err)
	}
	return out, nil
}

// audienceChat is a chat that should get an article, and how.
type audienceChat struct {
	id     int64
	digest bool // put aside for a digest or a batch of headlines instead of sent at once
}

// audience returns the chats that should get a new article: subscribed and
// active ones whose preferences let it through. A chat that chose its
// sections (every new subscriber does: InitPreferences) gets the articles of
// those sections in its language (an article without a language is for
// everyone); a chat that never chose (no chat_sections rows: subscribers from
// before preferences) gets everything, as it always did. Keywords then
// decide (see analyser.Filter). Two queries whatever the number of chats: the
// chats, then every keyword, each distinct keyword compiled once.
func audience(ctx context.Context, tx *sql.Tx, a subscriptions.Article) ([]audienceChat, error) {
	// The language test keeps a chat to its own language's version of a
	// section only when the portal has one: with a single feed, everyone
	// gets its articles whatever their language.
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.digest_hour, c.display FROM chats c
		WHERE c.subscribed = 1 AND c.status = 'active'
			AND (NOT EXISTS (SELECT 1 FROM chat_sections s WHERE s.chat_id = c.id)
				OR EXISTS (SELECT 1 FROM chat_sections s WHERE s.chat_id = c.id AND s.section = ?)
					AND (? = '' OR c.language IN ('', ?)
						OR NOT EXISTS (SELECT 1 FROM feeds f WHERE f.section = ? AND f.language = c.language)))
		ORDER BY c.id`, a.Section, a.Language, a.Language, a.Section)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []audienceChat
	for rows.Next() {
		var c audienceChat
		var sched subscriptions.Chat
		if err := rows.Scan(&c.id, &sched.DigestHour, &sched.Display); err != nil {
			return nil, err
		}
		c.digest = sched.PutsAside()
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	filters, err := keywordFilters(ctx, tx)
	if err != nil || len(filters) == 0 {
		return out, err
	}
	doc := a.Analyse()
	kept := out[:0]
	for _, c := range out {
		if f, ok := filters[c.id]; !ok || f.Allows(doc) {
			kept = append(kept, c)
		}
	}
	return kept, nil
}

// enqueueArticle creates a delivery of a new article to every chat of its
// audience (or puts it aside for their digest), unless the same link
// already came through another feed.
func enqueueArticle(ctx context.Context, tx *sql.Tx, a subscriptions.Article, at int64) (int, error) {
	if a.Link != "" {
		var dup int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM articles WHERE link = ? AND feed_id <> ?`,
			a.Link, a.FeedID).Scan(&dup); err != nil {
			return 0, err
		}
		if dup > 0 {
			return 0, nil
		}
	}
	chats, err := audience(ctx, tx, a)
	if err != nil {
		return 0, fmt.Errorf("audience of article %d: %w", a.ID, err)
	}
	instant, err := tx.PrepareContext(ctx, `INSERT INTO deliveries (chat_id, kind, ref, next_attempt_at, created_at, updated_at)
		VALUES (?, 'article', ?, ?, ?, ?) ON CONFLICT (chat_id, kind, ref) DO NOTHING`)
	if err != nil {
		return 0, err
	}
	defer instant.Close()
	digest, err := tx.PrepareContext(ctx, `INSERT INTO digest_items (chat_id, article_id, added_at) VALUES (?, ?, ?)
		ON CONFLICT (chat_id, article_id) DO NOTHING`)
	if err != nil {
		return 0, err
	}
	defer digest.Close()
	n := 0
	for _, c := range chats {
		var r sql.Result
		if c.digest {
			r, err = digest.ExecContext(ctx, c.id, a.ID, at)
		} else {
			r, err = instant.ExecContext(ctx, c.id, a.ID, at, at, at)
		}
		if err != nil {
			return n, fmt.Errorf("enqueue article %d for chat %d: %w", a.ID, c.id, err)
		}
		k, _ := r.RowsAffected()
		n += int(k)
	}
	return n, nil
}
