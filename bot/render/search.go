package render

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/subscriptions"
)

const (
	// maxQueryShown bounds the query repeated in the header of search results.
	maxQueryShown = 100
	// snippetWidth is how much of a summary a search result shows around
	// the first word found in it, in characters; snippetLead of them come
	// before that word.
	snippetWidth = 160
	snippetLead  = 50
)

// Mark is a stretch of a text that a search matched, in bytes: shown in bold.
type Mark struct{ Start, End int }

// Found is an article that a search found, with where the search matched
// its title and its summary.
type Found struct {
	Article        subscriptions.Article
	Title, Summary []Mark
}

// Search renders the results of a search: a header with the query (that
// says that the articles have only some of its words when partial), then one item
// per article: its short date and its title linked to the portal, the
// words found in bold, and when the title holds none of them, a line of
// the summary around the first. Items that do not fit in MaxText are left
// out from the end. With no articles it renders "search.none" with the query.
func Search(query string, found []Found, partial bool, o Options) string {
	lang := o.lang()
	q := Cut(oneLine(clean(query)), maxQueryShown)
	if len(found) == 0 {
		return Plain(i18n.T(lang, "search.none", q))
	}
	header := "search.header"
	if partial {
		header = "search.partial"
	}
	b := &Builder{}
	b.Bold(i18n.T(lang, header, q))
	for _, f := range found {
		item := &Builder{}
		if !f.Article.Published.IsZero() {
			item.Text(i18n.ShortDate(f.Article.Published.In(o.loc())) + " — ")
		}
		title := cutPieces(tidyPieces(split(f.Article.Title, f.Title)), maxListTitle)
		if len(title) == 0 {
			title = []piece{{text: "…"}}
		}
		item.markedLink(title, f.Article.Link)
		if !anyBold(title) && len(f.Summary) > 0 {
			if s := tidyPieces(snippet(f.Article.Summary, f.Summary)); len(s) > 0 {
				item.Line()
				item.marked(s)
			}
		}
		if b.Len()+2+item.Len() > MaxText {
			break
		}
		paragraph(b)
		b.Append(item)
	}
	return b.String()
}

// piece is a stretch of text, in bold or not.
type piece struct {
	text string
	bold bool
}

func anyBold(ps []piece) bool {
	for _, p := range ps {
		if p.bold {
			return true
		}
	}
	return false
}

// split cuts s into pieces at the marks, which are sorted, clipped to s
// and moved to character boundaries; overlapping marks merge.
func split(s string, marks []Mark) []piece {
	ms := append([]Mark(nil), marks...)
	sort.Slice(ms, func(i, j int) bool { return ms[i].Start < ms[j].Start })
	var out []piece
	at := 0
	for _, m := range ms {
		start, end := runeStart(s, max(m.Start, at)), runeStart(s, min(m.End, len(s)))
		if start >= end {
			continue
		}
		if start > at {
			out = append(out, piece{text: s[at:start]})
		}
		out = append(out, piece{text: s[start:end], bold: true})
		at = end
	}
	if at < len(s) {
		out = append(out, piece{text: s[at:]})
	}
	return out
}

// runeStart moves byte i of s back to the start of its character.
func runeStart(s string, i int) int {
	i = max(0, min(i, len(s)))
	for i > 0 && i < len(s) && !utf8.RuneStart(s[i]) {
		i--
	}
	return i
}

// tidyPieces does to the text of pieces what oneLine(clean(…)) does to a
// string: control characters and invalid UTF-8 out, every run of white
// space one space, none at the ends. Empty pieces are dropped.
func tidyPieces(ps []piece) []piece {
	var out []piece
	space := true // at the start: drop leading white space
	for _, p := range ps {
		var b strings.Builder
		for _, r := range clean(p.text) {
			if unicode.IsSpace(r) {
				if !space {
					b.WriteByte(' ')
				}
				space = true
				continue
			}
			b.WriteRune(r)
			space = false
		}
		if b.Len() > 0 {
			out = append(out, piece{text: b.String(), bold: p.bold})
		}
	}
	if n := len(out); n > 0 {
		out[n-1].text = strings.TrimRight(out[n-1].text, " ")
		if out[n-1].text == "" {
			out = out[:n-1]
		}
	}
	return out
}

// cutPieces cuts tidy pieces as Cut cuts their text: at most max UTF-16
// units, "…" at the end when cut.
func cutPieces(ps []piece, max int) []piece {
	var all strings.Builder
	for _, p := range ps {
		all.WriteString(p.text)
	}
	if length(all.String()) <= max {
		return ps
	}
	keep := len(strings.TrimSuffix(Cut(all.String(), max), "…"))
	var out []piece
	for _, p := range ps {
		if keep <= 0 {
			break
		}
		if len(p.text) > keep {
			p.text = p.text[:keep]
		}
		keep -= len(p.text)
		out = append(out, p)
	}
	return append(out, piece{text: "…"})
}

// snippet is the stretch of a summary around its first mark: snippetLead
// characters before it, snippetWidth in all, at word boundaries, with "…"
// where the summary goes on.
func snippet(s string, marks []Mark) []piece {
	ps := split(s, marks)
	first, at := -1, 0
	for _, p := range ps {
		if p.bold {
			first = at
			break
		}
		at += len(p.text)
	}
	if first < 0 {
		return nil
	}
	start := first
	for n := 0; start > 0 && n < snippetLead; n++ {
		_, size := utf8.DecodeLastRuneInString(s[:start])
		start -= size
	}
	if start > 0 {
		if i := strings.IndexFunc(s[start:first], unicode.IsSpace); i >= 0 {
			start += i + 1
		}
	}
	end := start
	for n := 0; end < len(s) && n < snippetWidth; n++ {
		_, size := utf8.DecodeRuneInString(s[end:])
		end += size
	}
	if end < len(s) {
		if i := strings.LastIndexFunc(s[first:end], unicode.IsSpace); i > 0 {
			end = first + i
		}
	}
	var out []piece
	if start > 0 {
		out = append(out, piece{text: "…"})
	}
	at = 0
	for _, p := range ps {
		from, to := max(at, start), min(at+len(p.text), end)
		if from < to {
			out = append(out, piece{text: p.text[from-at : to-at], bold: p.bold})
		}
		at += len(p.text)
	}
	if end < len(s) {
		out = append(out, piece{text: "…"})
	}
	return out
}

// marked adds pieces, the bold ones in bold.
func (b *Builder) marked(ps []piece) {
	for _, p := range ps {
		if p.bold {
			b.Bold(p.text)
		} else {
			b.Text(p.text)
		}
	}
}

// markedLink adds pieces linked to href as by Link.
func (b *Builder) markedLink(ps []piece, href string) { b.linked(href, func() { b.marked(ps) }) }
