package feed

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// DefaultTimezone is the time zone of the district: the default of
// NEWSBOT_TIMEZONE (dates shown, quiet hours, digests) and of listing dates.
const DefaultTimezone = "Europe/Minsk"

// DefaultLocation is DefaultTimezone, or UTC+3 if the zone database is
// missing: the zone where none is configured.
func DefaultLocation() *time.Location {
	if loc, err := time.LoadLocation(DefaultTimezone); err == nil {
		return loc
	}
	return minsk
}

// listingMonths maps the first letters of month names, in Russian (nominative,
// genitive, abbreviated), Belarusian (Cyrillic і or a Latin i) and English,
// to month numbers.
var listingMonths = []struct {
	prefix string
	month  time.Month
}{
	{"янв", 1}, {"фев", 2}, {"мар", 3}, {"апр", 4}, {"май", 5}, {"мая", 5}, {"июн", 6}, {"июл", 7},
	{"авг", 8}, {"сен", 9}, {"окт", 10}, {"ноя", 11}, {"дек", 12},
	{"сту", 1}, {"лют", 2}, {"сак", 3}, {"кра", 4}, {"тра", 5}, {"чэр", 6}, {"ліп", 7}, {"лiп", 7},
	{"жні", 8}, {"жнi", 8}, {"вер", 9}, {"кас", 10}, {"ліс", 11}, {"лiс", 11}, {"сне", 12},
	{"jan", 1}, {"feb", 2}, {"mar", 3}, {"apr", 4}, {"may", 5}, {"jun", 6}, {"jul", 7},
	{"aug", 8}, {"sep", 9}, {"oct", 10}, {"nov", 11}, {"dec", 12},
}

// listingMonth reads a month name ("марта", "сакавіка", "March", "Mar.").
func listingMonth(word string) (time.Month, bool) {
	w := strings.ToLower(strings.TrimRight(word, "."))
	if len([]rune(w)) < 3 {
		return 0, false
	}
	for _, m := range listingMonths {
		if strings.HasPrefix(w, m.prefix) {
			return m.month, true
		}
	}
	return 0, false
}

// Relative day words: today and yesterday in Russian, Belarusian and English.
var relativeDays = map[string]int{
	"сегодня": 0, "сёння": 0, "сення": 0, "today": 0,
	"вчера": -1, "учора": -1, "ўчора": -1, "yesterday": -1,
}

var (
	reISO       = regexp.MustCompile(`(\d{4})-(\d{1,2})-(\d{1,2})`)
	reNumeric   = regexp.MustCompile(`(?:^|[^\d])(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})(?:[^\d]|$)`)
	reDayMonth  = regexp.MustCompile(`(?:^|[^\p{L}\d])(\d{1,2})\s*(\p{L}{3,}\.?)(?:,?\s*(\d{4}))?`)
	reMonthDay  = regexp.MustCompile(`(?:^|[^\p{L}])(\p{L}{3,}\.?)\s+(\d{1,2})(?:st|nd|rd|th)?,?(?:\s+(\d{4}))?`)
	reClock     = regexp.MustCompile(`(?:^|[^\d:])(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([aApP])\.?[mM]\.?)?(?:[^\d:]|$)`)
	reWords     = regexp.MustCompile(`\p{L}+`)
	reLeadDigit = regexp.MustCompile(`\d`)
)

// ParseListingDate reads the date of a listing item as written on the
// portals' pages: "2 марта 2023", "2 сакавіка 2023 г.", "2 March 2023",
// "March 2, 2023", "02.03.2023", "2023-03-02", each with or without a time
// ("10:15", "в 10:15", ", 10:15", "10:15 02.03.2023"), "Сегодня, 10:15",
// "Сёння", "Yesterday 18:40", and dates without a year ("2 марта", taken in
// the last twelve months). Surrounding words ("Опубликовано:", "| Просмотров: 12")
// are ignored. The date is read in loc (nil: DefaultLocation); now is the
// reference for relative dates. hasTime tells whether a time of day was given.
func ParseListingDate(raw string, loc *time.Location, now time.Time) (t time.Time, hasTime, ok bool) {
	if loc == nil {
		loc = DefaultLocation()
	}
	s := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(raw, ""))
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 200 {
		return time.Time{}, false, false
	}
	// A machine-readable date with its own zone (a <time datetime> attribute).
	if zt, err := time.Parse(time.RFC3339, s); err == nil {
		return zt, true, !zt.Before(earliestDate)
	}
	if zt, ok := parseZoned(s); ok {
		return zt, true, true
	}

	nowLocal := now.In(loc)
	var y, d int
	var m time.Month
	found := false
	lower := strings.ToLower(s)

	if mm := reISO.FindStringSubmatch(s); mm != nil {
		y, _ = strconv.Atoi(mm[1])
		mi, _ := strconv.Atoi(mm[2])
		d, _ = strconv.Atoi(mm[3])
		m, found = time.Month(mi), true
	} else if mm := reNumeric.FindStringSubmatch(s); mm != nil {
		d, _ = strconv.Atoi(mm[1])
		mi, _ := strconv.Atoi(mm[2])
		y, _ = strconv.Atoi(mm[3])
		if len(mm[3]) == 2 {
			y += 2000
		}
		m, found = time.Month(mi), true
	}
	if !found {
		d, m, y, found = wordMonth(reDayMonth, s, 1, 2)
	}
	if !found {
		d, m, y, found = wordMonth(reMonthDay, s, 2, 1)
	}
	if !found {
		for _, w := range reWords.FindAllString(lower, -1) {
			if off, ok := relativeDays[w]; ok {
				day := nowLocal.AddDate(0, 0, off)
				y, m, d = day.Date()
				found = true
				break
			}
		}
	}
	if !found {
		return time.Time{}, false, false
	}

	hh, mi, ss := 0, 0, 0
	if c := reClock.FindStringSubmatch(s); c != nil {
		hh, _ = strconv.Atoi(c[1])
		mi, _ = strconv.Atoi(c[2])
		if c[3] != "" {
			ss, _ = strconv.Atoi(c[3])
		}
		switch strings.ToLower(c[4]) {
		case "p":
			if hh < 12 {
				hh += 12
			}
		case "a":
			if hh == 12 {
				hh = 0
			}
		}
		if hh > 23 || mi > 59 || ss > 59 {
			return time.Time{}, false, false
		}
		hasTime = true
	}

	guessYear := y == 0
	if guessYear {
		y = nowLocal.Year()
	}
	t = time.Date(y, m, d, hh, mi, ss, 0, loc)
	if t.Year() != y || t.Month() != m || t.Day() != d || m < 1 || m > 12 {
		return time.Time{}, false, false // 31 February, month 13
	}
	if guessYear && t.After(nowLocal.AddDate(0, 0, 1)) {
		t = time.Date(y-1, m, d, hh, mi, ss, 0, loc) // "28 декабря" read in January
		if t.Day() != d {
			return time.Time{}, false, false
		}
	}
	if t.Before(earliestDate) {
		return time.Time{}, false, false
	}
	return t, hasTime, true
}

func yearOrZero(s string) int {
	if s == "" {
		return 0
	}
	y, _ := strconv.Atoi(s)
	return y
}

// parseZoned accepts dates that name their zone ("Thu, 02 Mar 2023 10:15:00
// +0300", "2023-03-02 10:15:00 MSK"): the zone written wins over the configured one.
func parseZoned(s string) (time.Time, bool) {
	if !reLeadDigit.MatchString(s) {
		return time.Time{}, false
	}
	n := normaliseDateString(s)
	for _, l := range zonedLayouts {
		if t, err := time.Parse(l, n); err == nil && !t.Before(earliestDate) {
			return t, true
		}
	}
	if t, err := time.Parse(time.RFC1123Z, s); err == nil && !t.Before(earliestDate) {
		return t, true
	}
	return time.Time{}, false
}

// wordMonth finds a date with the month in words ("2 марта 2023",
// "March 2, 2023"): re's groups dayGroup and monthGroup hold the day and the
// month, group 3 the year, if any.
func wordMonth(re *regexp.Regexp, s string, dayGroup, monthGroup int) (d int, m time.Month, y int, ok bool) {
	for _, mm := range re.FindAllStringSubmatch(s, -1) {
		if mon, ok := listingMonth(mm[monthGroup]); ok {
			d, _ = strconv.Atoi(mm[dayGroup])
			return d, mon, yearOrZero(mm[3]), true
		}
	}
	return 0, 0, 0, false
}
