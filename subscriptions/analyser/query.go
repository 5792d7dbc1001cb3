package analyser

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// MaxQueryTerms bounds the words and phrases of one search.
const MaxQueryTerms = 8

// ErrEmptyQuery is returned by ParseQuery for a text without a word to search.
var ErrEmptyQuery = errors.New("the search query has no words")

// Query is a search: every one of its terms, a word or a phrase, must occur.
type Query struct {
	terms []pattern
}

// ParseQuery reads what a person typed to search, or a plain question.
// Quoted parts are phrases; hyphenated words too ("северо-западный").
// Words outside quotes that carry no meaning of their own (stop words,
// greetings, question words: see Essentials) are left out unless nothing
// else is left. Everything a person can type is text: quotes, NEAR(, *,
// OR, col:x never reach FTS5 as syntax (see Query.FTS).
func ParseQuery(text string) (Query, error) {
	ts := queryTerms(text)
	var keep []term
	for _, t := range ts {
		if t.quoted || !t.common() {
			keep = append(keep, t)
		}
	}
	if len(keep) == 0 {
		keep = ts
	}
	if len(keep) == 0 {
		return Query{}, ErrEmptyQuery
	}
	st := newStemmer()
	q := Query{terms: make([]pattern, 0, min(len(keep), MaxQueryTerms))}
	seen := map[string]bool{} // a term typed twice would make FTS5 match it twice, for nothing
	for _, t := range keep {
		if len(q.terms) == MaxQueryTerms {
			break
		}
		p := compile(t.words, st, true)
		var fts strings.Builder
		p.fts(&fts)
		if !seen[fts.String()] {
			seen[fts.String()] = true
			q.terms = append(q.terms, p)
		}
	}
	return q, nil
}

// Essentials returns the words that matter in a plain sentence, as
// written, in order, each once, at most MaxQueryTerms: "Здравствуйте,
// когда будет горячая вода на Сумченко?" → горячая, вода, Сумченко.
// Empty for a sentence of greetings and question words alone ("hello").
func Essentials(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range queryTerms(text) {
		if t.quoted || t.common() {
			continue
		}
		key := t.key()
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, text[t.words[0].start:t.words[len(t.words)-1].end])
		if len(out) == MaxQueryTerms {
			break
		}
	}
	return out
}

// FTS is the query as an FTS5 MATCH expression over columns written by
// Doc.IndexText: its terms joined by AND. Every token is a quoted string,
// so no input can be read as FTS5 syntax or make it fail. For words it
// selects exactly the documents Match accepts; for phrases it may select
// more (see pattern.fts): check candidates with Match.
func (q Query) FTS() string {
	var b strings.Builder
	for i, t := range q.terms {
		if i > 0 {
			b.WriteString(" AND ")
		}
		t.fts(&b)
	}
	return b.String()
}

// Terms returns each term of the query as a query of its own, in order:
// a search that finds nothing with every term can look for some of them.
func (q Query) Terms() []Query {
	out := make([]Query, len(q.terms))
	for i, t := range q.terms {
		out[i] = Query{terms: []pattern{t}}
	}
	return out
}

// Exact reports whether FTS selects exactly the documents Match accepts:
// when no term is a phrase (see FTS). A search then needs no Match.
func (q Query) Exact() bool {
	for _, t := range q.terms {
		if len(t) > 1 {
			return false
		}
	}
	return true
}

// Match reports whether every term of the query occurs in d.
func (q Query) Match(d *Doc) bool {
	for _, t := range q.terms {
		if !t.in(d) {
			return false
		}
	}
	return len(q.terms) > 0
}

// Spans returns where the query's terms occur in d, sorted and merged, for
// showing the matched words in bold.
func (q Query) Spans(d *Doc) []Span {
	var out []Span
	for _, t := range q.terms {
		out = t.spans(d, out)
	}
	return mergeSpans(out)
}

// term is a word or a phrase of a query as typed.
type term struct {
	words  []word
	quoted bool
}

func (t term) common() bool {
	for _, w := range t.words {
		if !common(w) {
			return false
		}
	}
	return true
}

func (t term) key() string {
	k := make([]string, len(t.words))
	for i, w := range t.words {
		k[i] = foldBelarusian(w.text)
	}
	return strings.Join(k, " ")
}

// queryTerms splits a query into terms: each quoted part is one, and
// outside quotes each word is one, or words joined by hyphens or
// apostrophes are one phrase. Word offsets are in text. A greeting of two
// words ("добрый день", "good morning") is dropped whole.
func queryTerms(text string) []term {
	var out []term
	start, quoted := 0, false
	for i := 0; i <= len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if i < len(text) && !isQuote(r) {
			i += size
			continue
		}
		out = append(out, segmentTerms(text, start, i, quoted)...)
		quoted = !quoted
		i += max(size, 1)
		start = i
	}
	return dropGreetings(out)
}

func segmentTerms(text string, start, end int, quoted bool) []term {
	ws := words(text[start:end])
	for i := range ws {
		ws[i].start += start
		ws[i].end += start
	}
	if quoted {
		if len(ws) == 0 {
			return nil
		}
		return []term{{words: ws, quoted: true}}
	}
	var out []term
	for i, w := range ws {
		if i > 0 && joined(text[ws[i-1].end:w.start]) {
			t := &out[len(out)-1]
			t.words = append(t.words, w)
			continue
		}
		out = append(out, term{words: []word{w}})
	}
	return out
}

// joined reports whether the text between two words joins them into one:
// a hyphen ("северо-западный").
func joined(gap string) bool {
	r, size := utf8.DecodeRuneInString(gap)
	return size == len(gap) && strings.ContainsRune("-‐‑", r)
}

// greetings are two-word greetings whose second word means something on its
// own elsewhere ("День города").
var greetings = map[string]bool{
	"добрый день": true, "добрый вечер": true, "доброе утро": true, "доброго дня": true, "доброго утра": true,
	"добры дзень": true, "добры вечар": true, "добрай раніцы": true, "добрага дня": true,
	"good morning": true, "good afternoon": true, "good evening": true, "good day": true,
}

func dropGreetings(ts []term) []term {
	out := ts[:0]
	for i := 0; i < len(ts); i++ {
		if i+1 < len(ts) && !ts[i].quoted && !ts[i+1].quoted && len(ts[i].words) == 1 && len(ts[i+1].words) == 1 &&
			greetings[ts[i].words[0].text+" "+ts[i+1].words[0].text] {
			i++
			continue
		}
		out = append(out, ts[i])
	}
	return out
}
