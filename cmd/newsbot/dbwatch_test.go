package main

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"
)

// fakeDB fails Check with err.
type fakeDB struct{ err error }

func (d *fakeDB) Check(context.Context, time.Time) error { return d.err }

// recorder records what the watch did.
type recorder struct{ events []string }

func (r *recorder) HoldOutbox(reason string) { r.events = append(r.events, "hold: "+reason) }
func (r *recorder) ResumeOutbox()            { r.events = append(r.events, "resume") }
func (r *recorder) DatabaseDown(_ context.Context, why string) {
	r.events = append(r.events, "alert: "+why)
}
func (r *recorder) DatabaseRecovered(context.Context) { r.events = append(r.events, "recovered") }

// A fault holds the outbox and alerts once, however long it lasts; its
// end resumes and says so once.
func TestDatabaseWatch(t *testing.T) {
	db, rec := &fakeDB{}, &recorder{}
	w := &dbWatch{store: db, outbox: rec, alerter: rec, log: slog.New(slog.DiscardHandler), every: time.Second}
	ctx := context.Background()
	w.check(ctx)
	if len(rec.events) != 0 {
		t.Fatalf("a healthy database: %v, want nothing done", rec.events)
	}
	db.err = errors.New("the database file is read-only")
	w.check(ctx)
	w.check(ctx)
	if fault, since := w.status(); fault != db.err.Error() || since.IsZero() {
		t.Errorf("status = %q since %v, want the fault", fault, since)
	}
	db.err = errors.New("the database does not take writes")
	w.check(ctx)
	db.err = nil
	w.check(ctx)
	w.check(ctx)
	want := []string{
		"hold: the database file is read-only", "alert: the database file is read-only",
		"hold: the database file is read-only", "hold: the database does not take writes",
		"resume", "recovered",
	}
	if len(rec.events) != len(want) {
		t.Fatalf("events = %q, want %q", rec.events, want)
	}
	for i := range want {
		if rec.events[i] != want[i] {
			t.Errorf("event %d = %q, want %q", i, rec.events[i], want[i])
		}
	}
	if fault, _ := w.status(); fault != "" {
		t.Errorf("status after recovery = %q, want none", fault)
	}
}
