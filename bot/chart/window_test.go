package chart

import (
	"fmt"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Minsk and Europe/Berlin without depending on the host

	"github.com/osipovichi/newsbot/internal/golden"
)

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// month returns Days snapshots ending on end, with figures that vary
// from day to day, minus the days in skip (days back from end).
func month(end time.Time, skip ...int) []Snapshot {
	var out []Snapshot
	active := 1180
next:
	for back := Days - 1; back >= 0; back-- {
		for _, s := range skip {
			if s == back {
				continue next
			}
		}
		i := Days - 1 - back
		n, l := (i*7)%13, (i*5)%4
		active += n - l
		out = append(out, Snapshot{Date: end.AddDate(0, 0, -back), Active: active, New: n, Lost: l, Deliveries: 3000 + (i*977)%2500})
	}
	return out
}

// describe writes a window and the scales it is drawn on as they are kept
// in a golden file.
func describe(w Window) string {
	var b strings.Builder
	for _, d := range w {
		fmt.Fprintf(&b, "%s  ", d.Date.Format("2006-01-02 Mon 15:04 -0700"))
		if !d.Known {
			b.WriteString("no data\n")
			continue
		}
		fmt.Fprintf(&b, "active %d  new %d  lost %d  deliveries %d\n", d.Active, d.New, d.Lost, d.Deliveries)
	}
	fmt.Fprintf(&b, "known days: %d\n", w.Known())
	active, flow, deliveries := scales(w)
	for _, s := range []struct {
		name  string
		scale scale
	}{{"active", active}, {"new up, lost down", flow}, {"deliveries", deliveries}} {
		fmt.Fprintf(&b, "scale %s: %g..%g, ticks", s.name, s.scale.min, s.scale.max)
		for _, t := range s.scale.ticks {
			fmt.Fprintf(&b, " %g=%q", t.value, t.label)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// shapes are the kinds of data the chart must draw well, ending on end.
func shapes(end time.Time) []struct {
	name      string
	snapshots []Snapshot
} {
	var zeros, large []Snapshot
	for back := range Days {
		zeros = append(zeros, Snapshot{Date: end.AddDate(0, 0, -back)})
		large = append(large, Snapshot{Date: end.AddDate(0, 0, -back),
			Active: 1_234_000_000 + back*3_000_000, New: 2_500_000 - back*1000, Lost: 1, Deliveries: 1<<50 - back<<40})
	}
	return []struct {
		name      string
		snapshots []Snapshot
	}{
		{"full", month(end)},
		{"gaps", month(end, 3, 9, 10, 22)},
		{"fewer_days", month(end)[20:]},
		{"single_day", []Snapshot{{Date: end, Active: 12, New: 12, Deliveries: 40}}},
		{"no_data", nil},
		{"all_zeros", zeros},
		{"large_numbers", large},
	}
}

func TestPrepareGolden(t *testing.T) {
	minsk := zone(t, "Europe/Minsk")
	end := time.Date(2025, 3, 14, 15, 30, 0, 0, minsk)
	live := Snapshot{Date: end, Active: 9999, New: 1, Lost: 2, Deliveries: 3}
	berlin := zone(t, "Europe/Berlin")
	dstEnd := time.Date(2025, 4, 10, 12, 0, 0, 0, berlin)

	type testCase struct {
		name      string
		snapshots []Snapshot
		end       time.Time
		loc       *time.Location
	}
	var cases []testCase
	for _, s := range shapes(end) {
		cases = append(cases, testCase{s.name, s.snapshots, end, minsk})
	}
	for _, tc := range append(cases, []testCase{
		// Stored snapshots, then today's live figures, which win; days
		// outside the window (31 days back, tomorrow) are left out.
		{"live_today_and_outside", append(append(month(end),
			Snapshot{Date: end.AddDate(0, 0, -Days), Active: 1, New: 1, Lost: 1, Deliveries: 1},
			Snapshot{Date: end.AddDate(0, 0, 1), Active: 2, New: 2, Lost: 2, Deliveries: 2}), live), end, minsk},
		// Instants are read in the window's zone: from 21:00 UTC it is the
		// next day in Minsk.
		{"utc_instants", []Snapshot{
			{Date: time.Date(2025, 3, 12, 22, 30, 0, 0, time.UTC), Active: 5, New: 5},
			{Date: time.Date(2025, 3, 13, 20, 59, 0, 0, time.UTC), Active: 4, New: 4},
			{Date: time.Date(2025, 3, 13, 21, 0, 0, 0, time.UTC), Active: 3, New: 3},
		}, end, minsk},
		// A window across the spring clock change has 30 midnights, one a day.
		{"dst_change", month(dstEnd), dstEnd, berlin},
	}...) {
		t.Run(tc.name, func(t *testing.T) {
			w, err := Prepare(tc.snapshots, tc.end, tc.loc)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, "window_"+tc.name, describe(w))
		})
	}
}

func TestPrepareRejectsNegativeFigures(t *testing.T) {
	minsk := zone(t, "Europe/Minsk")
	end := time.Date(2025, 3, 14, 12, 0, 0, 0, minsk)
	for _, s := range []Snapshot{
		{Date: end, Active: -1},
		{Date: end, New: -1},
		{Date: end, Lost: -1},
		{Date: end, Deliveries: -1},
	} {
		_, err := Prepare([]Snapshot{s}, end, minsk)
		if err == nil || !strings.Contains(err.Error(), "2025-03-14") || !strings.Contains(err.Error(), "negative") {
			t.Errorf("Prepare(%+v): got error %v, want one naming the day and the negative figure", s, err)
		}
	}
	// Outside the window nothing is read, so nothing is wrong.
	if _, err := Prepare([]Snapshot{{Date: end.AddDate(0, -2, 0), Active: -1}}, end, minsk); err != nil {
		t.Errorf("a negative figure outside the window: got %v, want no error", err)
	}
}
