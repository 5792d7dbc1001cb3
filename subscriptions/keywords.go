package subscriptions

import (
	"errors"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Limits of a chat's keywords.
const (
	MaxKeywords   = 20 // per chat, include and exclude together
	MaxKeywordLen = 40 // characters of one keyword
)

// Errors of NormalizeKeyword, and of a search without words.
var (
	ErrKeywordEmpty   = errors.New("keyword has no letters or digits")
	ErrKeywordTooLong = errors.New("keyword is too long")
	ErrEmptyQuery     = errors.New("the search query has no words")
)

// KeywordChange says what adding keywords to a chat did with each keyword given.
type KeywordChange struct {
	Added     []Keyword // new
	Switched  []Keyword // known with the other sign: now as given
	Already   []Keyword // known as given: nothing to do
	OverLimit []Keyword // not added: the chat has MaxKeywords
}

// Keyword is one word (or phrase) of a chat's filter.
type Keyword struct {
	Word    string // lowercased, spaces collapsed, as the chat typed it
	Exclude bool   // articles that match are dropped
}

// String is the keyword as a chat types it: "-word" for an exclusion.
func (k Keyword) String() string {
	if k.Exclude {
		return "-" + k.Word
	}
	return k.Word
}

// NormalizeKeyword reads one keyword as typed: a leading '-' (or '−', '–')
// makes it an exclusion; it is lowercased, quotes and spaces around it are
// trimmed and inner spaces collapsed. It must hold a letter or a digit and
// be at most MaxKeywordLen characters.
func NormalizeKeyword(s string) (Keyword, error) {
	var k Keyword
	s = strings.TrimSpace(norm.NFC.String(s))
	for _, p := range []string{"-", "−", "–", "—"} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			k.Exclude, s = true, rest
			break
		}
	}
	s = strings.Trim(s, " \t\"«»„“”'`")
	k.Word = strings.Join(strings.Fields(strings.ToLower(s)), " ")
	if len(words(Fold(k.Word))) == 0 {
		return k, ErrKeywordEmpty
	}
	if utf8.RuneCountInString(k.Word) > MaxKeywordLen {
		return k, ErrKeywordTooLong
	}
	return k, nil
}

// Fold makes text comparable across case and the spellings of Russian and
// Belarusian: lowercase, ё→е, і→и, ў→у, apostrophes dropped (аб'ява→абява).
// The search index of the store folds the same way (its migration 0003);
// keep both in step.
func Fold(s string) string {
	return folder.Replace(strings.ToLower(norm.NFC.String(s)))
}

var folder = strings.NewReplacer("ё", "е", "і", "и", "ў", "у", "'", "", "’", "", "ʼ", "")

// words splits folded text into words: runs of letters, digits and marks.
func words(folded string) []string {
	return strings.FieldsFunc(folded, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	})
}

// endings are the inflectional endings of Russian and Belarusian nouns and
// adjectives, folded, longest first: a keyword is cut to its stem so that
// "дорога" also finds "дороги", "дороге" and "дорогу".
var endings = func() []string {
	e := []string{
		"иями", "ями", "ами", "ого", "его", "ому", "ему", "ыми", "ими", "ага", "яга", "аму", "яму",
		"ая", "яя", "ое", "ее", "ые", "ие", "ыя", "ия", "ой", "ей", "ий", "ый", "ым", "им", "ых", "их",
		"ов", "ев", "ау", "яу", "оу", "ах", "ях", "ам", "ям", "ом", "ем", "ую", "юю",
		"а", "я", "о", "е", "ы", "и", "у", "ю", "ь", "й",
	}
	sort.SliceStable(e, func(i, j int) bool { return utf8.RuneCountInString(e[i]) > utf8.RuneCountInString(e[j]) })
	return e
}()

// alternations are the consonants that change before a suffix
// (дорога → дорожный, рука → ручной): a stem ending in one of them also
// matches words with the others in its place.
var alternations = map[rune]string{
	'г': "жз", 'к': "ч", 'х': "ш", 'д': "ж", 'т': "ч", 'с': "ш", 'з': "ж", 'ц': "ч",
}

const minStem = 3 // runes a stem keeps at least

// stem returns the word prefixes that a folded word matches: its stem
// without an inflectional ending, then the stem with an alternating final
// consonant. Latin words lose a plural "s".
func stem(w string) []string {
	r := []rune(w)
	if len(r) == 0 {
		return nil
	}
	last := r[len(r)-1]
	if unicode.Is(unicode.Cyrillic, last) {
		for _, e := range endings {
			n := utf8.RuneCountInString(e)
			if len(r)-n >= minStem && strings.HasSuffix(w, e) {
				r = r[:len(r)-n]
				break
			}
		}
	} else if last == 's' && len(r) > minStem && unicode.Is(unicode.Latin, last) {
		r = r[:len(r)-1]
	}
	out := []string{string(r)}
	if alt, ok := alternations[r[len(r)-1]]; ok && len(r) > minStem {
		base := string(r[:len(r)-1])
		for _, a := range alt {
			out = append(out, base+string(a))
		}
	}
	return out
}

// pattern is a compiled keyword: a word or a phrase of consecutive words,
// each matched by the prefixes of its stem.
type pattern [][]string

func compile(word string) pattern {
	var p pattern
	for _, w := range words(Fold(word)) {
		p = append(p, stem(w))
	}
	return p
}

func (p pattern) matches(text []string) bool {
	if len(p) == 0 {
		return false
	}
	for i := 0; i+len(p) <= len(text); i++ {
		ok := true
		for j, prefixes := range p {
			if !hasAnyPrefix(text[i+j], prefixes) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func hasAnyPrefix(w string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// KeywordFilter decides with a chat's keywords whether an article is for
// it. A keyword (a word or a phrase) occurs in a text case-insensitively,
// ё = е, і = и, ў = у, each of its words matching any word of the text that
// starts with its stem ("дорог" matches "дороги" and "дорожный").
type KeywordFilter struct {
	include, exclude []pattern
}

// NewKeywordFilter compiles a chat's keywords.
func NewKeywordFilter(kws []Keyword) KeywordFilter {
	var f KeywordFilter
	for _, k := range kws {
		p := compile(k.Word)
		if len(p) == 0 {
			continue
		}
		if k.Exclude {
			f.exclude = append(f.exclude, p)
		} else {
			f.include = append(f.include, p)
		}
	}
	return f
}

// ArticleWords are the folded words of an article's title, summary and
// categories, the text keywords are matched against.
func ArticleWords(a Article) []string {
	return words(Fold(a.Title + "\n" + a.Summary + "\n" + strings.Join(a.Categories, "\n")))
}

// Allows reports whether an article with these words (see ArticleWords)
// passes: no exclusion matches, and an include list, when there is one,
// has a match.
func (f KeywordFilter) Allows(text []string) bool {
	for _, p := range f.exclude {
		if p.matches(text) {
			return false
		}
	}
	if len(f.include) == 0 {
		return true
	}
	for _, p := range f.include {
		if p.matches(text) {
			return true
		}
	}
	return false
}

// SearchTerms reads what a person typed into a search: its words, folded
// (see Fold), each as the prefixes that match it (its stem, then the stem
// with an alternating final consonant: "дороги" gives "дорог", "дорож",
// "дороз"), in the order typed. Words of one character and words with the
// stem of an earlier one are left out. The store turns the terms into its
// own query syntax.
func SearchTerms(text string) [][]string {
	var terms [][]string
	seen := map[string]bool{}
	for _, w := range words(Fold(text)) {
		if utf8.RuneCountInString(w) < 2 {
			continue
		}
		prefixes := stem(w)
		if seen[prefixes[0]] {
			continue
		}
		seen[prefixes[0]] = true
		terms = append(terms, prefixes)
	}
	return terms
}
