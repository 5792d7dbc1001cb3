package bot

import (
	"context"
	"time"
)

// digestCheck is how often the bot looks for digests whose hour has come.
const digestCheck = time.Minute

// runDigests creates the daily digests when their hour comes, until ctx is done.
func (b *Bot) runDigests(ctx context.Context) error {
	t := time.NewTicker(digestCheck)
	defer t.Stop()
	for {
		b.createDigests(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// createDigests creates the digests due now and wakes the outbox for them.
func (b *Bot) createDigests(ctx context.Context) {
	n, err := b.store.CreateDueDigests(ctx, b.now(), b.loc)
	if err != nil {
		if ctx.Err() == nil {
			b.log.Error("create digests", "error", err)
		}
		return
	}
	if n > 0 {
		b.log.Info("digests due", "count", n)
		b.outbox.notify()
	}
}
