package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/osipovichi/newsbot/subscriptions/store"
)

// runBackup writes a consistent copy of the database to dest while the bot may be running.
func runBackup(ctx context.Context, cfg Config, logger *slog.Logger, dest string, stdout io.Writer) error {
	if _, err := os.Stat(cfg.DB); err != nil {
		return fmt.Errorf("backup: cannot read the database %s (NEWSBOT_DB): %w", cfg.DB, err)
	}
	db, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, dest); err != nil {
		return err
	}
	info, err := os.Stat(dest)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "backup of %s written to %s (%d bytes)\n", cfg.DB, dest, info.Size())
	return nil
}
