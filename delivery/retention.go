package delivery

import (
	"context"
	"log/slog"
	"time"
)

// retentionStore is what retention needs from the store.
type retentionStore interface {
	PruneDeliveries(ctx context.Context, before time.Time, limit int) (int, error)
	ReclaimSpace(ctx context.Context, pages int) (free int, err error)
}

const (
	// pruneEvery is how often retention runs (and once at the start).
	pruneEvery = time.Hour
	// pruneBatch bounds the rows of one transaction: the outbox's own
	// writes wait at most one short batch.
	pruneBatch = 250
	// reclaimPages bounds the pages one step of incremental vacuum gives
	// back (1 MB): a step holds the database like a batch.
	reclaimPages = 256
	// pruneYield is the pause between batches and steps, in which the
	// outbox's writes go first.
	pruneYield = 20 * time.Millisecond
)

// retention deletes the settled deliveries (and digest items) older than
// keep, in small batches, then gives the pages they took back to the file
// system, so that the database does not grow with every fan-out.
type retention struct {
	store   retentionStore
	keep    time.Duration
	log     *slog.Logger
	metrics *metrics
	now     func() time.Time
}

// run prunes at once and then every pruneEvery until ctx is done.
func (r *retention) run(ctx context.Context) error {
	t := time.NewTicker(pruneEvery)
	defer t.Stop()
	for {
		r.prune(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// prune deletes what is older than keep and reclaims the space; it returns
// how many rows it deleted.
func (r *retention) prune(ctx context.Context) int {
	before := r.now().Add(-r.keep)
	start := time.Now()
	deleted := 0
	for {
		n, err := r.store.PruneDeliveries(ctx, before, pruneBatch)
		if err != nil {
			if ctx.Err() == nil {
				r.log.Error("retention: delete old deliveries", "error", err)
			}
			return deleted
		}
		deleted += n
		r.metrics.pruned.Add(float64(n))
		if n == 0 || sleep(ctx, pruneYield) != nil {
			break
		}
	}
	free := 0
	for ctx.Err() == nil {
		var err error
		if free, err = r.store.ReclaimSpace(ctx, reclaimPages); err != nil {
			if ctx.Err() == nil {
				r.log.Warn("retention: give free pages back", "error", err)
			}
			break
		}
		if free == 0 || sleep(ctx, pruneYield) != nil {
			break
		}
	}
	if deleted > 0 {
		r.log.Info("retention: deleted old deliveries", "rows", deleted, "older_than", before.UTC(),
			"free_pages", free, "took", time.Since(start).Round(time.Millisecond))
	}
	return deleted
}
