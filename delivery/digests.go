package delivery

import (
	"context"
	"log/slog"
	"time"
)

// digestCheck is how often the engine looks for digests whose time has come.
const digestCheck = time.Minute

// digestStore is what the digest scheduler needs from the store.
type digestStore interface {
	CreateDueDigests(ctx context.Context, now time.Time, loc *time.Location) (int, error)
}

// digests creates the digest deliveries when they fall due (daily and
// weekly ones at their hour in the configured time zone, batches of
// headlines when their interval has passed) and wakes the outbox for them.
// New articles wake it too, so that a batch of headlines that is due goes
// out with them rather than within the minute.
type digests struct {
	store  digestStore
	outbox *outbox
	log    *slog.Logger
	now    func() time.Time
	loc    *time.Location
	wake   chan struct{}
}

func newDigests(store digestStore, o *outbox, log *slog.Logger, now func() time.Time, loc *time.Location) *digests {
	return &digests{store: store, outbox: o, log: log, now: now, loc: loc, wake: make(chan struct{}, 1)}
}

// notify asks for a look at what is due: articles were put aside.
func (d *digests) notify() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// run creates the digests due, every digestCheck and when notified, until ctx is done.
func (d *digests) run(ctx context.Context) error {
	t := time.NewTicker(digestCheck)
	defer t.Stop()
	for {
		d.create(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-d.wake:
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
