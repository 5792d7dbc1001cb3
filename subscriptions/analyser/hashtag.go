package analyser

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxHashtagLen is the most characters of a hashtag after its #.
const MaxHashtagLen = 32

// Hashtag makes the text of a Telegram hashtag (without its #) of a
// category: letters and digits, lowercase; an apostrophe between two
// letters dropped (аб'ява → абява); any other run of characters one
// underscore ("Образование и наука" → образование_и_наука). It starts at
// the first letter ("2024 — Год качества" → год_качества), since a
// hashtag may not start with a digit, and is cut to MaxHashtagLen
// characters. It is "" when the category has no letter.
func Hashtag(category string) string {
	var b strings.Builder
	gap := false
	s := norm.NFC.String(category)
	for i, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) && b.Len() > 0:
			if gap {
				b.WriteByte('_')
				gap = false
			}
			b.WriteRune(unicode.ToLower(r))
		case isApostrophe(r) && b.Len() > 0 && !gap && letterAt(s, i+utf8.RuneLen(r)):
		case invisible(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me):
		default:
			gap = b.Len() > 0
		}
	}
	tag := b.String()
	if runeLen(tag) > MaxHashtagLen {
		tag = strings.TrimRight(string([]rune(tag)[:MaxHashtagLen]), "_")
	}
	return tag
}

// tagKey is a hashtag as keywords compare it: ё=е, і=и, ў=у, accents of
// Latin letters dropped, so that #адукацыя and #Адукацыя are one.
func tagKey(tag string) string { return foldBelarusian(strings.Map(foldRune, tag)) }

// Tag records the hashtags of categories (see Hashtag) in d, for keywords
// written as hashtags, and returns d.
func (d *Doc) Tag(categories ...string) *Doc {
	for _, c := range categories {
		if t := Hashtag(c); t != "" {
			d.tags = append(d.tags, tagKey(t))
		}
	}
	return d
}

func isHash(r rune) bool { return r == '#' || r == '＃' }
