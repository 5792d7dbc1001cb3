package main

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// dbCheckEvery is how often the database file is checked (its identity,
// its mode, a small write).
const dbCheckEvery = 5 * time.Second

// Interfaces of what the database watch uses.
type (
	dbChecker interface {
		Check(ctx context.Context, now time.Time) error
	}
	outboxHolder interface {
		HoldOutbox(reason string)
		ResumeOutbox()
	}
	dbAlerter interface {
		DatabaseDown(ctx context.Context, reason string)
		DatabaseRecovered(ctx context.Context)
	}
)

// dbWatch notices a database that no longer keeps what the bot writes: the
// file deleted or replaced while open, made read-only, or refusing writes
// (a full disk). Until the fault clears it holds the outbox (messages sent
// now could not be recorded, or would be recorded where a restart will not
// find them), /healthz fails with the reason, and the admins are told once,
// then once more when it clears.
type dbWatch struct {
	store   dbChecker
	outbox  outboxHolder
	alerter dbAlerter
	log     *slog.Logger
	every   time.Duration

	mu    sync.Mutex
	fault string // empty while the database is fine
	since time.Time
}

// run checks the database every w.every until ctx is done.
func (w *dbWatch) run(ctx context.Context) error {
	t := time.NewTicker(w.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			w.check(ctx)
		}
	}
}

// check checks the database once and acts on a change.
func (w *dbWatch) check(ctx context.Context) {
	cctx, cancel := context.WithTimeout(ctx, 2*w.every)
	defer cancel()
	err := w.store.Check(cctx, time.Now())
	if ctx.Err() != nil {
		return
	}
	w.mu.Lock()
	was := w.fault
	switch {
	case err != nil && was == "":
		w.fault, w.since = err.Error(), time.Now()
	case err != nil:
		w.fault = err.Error()
	default:
		w.fault = ""
	}
	since := w.since
	w.mu.Unlock()
	switch {
	case err != nil && was == "":
		w.log.Error("the database does not keep what the bot writes: deliveries paused", "error", err)
		w.outbox.HoldOutbox(err.Error())
		w.alerter.DatabaseDown(ctx, err.Error())
	case err != nil:
		w.outbox.HoldOutbox(err.Error()) // the reason may have changed
	case was != "":
		w.log.Info("the database takes writes again: deliveries resumed", "was", was,
			"down_for", time.Since(since).Round(time.Second))
		w.outbox.ResumeOutbox()
		w.alerter.DatabaseRecovered(ctx)
	}
}

// status is the current fault, if any, and since when.
func (w *dbWatch) status() (fault string, since time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.fault, w.since
}
