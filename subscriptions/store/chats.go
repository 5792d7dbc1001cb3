package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

const chatColumns = `id, type, title, username, language, status, subscribed, link_previews,
	quiet_start, quiet_end, digest_hour, created_at, updated_at, ` + displayColumns

// displayColumns are how a chat reads its news (scanned by scanDisplay).
const displayColumns = `display, headlines_every, hashtags, digest_weekday`

func scanChat(row interface{ Scan(...any) error }) (subscriptions.Chat, error) {
	var c subscriptions.Chat
	var subscribed, previews int
	var created, updated int64
	err := row.Scan(append([]any{&c.ID, &c.Type, &c.Title, &c.Username, &c.Language, &c.Status, &subscribed, &previews,
		&c.QuietStart, &c.QuietEnd, &c.DigestHour, &created, &updated}, scanDisplay(&c)...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return subscriptions.Chat{}, subscriptions.ErrNotFound
	}
	if err != nil {
		return subscriptions.Chat{}, err
	}
	c.Subscribed, c.LinkPreviews = subscribed == 1, previews == 1
	c.CreatedAt, c.UpdatedAt = fromUnix(created), fromUnix(updated)
	return c, nil
}

// scanDisplay returns the destinations of displayColumns in c.
func scanDisplay(c *subscriptions.Chat) []any {
	return []any{&c.Display, &c.HeadlinesEvery, &c.Hashtags, &c.DigestWeekday}
}

// TouchChat records that a chat spoke to the bot: it is created when new,
// its title and username are refreshed, and it is active again (a person who
// writes has unblocked the bot; a group that writes still has it).
func (s *Store) TouchChat(ctx context.Context, info subscriptions.ChatInfo, now time.Time) (subscriptions.Chat, error) {
	row := s.db.QueryRowContext(ctx, `INSERT INTO chats (id, type, title, username, language, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET type = excluded.type, title = excluded.title,
			username = excluded.username, status = 'active', updated_at = excluded.updated_at
		RETURNING `+chatColumns,
		info.ID, info.Type, info.Title, info.Username, info.Language, now.Unix(), now.Unix())
	c, err := scanChat(row)
	if err != nil {
		return subscriptions.Chat{}, fmt.Errorf("touch chat %d: %w", info.ID, err)
	}
	return c, nil
}

// Chat returns the chat with id, or ErrNotFound.
func (s *Store) Chat(ctx context.Context, id int64) (subscriptions.Chat, error) {
	c, err := scanChat(s.db.QueryRowContext(ctx, `SELECT `+chatColumns+` FROM chats WHERE id = ?`, id))
	if err != nil && !errors.Is(err, subscriptions.ErrNotFound) {
		return subscriptions.Chat{}, fmt.Errorf("read chat %d: %w", id, err)
	}
	return c, err
}

// SetSubscribed subscribes or unsubscribes a chat and reports whether that
// changed anything. Unsubscribing skips what was still waiting to be sent
// (see stopSending).
func (s *Store) SetSubscribed(ctx context.Context, id int64, on bool, now time.Time) (changed bool, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		col := "unsubscribed_at"
		if on {
			col = "subscribed_at"
		}
		res, err := tx.ExecContext(ctx, `UPDATE chats SET subscribed = ?, `+col+` = ?, updated_at = ?
			WHERE id = ? AND subscribed <> ?`, boolInt(on), now.Unix(), now.Unix(), id, boolInt(on))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			if _, err := scanChat(tx.QueryRowContext(ctx, `SELECT `+chatColumns+` FROM chats WHERE id = ?`, id)); err != nil {
				return err
			}
			return nil
		}
		changed = true
		if !on {
			return stopSending(ctx, tx, id, "unsubscribed", now)
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("set chat %d subscribed=%t: %w", id, on, err)
	}
	return changed, nil
}

// SetChatStatus records whether the bot can write to a chat. A chat that is
// no longer active has what was waiting skipped with reason (see stopSending).
func (s *Store) SetChatStatus(ctx context.Context, id int64, status subscriptions.ChatStatus, reason string, now time.Time) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE chats SET status = ?, updated_at = ? WHERE id = ?`,
			status, now.Unix(), id); err != nil {
			return err
		}
		if status != subscriptions.StatusActive {
			return stopSending(ctx, tx, id, reason, now)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set chat %d status %s: %w", id, status, err)
	}
	return nil
}

// MigrateChat moves a group that Telegram upgraded to a supergroup to its new
// id, keeping its subscription, preferences and waiting deliveries.
func (s *Store) MigrateChat(ctx context.Context, oldID, newID int64, now time.Time) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		old, err := scanChat(tx.QueryRowContext(ctx, `SELECT `+chatColumns+` FROM chats WHERE id = ?`, oldID))
		if errors.Is(err, subscriptions.ErrNotFound) {
			return nil // already moved
		}
		if err != nil {
			return err
		}
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM chats WHERE id = ?`, newID).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			_, err := tx.ExecContext(ctx, `UPDATE chats SET id = ?, type = 'supergroup', updated_at = ? WHERE id = ?`,
				newID, now.Unix(), oldID)
			return err // deliveries follow through ON UPDATE CASCADE
		}
		// The supergroup spoke before the migration was noticed: keep the old chat's choices.
		if _, err := tx.ExecContext(ctx, `UPDATE chats SET subscribed = ?, language = ?, link_previews = ?,
			quiet_start = ?, quiet_end = ?, digest_hour = ?, digest_weekday = ?, display = ?, headlines_every = ?,
			hashtags = ?, status = 'active', updated_at = ? WHERE id = ?`,
			boolInt(old.Subscribed), old.Language, boolInt(old.LinkPreviews), old.QuietStart, old.QuietEnd,
			old.DigestHour, old.DigestWeekday, old.Display, old.HeadlinesEvery, boolInt(old.Hashtags), now.Unix(), newID); err != nil {
			return err
		}
		for _, table := range []string{"deliveries", "digest_items", "start_links"} {
			if _, err := tx.ExecContext(ctx, `UPDATE OR IGNORE `+table+` SET chat_id = ? WHERE chat_id = ?`, newID, oldID); err != nil {
				return err
			}
		}
		if err := movePreferences(ctx, tx, oldID, newID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM chats WHERE id = ?`, oldID)
		return err
	})
	if err != nil {
		return fmt.Errorf("migrate chat %d to %d: %w", oldID, newID, err)
	}
	return nil
}

// CountSubscribers returns the number of active subscribed chats.
func (s *Store) CountSubscribers(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM chats WHERE subscribed = 1 AND status = 'active'`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count subscribers: %w", err)
	}
	return n, nil
}

// SetQuietHours sets a chat's quiet hours in minutes after local midnight;
// start == end turns them off.
func (s *Store) SetQuietHours(ctx context.Context, id int64, start, end int, now time.Time) error {
	if start < 0 || start >= 24*60 || end < 0 || end >= 24*60 {
		return fmt.Errorf("set chat %d quiet hours: %d-%d is not a time of day in minutes", id, start, end)
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE chats SET quiet_start = ?, quiet_end = ?, updated_at = ? WHERE id = ?`,
		start, end, now.Unix(), id); err != nil {
		return fmt.Errorf("set chat %d quiet hours: %w", id, err)
	}
	return nil
}
