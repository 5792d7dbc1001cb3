package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return subscriptions.ErrNotFound
	}
	return err
}

const deliveryColumns = `id, chat_id, kind, ref, priority, state, attempts, next_attempt_at, last_error, message_id, created_at, failing_since`

func scanDelivery(row interface{ Scan(...any) error }) (subscriptions.Delivery, error) {
	var d subscriptions.Delivery
	var next, created, failing int64
	if err := row.Scan(&d.ID, &d.ChatID, &d.Kind, &d.Ref, &d.Priority, &d.State, &d.Attempts, &next,
		&d.LastError, &d.MessageID, &created, &failing); err != nil {
		return subscriptions.Delivery{}, err
	}
	d.NextAttemptAt, d.CreatedAt, d.FailingSince = fromUnix(next), fromUnix(created), fromUnix(failing)
	return d, nil
}

// DueDeliveries returns up to limit pending deliveries whose time has come,
// with their chats, highest priority first, then oldest first.
func (s *Store) DueDeliveries(ctx context.Context, now time.Time, limit int) ([]subscriptions.DueDelivery, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT d.id, d.chat_id, d.kind, d.ref, d.priority, d.state, d.attempts,
			d.next_attempt_at, d.last_error, d.message_id, d.created_at, d.failing_since,
			c.id, c.type, c.title, c.username, c.language, c.status, c.subscribed, c.link_previews,
			c.quiet_start, c.quiet_end, c.digest_hour, c.created_at, c.updated_at, `+prefixed("c.", displayColumns)+`
		FROM deliveries d JOIN chats c ON c.id = d.chat_id
		WHERE d.state = 'pending' AND d.next_attempt_at <= ?
		ORDER BY d.priority DESC, d.next_attempt_at, d.id LIMIT ?`, now.Unix(), limit)
	if err != nil {
		return nil, fmt.Errorf("due deliveries: %w", err)
	}
	defer rows.Close()
	var out []subscriptions.DueDelivery
	for rows.Next() {
		var d subscriptions.DueDelivery
		var next, created, failing, cCreated, cUpdated int64
		var subscribed, previews int
		c := &d.Chat
		if err := rows.Scan(append([]any{&d.ID, &d.ChatID, &d.Kind, &d.Ref, &d.Priority, &d.State, &d.Attempts, &next,
			&d.LastError, &d.MessageID, &created, &failing,
			&c.ID, &c.Type, &c.Title, &c.Username, &c.Language, &c.Status, &subscribed, &previews,
			&c.QuietStart, &c.QuietEnd, &c.DigestHour, &cCreated, &cUpdated}, scanDisplay(c)...)...); err != nil {
			return nil, fmt.Errorf("due deliveries: %w", err)
		}
		d.NextAttemptAt, d.CreatedAt, d.FailingSince = fromUnix(next), fromUnix(created), fromUnix(failing)
		c.Subscribed, c.LinkPreviews = subscribed == 1, previews == 1
		c.CreatedAt, c.UpdatedAt = fromUnix(cCreated), fromUnix(cUpdated)
		out = append(out, d)
	}
	return out, rows.Err()
}

// NextDeliveryAt returns when the earliest pending delivery falls due, or the zero time when none is pending.
func (s *Store) NextDeliveryAt(ctx context.Context) (time.Time, error) {
	var next sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MIN(next_attempt_at) FROM deliveries WHERE state = 'pending'`).Scan(&next); err != nil {
		return time.Time{}, fmt.Errorf("next delivery: %w", err)
	}
	if !next.Valid {
		return time.Time{}, nil
	}
	return time.Unix(next.Int64, 0), nil
}

// RecordOutcomes writes the outcomes of several attempts in one transaction
// (the delivery engine batches its bookkeeping this way). The first failing
// outcome of a delivery records when it began failing.
func (s *Store) RecordOutcomes(ctx context.Context, outs []subscriptions.Outcome, now time.Time) error {
	if len(outs) == 0 {
		return nil
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `UPDATE deliveries SET state = ?, message_id = ?, last_error = ?,
			attempts = attempts + ?, next_attempt_at = ?, updated_at = ?,
			failing_since = CASE WHEN ? AND failing_since = 0 THEN ? ELSE failing_since END
			WHERE id = ? AND (state = 'pending' OR (state = 'skipped' AND ? = 'sent'))`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, o := range outs {
			next := unix(o.NextAttemptAt)
			if o.State != subscriptions.DeliveryPending {
				next = now.Unix()
			}
			// A message that went out while its row was skipped (an unsubscribe,
			// a stopped notice) is recorded as sent: the row says what Telegram did.
			if _, err := st.ExecContext(ctx, o.State, o.MessageID, o.Error, boolInt(o.CountAttempt), next, now.Unix(),
				boolInt(o.Failing), now.Unix(), o.ID, o.State); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record %d delivery outcomes: %w", len(outs), err)
	}
	return nil
}

// skipPending marks every pending delivery of a chat as skipped.
func skipPending(ctx context.Context, tx *sql.Tx, chatID int64, reason string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'skipped', last_error = ?, updated_at = ?
		WHERE chat_id = ? AND state = 'pending'`, reason, now.Unix(), chatID)
	return err
}

// PendingDeliveries returns the depth of the outbox. It reads the partial
// index of pending rows only: the table itself grows with every fan-out.
func (s *Store) PendingDeliveries(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM deliveries WHERE state = 'pending'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count pending deliveries: %w", err)
	}
	return n, nil
}

// DeliveryCounts returns the number of deliveries in each state, for tests
// and diagnostics (it reads the whole table).
func (s *Store) DeliveryCounts(ctx context.Context) (map[subscriptions.DeliveryState]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT state, COUNT(*) FROM deliveries GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("count deliveries: %w", err)
	}
	defer rows.Close()
	out := map[subscriptions.DeliveryState]int{}
	for rows.Next() {
		var st subscriptions.DeliveryState
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count deliveries: %w", err)
		}
		out[st] = n
	}
	return out, rows.Err()
}

// Delivery returns one delivery, for tests and diagnostics.
func (s *Store) Delivery(ctx context.Context, chatID int64, kind subscriptions.DeliveryKind, ref int64) (subscriptions.Delivery, error) {
	d, err := scanDelivery(s.db.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM deliveries
		WHERE chat_id = ? AND kind = ? AND ref = ?`, chatID, kind, ref))
	if err != nil {
		return subscriptions.Delivery{}, fmt.Errorf("read delivery: %w", notFound(err))
	}
	return d, nil
}
