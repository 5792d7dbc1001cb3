package analyser

import (
	"sort"
	"strings"
)

// Doc is an analysed text: the stems of its words in order, with where
// each word stands in the original text. Analyse a text once and test any
// number of keywords and queries against it.
type Doc struct {
	toks   []token
	byStem map[string][]int32 // token indexes by stem
	stems  []string           // distinct stems, sorted: compound prefixes look up a range
	tags   []string           // hashtags of the categories, folded (see Tag)
}

type token struct {
	stem, suffix string // folded; suffix is what the stemmer cut off (Cyrillic only)
	field        int
	start, end   int // bytes of the field
}

// Span is a stretch of one field of the original text, in bytes, that a
// keyword or query matched: Field indexes the texts given to Analyse.
type Span struct {
	Field, Start, End int
}

// Analyse analyses the fields of a text (an article's title, summary and
// categories, say). Phrases never run from one field into the next. The
// language of Cyrillic words whose letters do not tell it is decided once
// for all fields together (see textLang).
func Analyse(fields ...string) *Doc {
	ws := make([][]word, len(fields))
	var all []word
	for i, f := range fields {
		ws[i] = words(f)
		all = append(all, ws[i]...)
	}
	dflt := textLang(all)
	st := newStemmer()
	d := &Doc{toks: make([]token, 0, len(all)), byStem: make(map[string][]int32, len(all))}
	for field, fw := range ws {
		for _, w := range fw {
			stem, suffix := st.stem(w.text, textWordLang(w, dflt))
			d.byStem[stem] = append(d.byStem[stem], int32(len(d.toks)))
			d.toks = append(d.toks, token{stem: stem, suffix: suffix, field: field, start: w.start, end: w.end})
		}
	}
	d.stems = make([]string, 0, len(d.byStem))
	for s := range d.byStem {
		d.stems = append(d.stems, s)
	}
	sort.Strings(d.stems)
	return d
}

// textWordLang is the language of a word of a text: its script's, and for
// Cyrillic its letters' or else the text's.
func textWordLang(w word, dflt lang) lang {
	switch w.script {
	case scriptLatin:
		return langEn
	case scriptCyrillic:
		if l := cyrillicLang(w); l != langNone {
			return l
		}
		return dflt
	}
	return langNone
}

// IndexText is what the full-text index stores for one field: a token per
// word, "stem_suffix" ("дорог_и", "сад_", "road_"), separated by spaces.
// Index it with IndexTokenizer and search it with Query.FTS.
func (d *Doc) IndexText(field int) string {
	var b strings.Builder
	for _, t := range d.toks {
		if t.field != field {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t.stem)
		b.WriteByte('_')
		b.WriteString(t.suffix)
	}
	return b.String()
}

// IndexTokenizer is the FTS5 tokenizer for columns written with
// Doc.IndexText: the analyser has already folded everything, so the
// tokenizer must not fold diacritics (it would turn й into и), and '_'
// joins a stem to its suffix.
const IndexTokenizer = "unicode61 remove_diacritics 0 tokenchars '_'"

// Version changes whenever the analysis of a text changes (stemmers, folding,
// forms): an index written by another version must be rebuilt.
const Version = 1
