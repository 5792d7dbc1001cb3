package feed

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/encoding/charmap"
)

// The text of a title or summary goes through these steps: HTML to text
// (tags out, entities decoded, paragraphs marked), a second time only in a
// document that escaped its text twice, repair of UTF-8 read as a
// single-byte encoding, then cleaning (controls, bidirectional and
// zero-width characters out, whitespace collapsed).

// paragraphBreak marks a break that stays a line break in a summary: a block
// element, <br>, a blank line in plain text. Single line breaks of the source
// are hard wrapping and become spaces.
const paragraphBreak = '\u2029'

// CleanTitle makes one line of plain text of a title: tags stripped, HTML
// entities decoded once, doubly encoded UTF-8 repaired, control,
// bidirectional and zero-width characters removed, whitespace collapsed.
func CleanTitle(s string) string { return finishTitle(htmlToText(s, false), false) }

// Summarise makes plain text of an HTML teaser: paragraphs (block elements,
// <br>, blank lines of plain text) become line breaks, single line breaks
// inside a paragraph become spaces, the rest is cleaned as in CleanTitle,
// and the text is cut at a word boundary to about max runes, with "…".
func Summarise(s string, max int) string {
	return truncateRunes(finishSummary(htmlToText(s, true), false), max)
}

// finishTitle completes CleanTitle on text decoded once; twice decodes it
// again, for a document that escapes its titles twice.
func finishTitle(t string, twice bool) string {
	if twice {
		t = htmlToText(t, false)
	}
	return cleanText(repairMojibake(t), false)
}

// finishSummary is finishTitle for summaries, without the cut.
func finishSummary(t string, twice bool) string {
	if twice {
		t = htmlToText(t, true)
	}
	return cleanText(repairMojibake(t), true)
}

// leftoverEntityRe finds an HTML entity still in text decoded once.
var leftoverEntityRe = regexp.MustCompile(`&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});`)

// escapedTwice reports whether text decoded once still holds entities that
// show the source escaped it twice ("&amp;laquo;" became "&laquo;"). &lt;,
// &gt; and &amp; do not count: a title may speak of them literally.
func escapedTwice(t string) bool {
	if !strings.Contains(t, "&") {
		return false
	}
	for _, m := range leftoverEntityRe.FindAllStringSubmatch(t, -1) {
		switch strings.ToLower(m[1]) {
		case "lt", "gt", "amp", "#60", "#62", "#38", "#x3c", "#x3e", "#x26":
			continue
		}
		if strings.HasPrefix(m[1], "#") || html.UnescapeString(m[0]) != m[0] {
			return true
		}
	}
	return false
}

var (
	skipTags = map[atom.Atom]bool{
		atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
		atom.Iframe: true, atom.Svg: true, atom.Object: true, atom.Head: true,
	}
	blockTags = map[atom.Atom]bool{
		atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
		atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
		atom.Blockquote: true, atom.Pre: true, atom.Table: true, atom.Tr: true, atom.Section: true,
		atom.Article: true, atom.Header: true, atom.Footer: true, atom.Figure: true,
		atom.Figcaption: true, atom.Hr: true, atom.Dl: true, atom.Dt: true, atom.Dd: true,
		atom.Address: true, atom.Main: true, atom.Nav: true, atom.Aside: true,
	}
)

// htmlToText strips tags and decodes entities. With blocks, block elements,
// <br>, blank lines and the lines of <pre> become paragraph breaks;
// otherwise they are all spaces.
func htmlToText(s string, blocks bool) string {
	if !strings.ContainsAny(s, "<&") {
		if blocks {
			return markParagraphs(s)
		}
		return s
	}
	sep := byte(' ')
	if blocks {
		sep = 0
	}
	var b strings.Builder
	b.Grow(len(s))
	skip, pre := 0, 0
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			if skip > 0 {
				continue
			}
			t := string(z.Text())
			switch {
			case !blocks:
			case pre > 0:
				t = strings.ReplaceAll(t, "\n", string(paragraphBreak))
			default:
				t = markParagraphs(t)
			}
			b.WriteString(t)
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skipTags[a] {
				switch {
				case tt == html.StartTagToken:
					skip++
				case tt == html.EndTagToken && skip > 0:
					skip--
				}
				continue
			}
			if a == atom.Pre {
				switch {
				case tt == html.StartTagToken:
					pre++
				case tt == html.EndTagToken && pre > 0:
					pre--
				}
			}
			switch {
			case blockTags[a] && sep == 0:
				b.WriteRune(paragraphBreak)
			case blockTags[a], a == atom.Td, a == atom.Th:
				b.WriteByte(' ')
			}
		}
	}
}

// markParagraphs turns the blank lines of plain text into paragraph breaks;
// single line breaks stay, to become spaces.
func markParagraphs(s string) string {
	if strings.Count(s, "\n")+strings.Count(s, "\r") < 2 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			b.WriteString(s[i : i+n])
			i += n
			continue
		}
		// A run of whitespace: a paragraph break if it holds two line breaks.
		j, breaks := i, 0
		for j < len(s) {
			r, n := utf8.DecodeRuneInString(s[j:])
			if !unicode.IsSpace(r) {
				break
			}
			if r == '\n' || r == '\r' && (j+1 == len(s) || s[j+1] != '\n') {
				breaks++
			}
			j += n
		}
		if breaks >= 2 {
			b.WriteRune(paragraphBreak)
		} else {
			b.WriteString(s[i:j])
		}
		i = j
	}
	return b.String()
}

// cleanText removes control characters and invisible formatting characters
// (zero-width spaces, bidirectional controls, soft hyphens; a zero-width
// joiner only stays inside an emoji sequence), collapses whitespace and, in
// multiline mode, keeps paragraph breaks as single line breaks; otherwise it
// makes one line. Invalid UTF-8 becomes U+FFFD.
func cleanText(s string, multiline bool) string {
	var b strings.Builder
	b.Grow(len(s))
	space, newline := false, false // separators pending before the next visible character
	var last rune
	for _, r := range s {
		switch {
		case r == paragraphBreak || r == '\u2028':
			if multiline {
				newline = true
			} else {
				space = true
			}
		case unicode.IsSpace(r):
			space = true
		case r == '\u200d' && isEmoji(last) && !space && !newline:
			b.WriteRune(r)
			last = r
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			// dropped
		default:
			if b.Len() > 0 {
				if newline {
					b.WriteByte('\n')
				} else if space {
					b.WriteByte(' ')
				}
			}
			space, newline = false, false
			b.WriteRune(r)
			last = r
		}
	}
	return strings.TrimSuffix(b.String(), "\u200d")
}

// isEmoji reports whether r can be joined to the next emoji by U+200D.
func isEmoji(r rune) bool {
	return unicode.Is(unicode.So, r) || r == '\ufe0f' || r >= 0x1F3FB && r <= 0x1F3FF
}

// Reverse maps of the single-byte encodings that UTF-8 is mistaken for.
var (
	windows1252Bytes = reverseTable(charmap.Windows1252)
	windows1251Bytes = reverseTable(charmap.Windows1251)
)

// reverseTable maps the characters of a single-byte encoding back to their
// bytes; the C1 controls map to themselves, as a Latin-1 reading gives them
// for the bytes the code page leaves undefined.
func reverseTable(cm *charmap.Charmap) map[rune]byte {
	m := make(map[rune]byte, 256)
	for b := 0x80; b < 0xA0; b++ {
		m[rune(b)] = byte(b)
	}
	for b := 0x80; b < 0x100; b++ {
		if r := cm.DecodeByte(byte(b)); r != utf8.RuneError {
			m[r] = byte(b)
		}
	}
	return m
}

// repairMojibake undoes UTF-8 that was read as windows-1252 (Latin-1) or
// windows-1251 and encoded again: "CafÃ©", "â€¦", "Ð½Ð¾Ð²Ð¾Ðµ",
// "РќРѕРІРѕСЃС‚Рё". Only a text that round-trips as a whole is repaired:
// every character maps back to one byte and the bytes are valid UTF-8 with
// multi-byte characters. Text that is really Latin-1 ("Café") does not.
func repairMojibake(s string) string {
	for range 2 { // text can be encoded twice too many, rarely more
		r, ok := undoMojibake(s)
		if !ok {
			break
		}
		s = r
	}
	return s
}

func undoMojibake(s string) (string, bool) {
	if isASCIIString(s) {
		return s, false
	}
	for _, table := range []map[rune]byte{windows1252Bytes, windows1251Bytes} {
		b := make([]byte, 0, len(s))
		ok := true
		cont := 0 // continuation bytes the UTF-8 sequence being rebuilt still needs
		for _, r := range s {
			if r < utf8.RuneSelf || r == paragraphBreak { // ours, not the source's
				ok = cont == 0
				b = utf8.AppendRune(b, r)
			} else if c, found := table[r]; !found {
				ok = false
			} else {
				b = append(b, c)
				cont, ok = utf8Step(cont, c)
			}
			if !ok {
				break // real text gives up at its second letter
			}
		}
		if ok && cont == 0 && utf8.Valid(b) && !isASCII(b) {
			return string(b), true
		}
	}
	return s, false
}

// utf8Step checks one more byte c of UTF-8 after a lead byte that wanted
// cont more: it returns how many are wanted next, and false if c cannot be there.
func utf8Step(cont int, c byte) (int, bool) {
	switch {
	case cont > 0:
		return cont - 1, c&0xC0 == 0x80
	case c >= 0xC2 && c <= 0xDF:
		return 1, true
	case c >= 0xE0 && c <= 0xEF:
		return 2, true
	case c >= 0xF0 && c <= 0xF4:
		return 3, true
	}
	return 0, false
}

func isASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// truncateRunes cuts s to at most max runes plus "…", at a word boundary when
// one is near, never inside a character or between a letter and its combining mark.
func truncateRunes(s string, max int) string {
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return s
	}
	runes := []rune(s)
	cut := max
	for i := max; i > max*2/3; i-- {
		if unicode.IsSpace(runes[i]) {
			cut = i
			break
		}
	}
	for cut > 0 && unicode.In(runes[cut], unicode.Mn, unicode.Me, unicode.Mc) {
		cut-- // do not separate a base letter from its combining marks
	}
	if cut > 0 && cut < len(runes) && unicode.Is(unicode.Cf, runes[cut-1]) {
		cut-- // nor leave a dangling joiner
	}
	out := strings.TrimRightFunc(string(runes[:cut]), func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune(",;:-–—([«\"'", r)
	})
	if out == "" {
		out = string(runes[:max])
	}
	return out + "…"
}
