package analyser

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxKeywordLen is the most characters a keyword may have, as shown.
const MaxKeywordLen = 40

// Errors of a keyword, in a KeywordError.
var (
	ErrKeywordInvalid = errors.New("keyword is not valid text")
	ErrKeywordEmpty   = errors.New("keyword has no letters or digits")
	ErrKeywordTooLong = fmt.Errorf("keyword is longer than %d characters", MaxKeywordLen)
	ErrKeywordCommon  = errors.New("keyword has only common words or single letters")
)

// Keyword is a compiled keyword of a chat's filter: a word, a phrase
// whose words must follow each other in order, or a hashtag (#образование)
// that matches the articles with that category.
type Keyword struct {
	Text    string // as shown and stored: lowercase words as typed, single spaces; #tag for a hashtag
	Exclude bool   // articles that match are dropped
	pattern pattern
	tag     string // a hashtag's tagKey; "" for words
}

// String is the keyword as a resident types it: "-text" for an exclusion.
// ParseKeyword(k.String()) gives k back.
func (k Keyword) String() string {
	if k.Exclude {
		return "-" + k.Text
	}
	return k.Text
}

// Key identifies a keyword regardless of its sign and of spellings that
// mean the same (case, ё/е, і/и, ў/у, apostrophes): two keywords with one
// key are one keyword.
func (k Keyword) Key() string {
	if k.tag != "" {
		return "#" + k.tag
	}
	ws := words(k.Text)
	keys := make([]string, len(ws))
	for i, w := range ws {
		keys[i] = foldBelarusian(w.text)
	}
	return strings.Join(keys, " ")
}

// Phrase reports whether the keyword has more than one word.
func (k Keyword) Phrase() bool { return len(k.pattern) > 1 }

// Hashtag reports whether the keyword is a hashtag.
func (k Keyword) Hashtag() bool { return k.tag != "" }

// Match reports whether the keyword occurs in d: for a hashtag, whether
// one of d's categories has it (see Doc.Tag).
func (k Keyword) Match(d *Doc) bool {
	if k.tag != "" {
		return slices.Contains(d.tags, k.tag)
	}
	return k.pattern.in(d)
}

// Spans returns where the keyword occurs in d, sorted; none for a hashtag.
func (k Keyword) Spans(d *Doc) []Span { return mergeSpans(k.pattern.spans(d, nil)) }

// KeywordError tells why one keyword of a list was refused.
type KeywordError struct {
	Input string // the keyword as typed, cleaned and cut so that it can be shown
	Err   error  // ErrKeywordInvalid, ErrKeywordEmpty, ErrKeywordTooLong or ErrKeywordCommon
}

func (e *KeywordError) Error() string { return fmt.Sprintf("%q: %v", e.Input, e.Err) }
func (e *KeywordError) Unwrap() error { return e.Err }

// Parsed is what ParseKeywords read from a resident's list.
type Parsed struct {
	Keywords []Keyword       // in the order typed, each key once
	Errors   []*KeywordError // the items refused, in the order typed
	More     int             // items not read: the list held more than the limit
}

// ParseKeywords reads a list of keywords as a resident types it after
// /keywords. Commas, semicolons and new lines separate keywords; words
// between them are one keyword, a phrase ("детский сад"); a quoted part is
// a keyword of its own (`"детский сад" школа` is two), and so is a
// hashtag, which ends at a space ("школа #образование" is two); a leading
// minus makes an exclusion, and a minus after a space starts one ("школа
// -реклама"). At most limit items are read; the rest are counted in More.
func ParseKeywords(input string, limit int) Parsed {
	var res Parsed
	seen := map[string]bool{}
	st := newStemmer()
	for _, it := range splitItems(input) {
		if len(res.Keywords)+len(res.Errors) >= limit {
			res.More++
			continue
		}
		k, err := parseItem(it.text, it.exclude, st)
		if err != nil {
			res.Errors = append(res.Errors, &KeywordError{Input: shown(it), Err: err})
			continue
		}
		if key := k.Key(); !seen[key] {
			seen[key] = true
			res.Keywords = append(res.Keywords, k)
		}
	}
	return res
}

// ParseKeyword reads one keyword: a stored one (Keyword.String), or one
// item of a list. A leading minus makes an exclusion; the rest is one word
// or phrase, commas and quotes included. The error is a *KeywordError.
func ParseKeyword(s string) (Keyword, error) {
	t := strings.TrimLeftFunc(s, unicode.IsSpace)
	exclude := false
	if r, size := utf8.DecodeRuneInString(t); isMinus(r) {
		exclude, t = true, t[size:]
	}
	k, err := parseItem(t, exclude, newStemmer())
	if err != nil {
		return Keyword{}, &KeywordError{Input: shown(item{text: t, exclude: exclude}), Err: err}
	}
	return k, nil
}

func parseItem(s string, exclude bool, st *stemmer) (Keyword, error) {
	if !utf8.ValidString(s) {
		return Keyword{}, ErrKeywordInvalid
	}
	s = strings.TrimSpace(s)
	if r, size := utf8.DecodeRuneInString(s); isHash(r) {
		return parseHashtag(s[size:], exclude)
	}
	text := displayText(s)
	switch {
	case text == "":
		return Keyword{}, ErrKeywordEmpty
	case runeLen(text) > MaxKeywordLen:
		return Keyword{}, ErrKeywordTooLong
	}
	ws := words(text)
	meaningful := false
	for _, w := range ws {
		meaningful = meaningful || !common(w)
	}
	if !meaningful {
		return Keyword{}, ErrKeywordCommon
	}
	return Keyword{Text: text, Exclude: exclude, pattern: compile(ws, st, false)}, nil
}

// parseHashtag reads a keyword written as a hashtag, after its #.
func parseHashtag(s string, exclude bool) (Keyword, error) {
	tag := Hashtag(s)
	switch {
	case tag == "":
		return Keyword{}, ErrKeywordEmpty
	case runeLen(s) > MaxKeywordLen:
		return Keyword{}, ErrKeywordTooLong
	}
	return Keyword{Text: "#" + tag, Exclude: exclude, tag: tagKey(tag)}, nil
}

// item is one keyword of a list as typed.
type item struct {
	text    string
	exclude bool
}

// splitItems splits a list of keywords (see ParseKeywords).
func splitItems(s string) []item {
	var out []item
	var cur strings.Builder
	exclude, quoted, tag := false, false, false
	blank := func() bool { return strings.TrimFunc(cur.String(), unicode.IsSpace) == "" }
	push := func() {
		if !blank() || exclude {
			out = append(out, item{text: cur.String(), exclude: exclude})
		}
		cur.Reset()
		exclude, tag = false, false
	}
	var prev rune = ' '
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		next, _ := utf8.DecodeRuneInString(s[i+size:])
		switch {
		case size == 1 && r == utf8.RuneError:
			cur.WriteByte(s[i]) // kept: the item is refused as invalid, not silently changed
		case quoted && (isQuote(r) || r == '\n'):
			push()
			quoted = false
		case quoted:
			cur.WriteRune(r)
		case r == ',' || r == ';' || r == '\n' || r == '\r' || r == '，' || r == '；' || r == '、':
			push()
		case isQuote(r):
			if !blank() {
				push()
			}
			quoted = true
		case tag && unicode.IsSpace(r):
			push()
		case isHash(r) && (blank() || unicode.IsSpace(prev)):
			if !blank() {
				push()
			}
			cur.WriteRune(r)
			tag = true
		case isMinus(r) && blank() && !exclude:
			exclude = true
		case isMinus(r) && unicode.IsSpace(prev) && !unicode.IsSpace(next) && next != utf8.RuneError && !isMinus(next):
			push()
			exclude = true
		default:
			cur.WriteRune(r)
		}
		prev = r
		i += size
	}
	push()
	return out
}

func isQuote(r rune) bool {
	return strings.ContainsRune("\"«»„“”‟「」", r)
}

func isMinus(r rune) bool { return r == '-' || r == '−' || r == '–' || r == '—' }

// connectors may stand inside a shown word: "северо-западный", "аб'ява",
// "д/с", "e-mail".
const connectors = "-‐‑'’ʼ./&+"

// displayText is a keyword as it is shown and stored: NFC, lowercase,
// without invisible characters and leftover combining marks, lookalike
// letters of a mixed-script word replaced (see finishWord), each word
// trimmed of punctuation at its ends and other punctuation dropped, words
// separated by single spaces.
func displayText(s string) string {
	var out []string
	var w []rune
	flush := func() {
		start, end := 0, len(w)
		for start < end && strings.ContainsRune(connectors, w[start]) {
			start++
		}
		for end > start && strings.ContainsRune(connectors, w[end-1]) {
			end--
		}
		if start < end {
			out = append(out, string(fixLookalikes(w[start:end])))
		}
		w = w[:0]
	}
	for _, r := range norm.NFC.String(s) {
		switch {
		case invisible(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me):
		case unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(connectors, r):
			w = append(w, unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return strings.Join(out, " ")
}

// shown is an item that was refused, as it can be shown back: valid UTF-8,
// no invisible or control characters, spaces collapsed, cut to 30 characters.
func shown(it item) string {
	s := strings.ToValidUTF8(it.text, "�")
	s = strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		switch {
		case invisible(r):
			return -1
		case unicode.IsControl(r):
			return ' '
		}
		return r
	}, s)), " ")
	if r := []rune(s); len(r) > 30 {
		s = string(r[:30]) + "…"
	}
	if it.exclude {
		s = "-" + s
	}
	return s
}

// Filter decides with a chat's keywords whether an article is for it.
type Filter struct {
	include, exclude []Keyword
}

// NewFilter makes the filter of a chat's keywords.
func NewFilter(kws []Keyword) Filter {
	var f Filter
	for _, k := range kws {
		if k.Exclude {
			f.exclude = append(f.exclude, k)
		} else {
			f.include = append(f.include, k)
		}
	}
	return f
}

// Allows reports whether an article passes: no exclusion occurs in it, and
// one of the other keywords does, if there are any.
func (f Filter) Allows(d *Doc) bool {
	for _, k := range f.exclude {
		if k.Match(d) {
			return false
		}
	}
	if len(f.include) == 0 {
		return true
	}
	for _, k := range f.include {
		if k.Match(d) {
			return true
		}
	}
	return false
}
