// Package chart draws the admins' statistics chart: subscribers and
// deliveries over the last 30 days, as a PNG that Telegram accepts as a photo.
//
// It is two steps. Prepare is pure: it takes the daily snapshots the store
// keeps and lays them on a 30-day window in the bot's time zone, marking the
// days without a snapshot. Render draws a Window in pure Go (go-chart on
// freetype, with the embedded Go fonts, which cover Russian and Belarusian),
// with the texts the caller takes from bot/i18n in the admin's language: the
// package holds no user-facing text.
//
// It will be wired as follows: the bot keeps one snapshot per day in the
// database (active subscribers at the end of the day, subscriptions, losses
// and deliveries of that day); /stats reads the last 30 of them, appends
// today's figures so far, and sends Render's PNG as a photo after its text.
package chart

import (
	"fmt"
	"time"
)

// Days is the length of the window the chart shows.
const Days = 30

// Snapshot is one day's figures as the store keeps them.
type Snapshot struct {
	// Date is any instant of the day the figures are for; its calendar
	// date is read in the window's time zone.
	Date time.Time
	// Active is the number of subscribed chats at the end of the day (or
	// now, for today).
	Active int
	// New and Lost count the chats that subscribed and that left
	// (unsubscribed or blocked the bot) during the day.
	New, Lost int
	// Deliveries counts the messages delivered during the day.
	Deliveries int
}

// Day is one day of a Window.
type Day struct {
	// Snapshot holds the day's figures; its Date is midnight in the
	// window's zone, and the figures are zero when Known is false.
	Snapshot
	// Known reports whether a snapshot was kept for the day. Days without
	// one are drawn as gaps, never as zeros: a missing snapshot (the bot was
	// down at midnight) says nothing about the subscribers.
	Known bool
}

// Window is Days consecutive days, oldest first.
type Window [Days]Day

// Prepare lays snapshots on the Days calendar days that end with the day of
// end, in loc. Snapshots outside the window are ignored; when two fall on
// the same day, the later one in the slice wins, so a caller can append
// today's live figures after the stored snapshots. A negative figure is an
// error: it can only come from a broken store.
func Prepare(snapshots []Snapshot, end time.Time, loc *time.Location) (Window, error) {
	var w Window
	y, m, d := end.In(loc).Date()
	index := make(map[civilDate]int, Days)
	for i := range w {
		date := time.Date(y, m, d-(Days-1-i), 0, 0, 0, 0, loc)
		w[i].Date = date
		index[civilDateOf(date)] = i
	}
	for _, s := range snapshots {
		i, ok := index[civilDateOf(s.Date.In(loc))]
		if !ok {
			continue
		}
		if s.Active < 0 || s.New < 0 || s.Lost < 0 || s.Deliveries < 0 {
			return Window{}, fmt.Errorf("snapshot of %s: negative figure (active %d, new %d, lost %d, deliveries %d)",
				w[i].Date.Format(time.DateOnly), s.Active, s.New, s.Lost, s.Deliveries)
		}
		s.Date = w[i].Date
		w[i] = Day{Snapshot: s, Known: true}
	}
	return w, nil
}

// Known returns the number of days with a snapshot; a caller may skip the
// chart when it is zero.
func (w *Window) Known() int {
	n := 0
	for _, d := range w {
		if d.Known {
			n++
		}
	}
	return n
}

// civilDate is a calendar date, the key that matches a snapshot to its day.
type civilDate struct {
	year  int
	month time.Month
	day   int
}

func civilDateOf(t time.Time) civilDate {
	y, m, d := t.Date()
	return civilDate{y, m, d}
}
