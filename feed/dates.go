package feed

import (
	"strings"
	"time"
	"unicode"

	"github.com/mmcdole/gofeed"
)

// minsk is the zone of dates written without one: Belarus keeps UTC+3 all year.
var minsk = time.FixedZone("+03", 3*3600)

// earliestDate: anything before is a placeholder (0001-01-01, the Unix epoch), not a date.
var earliestDate = time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC)

// zoneOffsets are the zone names met on Russian-language sites, plus the usual ones.
var zoneOffsets = map[string]int{
	"UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0,
	"WEST": 1, "BST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3,
	"MSK": 3, "MSD": 4, "FET": 3, "MINSK": 3,
	"EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
}

// ItemDate is the item's publication date: gofeed's PublishedParsed, else
// UpdatedParsed, else the raw strings parsed with layouts common on Russian
// and Belarusian sites ("02.03.2023 10:15", "2 марта 2023 10:15", zone names
// such as MSK). Dates without a zone are taken as Minsk time. ok is false
// when there is no usable date.
func ItemDate(it *gofeed.Item) (t time.Time, ok bool) {
	for _, c := range []struct {
		raw    string
		parsed *time.Time
	}{{it.Published, it.PublishedParsed}, {it.Updated, it.UpdatedParsed}} {
		// Our layouts first: gofeed reads zone-less dates as UTC and unknown
		// zone names such as MSK as UTC, where these sites mean Minsk or Moscow time.
		if t, ok := ParseDate(c.raw); ok {
			return t, true
		}
		if c.parsed != nil && !c.parsed.Before(earliestDate) {
			return *c.parsed, true
		}
	}
	return time.Time{}, false
}

var monthPrefixes = []struct{ prefix, month string }{
	// Russian, nominative, genitive and abbreviated.
	{"янв", "Jan"}, {"фев", "Feb"}, {"мар", "Mar"}, {"апр", "Apr"}, {"мая", "May"}, {"май", "May"},
	{"июн", "Jun"}, {"июл", "Jul"}, {"авг", "Aug"}, {"сен", "Sep"}, {"окт", "Oct"}, {"ноя", "Nov"}, {"дек", "Dec"},
	// Belarusian.
	{"сту", "Jan"}, {"лют", "Feb"}, {"сак", "Mar"}, {"кра", "Apr"}, {"тра", "May"}, {"чэр", "Jun"},
	{"ліп", "Jul"}, {"жні", "Aug"}, {"вер", "Sep"}, {"кас", "Oct"}, {"ліс", "Nov"}, {"сне", "Dec"},
}

// noiseWords are dropped from dates: "2 марта 2023 г. в 10:15".
var noiseWords = map[string]bool{"г": true, "г.": true, "года": true, "гады": true, "в": true, "у": true, "at": true, "о": true, "а": true}

var zonedLayouts = []string{
	"2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04 -0700",
	"2 Jan 06 15:04:05 -0700",
	"2 Jan 2006 15:04:05 -07:00",
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04Z07:00",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 -07:00",
	"2.1.2006 15:04:05 -0700",
	"2.1.2006 15:04 -0700",
	"Jan 2, 2006 15:04:05 -0700",
}

var localLayouts = []string{
	"2.1.2006 15:04:05",
	"2.1.2006 15:04",
	"2.1.2006, 15:04",
	"2.1.2006",
	"15:04 2.1.2006",
	"15:04, 2.1.2006",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"2 Jan 2006 15:04:05",
	"2 Jan 2006 15:04",
	"2 Jan 2006, 15:04",
	"2 Jan 2006",
	"15:04 2 Jan 2006",
	"2/1/2006 15:04",
	"2/1/2006",
	"Jan 2, 2006 15:04",
	"Jan 2, 2006",
}

// ParseDate parses a date written in one of the forms common on Russian and
// Belarusian sites and in feeds; see ItemDate.
func ParseDate(raw string) (time.Time, bool) {
	s := normaliseDateString(raw)
	if s == "" {
		return time.Time{}, false
	}
	for _, l := range zonedLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, !t.Before(earliestDate)
		}
	}
	for _, l := range localLayouts {
		if t, err := time.ParseInLocation(l, s, minsk); err == nil {
			return t, !t.Before(earliestDate)
		}
	}
	return time.Time{}, false
}

// normaliseDateString drops a leading weekday, translates Russian and
// Belarusian month names, drops filler words and turns a trailing zone name
// into a numeric offset.
func normaliseDateString(raw string) string {
	s := strings.Join(strings.Fields(strings.ToValidUTF8(raw, "")), " ")
	if len(s) > 100 {
		return ""
	}
	// "Thu, 02 Mar 2023 …", "Чт, 02 мар 2023 …", "четверг, 2 марта 2023 …"
	if i := strings.IndexByte(s, ','); i > 0 && !strings.ContainsFunc(s[:i], unicode.IsDigit) {
		s = strings.TrimSpace(s[i+1:])
	}
	fields := strings.Fields(s)
	out := fields[:0]
	for i, f := range fields {
		lf := strings.ToLower(f)
		if noiseWords[lf] {
			continue
		}
		if r := []rune(lf); len(r) >= 3 && unicode.Is(unicode.Cyrillic, r[0]) {
			for _, m := range monthPrefixes {
				if strings.HasPrefix(lf, m.prefix) {
					f = m.month
					break
				}
			}
		}
		if i == len(fields)-1 && i > 0 {
			if off, ok := zoneOffsets[strings.ToUpper(f)]; ok {
				f = offsetString(off)
			}
		}
		out = append(out, f)
	}
	return strings.Join(out, " ")
}

func offsetString(hours int) string {
	sign := "+"
	if hours < 0 {
		sign, hours = "-", -hours
	}
	return sign + string(rune('0'+hours/10)) + string(rune('0'+hours%10)) + "00"
}
