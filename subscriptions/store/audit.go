package store

import (
	"context"
	"fmt"

	"github.com/osipovichi/newsbot/subscriptions"
)

func audit(ctx context.Context, x execer, e subscriptions.AuditEntry) error {
	if _, err := x.ExecContext(ctx, `INSERT INTO audit (at, user_id, action, ref, details) VALUES (?, ?, ?, ?, ?)`,
		e.At.Unix(), e.UserID, e.Action, e.Ref, e.Details); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// AddAudit records an entry in the audit trail. Store methods that change
// notices and posts record their own entries in the same transaction.
func (s *Store) AddAudit(ctx context.Context, e subscriptions.AuditEntry) error {
	return audit(ctx, s.db, e)
}

// AuditLog returns the n latest entries of the audit trail, newest first.
func (s *Store) AuditLog(ctx context.Context, n int) ([]subscriptions.AuditEntry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT a.id, a.at, a.user_id, COALESCE(c.title, ''), a.action, a.ref, a.details
		FROM audit a LEFT JOIN chats c ON c.id = a.user_id AND a.user_id > 0
		ORDER BY a.id DESC LIMIT ?`, n)
	if err != nil {
		return nil, fmt.Errorf("read the audit trail: %w", err)
	}
	defer rows.Close()
	var out []subscriptions.AuditEntry
	for rows.Next() {
		var e subscriptions.AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.UserID, &e.UserName, &e.Action, &e.Ref, &e.Details); err != nil {
			return nil, fmt.Errorf("read the audit trail: %w", err)
		}
		e.At = fromUnix(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
