package analyser

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// script is the writing system of a word, which chooses its stemmer.
type script uint8

const (
	scriptOther    script = iota // no stemmer: compared as folded
	scriptCyrillic               // Russian or Belarusian
	scriptLatin                  // English
	scriptNumber                 // digits only
)

// word is one word of a text: a run of letters and digits. Invisible
// characters inside it are skipped and apostrophes between two letters
// joined, so "во\u200bда" is "вода" and "аб'ява" is "абява".
type word struct {
	start, end int    // bytes of the original text
	text       string // folded, see foldRune; і and ў are kept for the Belarusian stemmer
	script     script
	apostrophe bool // an apostrophe joined two letters: a Belarusian feature in Cyrillic
}

// words splits a text into words. Invalid UTF-8, punctuation, symbols,
// emoji and spaces separate words; hyphens too, so "онлайн-приём" holds
// "приём" and the keyword "северо-западный" is a phrase of two words.
func words(s string) []word {
	var out []word
	var buf []rune
	cur := word{start: -1}
	flush := func() {
		if cur.start >= 0 {
			cur.text, cur.script = finishWord(buf)
			out = append(out, cur)
		}
		buf, cur = buf[:0], word{start: -1}
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			flush()
		case invisible(r):
			// skipped: a zero-width space must not split a word nor a bidi control hide in one
		case isApostrophe(r): // before letters: ʼ (U+02BC) is one
			if cur.start >= 0 && unicode.IsLetter(buf[len(buf)-1]) && letterAt(s, i+size) {
				cur.apostrophe = cur.apostrophe || unicode.Is(unicode.Cyrillic, buf[len(buf)-1])
			} else {
				flush()
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if cur.start < 0 {
				cur.start = i
			}
			buf = append(buf, foldRune(r))
			cur.end = i + size
		case unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me):
			if cur.start >= 0 {
				buf = composeMark(buf, r)
				cur.end = i + size
			}
		default:
			flush()
		}
		i += size
	}
	flush()
	return out
}

func letterAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r)
}

// invisible reports characters that show nothing: format characters
// (zero-width spaces and joiners, bidi controls, the soft hyphen, the BOM)
// and the Hangul fillers that render as blanks.
func invisible(r rune) bool {
	return unicode.Is(unicode.Cf, r) || r == '\u115F' || r == '\u1160' || r == '\u3164' || r == '\uFFA0'
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '’', 'ʼ', '‘', '`', '´', '′', '＇':
		return true
	}
	return false
}

// foldRune lowercases a letter, folds ё to е (texts rarely write ё) and
// strips accents from Latin letters (café = cafe). й, ў and і stay: they are
// letters of their own in Russian and Belarusian.
func foldRune(r rune) rune {
	r = unicode.ToLower(r)
	switch {
	case r == 'ё', r == 'ѐ':
		return 'е'
	case r == 'ѝ':
		return 'и'
	case r >= 0x80 && unicode.Is(unicode.Latin, r):
		if d := norm.NFD.String(string(r)); d != "" {
			if base, _ := utf8.DecodeRuneInString(d); base < 0x80 {
				return base
			}
		}
	}
	return r
}

// composeMark applies a combining mark to the last letter of a word: и and
// a breve make й, у and a breve ў (decomposed input); any other mark (stress
// accents, variation selectors) is dropped.
func composeMark(buf []rune, mark rune) []rune {
	if len(buf) == 0 {
		return buf
	}
	last := buf[len(buf)-1]
	if c := []rune(norm.NFC.String(string([]rune{last, mark}))); len(c) == 1 && unicode.Is(unicode.Cyrillic, c[0]) {
		buf[len(buf)-1] = foldRune(c[0])
	}
	return buf
}

// lookalikes map Latin letters to the Cyrillic letters they look like, and back.
var (
	latinToCyrillic = map[rune]rune{'a': 'а', 'b': 'в', 'c': 'с', 'e': 'е', 'h': 'н', 'i': 'і', 'k': 'к', 'm': 'м', 'o': 'о', 'p': 'р', 't': 'т', 'x': 'х', 'y': 'у'}
	cyrillicToLatin = func() map[rune]rune {
		m := make(map[rune]rune, len(latinToCyrillic))
		for l, c := range latinToCyrillic {
			m[c] = l
		}
		return m
	}()
)

// finishWord resolves mixed scripts (see fixLookalikes) and tells the
// script of a folded word. Letters and digits mixed ("м1") are compared as
// written.
func finishWord(buf []rune) (string, script) {
	buf = fixLookalikes(buf)
	var lat, cyr, digits, other int
	for _, r := range buf {
		switch {
		case unicode.IsDigit(r):
			digits++
		case unicode.Is(unicode.Cyrillic, r):
			cyr++
		case unicode.Is(unicode.Latin, r):
			lat++
		default:
			other++
		}
	}
	text := string(buf)
	switch {
	case digits == len(buf):
		return text, scriptNumber
	case digits > 0 || other > 0 || lat > 0 && cyr > 0:
		return text, scriptOther
	case cyr > 0:
		return text, scriptCyrillic
	default:
		return text, scriptLatin
	}
}

// fixLookalikes rewrites a lowercase word that mixes Latin and Cyrillic
// letters (a typo or a disguise: "вoда" with a Latin o): the letters of the
// minority script that look like letters of the majority's become those,
// Cyrillic on a tie. It changes w in place and returns it.
func fixLookalikes(w []rune) []rune {
	var lat, cyr int
	for _, r := range w {
		if unicode.Is(unicode.Cyrillic, r) {
			cyr++
		} else if unicode.Is(unicode.Latin, r) {
			lat++
		}
	}
	if lat == 0 || cyr == 0 {
		return w
	}
	to := latinToCyrillic
	if lat > cyr {
		to = cyrillicToLatin
	}
	for i, r := range w {
		if m, ok := to[r]; ok {
			w[i] = m
		}
	}
	return w
}

// foldBelarusian makes a Belarusian stem meet the Russian spelling of the
// same letters: і→и, ў→у. It runs after stemming, because the Belarusian
// stemmer needs і and ў to find endings.
func foldBelarusian(s string) string {
	if !strings.ContainsAny(s, "іў") {
		return s
	}
	return belarusianFolder.Replace(s)
}

var belarusianFolder = strings.NewReplacer("і", "и", "ў", "у")

// runeLen is the number of runes in s.
func runeLen(s string) int { return utf8.RuneCountInString(s) }
