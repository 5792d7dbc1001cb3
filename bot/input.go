package bot

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/subscriptions"
)

// The parsers of what residents type after a command, in Russian,
// Belarusian and English alike. Keywords and searches are read by
// subscriptions/analyser.

// normalizeInput lowercases s, makes every dash a hyphen-minus, and trims
// white space and the punctuation people end a message with.
func normalizeInput(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '–', '—', '‒', '−', '‐', '‑', '~':
			return '-'
		}
		return unicode.ToLower(r)
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	return strings.TrimRight(s, ".!?")
}

// quietOffWords turn quiet hours off, besides the word on the bot's own
// button in every language (button.quiet_off).
var quietOffWords = []string{
	"off", "no", "none", "0", "disable", "turn off", "stop",
	"выкл", "выключить", "выключи", "отключить", "отключи", "нет", "не надо", "убрать",
	"адкл", "выключыць", "адключыць", "адключы", "не", "няма", "прыбраць",
}

// quietClock is one end of quiet hours: "23", "6", "22:00", "07.30",
// "10pm", "7 am", "23 ч", "7 гадзін".
const quietClock = `(\d{1,2})(?:[:.](\d{2}))?\s*(?:([ap])\.?m\b\.?)?(?:\s*(?:ч|час|часа|часов|г|гадз|гадзін|гадзіны|h|hrs?|o'clock)\.?)?`

// quietRE reads quiet hours: "22:00-07:00", "23-7", "с 23 до 6", "з 22 да 7",
// "ад 22 да 7", "from 10pm to 7am", "10pm-7am".
var quietRE = regexp.MustCompile(`^(?:(?:с|со|c|з|са|ад|от|from)\s+)?` + quietClock +
	`\s*(?:-|до|да|по|to|till|until)\s*` + quietClock + `$`)

// parseQuiet reads quiet hours as minutes after midnight; off reports a
// request to turn them off.
func parseQuiet(s string) (start, end int, off, ok bool) {
	s = normalizeInput(s)
	if slices.Contains(quietOffWords, s) {
		return 0, 0, true, true
	}
	for _, l := range subscriptions.Languages() {
		if s == normalizeInput(i18n.T(l, "button.quiet_off")) {
			return 0, 0, true, true
		}
	}
	m := quietRE.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, false, false
	}
	start, ok1 := clockMinutes(m[1], m[2], m[3])
	end, ok2 := clockMinutes(m[4], m[5], m[6])
	return start, end, false, ok1 && ok2 && start != end
}

// clockMinutes reads a time of day: hours, minutes (may be empty) and "a"
// or "p" of am/pm (may be empty), as minutes after midnight. 24:00 is midnight.
func clockMinutes(h, m, ampm string) (int, bool) {
	hour, _ := strconv.Atoi(h)
	minute := 0
	if m != "" {
		minute, _ = strconv.Atoi(m)
	}
	switch ampm {
	case "a":
		if hour < 1 || hour > 12 {
			return 0, false
		}
		hour %= 12
	case "p":
		if hour < 1 || hour > 12 {
			return 0, false
		}
		hour = hour%12 + 12
	}
	if hour == 24 && minute == 0 {
		hour = 0
	}
	return hour*60 + minute, hour < 24 && minute < 60
}

// parseLatest reads the N of /latest: a whole number, alone or followed by
// words ("10", "10 новостей"). A number above max gives max, and capped
// is true; below 1, or not a number, is not ok.
func parseLatest(s string, max int) (n int, capped, ok bool) {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return 0, false, false
	}
	digits := strings.TrimLeft(fields[0], "+")
	if digits == "" || strings.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return 0, false, false
	}
	digits = strings.TrimLeft(digits, "0")
	if len(digits) > 4 { // more than anyone can read: max
		return max, true, true
	}
	v, _ := strconv.Atoi(digits)
	switch {
	case v < 1:
		return 0, false, false
	case v > max:
		return max, true, true
	}
	return v, false, true
}

// languageNames are the ways to name a language after /lang, in every language.
var languageNames = func() map[string]string {
	m := map[string]string{}
	for lang, names := range map[string][]string{
		subscriptions.LangRU: {"ru", "rus", "рус", "русский", "русская", "руская", "по-русски", "па-руску", "russian"},
		subscriptions.LangBE: {"be", "by", "bel", "бел", "беларуская", "белорусский", "беларуский", "по-белорусски", "па-беларуску", "belarusian"},
		subscriptions.LangEN: {"en", "eng", "англ", "english", "английский", "англійская", "по-английски", "па-англійску"},
	} {
		for _, n := range names {
			m[n] = lang
		}
	}
	return m
}()

// parseLanguage reads a language after /lang: a code or a name in any of
// the three languages ("be", "беларуская", "English"), "мова" or "язык" after it allowed.
func parseLanguage(s string) (string, bool) {
	s = normalizeInput(s)
	for _, w := range []string{" язык", " мова", " language"} {
		s = strings.TrimSuffix(s, w)
	}
	l, ok := languageNames[s]
	return l, ok
}
