package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

// ConnectChannel records a channel (its chat row is created or refreshed)
// as managed by a user from the private chat with the bot, and subscribes
// it with the defaults of lang (see InitPreferences). It reports whether
// the channel was already connected by that user.
func (s *Store) ConnectChannel(ctx context.Context, info subscriptions.ChatInfo, userID int64, lang string, now time.Time) (already bool, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO chats (id, type, title, username, language, created_at, updated_at)
			VALUES (?, 'channel', ?, ?, '', ?, ?)
			ON CONFLICT (id) DO UPDATE SET type = 'channel', title = excluded.title, username = excluded.username,
				status = 'active', updated_at = excluded.updated_at`,
			info.ID, info.Title, info.Username, now.Unix(), now.Unix()); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO channels (channel_id, user_id, created_at) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, info.ID, userID, now.Unix())
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		already = n == 0
		if err := initPreferences(ctx, tx, info.ID, lang, now); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE chats SET subscribed = 1, subscribed_at = ?, updated_at = ?
			WHERE id = ? AND subscribed = 0`, now.Unix(), now.Unix(), info.ID)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("connect channel %d: %w", info.ID, err)
	}
	return already, nil
}

// Channels returns the channels a user connected, by title.
func (s *Store) Channels(ctx context.Context, userID int64) ([]subscriptions.Chat, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+prefixed("c.", chatColumns)+` FROM channels l
		JOIN chats c ON c.id = l.channel_id WHERE l.user_id = ? ORDER BY c.title, c.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list channels of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []subscriptions.Chat
	for rows.Next() {
		c, err := scanChat(rows)
		if err != nil {
			return nil, fmt.Errorf("list channels of user %d: %w", userID, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ChannelManagedBy reports whether a user connected a channel.
func (s *Store) ChannelManagedBy(ctx context.Context, channelID, userID int64) (bool, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM channels WHERE channel_id = ? AND user_id = ?`,
		channelID, userID).Scan(&n); err != nil {
		return false, fmt.Errorf("check channel %d of user %d: %w", channelID, userID, err)
	}
	return n > 0, nil
}

// DisconnectChannel stops the news to a channel and forgets that the user
// manages it. Other administrators who connected it keep it in their list,
// unsubscribed. It reports whether the user had connected it.
func (s *Store) DisconnectChannel(ctx context.Context, channelID, userID int64, now time.Time) (bool, error) {
	var found bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM channels WHERE channel_id = ? AND user_id = ?`, channelID, userID)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		found = n > 0
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("disconnect channel %d: %w", channelID, err)
	}
	if !found {
		return false, nil
	}
	if _, err := s.SetSubscribed(ctx, channelID, false, now); err != nil {
		return true, err
	}
	return true, nil
}
