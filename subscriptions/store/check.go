package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Faults that Check finds in the database file.
var (
	// ErrFileGone: the file was deleted, or another file put in its place,
	// while the store had it open. What is written now goes to a file that
	// is no longer at the path, and is lost at the next start.
	ErrFileGone = errors.New("the database file was deleted or replaced while open")
	// ErrReadOnly: the file (or its file system) no longer takes writes.
	ErrReadOnly = errors.New("the database file is read-only")
	// ErrWriteFailed: a write failed, e.g. on a full disk.
	ErrWriteFailed = errors.New("the database does not take writes")
)

const stateWriteProbe = "write_probe"

// Check tells whether the database still keeps what is written to it: the
// file at the path is the one opened, it is writable, and a small write
// goes through. It returns nil, or an error that wraps ErrFileGone,
// ErrReadOnly or ErrWriteFailed with the reason. It never opens the file
// itself: closing a second descriptor would drop SQLite's locks.
func (s *Store) Check(ctx context.Context, now time.Time) error {
	fi, err := os.Stat(s.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w: %s does not exist", ErrFileGone, s.path)
	case err != nil:
		return fmt.Errorf("%w: %v", ErrFileGone, err)
	case !os.SameFile(fi, s.file):
		return fmt.Errorf("%w: %s is another file now", ErrFileGone, s.path)
	}
	if err := writable(s.path); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrReadOnly, s.path, err)
	}
	if err := s.SetState(ctx, stateWriteProbe, strconv.FormatInt(now.Unix(), 10)); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%w: %v", ErrWriteFailed, err)
	}
	return nil
}

// SaveOpenCopy writes the database as the store has it open to the path it
// was opened from, when nothing is there any more (the file or its
// directory was deleted while the bot ran), so that a restart finds what
// was written since. It reports whether it wrote the copy; a file at the
// path, even another one, is left alone.
func (s *Store) SaveOpenCopy(ctx context.Context) (bool, error) {
	if _, err := os.Stat(s.path); !errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err := os.MkdirAll(filepath.Dir(s.path), dirMode); err != nil {
		return false, fmt.Errorf("save the open database to %s: %w", s.path, err)
	}
	if err := s.Backup(ctx, s.path); err != nil {
		return false, err
	}
	return true, nil
}
