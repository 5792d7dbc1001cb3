// Package store keeps the domain of package subscriptions in SQLite
// (modernc.org/sqlite, pure Go): the embedded numbered migrations
// (migrations/NNNN_name.sql, applied in order at Open, never edited once
// shipped), every SQL query of newsbot, the tables of the delivery outbox,
// the full-text search index (written with the tokens of
// subscriptions/analyser, which also makes the queries), and the figures
// of /stats. SQL lives here and nowhere else.
//
// Consumers do not name Store in their interfaces: each declares the few
// methods it needs, with the domain types of package subscriptions.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/osipovichi/newsbot/subscriptions"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the SQLite database of newsbot. It is safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string
	// file is the database file as opened: Check tells it from a file put
	// in its place.
	file os.FileInfo
	// recent is how many of the newest articles a search ranks first
	// (recentArticles; tests make it small).
	recent int64
}

// The database holds residents' chat ids, names and usernames and the
// audit trail: the files the bot creates are for its own user only.
const (
	fileMode = 0o600 // the database; SQLite gives its WAL and shared-memory files the same mode
	dirMode  = 0o700 // a directory of the database that the bot creates
)

// Open opens (creating if needed) the database at path and applies the
// migrations this binary knows. A database written by a newer binary is
// refused. A new database (and any missing directory above it) is created
// readable by the bot's user only; an existing one keeps its mode.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("open database: empty path")
	}
	if err := createPrivate(path); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	file, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	// Pragmas go in the DSN so that every pooled connection gets them.
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(8)
	db.SetConnMaxIdleTime(0)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	s := &Store{db: db, path: path, file: file, recent: recentArticles}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate database %s: %w", path, err)
	}
	if err := s.fillStoryKeys(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate database %s: %w", path, err)
	}
	return s, nil
}

// createPrivate creates an empty database file with fileMode, and its
// missing directories with dirMode, unless the file exists. SQLite would
// create it with 0644, and its WAL and shared-memory files after it.
func createPrivate(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), dirMode); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, fileMode)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.db.QueryRowContext(ctx, `SELECT 1`).Scan(&one)
}

// SchemaVersion returns the highest migration applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v)
	return v, err
}

type migration struct {
	version int
	name    string
	sql     string
}

func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration file %q is not named NNNN_name.sql", e.Name())
		}
		body, err := fs.ReadFile(migrations, "migrations/"+e.Name())
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s share version %d", ms[i-1].name, ms[i].name, ms[i].version)
		}
	}
	return ms, nil
}

func (s *Store) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	var tables int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema`).Scan(&tables); err != nil {
		return err
	}
	if tables == 0 {
		// A new database: incremental vacuum costs nothing to turn on now.
		if _, err := s.EnableIncrementalVacuum(ctx); err != nil {
			return err
		}
	}
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
		return err
	}
	applied := map[int]bool{}
	rows, err := s.db.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		applied[v] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	known := ms[len(ms)-1].version
	for v := range applied {
		if v > known {
			return fmt.Errorf("the database schema is version %d, newer than this binary supports (%d): run a newer newsbot or restore a backup", v, known)
		}
	}
	// Each missing migration is applied in its own transaction, in order.
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		if err := s.inTx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("apply %s: %w", m.name, err)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, time.Now().Unix())
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}

// querier and execer are what both *sql.DB and *sql.Tx offer, for the
// helpers that run inside or outside a transaction.
type (
	querier interface {
		QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	}
	execer interface {
		ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	}
	rowQuerier interface {
		QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	}
)

// inTx runs fn in one immediate transaction and commits it when fn returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// Backup writes a consistent copy of the database to dest (which must not
// exist yet) while the bot keeps running. The copy is readable by the
// bot's user only, like the database.
func (s *Store) Backup(ctx context.Context, dest string) error {
	// VACUUM INTO fills an empty file: create it first, with its mode.
	f, err := os.OpenFile(dest, os.O_RDWR|os.O_CREATE|os.O_EXCL, fileMode)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("backup: %s already exists; choose a new file name", dest)
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		os.Remove(dest) // the empty file, so that the same name can be tried again
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	return nil
}

// State returns the value stored under key, or ErrNotFound.
func (s *Store) State(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM bot_state WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", subscriptions.ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("read state %s: %w", key, err)
	}
	return v, nil
}

// SetState stores value under key.
func (s *Store) SetState(ctx context.Context, key, value string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO bot_state (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("write state %s: %w", key, err)
	}
	return nil
}

const stateUpdateOffset = "update_offset"

// UpdateOffset returns the offset to ask Telegram for: one past the last
// handled update, or 0 when none was handled yet.
func (s *Store) UpdateOffset(ctx context.Context) (int, error) {
	v, err := s.State(ctx, stateUpdateOffset)
	if errors.Is(err, subscriptions.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("read update offset: bad value %q", v)
	}
	return n, nil
}

// SetUpdateOffset records that every update below offset has been handled.
func (s *Store) SetUpdateOffset(ctx context.Context, offset int) error {
	return s.SetState(ctx, stateUpdateOffset, strconv.Itoa(offset))
}

const stateHandledUpdates = "handled_updates"

// HandledUpdates returns the updates recorded as handled at or above the
// offset (updates of other chats handled while an older one was not), so
// that a restart does not handle them again. Ids below the offset may be
// among them: they mean nothing.
func (s *Store) HandledUpdates(ctx context.Context) ([]int, error) {
	v, err := s.State(ctx, stateHandledUpdates)
	if errors.Is(err, subscriptions.ErrNotFound) || err == nil && v == "" {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var ids []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("read handled updates: bad value %q", v)
		}
		ids = append(ids, n)
	}
	return ids, nil
}

// SetHandledUpdates records the updates handled at or above the offset.
func (s *Store) SetHandledUpdates(ctx context.Context, ids []int) error {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.Itoa(id)
	}
	return s.SetState(ctx, stateHandledUpdates, strings.Join(parts, ","))
}

func unix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func fromUnix(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(v, 0).UTC()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// queryStrings runs a query of one text column and returns its values.
func queryStrings(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]string, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
