package bot

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// maxAhead is how far ahead a notice may be scheduled.
const maxAhead = 366 * 24 * time.Hour

// whenProblem says what is wrong with a time an admin typed.
type whenProblem int

const (
	whenUnreadable whenProblem = iota
	whenNoTime                 // a day without a time of day
	whenHour                   // value is not an hour
	whenMinute                 // value is not a minute (or a second)
	whenMonth                  // value is not a month
	whenDay                    // day, month, year is no date (31 February)
	whenPast                   // at has passed
	whenTodayPast              // a time of day that has passed today (at)
	whenFar                    // at is more than maxAhead away
)

// whenError is a time that cannot be a schedule, with what the answer needs.
type whenError struct {
	problem          whenProblem
	value            int
	day, month, year int
	at               time.Time
}

func (e *whenError) Error() string { return "unusable time: problem " + strconv.Itoa(int(e.problem)) }

// Words of the day and of relative times, in Russian, Belarusian and English.
var (
	whenToday    = []string{"сегодня", "сёння", "today"}
	whenTomorrow = []string{"завтра", "заўтра", "заутра", "tomorrow"}
	whenAfter    = []string{"послезавтра", "паслязаўтра", "паслязаутра"}
	whenIn       = []string{"через", "праз", "in"}
	// Words that only glue the rest: "в 18:00", "а 9:00", "at 6pm", "on 31.12".
	whenGlue = []string{"в", "во", "у", "ў", "а", "на", "at", "on", "the", "г", "года", "году", "годзе"}
	// Month names by their first letters (genitive or nominative).
	whenMonths = [][]string{
		{"янв", "сту", "jan"}, {"фев", "лют", "feb"}, {"мар", "сак", "mar"}, {"апр", "кра", "apr"},
		{"мая", "май", "мае", "may"}, {"июн", "чэр", "jun"}, {"июл", "ліп", "jul"}, {"авг", "жні", "aug"},
		{"сен", "вер", "sep"}, {"окт", "кас", "oct"}, {"ноя", "ліс", "nov"}, {"дек", "сне", "dec"},
	}
	whenMinutes = []string{"мин", "хв", "min"}
	whenHours   = []string{"час", "гадз", "hour", "h"}
)

// parseWhen reads a moment typed by an admin, in the zone of now: a time
// of day ("18:00", "9am", "6:30 pm"), with a day ("завтра 9:00", "заўтра
// а 9:00", "tomorrow 9am", "послезавтра 10:00") or a date ("31.12 18:00",
// "31.12.2026 18:00", "2026-12-31 18:00", "31 декабря 18:00", "December 31
// 6pm"), or a delay ("через 30 минут", "праз 2 гадзіны", "in 1 hour").
// The moment must be after now and at most maxAhead away.
func parseWhen(s string, now time.Time) (time.Time, *whenError) {
	words := whenWords(s)
	if len(words) == 0 {
		return time.Time{}, &whenError{problem: whenUnreadable}
	}
	if at, ok := relativeWhen(words, now); ok {
		return checkWhen(at, now, false)
	}
	var (
		dayOffset             = -1 // today 0, tomorrow 1…; -1 when not said
		day, month, year      int
		hour, minute, second  = -1, 0, 0
		pm, am                bool
		dateSeen, monthByName bool
	)
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "":
		case slices.Contains(whenGlue, w):
		case slices.Contains(whenToday, w):
			dayOffset = 0
		case slices.Contains(whenTomorrow, w):
			dayOffset = 1
		case slices.Contains(whenAfter, w) || w == "day" && i+2 < len(words) && words[i+1] == "after" && slices.Contains(whenTomorrow, words[i+2]):
			if w == "day" {
				i += 2
			}
			dayOffset = 2
		case w == "am" || w == "pm" || w == "a.m" || w == "p.m":
			am, pm = w[0] == 'a', w[0] == 'p'
		case strings.Count(w, "-") == 2 && !dateSeen: // 2026-12-31, 2026-12-31t18:00
			date, rest, _ := strings.Cut(w, "t")
			p := strings.Split(date, "-")
			if len(p) != 3 {
				return time.Time{}, &whenError{problem: whenUnreadable}
			}
			var ok bool
			if year, ok = number(p[0]); !ok || len(p[0]) != 4 {
				return time.Time{}, &whenError{problem: whenUnreadable}
			}
			if month, ok = number(p[1]); !ok {
				return time.Time{}, &whenError{problem: whenUnreadable}
			}
			if day, ok = number(p[2]); !ok {
				return time.Time{}, &whenError{problem: whenUnreadable}
			}
			dateSeen = true
			if rest != "" {
				var err *whenError
				if hour, minute, second, err = timeOfDay(rest); err != nil {
					return time.Time{}, err
				}
			}
		case strings.HasSuffix(w, "am") || strings.HasSuffix(w, "pm"):
			h, m, sec, err := timeOfDay(strings.TrimSuffix(strings.TrimSuffix(w, "am"), "pm"))
			if err != nil || hour >= 0 {
				return time.Time{}, orUnreadable(err)
			}
			hour, minute, second = h, m, sec
			am, pm = strings.HasSuffix(w, "am"), strings.HasSuffix(w, "pm")
		case strings.Contains(w, ":") && hour < 0:
			var err *whenError
			if hour, minute, second, err = timeOfDay(w); err != nil {
				return time.Time{}, err
			}
		case isDotTime(w) && hour < 0: // 18.00, 9.30
			hour, minute, second, _ = timeOfDay(strings.Replace(w, ".", ":", 1))
		case strings.Contains(w, ".") && !dateSeen: // 31.12, 31.12.2026, 31.12.26
			p := strings.Split(w, ".")
			if len(p) > 3 {
				return time.Time{}, &whenError{problem: whenUnreadable}
			}
			var ok bool
			if day, ok = number(p[0]); !ok {
				return time.Time{}, &whenError{problem: whenUnreadable}
			}
			if month, ok = number(p[1]); !ok {
				return time.Time{}, &whenError{problem: whenUnreadable}
			}
			if len(p) == 3 {
				if year, ok = number(p[2]); !ok || len(p[2]) != 2 && len(p[2]) != 4 {
					return time.Time{}, &whenError{problem: whenUnreadable}
				}
				if year < 100 {
					year += 2000
				}
			}
			dateSeen = true
		case monthName(w) > 0 && !monthByName:
			month, monthByName = monthName(w), true
		default:
			n, ok := number(w)
			switch {
			case !ok:
				return time.Time{}, &whenError{problem: whenUnreadable}
			case monthByName && day == 0 && n >= 1 && n <= 31 || !monthByName && i+1 < len(words) && monthName(words[i+1]) > 0:
				day = n // "31 декабря", "December 31"
			case monthByName && day > 0 && year == 0 && n >= 1000:
				year = n
			case hour < 0:
				hour = n // "завтра 9", "в 18"
			default:
				return time.Time{}, &whenError{problem: whenUnreadable}
			}
		}
	}
	if monthByName {
		if day == 0 {
			return time.Time{}, &whenError{problem: whenUnreadable}
		}
		dateSeen = true
	}
	if dateSeen && dayOffset >= 0 {
		return time.Time{}, &whenError{problem: whenUnreadable} // "завтра 31.12": which one?
	}
	if hour < 0 {
		if dateSeen || dayOffset >= 0 {
			return time.Time{}, &whenError{problem: whenNoTime}
		}
		return time.Time{}, &whenError{problem: whenUnreadable}
	}
	switch {
	case (am || pm) && (hour < 1 || hour > 12):
		return time.Time{}, &whenError{problem: whenHour, value: hour}
	case pm && hour < 12:
		hour += 12
	case am && hour == 12:
		hour = 0
	}
	if hour > 23 {
		return time.Time{}, &whenError{problem: whenHour, value: hour}
	}
	if !dateSeen {
		d := now.AddDate(0, 0, max(dayOffset, 0))
		at := time.Date(d.Year(), d.Month(), d.Day(), hour, minute, second, 0, now.Location())
		return checkWhen(at, now, dayOffset < 0)
	}
	if month < 1 || month > 12 {
		return time.Time{}, &whenError{problem: whenMonth, value: month}
	}
	if year == 0 {
		year = now.Year()
	}
	at := time.Date(year, time.Month(month), day, hour, minute, second, 0, now.Location())
	if day < 1 || at.Day() != day || int(at.Month()) != month {
		return time.Time{}, &whenError{problem: whenDay, day: day, month: month, year: year}
	}
	return checkWhen(at, now, false)
}

// checkWhen keeps at when it is ahead of now and not too far; today says
// it was a bare time of day.
func checkWhen(at, now time.Time, today bool) (time.Time, *whenError) {
	switch {
	case !at.After(now) && today:
		return time.Time{}, &whenError{problem: whenTodayPast, at: at}
	case !at.After(now):
		return time.Time{}, &whenError{problem: whenPast, at: at}
	case at.Sub(now) > maxAhead:
		return time.Time{}, &whenError{problem: whenFar, at: at}
	}
	return at, nil
}

// relativeWhen reads "через 30 минут", "праз 2 гадзіны", "in 1 hour",
// "через час", "in an hour".
func relativeWhen(words []string, now time.Time) (time.Time, bool) {
	if len(words) < 2 || !slices.Contains(whenIn, words[0]) {
		return time.Time{}, false
	}
	n, unit := 1, words[1]
	if v, ok := number(words[1]); ok && len(words) == 3 {
		n, unit = v, words[2]
	} else if (words[1] == "an" || words[1] == "a") && len(words) == 3 {
		unit = words[2]
	} else if len(words) != 2 {
		return time.Time{}, false
	}
	switch {
	case hasPrefix(unit, whenMinutes):
		return now.Add(time.Duration(n) * time.Minute), true
	case hasPrefix(unit, whenHours):
		return now.Add(time.Duration(n) * time.Hour), true
	}
	return time.Time{}, false
}

// timeOfDay reads "18:00", "9:30", "18:00:30", "9".
func timeOfDay(s string) (hour, minute, second int, err *whenError) {
	p := strings.Split(s, ":")
	if len(p) > 3 {
		return 0, 0, 0, &whenError{problem: whenUnreadable}
	}
	v := []int{0, 0, 0}
	for i, f := range p {
		n, ok := number(f)
		if !ok || i > 0 && len(f) != 2 {
			return 0, 0, 0, &whenError{problem: whenUnreadable}
		}
		v[i] = n
	}
	switch {
	case v[0] > 23:
		return 0, 0, 0, &whenError{problem: whenHour, value: v[0]}
	case v[1] > 59:
		return 0, 0, 0, &whenError{problem: whenMinute, value: v[1]}
	case v[2] > 59:
		return 0, 0, 0, &whenError{problem: whenMinute, value: v[2]}
	}
	return v[0], v[1], v[2], nil
}

// whenWords lowercases s and splits it into words: spaces, commas and a
// final full stop separate them; "9 am" stays two words, "9am" one.
func whenWords(s string) []string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimRight(s, ".!")
	return strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == ',' || r == ';' })
}

// number reads a short run of ASCII digits.
func number(s string) (int, bool) {
	if s == "" || len(s) > 4 {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// monthName is the month a word names (1–12), or 0.
func monthName(w string) int {
	if len([]rune(w)) < 3 {
		return 0
	}
	for i, prefixes := range whenMonths {
		if hasPrefix(w, prefixes) {
			return i + 1
		}
	}
	return 0
}

// isDotTime reports whether w is a time of day written with a full stop
// ("18.00", "9.30"): what follows the stop cannot be a month.
func isDotTime(w string) bool {
	h, m, ok := strings.Cut(w, ".")
	hv, hok := number(h)
	mv, mok := number(m)
	return ok && hok && mok && len(m) == 2 && hv <= 23 && mv <= 59 && (mv == 0 || mv > 12)
}

func orUnreadable(err *whenError) *whenError {
	if err != nil {
		return err
	}
	return &whenError{problem: whenUnreadable}
}

func hasPrefix(w string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}
