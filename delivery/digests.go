package delivery

import (
	"context"
	"log/slog"
	"time"
)

// digestCheck is how often the engine looks for digests whose hour has come.
const digestCheck = time.Minute

// digestStore is what the digest scheduler needs from the store.
type digestStore interface {
	CreateDueDigests(ctx context.Context, now time.Time, loc *time.Location) (int, error)
}

// digests creates the daily digest deliveries when their hour comes (in the
// configured time zone) and wakes the outbox for them.
type digests struct {
	store  digestStore
	outbox *outbox
	log    *slog.Logger
	now    func() time.Time
	loc    *time.Location
}

// run creates the digests due, every digestCheck, until ctx is done.
func (d *digests) run(ctx context.Context) error {
	t := time.NewTicker(digestCheck)
	defer t.Stop()
	for {
		d.create(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// create creates the digests due now and wakes the outbox for them.
func (d *digests) create(ctx context.Context) {
	n, err := d.store.CreateDueDigests(ctx, d.now(), d.loc)
	if err != nil {
		if ctx.Err() == nil {
			d.log.Error("create digests", "error", err)
		}
		return
	}
	if n > 0 {
		d.log.Info("digests due", "count", n)
		d.outbox.notify()
	}
}
