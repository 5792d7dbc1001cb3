package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

// A chat's schedule decides whether its new articles go out one by one or
// wait in digest_items (see Chat.PutsAside) for its next digest: daily,
// weekly, or a batch of headlines. Each schedule change that leaves the
// chat without a digest sends what was waiting at once, as a catch-up.

// SetDigestHour switches a chat to a daily digest at a local hour (0-23), or
// back to instant delivery with -1.
func (s *Store) SetDigestHour(ctx context.Context, id int64, hour int, now time.Time) error {
	if hour < -1 || hour > 23 {
		return fmt.Errorf("set chat %d digest hour: %d is not an hour", id, hour)
	}
	return s.setSchedule(ctx, id, "digest hour", now, `digest_hour = ?, digest_weekday = -1`, hour)
}

// SetWeeklyDigest switches a chat to a weekly digest on a local day and hour (0-23).
func (s *Store) SetWeeklyDigest(ctx context.Context, id int64, day time.Weekday, hour int, now time.Time) error {
	if day < time.Sunday || day > time.Saturday || hour < 0 || hour > 23 {
		return fmt.Errorf("set chat %d weekly digest: %d, %d is not a day and an hour", id, day, hour)
	}
	return s.setSchedule(ctx, id, "weekly digest", now, `digest_hour = ?, digest_weekday = ?`, hour, int(day))
}

// SetDisplay sets how a chat's news look.
func (s *Store) SetDisplay(ctx context.Context, id int64, d subscriptions.Display, now time.Time) error {
	if !slices.Contains(subscriptions.Displays(), d) {
		return fmt.Errorf("set chat %d display: unknown display %q", id, d)
	}
	return s.setSchedule(ctx, id, "display", now, `display = ?`, d)
}

// SetHeadlinesEvery sets the least number of minutes between two batches of
// a chat's headlines (one of subscriptions.HeadlinesIntervals).
func (s *Store) SetHeadlinesEvery(ctx context.Context, id int64, minutes int, now time.Time) error {
	if !slices.Contains(subscriptions.HeadlinesIntervals(), minutes) {
		return fmt.Errorf("set chat %d headlines interval: %d minutes is not one of %v", id, minutes, subscriptions.HeadlinesIntervals())
	}
	return s.setSchedule(ctx, id, "headlines interval", now, `headlines_every = ?`, minutes)
}

// setSchedule sets columns of a chat (set holds "column = ?" pairs for
// args) and, when the chat no longer puts articles aside, sends what was
// waiting at once.
func (s *Store) setSchedule(ctx context.Context, id int64, what string, now time.Time, set string, args ...any) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		c, err := scanChat(tx.QueryRowContext(ctx, `UPDATE chats SET `+set+`, updated_at = ? WHERE id = ? RETURNING `+chatColumns,
			append(args, now.Unix(), id)...))
		if err != nil || c.PutsAside() {
			return err
		}
		// ref = -unix time keeps a catch-up apart from the digests due at a slot.
		_, err = createDigest(ctx, tx, id, subscriptions.DigestCatchUp, -now.Unix(), now, now.Add(time.Second), now)
		return err
	})
	if err != nil {
		return fmt.Errorf("set chat %d %s: %w", id, what, err)
	}
	return nil
}

// stopSending skips a chat's pending deliveries with reason and drops the
// articles put aside for its next digest: a chat that comes back (subscribes
// again, unblocks the bot) gets the news from then on, not stale ones.
func stopSending(ctx context.Context, tx *sql.Tx, chatID int64, reason string, now time.Time) error {
	if err := skipPending(ctx, tx, chatID, reason, now); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM digest_items WHERE chat_id = ? AND delivery_id IS NULL`, chatID)
	return err
}

// CreateDueDigests creates the digest deliveries that are due (local times
// in loc) and returns how many it created. A chat gets
//   - with a daily digest at hour H, once a day, the articles put aside
//     before that day's H:00;
//   - with a weekly one on day D, once a week, those put aside before D H:00;
//   - with headlines and no digest, everything waiting, as soon as its last
//     batch is HeadlinesEvery minutes old.
//
// Articles that arrive later wait for the next one; a digest missed while
// the bot was down goes out when it is back.
func (s *Store) CreateDueDigests(ctx context.Context, now time.Time, loc *time.Location) (int, error) {
	created := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT c.id, c.digest_hour, c.digest_weekday, c.display, c.headlines_every,
				MIN(di.added_at), COALESCE((SELECT MAX(g.slot) FROM deliveries d
					JOIN digest_deliveries g ON g.delivery_id = d.id AND g.form = 'headlines'
					WHERE d.chat_id = c.id AND d.kind = 'digest'), 0)
			FROM chats c JOIN digest_items di ON di.chat_id = c.id AND di.delivery_id IS NULL
			WHERE c.subscribed = 1 AND c.status = 'active' AND (c.digest_hour >= 0 OR c.display = 'headlines')
			GROUP BY c.id`)
		if err != nil {
			return err
		}
		type due struct {
			chat         int64
			form         subscriptions.DigestForm
			ref          int64
			slot, before time.Time
		}
		var dues []due
		for rows.Next() {
			var c subscriptions.Chat
			var oldest, lastBatch int64
			if err := rows.Scan(&c.ID, &c.DigestHour, &c.DigestWeekday, &c.Display, &c.HeadlinesEvery, &oldest, &lastBatch); err != nil {
				rows.Close()
				return err
			}
			local := now.In(loc)
			switch {
			case c.Daily():
				slot := lastSlot(local, c.DigestHour)
				ref, _ := strconv.ParseInt(slot.Format("20060102"), 10, 64)
				if oldest < slot.Unix() {
					dues = append(dues, due{c.ID, subscriptions.DigestDaily, ref, slot, slot})
				}
			case c.Weekly():
				slot := lastWeeklySlot(local, c.DigestWeekday, c.DigestHour)
				if oldest < slot.Unix() {
					dues = append(dues, due{c.ID, subscriptions.DigestWeekly, slot.Unix(), slot, slot})
				}
			default: // headlines
				if lastBatch == 0 || now.Unix() >= lastBatch+int64(c.HeadlinesEvery)*60 {
					dues = append(dues, due{c.ID, subscriptions.DigestHeadlines, now.Unix(), now, now.Add(time.Second)})
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, d := range dues {
			ok, err := createDigest(ctx, tx, d.chat, d.form, d.ref, d.slot, d.before, now)
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

// lastWeeklySlot is the latest local day hour:00 at or before local.
func lastWeeklySlot(local time.Time, day time.Weekday, hour int) time.Time {
	back := (int(local.Weekday()) - int(day) + 7) % 7
	slot := time.Date(local.Year(), local.Month(), local.Day()-back, hour, 0, 0, 0, local.Location())
	if slot.After(local) {
		slot = slot.AddDate(0, 0, -7)
	}
	return slot
}

// createDigest creates a digest delivery (chat, ref) of a form, due at
// slot, holding the chat's articles put aside before `before`, if there
// are any and that digest does not exist yet.
func createDigest(ctx context.Context, tx *sql.Tx, chatID int64, form subscriptions.DigestForm, ref int64, slot, before, now time.Time) (bool, error) {
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
	if _, err := tx.ExecContext(ctx, `INSERT INTO digest_deliveries (delivery_id, form, slot) VALUES (?, ?, ?)`,
		id, form, slot.Unix()); err != nil {
		return false, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE digest_items SET delivery_id = ? WHERE chat_id = ? AND delivery_id IS NULL AND added_at < ?`,
		id, chatID, before.Unix())
	return err == nil, err
}

// Digest returns a digest delivery with its articles, oldest first. A
// digest from before digests had forms is daily (a catch-up when its ref
// is negative), due when it was created.
func (s *Store) Digest(ctx context.Context, deliveryID int64) (subscriptions.Digest, error) {
	var d subscriptions.Digest
	var slot int64
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(g.form, CASE WHEN d.ref < 0 THEN 'catchup' ELSE 'daily' END),
			COALESCE(g.slot, d.created_at)
		FROM deliveries d LEFT JOIN digest_deliveries g ON g.delivery_id = d.id
		WHERE d.id = ? AND d.kind = 'digest'`, deliveryID).Scan(&d.Form, &slot); err != nil {
		return subscriptions.Digest{}, fmt.Errorf("read digest %d: %w", deliveryID, notFound(err))
	}
	d.Slot = time.Unix(slot, 0)
	rows, err := s.db.QueryContext(ctx, `SELECT `+prefixed("a.", articleColumns)+` FROM digest_items di
		JOIN articles a ON a.id = di.article_id WHERE di.delivery_id = ? ORDER BY a.published_at, a.id`, deliveryID)
	if err != nil {
		return subscriptions.Digest{}, fmt.Errorf("digest %d articles: %w", deliveryID, err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanArticle(rows)
		if err != nil {
			return subscriptions.Digest{}, fmt.Errorf("digest %d articles: %w", deliveryID, err)
		}
		d.Articles = append(d.Articles, a)
	}
	if err := rows.Err(); err != nil {
		return subscriptions.Digest{}, fmt.Errorf("digest %d articles: %w", deliveryID, err)
	}
	return d, nil
}

// WaitingArticles returns how many articles are put aside for a chat's next
// digest or batch of headlines.
func (s *Store) WaitingArticles(ctx context.Context, chatID int64) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM digest_items WHERE chat_id = ? AND delivery_id IS NULL`,
		chatID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count articles waiting for chat %d: %w", chatID, err)
	}
	return n, nil
}
