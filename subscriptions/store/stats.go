package store

import (
	"context"
	"fmt"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

// Stats computes the figures of /stats: subscribers now, their changes
// since periodStart, and deliveries settled since deliveriesSince.
func (s *Store) Stats(ctx context.Context, periodStart, deliveriesSince time.Time) (subscriptions.Stats, error) {
	st := subscriptions.Stats{ByLanguage: map[string]int{}}
	// Plain reads, not one transaction: a transaction here would take the write lock.
	err := func() error {
		rows, err := s.db.QueryContext(ctx, `SELECT status, type, language, digest_hour >= 0, COUNT(*) FROM chats
			WHERE subscribed = 1 GROUP BY 1, 2, 3, 4`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var status subscriptions.ChatStatus
			var typ subscriptions.ChatType
			var lang string
			var digest bool
			var n int
			if err := rows.Scan(&status, &typ, &lang, &digest, &n); err != nil {
				return err
			}
			switch status {
			case subscriptions.StatusBlocked:
				st.Blocked += n
				continue
			case subscriptions.StatusLeft:
				st.Left += n
				continue
			}
			st.Active += n
			st.ByLanguage[lang] += n
			if digest {
				st.Digest += n
			} else {
				st.Instant += n
			}
			switch typ {
			case subscriptions.ChatPrivate:
				st.Private += n
			case subscriptions.ChatChannel:
				st.Channels += n
			default:
				st.Groups += n
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}

		since := periodStart.Unix()
		if err := s.db.QueryRowContext(ctx, `SELECT
				(SELECT COUNT(*) FROM chats WHERE subscribed_at >= ?),
				(SELECT COUNT(*) FROM chats WHERE (subscribed = 0 AND unsubscribed_at >= ?)
					OR (subscribed = 1 AND status <> 'active' AND updated_at >= ?))`,
			since, since, since).Scan(&st.New, &st.Lost); err != nil {
			return err
		}
		if err := s.db.QueryRowContext(ctx, `SELECT
				COUNT(*) FILTER (WHERE state = 'sent'),
				COUNT(*) FILTER (WHERE state = 'failed'),
				COUNT(*) FILTER (WHERE state = 'skipped')
			FROM deliveries WHERE updated_at >= ? AND state <> 'pending'`, deliveriesSince.Unix()).Scan(
			&st.Sent, &st.Failed, &st.Skipped); err != nil {
			return err
		}
		if st.Pending, err = s.PendingDeliveries(ctx); err != nil {
			return err
		}
		st.BySection, err = sectionCounts(ctx, s.db)
		return err
	}()
	if err != nil {
		return subscriptions.Stats{}, fmt.Errorf("compute statistics: %w", err)
	}
	return st, nil
}

// sectionCounts counts, for each configured section, the active
// subscribers that receive it (a chat that never chose receives every section).
func sectionCounts(ctx context.Context, q querier) (map[string]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT f.section, COUNT(c.id)
		FROM (SELECT DISTINCT section FROM feeds WHERE url NOT LIKE ?) f
		JOIN chats c ON c.subscribed = 1 AND c.status = 'active'
			AND (EXISTS (SELECT 1 FROM chat_sections s WHERE s.chat_id = c.id AND s.section = f.section)
				OR NOT EXISTS (SELECT 1 FROM chat_sections s WHERE s.chat_id = c.id))
		GROUP BY f.section`, subscriptions.PostedFeedPrefix+"%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var sec string
		var n int
		if err := rows.Scan(&sec, &n); err != nil {
			return nil, err
		}
		out[sec] = n
	}
	return out, rows.Err()
}

// AudienceSections returns the sections of the configured feeds in the
// order they were first configured: the sections a notice can be addressed to.
func (s *Store) AudienceSections(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT section FROM feeds WHERE url NOT LIKE ?
		GROUP BY section ORDER BY MIN(id)`, subscriptions.PostedFeedPrefix+"%")
	if err != nil {
		return nil, fmt.Errorf("list sections: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var sec string
		if err := rows.Scan(&sec); err != nil {
			return nil, fmt.Errorf("list sections: %w", err)
		}
		out = append(out, sec)
	}
	return out, rows.Err()
}
