package analyser

import (
	"slices"
	"sort"
	"strings"
)

// pattern is a compiled keyword or query term: one word, or a phrase whose
// words must follow each other in order within one field.
type pattern []wordPattern

// wordPattern is one compiled word: the stems it matches, each with the
// suffixes allowed after it, and the stem prefixes of the compound words
// it also finds.
type wordPattern struct {
	stems    map[string]suffixSet
	entries  []stemEntry // stems again, sorted: iterated when looking for the word
	prefixes []string
}

type stemEntry struct {
	stem     string
	suffixes suffixSet
}

// suffixSet lists the suffixes a stem may carry; any when the word's forms
// are unknown (verbs, English, numbers).
type suffixSet struct {
	any  bool
	list []string
}

func (s suffixSet) has(suffix string) bool { return s.any || slices.Contains(s.list, suffix) }

// compile compiles the words of a keyword, or of a query term (query:
// see compileWord).
func compile(ws []word, st *stemmer, query bool) pattern {
	p := make(pattern, len(ws))
	for i, w := range ws {
		p[i] = compileWord(w, st, query)
	}
	return p
}

// compileWord compiles one word of a keyword or a query. A Cyrillic word
// whose letters do not tell its language ("сад", "вада") is compiled as
// both Russian and Belarusian: the text it meets decides. A keyword is
// typed in the form it names (дорога; выборы, a plural); a word of a
// query is whatever the sentence needed ("в школе", "с ремонтом"), so a
// query word also takes the forms of each nominative it can be a form of
// (see nominatives).
func compileWord(w word, st *stemmer, query bool) wordPattern {
	wp := wordPattern{stems: map[string]suffixSet{}}
	switch w.script {
	case scriptCyrillic:
		langs := []lang{cyrillicLang(w)}
		if langs[0] == langNone {
			langs = []lang{langRu, langBe}
		}
		for _, l := range langs {
			wp.addCyrillic(w.text, l, st)
			if !query {
				continue
			}
			stem, suffix := st.stem(w.text, l)
			typed := token{stem: stem, suffix: suffix}
			for _, n := range nominatives(w.text, l) {
				np := wordPattern{stems: map[string]suffixSet{}}
				np.addCyrillic(n, l, st)
				if np.matches(&typed) { // the typed word is one of its forms
					wp.merge(np)
				}
			}
		}
	case scriptLatin:
		for _, f := range enForms(w.text) {
			wp.add(st.stem(f, langEn))
		}
	default:
		wp.stems[w.text] = suffixSet{any: true}
	}
	for _, stem := range sortedKeys(wp.stems) {
		wp.entries = append(wp.entries, stemEntry{stem, wp.stems[stem]})
	}
	return wp
}

// addCyrillic adds the forms of a folded Cyrillic word in a language, its
// relational adjectives and its compounds; every word of its stem when its
// forms are unknown.
func (wp *wordPattern) addCyrillic(text string, l lang, st *stemmer) {
	stem, _ := st.stem(text, l)
	fs, adjectives := forms(text, l)
	if fs == nil {
		wp.stems[stem] = suffixSet{any: true}
		return
	}
	for _, f := range fs {
		wp.add(st.stem(f, l))
	}
	for _, a := range adjectives {
		wp.stems[foldBelarusian(a)] = suffixSet{any: true}
	}
	for _, p := range compounds[stem] {
		if !slices.Contains(wp.prefixes, p) {
			wp.prefixes = append(wp.prefixes, p)
		}
	}
}

// merge adds the stems and compounds of another pattern.
func (wp *wordPattern) merge(o wordPattern) {
	for stem, set := range o.stems {
		if set.any {
			wp.stems[stem] = set
			continue
		}
		for _, suffix := range set.list {
			wp.add(stem, suffix)
		}
	}
	for _, p := range o.prefixes {
		if !slices.Contains(wp.prefixes, p) {
			wp.prefixes = append(wp.prefixes, p)
		}
	}
}

func (wp *wordPattern) add(stem, suffix string) {
	s := wp.stems[stem]
	if !s.any && !slices.Contains(s.list, suffix) {
		s.list = append(s.list, suffix)
	}
	wp.stems[stem] = s
}

func (wp *wordPattern) matches(t *token) bool {
	if s, ok := wp.stems[t.stem]; ok && s.has(t.suffix) {
		return true
	}
	for _, p := range wp.prefixes {
		if strings.HasPrefix(t.stem, p) {
			return true
		}
	}
	return false
}

// each calls fn with the first and last token of every occurrence of the
// pattern in d, in no particular order, until fn returns false.
func (p pattern) each(d *Doc, fn func(first, last int) bool) {
	if len(p) == 0 {
		return
	}
	visit := func(i int) bool {
		last := i + len(p) - 1
		if last >= len(d.toks) || d.toks[last].field != d.toks[i].field {
			return true
		}
		for j := 1; j < len(p); j++ {
			if !p[j].matches(&d.toks[i+j]) {
				return true
			}
		}
		return fn(i, last)
	}
	first := &p[0]
	for _, e := range first.entries {
		for _, i := range d.byStem[e.stem] {
			if e.suffixes.has(d.toks[i].suffix) && !visit(int(i)) {
				return
			}
		}
	}
	for _, pre := range first.prefixes {
		for k := sort.SearchStrings(d.stems, pre); k < len(d.stems) && strings.HasPrefix(d.stems[k], pre); k++ {
			for _, i := range d.byStem[d.stems[k]] {
				if !visit(int(i)) {
					return
				}
			}
		}
	}
}

// in reports whether the pattern occurs in d.
func (p pattern) in(d *Doc) bool {
	found := false
	p.each(d, func(int, int) bool {
		found = true
		return false
	})
	return found
}

// spans appends the occurrences of the pattern in d to out.
func (p pattern) spans(d *Doc, out []Span) []Span {
	p.each(d, func(first, last int) bool {
		out = append(out, Span{Field: d.toks[first].field, Start: d.toks[first].start, End: d.toks[last].end})
		return true
	})
	return out
}

// mergeSpans sorts spans and joins those that overlap or touch.
func mergeSpans(s []Span) []Span {
	sort.Slice(s, func(i, j int) bool {
		if s[i].Field != s[j].Field {
			return s[i].Field < s[j].Field
		}
		return s[i].Start < s[j].Start
	})
	out := s[:0]
	for _, sp := range s {
		if n := len(out); n > 0 && out[n-1].Field == sp.Field && sp.Start <= out[n-1].End {
			out[n-1].End = max(out[n-1].End, sp.End)
			continue
		}
		out = append(out, sp)
	}
	return out
}

// fts writes the pattern as an FTS5 expression over columns written by
// Doc.IndexText. A word becomes the exact tokens of its forms ("дорог_а" OR
// "дорог_и" …), or "stem_"* for any suffix, or "prefix"* for compounds,
// so a single word selects exactly what the pattern matches. A phrase
// becomes FTS5 phrases of "stem_"* tokens, one per combination of its
// words' stems, or, when there are too many combinations, all of its words
// (any order): a superset, which Query.Match narrows.
func (p pattern) fts(b *strings.Builder) {
	if len(p) == 1 {
		p[0].fts(b)
		return
	}
	alts := make([][]string, len(p))
	n := 1
	for i := range p {
		alts[i] = p[i].phraseTokens()
		n *= len(alts[i])
		if n > maxPhraseVariants {
			break
		}
	}
	if n > maxPhraseVariants {
		b.WriteByte('(')
		for i := range p {
			if i > 0 {
				b.WriteString(" AND ")
			}
			p[i].fts(b)
		}
		b.WriteByte(')')
		return
	}
	b.WriteByte('(')
	idx := make([]int, len(p))
	for v := 0; v < n; v++ {
		if v > 0 {
			b.WriteString(" OR ")
		}
		for i, k := range idx {
			if i > 0 {
				b.WriteString(" + ")
			}
			b.WriteString(alts[i][k])
		}
		for i := len(idx) - 1; i >= 0; i-- { // next combination
			if idx[i]++; idx[i] < len(alts[i]) {
				break
			}
			idx[i] = 0
		}
	}
	b.WriteByte(')')
}

// maxPhraseVariants bounds the FTS5 phrases written for one phrase.
const maxPhraseVariants = 32

func (wp *wordPattern) fts(b *strings.Builder) {
	var terms []string
	for _, e := range wp.entries {
		if e.suffixes.any {
			terms = append(terms, ftsString(e.stem+"_")+"*")
			continue
		}
		for _, suffix := range e.suffixes.list {
			terms = append(terms, ftsString(e.stem+"_"+suffix))
		}
	}
	for _, pre := range wp.prefixes {
		terms = append(terms, ftsString(pre)+"*")
	}
	if len(terms) == 1 {
		b.WriteString(terms[0])
		return
	}
	b.WriteByte('(')
	b.WriteString(strings.Join(terms, " OR "))
	b.WriteByte(')')
}

// phraseTokens are the FTS5 tokens standing for the word inside a phrase:
// each stem with any suffix, and the compound prefixes.
func (wp *wordPattern) phraseTokens() []string {
	var out []string
	for _, e := range wp.entries {
		out = append(out, ftsString(e.stem+"_")+"*")
	}
	for _, pre := range wp.prefixes {
		out = append(out, ftsString(pre)+"*")
	}
	return out
}

// ftsString quotes a token as an FTS5 string: whatever it holds is text,
// never syntax.
func ftsString(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

func sortedKeys(m map[string]suffixSet) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
