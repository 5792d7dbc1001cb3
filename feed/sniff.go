package feed

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// How plausible a reading of the bytes is: the log-likelihood of its
// non-ASCII characters under a simple model of the portal's languages
// (Russian and Belarusian letter frequencies, Latin letters with diacritics
// inside Latin words, common typographic signs). The right encoding reads as
// words; a wrong one reads as mojibake: case flipping inside words
// ("нОБНЯРХ"), Cyrillic inside Latin words ("Cafй"), words made only of
// accented letters ("Íîâîñòè"), box drawing, undefined bytes.

// sniffedEncodings are the candidates tried when the declarations fail or are
// missing, in order of preference on a tie. windows-1252 stands for
// ISO-8859-1 too (as in browsers).
var sniffedEncodings = []string{"utf-8", "windows-1251", "koi8-r", "iso-8859-5", "windows-1252"}

// scoreLimit bounds the bytes scored per candidate: a megabyte of a feed is
// plenty of evidence.
const scoreLimit = 1 << 20

// Log-likelihoods of the model, in nats.
var (
	lnCommonSign   = math.Log(0.02)  // « » „ “ ” – — … № nbsp and the like
	lnRareSign     = math.Log(1e-5)  // other symbols: ¤ ¦ ¬, box drawing, …
	lnBad          = math.Log(1e-8)  // U+FFFD, control characters: undefined or misread bytes
	lnLatinInWord  = math.Log(0.02)  // é in "Café"
	lnLatinAlone   = math.Log(0.005) // à, ó as a word of one letter
	lnLatinOnly    = math.Log(1e-4)  // each letter of "Íîâîñòè": a word only of accented letters
	lnMixedScript  = math.Log(1e-5)  // a Cyrillic letter in a word with Latin letters
	lnCaseFlip     = math.Log(1e-3)  // a letter breaking its word's case pattern: "нОБНЯРХ"
	lnBadSyllable  = math.Log(1e-3)  // "ьа…", "аъ", five consonants or three vowels in a row
	lnOtherLetter  = math.Log(1e-3)  // letters of other scripts
	lnOddCyrillic  = math.Log(1e-5)  // Cyrillic letters of neither Russian nor Belarusian: ђ ѓ љ …
	lnUnclean      = -15.0           // threshold: a character this unlikely means a misread byte
	sniffPerChar   = 0.3             // a declaration loses when another reading beats it by this much per character…
	sniffMinMargin = 3.0             // …plus this
)

// letterFreq is the relative frequency of the lower-case letters of a
// language written in Cyrillic (per cent of letters, approximate).
type letterFreq map[rune]float64

var (
	russianLetters = letterFreq{
		'о': 10.97, 'е': 8.45, 'а': 8.01, 'и': 7.35, 'н': 6.70, 'т': 6.26, 'с': 5.47, 'р': 4.73, 'в': 4.54,
		'л': 4.40, 'к': 3.49, 'м': 3.21, 'д': 2.98, 'п': 2.81, 'у': 2.62, 'я': 2.01, 'ы': 1.90, 'ь': 1.74,
		'г': 1.70, 'з': 1.65, 'б': 1.59, 'ч': 1.44, 'й': 1.21, 'х': 0.97, 'ж': 0.94, 'ш': 0.73, 'ю': 0.64,
		'ц': 0.48, 'щ': 0.36, 'э': 0.32, 'ф': 0.26, 'ё': 0.10, 'ъ': 0.04, 'і': 0.01, 'ў': 0.01,
	}
	belarusianLetters = letterFreq{
		'а': 9.50, 'н': 5.90, 'і': 5.40, 'е': 5.30, 'о': 5.20, 'р': 4.70, 'с': 4.60, 'т': 4.40, 'ы': 3.70,
		'л': 3.60, 'к': 3.50, 'в': 3.40, 'я': 3.30, 'д': 3.20, 'м': 3.20, 'у': 3.10, 'п': 2.70, 'ь': 2.10,
		'ц': 2.00, 'з': 2.00, 'ў': 1.80, 'б': 1.60, 'г': 1.60, 'ч': 1.50, 'й': 1.40, 'ё': 1.00, 'х': 1.00,
		'ж': 0.90, 'ш': 0.90, 'ю': 0.70, 'э': 0.70, 'ф': 0.20, 'и': 0.01, 'щ': 0.01, 'ъ': 0.01,
	}
	lnRussian    = russianLetters.logs()
	lnBelarusian = belarusianLetters.logs()
)

// cyrillicLogs are log-likelihoods of the lower-case letters U+0430…U+045F.
type cyrillicLogs [0x30]float64

// logs turns per-cent frequencies into log-likelihoods; letters the
// language does not use get lnOddCyrillic.
func (f letterFreq) logs() *cyrillicLogs {
	total := 0.0
	for _, v := range f {
		total += v
	}
	var out cyrillicLogs
	for i := range out {
		out[i] = lnOddCyrillic
	}
	for r, v := range f {
		out[r-0x430] = math.Log(v / total)
	}
	return &out
}

// of is the log-likelihood of a lower-case Cyrillic letter.
func (l *cyrillicLogs) of(lower rune) float64 {
	if lower < 0x430 || lower > 0x45f {
		return lnOddCyrillic
	}
	return l[lower-0x430]
}

// reading is the score of one candidate encoding over the bytes.
type reading struct {
	// ln is the log-likelihood of the non-ASCII characters (the better of the Russian and Belarusian models).
	ln float64
	// chars is the number of non-ASCII characters scored.
	chars int
	// bad counts characters that can only come from misread bytes (U+FFFD, control characters).
	bad int
}

// clean reports whether the reading has no sign of misread bytes.
func (r reading) clean() bool { return r.bad == 0 }

// beats reports whether r is clearly better than o: cleaner, or more
// plausible by a margin that grows with the evidence.
func (r reading) beats(o reading) bool {
	if r.bad != o.bad {
		return r.bad < o.bad
	}
	return r.ln-o.ln > sniffPerChar*float64(max(r.chars, o.chars))+sniffMinMargin
}

// scorer scores one reading, word by word.
type scorer struct {
	common, ru, be float64 // log-likelihoods: of non-letters and non-Cyrillic letters; of Cyrillic letters under each model
	chars, bad     int
	word           []letter
}

// scoreBytes reads body (up to scoreLimit) with the single-byte table, or
// as UTF-8 when table is nil.
func scoreBytes(body []byte, table *[256]rune) reading {
	if len(body) > scoreLimit {
		body = body[:scoreLimit]
	}
	var s scorer
	s.word = make([]letter, 0, 32)
	for i := 0; i < len(body); {
		r, n := rune(body[i]), 1
		switch {
		case r < utf8.RuneSelf:
		case table != nil:
			r = table[body[i]]
		default:
			if !utf8.FullRune(body[i:]) {
				i = len(body) // a character cut at the end of the (limited) body: not evidence
				continue
			}
			r, n = utf8.DecodeRune(body[i:])
		}
		i += n
		s.add(r)
	}
	s.endWord()
	return reading{ln: s.common + max(s.ru, s.be), chars: s.chars, bad: s.bad}
}

func (s *scorer) add(r rune) {
	if l := letterOf(r); l.kind != notLetter {
		s.word = append(s.word, l)
		return
	}
	s.endWord()
	if r < utf8.RuneSelf {
		return // ASCII reads the same in every candidate
	}
	s.chars++
	l := signLikelihood(r)
	s.common += l
	if l <= lnUnclean {
		s.bad++
	}
}

// signLikelihood scores a character that is not a letter.
func signLikelihood(r rune) float64 {
	switch {
	case r == utf8.RuneError || unicode.IsControl(r):
		return lnBad
	}
	switch r {
	case '\u00a0', '«', '»', '„', '“', '”', '‘', '’', '‚', '–', '—', '…', '•', '·', '№', '°', '±', '×',
		'€', '™', '©', '®', '§', '‰', '′', '″', '‹', '›', '\u00ad', '\u2009', '\u202f':
		return lnCommonSign
	}
	return lnRareSign
}

// endWord scores the letters of the word just read.
func (s *scorer) endWord() {
	w := s.word
	if len(w) == 0 {
		return
	}
	s.word = w[:0]
	ascii, lowerCase := false, false
	for _, l := range w {
		ascii = ascii || l.kind == asciiLetter
		lowerCase = lowerCase || l.isLower
	}
	abbreviation := len(w) <= 4 && !lowerCase // ОАО, МЧС: no syllables
	vowels, consonants := 0, 0                // the current run of each, in Cyrillic letters
	prev := letter{}                          // the previous Cyrillic letter
	for i, l := range w {
		if l.kind == asciiLetter {
			vowels, consonants, prev = 0, 0, letter{}
			continue
		}
		s.chars++
		// Words are lower case, Capitalised or in CAPITALS; anything else
		// is a case flip, the mark of a wrong Cyrillic code page.
		var casePart float64
		switch {
		case i == 0:
		case l.isUpper && w[i-1].isLower:
			casePart = lnCaseFlip
		case l.isLower && i >= 2 && w[i-1].isUpper && w[i-2].isUpper:
			casePart = lnCaseFlip
		}
		switch l.kind {
		case cyrillicLetter:
			extra := casePart
			if !abbreviation {
				extra += syllableLikelihood(l, prev, i == 0, &vowels, &consonants)
			}
			prev = l
			if ascii {
				extra += lnMixedScript
			}
			s.ru += lnRussian.of(l.lower) + extra
			s.be += lnBelarusian.of(l.lower) + extra
		case latinLetter:
			var ln float64
			switch {
			case ascii:
				ln = lnLatinInWord
			case len(w) == 1:
				ln = lnLatinAlone
			default:
				ln = lnLatinOnly
			}
			s.common += ln + casePart
		case combiningMark:
			s.chars-- // belongs to its letter
		default:
			s.common += lnOtherLetter
		}
	}
}

// syllableLikelihood scores what Russian and Belarusian words do not do: a
// soft or hard sign starting a word or following a vowel or another sign,
// five consonants or three vowels in a row. It keeps the runs up to date.
func syllableLikelihood(l, prev letter, first bool, vowels, consonants *int) float64 {
	switch {
	case l.sign:
		*vowels, *consonants = 0, 0
		if first || prev.vowel || prev.sign {
			return lnBadSyllable
		}
	case l.vowel:
		*vowels, *consonants = *vowels+1, 0
		if *vowels >= 3 {
			return lnBadSyllable
		}
	default:
		*vowels, *consonants = 0, *consonants+1
		if *consonants >= 5 {
			return lnBadSyllable
		}
	}
	return 0
}

// letter is what the scorer needs to know of a character of a word.
type letter struct {
	kind             letterKind
	isUpper, isLower bool
	lower            rune // Cyrillic letters
	vowel, sign      bool // Cyrillic letters: а е ё и о у ы э ю я і; ь ъ
}

type letterKind uint8

const (
	notLetter letterKind = iota
	asciiLetter
	latinLetter
	cyrillicLetter
	combiningMark
	otherLetter
)

// commonLetters are the letters of the first 0x500 code points (Latin and
// Cyrillic), looked up rather than classified each time.
var commonLetters = func() *[0x500]letter {
	var t [0x500]letter
	for r := range rune(len(t)) {
		t[r] = classifyLetter(r)
	}
	return &t
}()

func letterOf(r rune) letter {
	if r >= 0 && r < rune(len(commonLetters)) {
		return commonLetters[r]
	}
	return classifyLetter(r)
}

func classifyLetter(r rune) letter {
	var l letter
	switch {
	case unicode.Is(unicode.Mn, r):
		l.kind = combiningMark
		return l
	case !unicode.IsLetter(r):
		return l
	case r < utf8.RuneSelf:
		l.kind = asciiLetter
	case unicode.Is(unicode.Cyrillic, r):
		l.kind = cyrillicLetter
	case unicode.Is(unicode.Latin, r):
		l.kind = latinLetter
	default:
		l.kind = otherLetter
	}
	l.isUpper, l.isLower = unicode.IsUpper(r), unicode.IsLower(r)
	l.lower = unicode.ToLower(r)
	l.vowel = strings.ContainsRune("аеёиоуыэюяі", l.lower)
	l.sign = strings.ContainsRune("ьъ", l.lower)
	return l
}

// byteTable is the rune of every byte of a single-byte encoding.
func byteTable(cm *charmap.Charmap) *[256]rune {
	var t [256]rune
	for b := range 256 {
		t[b] = cm.DecodeByte(byte(b))
	}
	return &t
}
