package analyser

import (
	"slices"
	"strings"
)

// A stemmer alone cannot keep "дорога" from "Дорогие ветераны": Snowball
// cuts both to "дорог". A keyword therefore lists its own forms: the
// nominative a resident types tells the declension ("дорога": feminine in
// -а), the declension gives the endings (дорога, дороги, дороге, дорогу,
// дорогой, дорог, дорогам, …), and every form goes through the same stemmer
// as the text. A word of the text matches when its stem and the suffix the
// stemmer cut off are those of one of the forms: "дороги" is (дорог, и),
// a form; "дорогие" is (дорог, ие), not one. Stemmer quirks cancel out:
// Snowball cuts "прием" to "при" and "приема" to "прием", and both pairs
// are among the forms of "приём", while the preposition "при" (при, "") is
// not. Words whose forms cannot be told from their ending (verbs, adverbs,
// other languages) match every word of their stem.

// Endings of Russian declensions; "-" is the empty ending (gen. pl. "дорог").
var (
	ruAdjective = endings("ый ий ой ого его ому ему ым им ом ем ая яя ую юю ою ею ей ое ее ые ие ых их ыми ими") // ей: синей, горячей
	ruHard      = endings("- а у е ом ы и ов ей ам ами ах ем")                                                   // сад, газ, врач
	ruFemA      = endings("а ы и е у ой ою ей ею - ам ами ах")                                                   // дорога, улица
	ruSoftFem   = endings("я и е ю ей ею ь й ям ями ях")                                                         // неделя, статья
	ruSoft      = endings("ь я ю ем е и ей ям ями ях ью ьми")                                                    // площадь, день
	ruJ         = endings("й я ю ем е и ев ям ями ях ей")                                                        // урожай, музей
	ruI         = endings("ий ия ию ием ии иев ией иею иям иями иях ие")                                         // здание, линия, санаторий
	ruNeutO     = endings("о а у е ом - ам ами ах ы")                                                            // село, тепло
	ruNeutE     = endings("е я ю ем ей ям ями ях и")                                                             // поле
	ruPlural    = endings("ы и ов ев ей ам ям ами ями ах ях")                                                    // выборы, ветераны
	ruMya       = endings("я ени енем ена ен енам енами енах")                                                   // время
)

// Endings of Belarusian declensions (folded ё→е; і and ў as written).
var (
	beAdjective = endings("ы і ая яя ае яе ое ыя ія ага яга ога аму яму ому ым ім ых іх ымі імі ую юю ай яй ой ей аю яю ою ею")
	beHard      = endings("- а у е э ы і ом ам ем ах ях аў оў еў амі ямі") // сад, раён
	beFemA      = endings("а ы і е э у ой ай ою аю ей яй ею яю - аў ам ям амі ямі ах ях")
	beSoftFem   = endings("я і е ю ей яй ею яю ь й ям ямі ях яў")
	beSoft      = endings("ь я ю ем е і ей ям ямі ях яў ью ьмі")
	beJ         = endings("й я ю ем е і еў яў ям ямі ях")
	beI         = endings("ія іі ію іяй іяю ій іям іямі іях ыя ыі ыю ыяй ый ыям ыямі ыях")
	beNeutO     = endings("о а у е э ом ам ы і - аў ах амі")
	beNeutE     = endings("е я ю ем і яў ям ямі ях ей")
	bePlural    = endings("ы і аў оў яў ей ам ям амі ямі ах ях")
)

// English keywords list their inflections the same way: Snowball's English
// stemmer makes one stem of "festival" and "festive", "heating" and "heat".
// A keyword's inflections are those of a noun, a verb and an adjective
// (English cannot tell which a lone word is): road → roads; repair →
// repairs, repaired, repairing; a plural keyword adds its singular
// (veterans → veteran).

// enForms returns the inflections of a folded English word.
func enForms(w string) []string {
	bases := []string{w}
	n := len(w)
	switch {
	case n > 4 && strings.HasSuffix(w, "ies"):
		bases = append(bases, w[:n-3]+"y")
	case n > 3 && strings.HasSuffix(w, "es"):
		bases = append(bases, w[:n-2], w[:n-1])
	case n > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		bases = append(bases, w[:n-1])
	}
	var out []string
	for _, b := range bases {
		out = append(out, enInflections(b)...)
	}
	return out
}

func enInflections(b string) []string {
	out := []string{b, b + "s", b + "es", b + "ed", b + "ing", b + "er", b + "est"}
	n := len(b)
	switch last := b[n-1]; {
	case last == 'e':
		out = append(out, b+"d", b+"r", b+"st", b[:n-1]+"ing")
	case last == 'y' && n > 1 && !isLatinVowel(b[n-2]):
		y := b[:n-1]
		out = append(out, y+"ies", y+"ied", y+"ier", y+"iest")
	case last == 'f':
		out = append(out, b[:n-1]+"ves")
	case n >= 3 && !isLatinVowel(last) && !strings.ContainsRune("wxy", rune(last)) && isLatinVowel(b[n-2]) && !isLatinVowel(b[n-3]):
		d := b + string(last) // stop → stopped
		out = append(out, d+"ed", d+"ing", d+"er")
	}
	return out
}

func isLatinVowel(c byte) bool { return strings.IndexByte("aeiouy", c) >= 0 }

// Relational adjectives: a noun keyword also finds the adjectives made from
// it, which is how district news often names a topic: "дорожные работы"
// for дорога, "газовое оборудование" for газ, "школьный автобус" for
// школа, "городской" for город. They are the noun's base with one of these
// suffixes (after the alternation г→ж, к→ч, х→ш, ц→ч for -н-), matched as
// stems with any ending.
var (
	ruAdjectiveSuffixes = []string{"н", "ьн", "ов", "ев", "ск"}
	beAdjectiveSuffixes = []string{"н", "ьн", "ав", "ов", "ск"}
)

func endings(s string) []string {
	e := strings.Fields(s)
	for i := range e {
		if e[i] == "-" {
			e[i] = ""
		}
	}
	return e
}

// forms returns the forms of a folded Cyrillic word in a language and, for
// a noun, the stems of its relational adjectives; nil when its ending does
// not tell its declension (verbs, adverbs, words of fewer than three letters).
func forms(w string, l lang) (forms, adjectives []string) {
	if runeLen(w) < 3 {
		return nil, nil
	}
	var f paradigm
	if l == langBe {
		f = beParadigm(w)
	} else {
		f = ruParadigm(w)
	}
	if len(f.declined) == 0 {
		return nil, nil
	}
	fs := []string{w}
	for _, p := range f.declined {
		for _, e := range p.endings {
			fs = append(fs, p.base+e)
		}
	}
	return fs, f.adjectives
}

// paradigm is a list of bases with the endings each takes; adjectives
// are the stems of the relational adjectives of a noun.
type paradigm struct {
	declined   []declined
	adjectives []string
}

type declined struct {
	base    string
	endings []string
}

// add declines base with each list of endings; an empty base (no fleeting
// vowel, no alternation) adds nothing.
func (p *paradigm) add(base string, e ...[]string) {
	if base == "" {
		return
	}
	for _, ee := range e {
		p.declined = append(p.declined, declined{base, ee})
	}
}

func ruParadigm(w string) paradigm {
	var p paradigm
	switch {
	case hasAnySuffix(w, "ый", "ая", "яя", "ое", "ее", "ые"):
		p.add(cut(w, 2), ruAdjective)
	case strings.HasSuffix(w, "ий"), strings.HasSuffix(w, "ие"):
		p.add(cut(w, 2), ruAdjective, ruI) // детский, санаторий; детские, здание
	case strings.HasSuffix(w, "ой"):
		p.add(cut(w, 2), ruAdjective) // большой
		p.add(cut(w, 1), ruJ)         // герой
	case strings.HasSuffix(w, "ия"):
		p.add(cut(w, 2), ruI)
	case strings.HasSuffix(w, "мя"):
		p.add(cut(w, 1), ruMya)
	case strings.HasSuffix(w, "а"):
		base := cut(w, 1)
		p.add(base, ruFemA)
		p.relate(base, ruAdjectiveSuffixes)
		p.add(insertVowel(base), []string{""})     // остановка → остановок
		p.relate(insertVowel(base), []string{"н"}) // ярмарка → ярмарочный
	case strings.HasSuffix(w, "я"):
		p.add(cut(w, 1), ruSoftFem)
	case strings.HasSuffix(w, "о"):
		p.add(cut(w, 1), ruNeutO)
		p.relate(cut(w, 1), ruAdjectiveSuffixes)
	case strings.HasSuffix(w, "е"):
		p.add(cut(w, 1), ruNeutE)
	case strings.HasSuffix(w, "ь"):
		base := cut(w, 1)
		p.add(base, ruSoft)
		p.add(dropVowel(base), ruSoft) // день → дня
	case strings.HasSuffix(w, "й"):
		p.add(cut(w, 1), ruJ)
	case strings.HasSuffix(w, "ы"), strings.HasSuffix(w, "и"):
		p.add(cut(w, 1), ruPlural) // a plural keyword finds plural forms: выборы ↛ выбор
		p.relate(cut(w, 1), ruAdjectiveSuffixes)
	case endsInConsonant(w):
		p.add(w, ruHard)
		p.relate(w, ruAdjectiveSuffixes)
		p.add(dropVowel(w), ruHard[1:]) // рынок → рынка
	}
	return p
}

func beParadigm(w string) paradigm {
	var p paradigm
	switch {
	case hasAnySuffix(w, "ія", "ыя"):
		p.add(cut(w, 2), beI, beAdjective) // энергія, лекцыя; новыя
	case hasAnySuffix(w, "ая", "яя", "ае", "яе", "ое"):
		p.add(cut(w, 2), beAdjective)
	case strings.HasSuffix(w, "ы"), strings.HasSuffix(w, "і"):
		p.add(cut(w, 1), beAdjective, bePlural) // гарачы; выбары, дзеці
		p.relate(cut(w, 1), beAdjectiveSuffixes)
	case strings.HasSuffix(w, "а"), strings.HasSuffix(w, "о"):
		base := cut(w, 1)
		p.add(base, beFemA, beNeutO)
		p.relate(base, beAdjectiveSuffixes)
		p.relate(insertVowel(base), []string{"н"})
		p.add(beAlternate(base), endings("е э ы"))            // дарога → на дарозе, вада → у вадзе
		p.add(insertVowel(base), []string{""}, endings("аў")) // дзяўчынка → дзяўчынак
	case strings.HasSuffix(w, "я"):
		p.add(cut(w, 1), beSoftFem)
	case strings.HasSuffix(w, "е"):
		p.add(cut(w, 1), beNeutE) // адключэнне, жыццё
	case strings.HasSuffix(w, "ь"):
		base := cut(w, 1)
		p.add(base, beSoft)
		p.add(strings.Replace(dropVowel(base), "дзн", "дн", 1), beSoft) // дзень → дня: дз hardens with the vowel gone
	case strings.HasSuffix(w, "й"):
		p.add(cut(w, 1), beJ)
	case endsInConsonant(w):
		p.add(w, beHard)
		p.relate(w, beAdjectiveSuffixes)
		p.add(beAlternate(w), endings("е э ы")) // горад → у горадзе
		p.add(dropVowel(w), beHard[1:])         // рынак → рынку
	}
	return p
}

// relate adds the relational adjectives of a noun base; an empty base (no
// fleeting vowel) adds nothing.
func (p *paradigm) relate(base string, suffixes []string) {
	if base == "" {
		return
	}
	for _, s := range suffixes {
		b := base
		if s == "н" {
			b = softened(base)
		}
		p.adjectives = append(p.adjectives, b+s)
	}
}

// softened applies the alternation before the adjectival -н-: дорог →
// дорож(ный), рек → реч(ной), ц → ч (больниц → больнич(ный)).
func softened(base string) string {
	r := []rune(base)
	if len(r) == 0 {
		return base
	}
	switch r[len(r)-1] {
	case 'г':
		r[len(r)-1] = 'ж'
	case 'к', 'ц':
		r[len(r)-1] = 'ч'
	case 'х':
		r[len(r)-1] = 'ш'
	}
	return string(r)
}

func hasAnySuffix(w string, suffixes ...string) bool {
	for _, s := range suffixes {
		if strings.HasSuffix(w, s) {
			return true
		}
	}
	return false
}

// cut drops the last n runes of w.
func cut(w string, n int) string {
	r := []rune(w)
	return string(r[:max(len(r)-n, 0)])
}

func endsInConsonant(w string) bool {
	r := []rune(w)
	last := r[len(r)-1]
	return !strings.ContainsRune(cyrillicVowels+"ьъйў", last)
}

// dropVowel removes a fleeting vowel (о, е, or Belarusian а) before the
// last consonant, к, ц or н: рынок → рынк, отец → отц, ден(ь) → дн, рынак
// → рынк; "" when there is none to drop.
func dropVowel(w string) string {
	r := []rune(w)
	n := len(r)
	if n < 3 || !strings.ContainsRune("оеа", r[n-2]) || !strings.ContainsRune("кцн", r[n-1]) || strings.ContainsRune(cyrillicVowels, r[n-3]) {
		return ""
	}
	return string(r[:n-2]) + string(r[n-1])
}

// insertVowel makes the genitive plural of a noun in consonant + к
// (остановка → остановок); "" for other stems.
func insertVowel(base string) string {
	r := []rune(base)
	if len(r) < 3 || r[len(r)-1] != 'к' || strings.ContainsRune(cyrillicVowels, r[len(r)-2]) {
		return ""
	}
	return string(r[:len(r)-1]) + "ок"
}

// beAlternate applies the Belarusian consonant alternation before the
// dative and locative -е: г→з, к→ц, х→с, д→дз, т→ц; "" when the stem does
// not end in one of them.
func beAlternate(base string) string {
	r := []rune(base)
	if len(r) == 0 {
		return ""
	}
	switch r[len(r)-1] {
	case 'г':
		return string(r[:len(r)-1]) + "з"
	case 'к', 'т':
		return string(r[:len(r)-1]) + "ц"
	case 'х':
		return string(r[:len(r)-1]) + "с"
	case 'д':
		return base + "з"
	}
	return ""
}

// compounds are the utility words that a keyword naming the utility also
// finds: an outage notice says "водоснабжение" or "теплосеть" more often
// than "вода" or "тепло". Keys are the base of the keyword (its word
// without the nominative ending, folded); values are prefixes of the stems
// of the compounds, folded. Only these roots are expanded: a general rule
// (any word starting with the keyword) brought back "вода" → "водители".
var compounds = map[string][]string{
	"вод":   {"водоснабж", "водопровод", "водоотвед", "водокан", "водозабор", "водонапорн", "водоочист", "водоподготов", "водосчетч", "водазабеспяч", "водаправод", "водаадвядз", "водакан", "водазабор"},
	"вад":   {"водазабеспяч", "водаправод", "водаадвядз", "водакан", "водазабор"},
	"газ":   {"газоснабж", "газопровод", "газораспредел", "газифи", "газазабеспяч", "газаправод", "газаразмеркав"},
	"тепл":  {"теплоснабж", "теплосет", "теплотрасс", "теплоцентр", "теплоисточн"},
	"цяпл":  {"цеплазабеспяч", "цеплатрас", "цеплацэнтр"},
	"энерг": {"энергоснабж", "энергосб", "энергазабеспяч", "энергазб"},
}

// An oblique ending and the endings of the nominatives it may stand for:
// "школе" may be a form of школа, "ремонте" of ремонт, "водой" of вода,
// "председателя" of председатель, "горячей" of горячая. Longer endings
// first; every one that fits is tried.
type obliqueEnding struct {
	oblique     string
	nominatives []string
}

var (
	ruOblique = []obliqueEnding{
		{"ами", []string{"а", "", "о"}}, {"ями", []string{"я", "ь", "е", "й"}},
		{"ого", []string{"ый", "ой", "ое"}}, {"его", []string{"ий", "ее"}}, {"ому", []string{"ый", "ой", "ое"}}, {"ему", []string{"ий", "ее"}},
		{"ыми", []string{"ый", "ые"}}, {"ими", []string{"ий", "ие"}}, {"ых", []string{"ый", "ые"}}, {"их", []string{"ий", "ие"}},
		{"ой", []string{"а", "ая", "ый"}}, {"ей", []string{"я", "ь", "ая", "яя", "ий"}}, {"ую", []string{"ая"}}, {"юю", []string{"яя"}},
		{"ом", []string{"", "о"}}, {"ем", []string{"й", "е", "ь"}}, {"ам", []string{"а", "", "о"}}, {"ям", []string{"я", "ь", "е", "й"}},
		{"ах", []string{"а", "", "о"}}, {"ях", []string{"я", "ь", "е", "й"}}, {"ов", []string{""}}, {"ев", []string{"й"}},
		{"ым", []string{"ый"}}, {"им", []string{"ий"}},
		{"а", []string{"", "о"}}, {"я", []string{"ь", "й", "е"}}, {"у", []string{"а", "", "о"}}, {"ю", []string{"я", "ь", "й", "е"}},
		{"е", []string{"а", "", "о", "я", "ь", "й"}}, {"и", []string{"а", "я", "ь", "й"}}, {"ы", []string{"а", ""}},
	}
	beOblique = []obliqueEnding{
		{"амі", []string{"а", "", "о"}}, {"ямі", []string{"я", "ь", "е"}},
		{"ага", []string{"ы", "ае"}}, {"яга", []string{"і", "яе"}}, {"аму", []string{"ы", "ае"}}, {"яму", []string{"і", "яе"}},
		{"ай", []string{"а", "ая"}}, {"яй", []string{"я", "яя"}}, {"ой", []string{"а"}}, {"ую", []string{"ая"}},
		{"ом", []string{"", "о"}}, {"ем", []string{"ь", "е", "й"}}, {"ам", []string{"а", "", "о"}}, {"ям", []string{"я", "ь", "е"}},
		{"ах", []string{"а", "", "о"}}, {"ях", []string{"я", "ь", "е"}}, {"аў", []string{"", "а"}}, {"оў", []string{""}}, {"яў", []string{"я", "ь"}},
		{"ым", []string{"ы"}}, {"ім", []string{"і"}}, {"ых", []string{"ы", "ыя"}}, {"іх", []string{"і", "ія"}},
		{"а", []string{"", "о"}}, {"я", []string{"ь", "й", "е"}}, {"у", []string{"а", "", "о"}}, {"ю", []string{"я", "ь", "й", "е"}},
		{"е", []string{"а", "", "о"}}, {"ы", []string{"а", ""}}, {"і", []string{"а", "я", "ь"}},
	}
)

// nominatives returns the words whose nominative ending an oblique ending
// of the folded Cyrillic word w may stand for ("школе": школа, школ, школо,
// …); compileWord keeps those that have w among their forms.
func nominatives(w string, l lang) []string {
	table := ruOblique
	if l == langBe {
		table = beOblique
	}
	var out []string
	for _, o := range table {
		if !strings.HasSuffix(w, o.oblique) {
			continue
		}
		base := strings.TrimSuffix(w, o.oblique)
		for _, n := range o.nominatives {
			if c := base + n; c != w && runeLen(c) >= 3 && !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}
