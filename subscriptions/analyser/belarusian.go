package analyser

import (
	"sort"
	"strings"
)

// stemBelarusian cuts the inflectional ending off a folded Belarusian word
// (lowercase, ё→е, apostrophes dropped; і and ў kept). It follows the shape
// of the Snowball Russian stemmer: endings are looked for only after the
// first vowel (the region RV); a past gerund ending alone, otherwise a
// reflexive ending and then the longest adjectival, verbal or nominal
// ending; finally a soft sign. (Present gerunds are left alone: -ачы, -учы
// end common adjectives: гарачы, дзіцячы, вядучы.) The
// endings are Belarusian ones: -ага/-аму/-ымі, -аў/-оў, -цца, -ць, -іў.
//
// It does not undo stem alternations (дарога → на дарозе, вада → у вадзе,
// akanye: вада → воды); keywords list those forms themselves
// (paradigm.go). Verbs are stemmed less consistently than nouns and
// adjectives, which is what district news and residents' keywords are made of.
func stemBelarusian(w string) string {
	r := []rune(w)
	rv := len(r)
	for i, c := range r {
		if strings.ContainsRune(belarusianVowels, c) {
			rv = i + 1
			break
		}
	}
	if n := beSuffix(r, rv, beGerund); n > 0 {
		r = r[:len(r)-n]
	} else {
		r = r[:len(r)-beSuffix(r, rv, beReflexive)]
		r = r[:len(r)-max(beSuffix(r, rv, beAdjectival), beVerbSuffix(r, rv), beSuffix(r, rv, beNoun))]
	}
	if len(r) > rv && r[len(r)-1] == 'ь' {
		r = r[:len(r)-1]
	}
	return string(r)
}

const belarusianVowels = "аеіоуыэюя"

// Belarusian endings by group, each sorted longest first.
var (
	beGerund     = longestFirst("ўшыся", "ўшы")
	beReflexive  = longestFirst("ся", "цца")
	beAdjectival = longestFirst("ымі", "імі", "ага", "яга", "аму", "яму", "ому",
		"ая", "яя", "ае", "яе", "ое", "ыя", "ія", "ым", "ім", "ых", "іх", "ую", "юю",
		"ай", "яй", "ой", "ей", "аю", "яю", "ою", "ею")
	// beVerbAfterA are cut after а or я, which stay (чытала → чыта).
	beVerbAfterA = longestFirst("ла", "ло", "лі", "ць", "е", "ем", "еш", "еце", "юць", "й", "йце")
	// beVerb are cut whole (зрабіў → зраб, робіць → роб).
	beVerb = longestFirst("іла", "ыла", "іло", "ыло", "ілі", "ылі", "іў", "ыў", "іць", "ыць",
		"іш", "ім", "іце", "ыце", "уць", "юць")
	beNoun = longestFirst("іямі", "іяй", "іяю", "іям", "іях", "іем", "ія", "іі", "ію", "ій", "ый",
		"амі", "ямі", "мі", "ам", "ям", "ом", "ем", "ах", "ях", "аў", "яў", "оў", "еў",
		"ой", "ей", "ай", "яй", "ою", "ею", "аю", "яю", "ью",
		"а", "я", "о", "е", "э", "ы", "і", "у", "ю", "ь", "й")
)

func longestFirst(endings ...string) [][]rune {
	out := make([][]rune, len(endings))
	for i, e := range endings {
		out[i] = []rune(e)
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// beSuffix returns the length of the longest ending of the group that r
// ends with inside the region starting at rv, or 0.
func beSuffix(r []rune, rv int, group [][]rune) int {
	for _, e := range group {
		if len(r)-len(e) >= rv && hasRuneSuffix(r, e) {
			return len(e)
		}
	}
	return 0
}

func beVerbSuffix(r []rune, rv int) int {
	n1 := 0
	for _, e := range beVerbAfterA {
		if i := len(r) - len(e); i-1 >= rv && hasRuneSuffix(r, e) && (r[i-1] == 'а' || r[i-1] == 'я') {
			n1 = len(e)
			break
		}
	}
	return max(n1, beSuffix(r, rv, beVerb))
}

func hasRuneSuffix(r, suffix []rune) bool {
	if len(suffix) > len(r) {
		return false
	}
	for i, c := range suffix {
		if r[len(r)-len(suffix)+i] != c {
			return false
		}
	}
	return true
}
