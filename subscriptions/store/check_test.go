package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestCheckFindsTheFileGoneOrReadOnly(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "newsbot.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	subscribe(t, s, 1)
	if err := s.Check(ctx, t0); err != nil {
		t.Fatalf("Check of a healthy database = %v, want nil", err)
	}
	if v, err := s.State(ctx, stateWriteProbe); err != nil || v == "" {
		t.Errorf("the write probe left %q, %v; want the time of the check", v, err)
	}

	if os.Geteuid() != 0 { // access(2) lets root write whatever the mode
		if err := os.Chmod(path, 0o400); err != nil {
			t.Fatal(err)
		}
		if err := s.Check(ctx, t0); !errors.Is(err, ErrReadOnly) {
			t.Errorf("Check of a read-only file = %v, want ErrReadOnly", err)
		}
		if err := os.Chmod(path, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := s.Check(ctx, t0); err != nil {
			t.Errorf("Check after chmod 600 = %v, want nil", err)
		}
	}

	// The folder moved away and back: the same file, nothing lost.
	if err := os.Rename(dir, dir+".moved"); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(ctx, t0); !errors.Is(err, ErrFileGone) {
		t.Errorf("Check with the folder moved away = %v, want ErrFileGone", err)
	}
	if err := os.Rename(dir+".moved", dir); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(ctx, t0); err != nil {
		t.Errorf("Check with the folder back = %v, want nil", err)
	}

	// Deleted: what the store has open is saved back at the path.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(ctx, t0); !errors.Is(err, ErrFileGone) {
		t.Errorf("Check of a deleted database = %v, want ErrFileGone", err)
	}
	subscribe(t, s, 2) // written after the deletion
	if saved, err := s.SaveOpenCopy(ctx); err != nil || !saved {
		t.Fatalf("SaveOpenCopy = %t, %v; want true", saved, err)
	}
	if saved, err := s.SaveOpenCopy(ctx); err != nil || saved {
		t.Errorf("SaveOpenCopy over a file = %t, %v; want false (left alone)", saved, err)
	}
	if err := s.Check(ctx, t0); !errors.Is(err, ErrFileGone) {
		t.Errorf("Check with a copy in place = %v, want ErrFileGone (another file)", err)
	}
	copy, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer copy.Close()
	if n, err := copy.CountSubscribers(ctx); err != nil || n != 2 {
		t.Errorf("subscribers in the saved copy = %d, %v; want 2", n, err)
	}
	for _, p := range []string{dir, path} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]os.FileMode{dir: dirMode, path: fileMode}[p]; fi.Mode().Perm() != want {
			t.Errorf("%s: mode %o, want %o", p, fi.Mode().Perm(), want)
		}
	}
}
