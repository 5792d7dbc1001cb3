package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

// SetDigestHour switches a chat to a daily digest at a local hour (0-23), or
// back to instant delivery with -1. Articles that were waiting for a digest
// when the chat goes back to instant delivery are sent at once as a digest.
func (s *Store) SetDigestHour(ctx context.Context, id int64, hour int, now time.Time) error {
	if hour < -1 || hour > 23 {
		return fmt.Errorf("set chat %d digest hour: %d is not an hour", id, hour)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE chats SET digest_hour = ?, updated_at = ? WHERE id = ?`, hour, now.Unix(), id); err != nil {
			return err
		}
		if hour >= 0 {
			return nil
		}
		// ref = -unix time keeps this catch-up digest apart from the daily ones (ref = yyyymmdd).
		_, err := createDigest(ctx, tx, id, -now.Unix(), now.Add(time.Second), now)
		return err
	})
	if err != nil {
		return fmt.Errorf("set chat %d digest hour: %w", id, err)
	}
	return nil
}

// CreateDueDigests creates the digest deliveries that are due: a chat in
// digest mode at hour H gets, once per local day, the articles put aside
// before that day's H:00 (local time in loc). Articles that arrive later wait
// for the next day's digest; a digest missed while the bot was down goes out
// when it is back. It returns how many digests were created.
func (s *Store) CreateDueDigests(ctx context.Context, now time.Time, loc *time.Location) (int, error) {
	created := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT c.id, c.digest_hour, MIN(di.added_at) FROM chats c
			JOIN digest_items di ON di.chat_id = c.id AND di.delivery_id IS NULL
			WHERE c.subscribed = 1 AND c.status = 'active' AND c.digest_hour >= 0
			GROUP BY c.id, c.digest_hour`)
		if err != nil {
			return err
		}
		type due struct {
			chat, ref int64
			slot      time.Time
		}
		var dues []due
		for rows.Next() {
			var id, oldest int64
			var hour int
			if err := rows.Scan(&id, &hour, &oldest); err != nil {
				rows.Close()
				return err
			}
			slot := lastSlot(now.In(loc), hour)
			if oldest < slot.Unix() {
				ref, _ := strconv.ParseInt(slot.Format("20060102"), 10, 64)
				dues = append(dues, due{chat: id, ref: ref, slot: slot})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, d := range dues {
			ok, err := createDigest(ctx, tx, d.chat, d.ref, d.slot, now)
			if err != nil {
				return err
			}
			if ok {
				created++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("create digests: %w", err)
	}
	return created, nil
}

// lastSlot is the latest local hour:00 at or before local.
func lastSlot(local time.Time, hour int) time.Time {
	slot := time.Date(local.Year(), local.Month(), local.Day(), hour, 0, 0, 0, local.Location())
	if slot.After(local) {
		slot = slot.AddDate(0, 0, -1)
	}
	return slot
}

// createDigest creates a digest delivery (chat, ref) holding the chat's
// articles put aside before `before`, if there are any and that digest does
// not exist yet.
func createDigest(ctx context.Context, tx *sql.Tx, chatID, ref int64, before, now time.Time) (bool, error) {
	r, err := tx.ExecContext(ctx, `INSERT INTO deliveries (chat_id, kind, ref, next_attempt_at, created_at, updated_at)
		SELECT ?, 'digest', ?, ?, ?, ? WHERE EXISTS (
			SELECT 1 FROM digest_items WHERE chat_id = ? AND delivery_id IS NULL AND added_at < ?)
		ON CONFLICT (chat_id, kind, ref) DO NOTHING`,
		chatID, ref, now.Unix(), now.Unix(), now.Unix(), chatID, before.Unix())
	if err != nil {
		return false, err
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return false, nil // nothing waiting, or this digest went out already
	}
	id, err := r.LastInsertId()
	if err != nil {
		return false, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE digest_items SET delivery_id = ? WHERE chat_id = ? AND delivery_id IS NULL AND added_at < ?`,
		id, chatID, before.Unix())
	return err == nil, err
}

// DigestArticles returns the articles of a digest delivery, oldest first.
func (s *Store) DigestArticles(ctx context.Context, deliveryID int64) ([]subscriptions.Article, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+prefixed("a.", articleColumns)+` FROM digest_items di
		JOIN articles a ON a.id = di.article_id WHERE di.delivery_id = ? ORDER BY a.published_at, a.id`, deliveryID)
	if err != nil {
		return nil, fmt.Errorf("digest %d articles: %w", deliveryID, err)
	}
	defer rows.Close()
	var out []subscriptions.Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, fmt.Errorf("digest %d articles: %w", deliveryID, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
