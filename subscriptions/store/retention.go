package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// PruneDeliveries deletes, in one short transaction, up to limit settled
// deliveries (sent, failed, skipped) last changed before `before`, with the
// digest items they carried, and up to limit digest items added before
// `before` that wait for a chat no longer taking digests. Deliveries of a
// notice whose final report is not written yet stay. It returns how many
// rows it deleted: call it again, letting other writers in between, until
// it returns 0. Articles and the audit trail are never deleted.
func (s *Store) PruneDeliveries(ctx context.Context, before time.Time, limit int) (int, error) {
	deleted := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM deliveries
			WHERE updated_at < ? AND state <> 'pending' AND NOT (kind = 'notice' AND ref IN (
				SELECT id FROM notices WHERE state IN ('sending', 'stopped', 'done') AND reported_at = 0))
			ORDER BY updated_at LIMIT ?`, before.Unix(), limit)
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
		set, err := json.Marshal(ids)
		if err != nil {
			return err
		}
		// The items first: deleting a digest delivery would otherwise set their
		// delivery_id to NULL, and they would wait for a digest again.
		for _, q := range []string{
			`DELETE FROM digest_items WHERE delivery_id IN (SELECT value FROM json_each(?))`,
			`DELETE FROM deliveries WHERE id IN (SELECT value FROM json_each(?))`,
		} {
			r, err := tx.ExecContext(ctx, q, string(set))
			if err != nil {
				return err
			}
			n, _ := r.RowsAffected()
			deleted += int(n)
		}
		// Items put aside for a chat that left digest mode without a catch-up
		// (it unsubscribed or blocked the bot) would otherwise wait forever.
		r, err := tx.ExecContext(ctx, `DELETE FROM digest_items WHERE rowid IN (
			SELECT di.rowid FROM digest_items di JOIN chats c ON c.id = di.chat_id
			WHERE di.delivery_id IS NULL AND di.added_at < ?
				AND NOT (c.subscribed = 1 AND c.status = 'active' AND c.digest_hour >= 0)
			LIMIT ?)`, before.Unix(), limit)
		if err != nil {
			return err
		}
		n, _ := r.RowsAffected()
		deleted += int(n)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("prune deliveries before %s: %w", before.UTC().Format(time.RFC3339), err)
	}
	return deleted, nil
}

// autoVacuumIncremental is PRAGMA auto_vacuum's value for INCREMENTAL.
const autoVacuumIncremental = 2

// EnableIncrementalVacuum makes the database give the pages that deleted
// rows leave free back to the file system, a few at a time (ReclaimSpace),
// and reports whether it had to change. SQLite switches an existing
// database only by rewriting it (VACUUM): that takes a while on a large
// database and as much free disk space as the database takes, once. A new
// database is switched by Open at no cost.
func (s *Store) EnableIncrementalVacuum(ctx context.Context) (bool, error) {
	// The pragma and the VACUUM that applies it must run on one connection.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("enable incremental vacuum: %w", err)
	}
	defer conn.Close()
	var mode int
	if err := conn.QueryRowContext(ctx, `PRAGMA auto_vacuum`).Scan(&mode); err != nil {
		return false, fmt.Errorf("enable incremental vacuum: %w", err)
	}
	if mode == autoVacuumIncremental {
		return false, nil
	}
	for _, q := range []string{`PRAGMA auto_vacuum = INCREMENTAL`, `VACUUM`} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return false, fmt.Errorf("enable incremental vacuum: %s: %w", q, err)
		}
	}
	return true, nil
}

// ReclaimSpace gives up to pages free pages back to the file system and
// returns how many remain free. It does nothing (and says so with the
// count) unless incremental vacuum is enabled.
func (s *Store) ReclaimSpace(ctx context.Context, pages int) (free int, err error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("reclaim space: %w", err)
	}
	defer conn.Close()
	// incremental_vacuum returns no rows; ExecContext would stop at its first step.
	rows, err := conn.QueryContext(ctx, fmt.Sprintf(`PRAGMA incremental_vacuum(%d)`, pages))
	if err != nil {
		return 0, fmt.Errorf("reclaim space: %w", err)
	}
	for rows.Next() {
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("reclaim space: %w", err)
	}
	if err := conn.QueryRowContext(ctx, `PRAGMA freelist_count`).Scan(&free); err != nil {
		return 0, fmt.Errorf("reclaim space: %w", err)
	}
	return free, nil
}

// SizeBytes is the size of the database (its pages, free ones included;
// the write-ahead log aside).
func (s *Store) SizeBytes(ctx context.Context) (int64, error) {
	var size int64
	if err := s.db.QueryRowContext(ctx, `SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()`).Scan(&size); err != nil {
		return 0, fmt.Errorf("database size: %w", err)
	}
	return size, nil
}
