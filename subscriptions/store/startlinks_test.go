package store

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

func TestStartLinks(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for id := int64(1); id <= 4; id++ {
		subscribe(t, s, id)
	}
	old := t0.Add(-40 * 24 * time.Hour)
	for _, r := range []struct {
		payload    string
		chat       int64
		subscribed bool
		at         time.Time
	}{
		{"subscribe-poster1", 1, true, t0},
		{"subscribe-poster1", 2, true, t0},
		{"subscribe-poster1", 3, false, t0},
		{"subscribe-poster1", 1, false, t0.Add(time.Hour)}, // again: counted once, as it first came
		{"subscribe", 4, true, t0},
		{"subscribe-poster2", 4, true, old}, // before the period
		{"subscribe-poster2", 4, false, t0}, // again, within it: still its first visit, long ago
	} {
		if err := s.RecordStartLink(ctx, r.payload, r.chat, r.subscribed, r.at); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.StartLinkCounts(ctx, t0.Add(-30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := []subscriptions.StartLinkCount{{Payload: "subscribe-poster1", Chats: 3, Subscribed: 2}, {Payload: "subscribe", Chats: 1, Subscribed: 1}}
	if !slices.Equal(got, want) {
		t.Errorf("StartLinkCounts = %+v, want %+v", got, want)
	}
	if got, _ := s.StartLinkCounts(ctx, t0.Add(time.Minute)); len(got) != 0 {
		t.Errorf("counts after the visits = %+v, want none", got)
	}
}
