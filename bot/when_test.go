package bot

import (
	"testing"
	"time"
)

func TestParseWhen(t *testing.T) {
	minsk, err := time.LoadLocation("Europe/Minsk")
	if err != nil {
		t.Fatal(err)
	}
	// Thursday 2 March 2023, 12:00 in Minsk.
	now := time.Date(2023, 3, 2, 12, 0, 0, 0, minsk)
	at := func(y int, m time.Month, d, h, min, s int) time.Time { return time.Date(y, m, d, h, min, s, 0, minsk) }
	for _, tt := range []struct {
		in   string
		want time.Time
	}{
		{"18:00", at(2023, 3, 2, 18, 0, 0)},
		{" 18:00 ", at(2023, 3, 2, 18, 0, 0)},
		{"в 18:00", at(2023, 3, 2, 18, 0, 0)},
		{"18.00", at(2023, 3, 2, 18, 0, 0)},
		{"12:00:30", at(2023, 3, 2, 12, 0, 30)},
		{"сегодня в 21:30", at(2023, 3, 2, 21, 30, 0)},
		{"сёння а 21:30", at(2023, 3, 2, 21, 30, 0)},
		{"today 9pm", at(2023, 3, 2, 21, 0, 0)},
		{"завтра 9:00", at(2023, 3, 3, 9, 0, 0)},
		{"Завтра в 9", at(2023, 3, 3, 9, 0, 0)},
		{"заўтра 9:00", at(2023, 3, 3, 9, 0, 0)},
		{"заўтра а 9:00", at(2023, 3, 3, 9, 0, 0)},
		{"заутра 9:00", at(2023, 3, 3, 9, 0, 0)},
		{"tomorrow 9am", at(2023, 3, 3, 9, 0, 0)},
		{"tomorrow at 9 am", at(2023, 3, 3, 9, 0, 0)},
		{"Tomorrow 12am", at(2023, 3, 3, 0, 0, 0)},
		{"tomorrow 12pm", at(2023, 3, 3, 12, 0, 0)},
		{"tomorrow 6:30 p.m.", at(2023, 3, 3, 18, 30, 0)},
		{"послезавтра 10:00", at(2023, 3, 4, 10, 0, 0)},
		{"паслязаўтра 10:00", at(2023, 3, 4, 10, 0, 0)},
		{"the day after tomorrow 10am", at(2023, 3, 4, 10, 0, 0)},
		{"31.12 18:00", at(2023, 12, 31, 18, 0, 0)},
		{"31.12.2023 18:00", at(2023, 12, 31, 18, 0, 0)},
		{"31.12.23, 18:00", at(2023, 12, 31, 18, 0, 0)},
		{"18:00 31.12", at(2023, 12, 31, 18, 0, 0)},
		{"2023-12-31 18:00", at(2023, 12, 31, 18, 0, 0)},
		{"2023-12-31T18:00", at(2023, 12, 31, 18, 0, 0)},
		{"31 декабря 18:00", at(2023, 12, 31, 18, 0, 0)},
		{"31 декабря в 18:00", at(2023, 12, 31, 18, 0, 0)},
		{"31 снежня а 18:00", at(2023, 12, 31, 18, 0, 0)},
		{"December 31 6pm", at(2023, 12, 31, 18, 0, 0)},
		{"31 dec 2023 18:00", at(2023, 12, 31, 18, 0, 0)},
		{"8 марта 9:00", at(2023, 3, 8, 9, 0, 0)},
		{"29.02.2024 9:00", at(2024, 2, 29, 9, 0, 0)},
		{"через 30 минут", now.Add(30 * time.Minute)},
		{"через час", now.Add(time.Hour)},
		{"праз 2 гадзіны", now.Add(2 * time.Hour)},
		{"in 1 hour", now.Add(time.Hour)},
		{"in an hour", now.Add(time.Hour)},
		{"in 45 min", now.Add(45 * time.Minute)},
	} {
		got, err := parseWhen(tt.in, now)
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("parseWhen(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}

	for _, tt := range []struct {
		in   string
		want whenError
	}{
		{"", whenError{problem: whenUnreadable}},
		{"когда-нибудь", whenError{problem: whenUnreadable}},
		{"завтра утром", whenError{problem: whenUnreadable}},
		{"18:00:00:00", whenError{problem: whenUnreadable}},
		{"9:5", whenError{problem: whenUnreadable}},
		{"завтра 31.12 18:00", whenError{problem: whenUnreadable}},
		{"25:00", whenError{problem: whenHour, value: 25}},
		{"24:00", whenError{problem: whenHour, value: 24}},
		{"завтра в 25", whenError{problem: whenHour, value: 25}},
		{"13pm", whenError{problem: whenHour, value: 13}},
		{"18:60", whenError{problem: whenMinute, value: 60}},
		{"31.13 18:00", whenError{problem: whenMonth, value: 13}},
		{"31.02 18:00", whenError{problem: whenDay, day: 31, month: 2, year: 2023}},
		{"29.02.2023 9:00", whenError{problem: whenDay, day: 29, month: 2, year: 2023}},
		{"31 февраля 9:00", whenError{problem: whenDay, day: 31, month: 2, year: 2023}},
		{"0.12 9:00", whenError{problem: whenDay, day: 0, month: 12, year: 2023}},
		{"завтра", whenError{problem: whenNoTime}},
		{"31.12", whenError{problem: whenNoTime}},
		{"11:00", whenError{problem: whenTodayPast, at: time.Date(2023, 3, 2, 11, 0, 0, 0, minsk)}},
		{"12:00", whenError{problem: whenTodayPast, at: now}},
		{"1.03 9:00", whenError{problem: whenPast, at: time.Date(2023, 3, 1, 9, 0, 0, 0, minsk)}},
		{"2022-12-31 18:00", whenError{problem: whenPast, at: time.Date(2022, 12, 31, 18, 0, 0, 0, minsk)}},
		{"31.12.2030 18:00", whenError{problem: whenFar, at: time.Date(2030, 12, 31, 18, 0, 0, 0, minsk)}},
	} {
		_, err := parseWhen(tt.in, now)
		if err == nil || err.problem != tt.want.problem || err.value != tt.want.value || err.day != tt.want.day ||
			err.month != tt.want.month || err.year != tt.want.year || !err.at.Equal(tt.want.at) {
			t.Errorf("parseWhen(%q) error = %+v, want %+v", tt.in, err, tt.want)
		}
	}
}

func FuzzParseWhen(f *testing.F) {
	for _, s := range []string{"18:00", "завтра 9:00", "tomorrow 9am", "31.12 18:00", "2026-12-31T18:00", "через 2 часа", "31 декабря 18:00"} {
		f.Add(s)
	}
	now := time.Date(2023, 3, 2, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		at, err := parseWhen(s, now)
		if err == nil && (!at.After(now) || at.Sub(now) > maxAhead) {
			t.Fatalf("parseWhen(%q) = %v: not within (now, now+%v]", s, at, maxAhead)
		}
	})
}
