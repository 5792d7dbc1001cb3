package subscriptions

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"
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
		_, err := createDigest(ctx, tx, id, -now.Unix(), now)
		return err
	})
	if err != nil {
		return fmt.Errorf("set chat %d digest hour: %w", id, err)
	}
	return nil
}

// CreateDueDigests creates today's digest delivery for every chat in digest
// mode whose hour has come (local time in loc) and that has articles
// waiting. Each waiting article is given to exactly one digest. It returns
// how many digests were created.
func (s *Store) CreateDueDigests(ctx context.Context, now time.Time, loc *time.Location) (int, error) {
	local := now.In(loc)
	day, _ := strconv.ParseInt(local.Format("20060102"), 10, 64)
	created := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT c.id FROM chats c
			JOIN digest_items di ON di.chat_id = c.id AND di.delivery_id IS NULL
			WHERE c.subscribed = 1 AND c.status = 'active' AND c.digest_hour >= 0 AND c.digest_hour <= ?`, local.Hour())
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, id := range ids {
			ok, err := createDigest(ctx, tx, id, day, now)
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

// createDigest creates a digest delivery (chat, ref) holding the chat's
// waiting articles, if it has any and that digest does not exist yet.
func createDigest(ctx context.Context, tx *sql.Tx, chatID, ref int64, now time.Time) (bool, error) {
	var waiting int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM digest_items WHERE chat_id = ? AND delivery_id IS NULL`,
		chatID).Scan(&waiting); err != nil {
		return false, err
	}
	if waiting == 0 {
		return false, nil
	}
	r, err := tx.ExecContext(ctx, `INSERT INTO deliveries (chat_id, kind, ref, next_attempt_at, created_at, updated_at)
		VALUES (?, 'digest', ?, ?, ?, ?) ON CONFLICT (chat_id, kind, ref) DO NOTHING`,
		chatID, ref, now.Unix(), now.Unix(), now.Unix())
	if err != nil {
		return false, err
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return false, nil // today's digest went out already; these wait for tomorrow
	}
	id, err := r.LastInsertId()
	if err != nil {
		return false, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE digest_items SET delivery_id = ? WHERE chat_id = ? AND delivery_id IS NULL`, id, chatID)
	return err == nil, err
}

// DigestArticles returns the articles of a digest delivery, oldest first.
func (s *Store) DigestArticles(ctx context.Context, deliveryID int64) ([]Article, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+prefixed("a.", articleColumns)+` FROM digest_items di
		JOIN articles a ON a.id = di.article_id WHERE di.delivery_id = ? ORDER BY a.published_at, a.id`, deliveryID)
	if err != nil {
		return nil, fmt.Errorf("digest %d articles: %w", deliveryID, err)
	}
	defer rows.Close()
	var out []Article
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return nil, fmt.Errorf("digest %d articles: %w", deliveryID, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
