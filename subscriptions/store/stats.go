package store

import (
	"context"
	"database/sql"
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

// DayFigures counts what happened in [from, to): chats that subscribed,
// subscribers lost and messages delivered, with the active subscribers at
// to. Today's figures so far are DayFigures(midnight, now).
//
// Active at a past moment is read back from what the chats hold now: the
// chats that had subscribed by then and either are still active or were
// lost after it. A chat that left and came back since counts from its
// latest subscription; the daily snapshot, taken soon after the day ends,
// keeps that error small.
func (s *Store) DayFigures(ctx context.Context, from, to time.Time) (subscriptions.DayFigures, error) {
	f, err := dayFigures(ctx, s.db, from, to)
	if err != nil {
		return subscriptions.DayFigures{}, fmt.Errorf("count the figures of %s to %s: %w", from.Format(time.RFC3339), to.Format(time.RFC3339), err)
	}
	return f, nil
}

func dayFigures(ctx context.Context, q rowQuerier, from, to time.Time) (subscriptions.DayFigures, error) {
	var f subscriptions.DayFigures
	err := q.QueryRowContext(ctx, `SELECT
			(SELECT COUNT(*) FROM chats WHERE subscribed_at < :to AND (
				(subscribed = 1 AND status = 'active')
				OR (subscribed = 0 AND unsubscribed_at >= :to)
				OR (subscribed = 1 AND status <> 'active' AND updated_at >= :to))),
			(SELECT COUNT(*) FROM chats WHERE subscribed_at >= :from AND subscribed_at < :to),
			(SELECT COUNT(*) FROM chats WHERE (subscribed = 0 AND unsubscribed_at >= :from AND unsubscribed_at < :to)
				OR (subscribed = 1 AND status <> 'active' AND updated_at >= :from AND updated_at < :to)),
			(SELECT COUNT(*) FROM deliveries WHERE state = 'sent' AND updated_at >= :from AND updated_at < :to)`,
		sql.Named("from", from.Unix()), sql.Named("to", to.Unix())).Scan(&f.Active, &f.New, &f.Lost, &f.Delivered)
	return f, err
}

// SaveDaySnapshot keeps the figures of the local day day ("2006-01-02"),
// which ran over [from, to), unless the day has them already; it reports
// whether it wrote them.
func (s *Store) SaveDaySnapshot(ctx context.Context, day string, from, to, now time.Time) (bool, error) {
	saved := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM daily_stats WHERE day = ?`, day).Scan(&n); err != nil || n > 0 {
			return err
		}
		f, err := dayFigures(ctx, tx, from, to)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO daily_stats (day, active, new, lost, delivered, starts_at, ends_at, recorded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, day, f.Active, f.New, f.Lost, f.Delivered, from.Unix(), to.Unix(), now.Unix())
		saved = err == nil
		return err
	})
	if err != nil {
		return false, fmt.Errorf("save the figures of %s: %w", day, err)
	}
	return saved, nil
}

// DaySnapshots returns the kept figures of the days from first to last
// (dates "2006-01-02", both included), oldest first.
func (s *Store) DaySnapshots(ctx context.Context, first, last string) ([]subscriptions.DayFigures, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT day, active, new, lost, delivered FROM daily_stats
		WHERE day >= ? AND day <= ? ORDER BY day`, first, last)
	if err != nil {
		return nil, fmt.Errorf("read the daily figures: %w", err)
	}
	defer rows.Close()
	var out []subscriptions.DayFigures
	for rows.Next() {
		var f subscriptions.DayFigures
		if err := rows.Scan(&f.Day, &f.Active, &f.New, &f.Lost, &f.Delivered); err != nil {
			return nil, fmt.Errorf("read the daily figures: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
