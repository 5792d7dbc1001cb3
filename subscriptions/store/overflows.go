package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/osipovichi/newsbot/subscriptions"
	"github.com/osipovichi/newsbot/subscriptions/analyser"
)

// storeOverflow records the notice that stands for the new articles of a
// poll that were not announced one by one.
func storeOverflow(ctx context.Context, tx *sql.Tx, feedID int64, rest []subscriptions.Article, link string, at int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO overflows (feed_id, count, link, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
		feedID, len(rest), link, at).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store the overflow of feed %d: %w", feedID, err)
	}
	return id, nil
}

// announceOverflow sends an overflow notice to the chats at least one of
// its articles was for: the section's audience, and of the chats with
// keywords those that one of the articles passes. Chats in digest mode get
// it too, like a notice: one message instead of a digest of thousands.
// One delivery per chat: the articles themselves get none.
func announceOverflow(ctx context.Context, tx *sql.Tx, id int64, rest []subscriptions.Article, at int64) (int, error) {
	chats, err := sectionAudience(ctx, tx, rest[0].Section, rest[0].Language)
	if err != nil {
		return 0, fmt.Errorf("audience of overflow %d: %w", id, err)
	}
	filters, err := keywordFilters(ctx, tx)
	if err != nil {
		return 0, fmt.Errorf("audience of overflow %d: %w", id, err)
	}
	docs := make([]*analyser.Doc, len(rest)) // analysed when a keyword first asks
	passes := func(f analyser.Filter) bool {
		for i, a := range rest {
			if docs[i] == nil {
				docs[i] = a.Analyse()
			}
			if f.Allows(docs[i]) {
				return true
			}
		}
		return false
	}
	send, err := tx.PrepareContext(ctx, `INSERT INTO deliveries (chat_id, kind, ref, next_attempt_at, created_at, updated_at)
		VALUES (?1, 'article', ?2, ?3, ?3, ?3) ON CONFLICT (chat_id, kind, ref) DO NOTHING`)
	if err != nil {
		return 0, err
	}
	defer send.Close()
	n := 0
	for _, c := range chats {
		if f, ok := filters[c.id]; ok && !passes(f) {
			continue
		}
		if _, err := send.ExecContext(ctx, c.id, subscriptions.OverflowRef(id), at); err != nil {
			return n, fmt.Errorf("announce overflow %d to chat %d: %w", id, c.id, err)
		}
		n++
	}
	return n, nil
}

// Overflow returns an overflow notice with its feed's section and
// language, or ErrNotFound.
func (s *Store) Overflow(ctx context.Context, id int64) (subscriptions.Overflow, error) {
	var o subscriptions.Overflow
	var at int64
	err := s.db.QueryRowContext(ctx, `SELECT o.id, o.feed_id, f.section, f.language, o.count, o.link, o.created_at
		FROM overflows o JOIN feeds f ON f.id = o.feed_id WHERE o.id = ?`, id).
		Scan(&o.ID, &o.FeedID, &o.Section, &o.Language, &o.Count, &o.Link, &at)
	if err != nil {
		return subscriptions.Overflow{}, fmt.Errorf("read overflow %d: %w", id, notFound(err))
	}
	o.At = fromUnix(at)
	return o, nil
}
