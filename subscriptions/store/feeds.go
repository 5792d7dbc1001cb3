package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

const feedColumns = `id, url, section, language, resolved_url, etag, last_modified, initialized,
	last_attempt_at, last_success_at, last_error, consecutive_failures, item_count, failing_since, alerted_at, parent_id`

func scanFeed(row interface{ Scan(...any) error }) (subscriptions.Feed, error) {
	var f subscriptions.Feed
	var initialized int
	var attempt, success, failing, alerted int64
	err := row.Scan(&f.ID, &f.URL, &f.Section, &f.Language, &f.ResolvedURL, &f.ETag, &f.LastModified, &initialized,
		&attempt, &success, &f.LastError, &f.ConsecutiveFailures, &f.ItemCount, &failing, &alerted, &f.ParentID)
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
// language follow the configuration; a URL that was a language version is
// a configured source now) and returns them with their saved state, in
// configuration order.
func (s *Store) EnsureFeeds(ctx context.Context, cfgs []subscriptions.FeedConfig) ([]subscriptions.Feed, error) {
	feeds := make([]subscriptions.Feed, 0, len(cfgs))
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, c := range cfgs {
			f, err := scanFeed(tx.QueryRowContext(ctx, `INSERT INTO feeds (url, section, language) VALUES (?, ?, ?)
				ON CONFLICT (url) DO UPDATE SET section = excluded.section, language = excluded.language, parent_id = 0
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

// EnsureVersions records the language versions found on the page of a
// configured source (keyed by URL; parent the source's id) and returns them
// with their saved state, in the order given. A URL that is a configured
// source itself is left to it and not returned.
func (s *Store) EnsureVersions(ctx context.Context, parent int64, versions []subscriptions.FeedConfig) ([]subscriptions.Feed, error) {
	var feeds []subscriptions.Feed
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, v := range versions {
			f, err := scanFeed(tx.QueryRowContext(ctx, `INSERT INTO feeds (url, section, language, parent_id) VALUES (?, ?, ?, ?)
				ON CONFLICT (url) DO UPDATE SET section = excluded.section, language = excluded.language, parent_id = excluded.parent_id
				WHERE feeds.parent_id <> 0
				RETURNING `+feedColumns, v.URL, v.Section, v.Language, parent))
			if errors.Is(err, subscriptions.ErrNotFound) {
				continue // a configured source
			}
			if err != nil {
				return fmt.Errorf("version %s: %w", v.URL, err)
			}
			feeds = append(feeds, f)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ensure versions of feed %d: %w", parent, err)
	}
	return feeds, nil
}

// Versions returns the language versions of a configured source, oldest first.
func (s *Store) Versions(ctx context.Context, parent int64) ([]subscriptions.Feed, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+feedColumns+` FROM feeds WHERE parent_id = ? ORDER BY id`, parent)
	if err != nil {
		return nil, fmt.Errorf("versions of feed %d: %w", parent, err)
	}
	defer rows.Close()
	var feeds []subscriptions.Feed
	for rows.Next() {
		f, err := scanFeed(rows)
		if err != nil {
			return nil, fmt.Errorf("versions of feed %d: %w", parent, err)
		}
		feeds = append(feeds, f)
	}
	return feeds, rows.Err()
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

// A big fetch is stored in transactions of ingestBatch articles, with a
// pause of batchPause after each but the last: SQLite's busy handler lets
// a waiting writer (the outbox, residents' commands) try again every 100 ms
// at most, so a pause a little longer lets every one of them in, and none
// waits longer than one batch, however big the fetch.
const (
	ingestBatch = 1000
	batchPause  = 110 * time.Millisecond
)

// IngestFeed records a successful poll: every article, a known one (by its
// key, or the same item under a new GUID: see subscriptions' identity
// rules) updated, a new one inserted in its story, in transactions of
// ingestBatch articles; then, in one last transaction, the feed's health
// and validators and, unless this is the feed's first successful poll, the
// announcement of its new articles: at most res.MaxNew one by one (the
// newest), each story once per chat, the others by one Overflow notice to
// the chats they were for. A poll thus writes at most (MaxNew + 1) × chats
// deliveries, however many items the feed brings. New articles stored by a
// poll cut short before its last transaction are announced by the next one.
func (s *Store) IngestFeed(ctx context.Context, feedID int64, res subscriptions.FetchResult, articles []subscriptions.Article) (subscriptions.IngestResult, error) {
	var out subscriptions.IngestResult
	var initialized int
	if err := s.db.QueryRowContext(ctx, `SELECT initialized FROM feeds WHERE id = ?`, feedID).Scan(&initialized); err != nil {
		return out, fmt.Errorf("ingest feed %d: read feed: %w", feedID, err)
	}
	out.First = initialized == 0
	at := res.At.Unix()
	ing := newIngestion(feedID, articles, at, !out.First)
	for start := 0; start < len(articles); start += ingestBatch {
		if start > 0 {
			if err := pause(ctx, batchPause); err != nil {
				return subscriptions.IngestResult{}, fmt.Errorf("ingest feed %d: %w", feedID, err)
			}
		}
		batch := articles[start:min(start+ingestBatch, len(articles))]
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			if err := ing.begin(ctx, tx); err != nil {
				return err
			}
			defer ing.end()
			for _, a := range batch {
				st, err := ing.store(ctx, a)
				if err != nil {
					return err
				}
				if st.updated {
					out.Updated++
				}
				if st.isNew {
					out.New = append(out.New, st.article)
				}
			}
			return nil
		})
		if err != nil {
			return subscriptions.IngestResult{}, fmt.Errorf("ingest feed %d: %w", feedID, err)
		}
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE feeds SET resolved_url = ?, etag = ?, last_modified = ?, initialized = 1,
				last_attempt_at = ?, last_success_at = ?, last_error = '', consecutive_failures = 0, failing_since = 0,
				item_count = ?
			WHERE id = ?`, res.ResolvedURL, res.ETag, res.LastModified, at, at, len(articles), feedID); err != nil {
			return fmt.Errorf("update feed: %w", err)
		}
		fresh, err := unannounced(ctx, tx, feedID)
		if err != nil || len(fresh) == 0 {
			return err
		}
		now, rest := newestFirst(fresh, res.MaxNew)
		for _, a := range now {
			// A story of its own stored by this poll: nobody has had it.
			instant, digest, err := announce(ctx, tx, a, 0, at, a.StoryID == a.ID)
			if err != nil {
				return err
			}
			out.Enqueued += instant + digest
		}
		if len(rest) > 0 {
			out.Overflow = len(rest)
			if out.OverflowID, err = storeOverflow(ctx, tx, feedID, rest, res.SiteURL, at); err != nil {
				return err
			}
			n, err := announceOverflow(ctx, tx, out.OverflowID, rest, at)
			if err != nil {
				return err
			}
			out.Enqueued += n
		}
		_, err = tx.ExecContext(ctx, `UPDATE articles SET unannounced = 0 WHERE feed_id = ? AND unannounced = 1`, feedID)
		return err
	})
	if err != nil {
		return subscriptions.IngestResult{}, fmt.Errorf("ingest feed %d: %w", feedID, err)
	}
	return out, nil
}

// pause waits for d, or until ctx is done.
func pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// unannounced returns the feed's new articles waiting to be announced, in feed order.
func unannounced(ctx context.Context, tx *sql.Tx, feedID int64) ([]subscriptions.Article, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+articleColumns+` FROM articles WHERE feed_id = ? AND unannounced = 1 ORDER BY id`, feedID)
	if err != nil {
		return nil, fmt.Errorf("unannounced articles: %w", err)
	}
	defer rows.Close()
	var out []subscriptions.Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, fmt.Errorf("unannounced articles: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// newestFirst splits articles into the max newest (by publication, in
// their order) and the others; max 0 keeps them all.
func newestFirst(articles []subscriptions.Article, max int) (keep, rest []subscriptions.Article) {
	if max <= 0 || len(articles) <= max {
		return articles, nil
	}
	order := make([]int, len(articles))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return articles[j].Published.Compare(articles[i].Published) })
	chosen := make([]bool, len(articles))
	for _, i := range order[:max] {
		chosen[i] = true
	}
	for i, a := range articles {
		if chosen[i] {
			keep = append(keep, a)
		} else {
			rest = append(rest, a)
		}
	}
	return keep, rest
}

// audienceChat is a chat that should get an article, and how.
type audienceChat struct {
	id     int64
	digest bool // put aside for a digest or a batch of headlines instead of sent at once
}

// sectionAudience returns the chats that should get the articles of a
// section in a language, keywords aside: subscribed and active ones whose
// preferences let them through. A chat that chose its sections (every new
// subscriber does: InitPreferences) gets the articles of those sections; a
// chat that never chose (no chat_sections rows: subscribers from before
// preferences, or who subscribed before the portal's sections were known)
// gets every section. Either way, in its language (an article without a
// language is for everyone).
func sectionAudience(ctx context.Context, tx *sql.Tx, section, lang string) ([]audienceChat, error) {
	// The language test keeps a chat to its own language's version of a
	// section only when the portal has one: with a single feed, everyone
	// gets its articles whatever their language.
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.digest_hour, c.display FROM chats c
		WHERE c.subscribed = 1 AND c.status = 'active'
			AND (NOT EXISTS (SELECT 1 FROM chat_sections s WHERE s.chat_id = c.id)
				OR EXISTS (SELECT 1 FROM chat_sections s WHERE s.chat_id = c.id AND s.section = ?))
			AND (? = '' OR c.language IN ('', ?)
				OR NOT EXISTS (SELECT 1 FROM feeds f WHERE f.section = ? AND f.language = c.language))
		ORDER BY c.id`, section, lang, lang, section)
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
	return out, rows.Err()
}

// audience returns the chats that should get a new article: its section's
// audience (sectionAudience), then keywords decide (see analyser.Filter).
// Two queries whatever the number of chats: the chats, then every keyword,
// each distinct keyword compiled once.
func audience(ctx context.Context, tx *sql.Tx, a subscriptions.Article) ([]audienceChat, error) {
	chats, err := sectionAudience(ctx, tx, a.Section, a.Language)
	if err != nil {
		return nil, err
	}
	filters, err := keywordFilters(ctx, tx)
	if err != nil || len(filters) == 0 {
		return chats, err
	}
	doc := a.Analyse()
	kept := chats[:0]
	for _, c := range chats {
		if f, ok := filters[c.id]; !ok || f.Allows(doc) {
			kept = append(kept, c)
		}
	}
	return kept, nil
}

// announce sends a stored article's story to the article's audience, but
// to no chat that has had the story (sent, waiting, or put aside for a
// digest; a story nobody can have had yet, unseen, skips that check): at
// once with priority, or in the daily digest of the chats that chose one.
// It returns how many chats get it at once and in their digest.
func announce(ctx context.Context, tx *sql.Tx, a subscriptions.Article, priority int, at int64, unseen bool) (instant, digest int, err error) {
	chats, err := audience(ctx, tx, a)
	if err != nil {
		return 0, 0, fmt.Errorf("audience of article %d: %w", a.ID, err)
	}
	// An INSERT from a SELECT with an upsert clause needs a WHERE (SQLite's grammar).
	notHad := func(check string) string {
		if unseen {
			return " WHERE true"
		}
		return " WHERE NOT EXISTS (" + check + ")"
	}
	send, err := tx.PrepareContext(ctx, `INSERT INTO deliveries (chat_id, kind, ref, priority, next_attempt_at, created_at, updated_at)
		SELECT ?1, 'article', ?2, ?3, ?4, ?4, ?4`+notHad(`SELECT 1 FROM digest_items WHERE chat_id = ?1 AND article_id = ?2`)+`
		ON CONFLICT (chat_id, kind, ref) DO NOTHING`)
	if err != nil {
		return 0, 0, err
	}
	defer send.Close()
	aside, err := tx.PrepareContext(ctx, `INSERT INTO digest_items (chat_id, article_id, added_at)
		SELECT ?1, ?2, ?3`+notHad(`SELECT 1 FROM deliveries WHERE chat_id = ?1 AND kind = 'article' AND ref = ?2`)+`
		ON CONFLICT (chat_id, article_id) DO NOTHING`)
	if err != nil {
		return 0, 0, err
	}
	defer aside.Close()
	story := a.Story()
	for _, c := range chats {
		var r sql.Result
		if c.digest {
			r, err = aside.ExecContext(ctx, c.id, story, at)
		} else {
			r, err = send.ExecContext(ctx, c.id, story, priority, at)
		}
		if err != nil {
			return instant, digest, fmt.Errorf("announce article %d to chat %d: %w", a.ID, c.id, err)
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
