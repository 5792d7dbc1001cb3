package store

import (
	"context"
	"fmt"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

// RecordStartLink records that a chat came through a subscribe deep link
// (subscriptions.SubscribeLink); subscribed says that the link subscribed
// it. Only the first time a chat comes through a link counts.
func (s *Store) RecordStartLink(ctx context.Context, payload string, chatID int64, subscribed bool, now time.Time) error {
	if _, err := s.db.ExecContext(ctx, `INSERT INTO start_links (payload, chat_id, at, subscribed) VALUES (?, ?, ?, ?)
		ON CONFLICT (payload, chat_id) DO NOTHING`, payload, chatID, now.Unix(), boolInt(subscribed)); err != nil {
		return fmt.Errorf("record start link %q of chat %d: %w", payload, chatID, err)
	}
	return nil
}

// StartLinkCounts counts, for each subscribe deep link, the chats that
// first came through it at or after since, and those it subscribed; the
// links most used first.
func (s *Store) StartLinkCounts(ctx context.Context, since time.Time) ([]subscriptions.StartLinkCount, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT payload, COUNT(*), SUM(subscribed) FROM start_links WHERE at >= ?
		GROUP BY payload ORDER BY COUNT(*) DESC, payload`, since.Unix())
	if err != nil {
		return nil, fmt.Errorf("count start links: %w", err)
	}
	defer rows.Close()
	var out []subscriptions.StartLinkCount
	for rows.Next() {
		var c subscriptions.StartLinkCount
		if err := rows.Scan(&c.Payload, &c.Chats, &c.Subscribed); err != nil {
			return nil, fmt.Errorf("count start links: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
