package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

const noticeColumns = `id, admin_user_id, source_chat_id, source_message_id, audience_kind, audience_value, state,
	confirmed_by, stopped_by, recipients, progress_chat_id, progress_message_id, created_at, confirmed_at,
	finished_at, reported_at`

func scanNotice(row interface{ Scan(...any) error }) (subscriptions.Notice, error) {
	var n subscriptions.Notice
	var created, confirmed, finished, reported int64
	err := row.Scan(&n.ID, &n.AdminUserID, &n.SourceChatID, &n.SourceMessageID, &n.Audience.Kind, &n.Audience.Value,
		&n.State, &n.ConfirmedBy, &n.StoppedBy, &n.Recipients, &n.ProgressChatID, &n.ProgressMessageID,
		&created, &confirmed, &finished, &reported)
	if err != nil {
		return subscriptions.Notice{}, notFound(err)
	}
	n.CreatedAt, n.ConfirmedAt = fromUnix(created), fromUnix(confirmed)
	n.FinishedAt, n.ReportedAt = fromUnix(finished), fromUnix(reported)
	return n, nil
}

// CreateNotice records a draft notice: a copy of message sourceMessageID of
// chat sourceChatID, to all subscribers until an audience is chosen.
func (s *Store) CreateNotice(ctx context.Context, adminID, sourceChatID int64, sourceMessageID int, now time.Time) (subscriptions.Notice, error) {
	var n subscriptions.Notice
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = scanNotice(tx.QueryRowContext(ctx, `INSERT INTO notices (admin_user_id, source_chat_id, source_message_id, created_at)
			VALUES (?, ?, ?, ?) RETURNING `+noticeColumns, adminID, sourceChatID, sourceMessageID, now.Unix()))
		if err != nil {
			return err
		}
		return audit(ctx, tx, subscriptions.AuditEntry{At: now, UserID: adminID, Action: subscriptions.AuditNoticeCreated, Ref: n.ID})
	})
	if err != nil {
		return subscriptions.Notice{}, fmt.Errorf("create notice: %w", err)
	}
	return n, nil
}

// Notice returns the notice with id, or ErrNotFound.
func (s *Store) Notice(ctx context.Context, id int64) (subscriptions.Notice, error) {
	n, err := scanNotice(s.db.QueryRowContext(ctx, `SELECT `+noticeColumns+` FROM notices WHERE id = ?`, id))
	if err != nil {
		return subscriptions.Notice{}, fmt.Errorf("read notice %d: %w", id, err)
	}
	return n, nil
}

// SetNoticeAudience changes the audience of a draft; it reports false when
// the notice is no longer a draft.
func (s *Store) SetNoticeAudience(ctx context.Context, id int64, a subscriptions.Audience) (bool, error) {
	if err := a.Validate(); err != nil {
		return false, fmt.Errorf("set notice %d audience: %w", id, err)
	}
	r, err := s.db.ExecContext(ctx, `UPDATE notices SET audience_kind = ?, audience_value = ? WHERE id = ? AND state = 'draft'`,
		a.Kind, a.Value, id)
	if err != nil {
		return false, fmt.Errorf("set notice %d audience: %w", id, err)
	}
	n, err := r.RowsAffected()
	return n == 1, err
}

// audienceFilter returns a condition on the chats table (alias c) that
// selects the audience among subscribed, active chats. Chats that have not
// chosen a language read defaultLang and belong to its audience.
// A chat that never chose sections receives every section, as for articles.
func audienceFilter(a subscriptions.Audience, defaultLang string) (string, []any, error) {
	if err := a.Validate(); err != nil {
		return "", nil, err
	}
	where := `c.subscribed = 1 AND c.status = 'active'`
	switch a.Kind {
	case subscriptions.AudienceLanguage:
		return where + ` AND (CASE WHEN c.language = '' THEN ? ELSE c.language END) = ?`, []any{defaultLang, a.Value}, nil
	case subscriptions.AudienceSection:
		return where + ` AND (EXISTS (SELECT 1 FROM chat_sections s WHERE s.chat_id = c.id AND s.section = ?)
			OR NOT EXISTS (SELECT 1 FROM chat_sections s WHERE s.chat_id = c.id))`, []any{a.Value}, nil
	}
	return where, nil, nil
}

// CountAudience returns how many chats a notice to a would reach now.
func (s *Store) CountAudience(ctx context.Context, a subscriptions.Audience, defaultLang string) (int, error) {
	cond, args, err := audienceFilter(a, defaultLang)
	if err != nil {
		return 0, fmt.Errorf("count audience %s %q: %w", a.Kind, a.Value, err)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM chats c WHERE `+cond, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count audience %s %q: %w", a.Kind, a.Value, err)
	}
	return n, nil
}

// ConfirmNotice starts sending a draft: in one transaction the notice goes
// from draft to sending and a delivery is created for every chat of its
// audience, ahead of articles. Only the first confirmation does this
// (pressing Send twice, or two admins at once, sends once): started is false
// for the others, and for a notice that is not a draft. progressChatID and
// progressMessageID name the message that will show the progress.
func (s *Store) ConfirmNotice(ctx context.Context, id, by int64, defaultLang string, progressChatID int64, progressMessageID int, now time.Time) (started bool, recipients int, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE notices SET state = 'sending', confirmed_by = ?, confirmed_at = ?,
				progress_chat_id = ?, progress_message_id = ?
			WHERE id = ? AND state = 'draft'`, by, now.Unix(), progressChatID, progressMessageID, id)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil || n == 0 {
			return err // not a draft (any more): someone else confirmed or cancelled it
		}
		n, err := scanNotice(tx.QueryRowContext(ctx, `SELECT `+noticeColumns+` FROM notices WHERE id = ?`, id))
		if err != nil {
			return err
		}
		cond, args, err := audienceFilter(n.Audience, defaultLang)
		if err != nil {
			return err
		}
		r, err = tx.ExecContext(ctx, `INSERT INTO deliveries (chat_id, kind, ref, priority, next_attempt_at, created_at, updated_at)
			SELECT c.id, 'notice', ?, ?, ?, ?, ? FROM chats c WHERE `+cond+`
			ON CONFLICT (chat_id, kind, ref) DO NOTHING`,
			append([]any{id, subscriptions.NoticePriority, now.Unix(), now.Unix(), now.Unix()}, args...)...)
		if err != nil {
			return fmt.Errorf("enqueue: %w", err)
		}
		k, err := r.RowsAffected()
		if err != nil {
			return err
		}
		recipients, started = int(k), true
		if _, err := tx.ExecContext(ctx, `UPDATE notices SET recipients = ? WHERE id = ?`, recipients, id); err != nil {
			return err
		}
		return audit(ctx, tx, subscriptions.AuditEntry{At: now, UserID: by, Action: subscriptions.AuditNoticeSent, Ref: id,
			Details: fmt.Sprintf("audience=%s recipients=%d", n.Audience, recipients)})
	})
	if err != nil {
		return false, 0, fmt.Errorf("confirm notice %d: %w", id, err)
	}
	return started, recipients, nil
}

// CancelNotice drops a draft; it reports false when the notice is not a draft.
func (s *Store) CancelNotice(ctx context.Context, id, by int64, now time.Time) (bool, error) {
	var done bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE notices SET state = 'cancelled', finished_at = ?, reported_at = ?
			WHERE id = ? AND state = 'draft'`, now.Unix(), now.Unix(), id)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil || n == 0 {
			return err
		}
		done = true
		return audit(ctx, tx, subscriptions.AuditEntry{At: now, UserID: by, Action: subscriptions.AuditNoticeCancelled, Ref: id})
	})
	if err != nil {
		return false, fmt.Errorf("cancel notice %d: %w", id, err)
	}
	return done, nil
}

// StopNotice stops a notice being sent: what has not gone out yet is
// skipped with the reason StoppedByAdmin. It reports false when the notice
// is not being sent, and returns the ids of the deliveries it skipped (some
// may be in flight: their outcome is still recorded).
func (s *Store) StopNotice(ctx context.Context, id, by int64, now time.Time) (stopped bool, skipped []int64, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE notices SET state = 'stopped', stopped_by = ?, finished_at = ?
			WHERE id = ? AND state = 'sending'`, by, now.Unix(), id)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil || n == 0 {
			return err
		}
		stopped = true
		rows, err := tx.QueryContext(ctx, `UPDATE deliveries SET state = 'skipped', last_error = ?, updated_at = ?
			WHERE kind = 'notice' AND ref = ? AND state = 'pending' RETURNING id`, subscriptions.StoppedByAdmin, now.Unix(), id)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var d int64
			if err := rows.Scan(&d); err != nil {
				return err
			}
			skipped = append(skipped, d)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return audit(ctx, tx, subscriptions.AuditEntry{At: now, UserID: by, Action: subscriptions.AuditNoticeStopped, Ref: id,
			Details: fmt.Sprintf("not_sent=%d", len(skipped))})
	})
	if err != nil {
		return false, nil, fmt.Errorf("stop notice %d: %w", id, err)
	}
	return stopped, skipped, nil
}

// FinishNotice marks a notice being sent as done once none of its
// deliveries is pending; it reports whether it did.
func (s *Store) FinishNotice(ctx context.Context, id int64, now time.Time) (bool, error) {
	var done bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE notices SET state = 'done', finished_at = ?
			WHERE id = ? AND state = 'sending' AND NOT EXISTS (
				SELECT 1 FROM deliveries WHERE kind = 'notice' AND ref = ? AND state = 'pending')`, now.Unix(), id, id)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil || n == 0 {
			return err
		}
		done = true
		p, err := noticeProgress(ctx, tx, id)
		if err != nil {
			return err
		}
		return audit(ctx, tx, subscriptions.AuditEntry{At: now, Action: subscriptions.AuditNoticeFinished, Ref: id,
			Details: fmt.Sprintf("delivered=%d blocked=%d failed=%d", p.Sent, p.Blocked, p.Failed)})
	})
	if err != nil {
		return false, fmt.Errorf("finish notice %d: %w", id, err)
	}
	return done, nil
}

// NoticeProgress counts the deliveries of a notice by outcome.
func (s *Store) NoticeProgress(ctx context.Context, id int64) (subscriptions.NoticeProgress, error) {
	p, err := noticeProgress(ctx, s.db, id)
	if err != nil {
		return subscriptions.NoticeProgress{}, fmt.Errorf("progress of notice %d: %w", id, err)
	}
	return p, nil
}

func noticeProgress(ctx context.Context, q querier, id int64) (subscriptions.NoticeProgress, error) {
	var p subscriptions.NoticeProgress
	rows, err := q.QueryContext(ctx, `SELECT state, state = 'skipped' AND last_error = ?, COUNT(*) FROM deliveries
		WHERE kind = 'notice' AND ref = ? GROUP BY 1, 2`, subscriptions.StoppedByAdmin, id)
	if err != nil {
		return p, err
	}
	defer rows.Close()
	for rows.Next() {
		var st subscriptions.DeliveryState
		var stopped bool
		var n int
		if err := rows.Scan(&st, &stopped, &n); err != nil {
			return p, err
		}
		switch {
		case st == subscriptions.DeliverySent:
			p.Sent += n
		case st == subscriptions.DeliveryFailed:
			p.Failed += n
		case st == subscriptions.DeliveryPending:
			p.Pending += n
		case stopped:
			p.Stopped += n
		default:
			p.Blocked += n
		}
	}
	return p, rows.Err()
}

// NoticesToReport returns the notices whose progress message needs work:
// those being sent, and those finished whose final report is not written yet.
func (s *Store) NoticesToReport(ctx context.Context) ([]subscriptions.Notice, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+noticeColumns+` FROM notices
		WHERE state = 'sending' OR (state IN ('stopped', 'done') AND reported_at = 0) ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("notices to report: %w", err)
	}
	defer rows.Close()
	var out []subscriptions.Notice
	for rows.Next() {
		n, err := scanNotice(rows)
		if err != nil {
			return nil, fmt.Errorf("notices to report: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// SetNoticeReported records that the final report of a finished notice was written.
func (s *Store) SetNoticeReported(ctx context.Context, id int64, now time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE notices SET reported_at = ? WHERE id = ? AND state IN ('stopped', 'done')`,
		now.Unix(), id); err != nil {
		return fmt.Errorf("set notice %d reported: %w", id, err)
	}
	return nil
}
