package feed

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Limits of the pre-pass: no real feed comes near them, and within them the
// parser's recursion and memory stay small.
const (
	// MaxDepth is how deeply elements may nest.
	MaxDepth = 256
	// MaxNodes is how many elements and attributes a feed may have.
	MaxNodes = 100_000
)

// Sentinel errors of the pre-pass, to be matched with errors.Is.
var (
	// ErrTooDeep: elements nest deeper than MaxDepth.
	ErrTooDeep = errors.New("feed nested too deeply")
	// ErrTooManyNodes: more than MaxNodes elements and attributes.
	ErrTooManyNodes = errors.New("feed has too many elements")
	// ErrTruncated: the document was cut off before its first complete item.
	ErrTruncated = errors.New("feed cut off")
)

// Recovery says what the pre-pass repaired in a feed so that it could be read.
type Recovery struct {
	// Truncated: the document ended before its end (the final </rss>, the
	// last ">", or inside an item). The complete items before the cut were
	// kept; DroppedItem says whether an item cut in the middle was dropped.
	Truncated   bool
	DroppedItem bool
	// IllegalChars counts characters XML does not allow (control characters,
	// raw or as &#x7;), removed.
	IllegalChars int
}

func (r Recovery) String() string {
	var parts []string
	if r.Truncated {
		s := "truncated: the document was cut off; the complete items before the cut were read"
		if r.DroppedItem {
			s += ", the item cut in the middle was dropped"
		}
		parts = append(parts, s)
	}
	if r.IllegalChars > 0 {
		parts = append(parts, fmt.Sprintf("%d characters that XML does not allow were removed", r.IllegalChars))
	}
	return joinSentences(parts)
}

func joinSentences(parts []string) string {
	var b bytes.Buffer
	for i, p := range parts {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p)
	}
	return b.String()
}

// xmlProlog replaces whatever stands before the root element when it is more
// than a declaration at the very start: comments, a DOCTYPE, stray text.
const xmlProlog = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// prepareXML reads a UTF-8 XML document once, as a stream of bytes, before
// the feed parser sees it. It rejects documents nesting deeper than MaxDepth
// or with more than MaxNodes elements and attributes (the parser recurses
// per level and keeps every foreign element: a hostile feed would exhaust
// the stack or the memory); it removes characters XML does not allow;
// it drops what stands before the root element but a plain declaration;
// and it closes a truncated document after its last complete item. It
// copies the document only when it changes something.
func prepareXML(b []byte) ([]byte, Recovery, error) {
	return prepareXMLWithin(b, MaxDepth, MaxNodes)
}

// prepareXMLWithin is prepareXML with other limits, for tests.
func prepareXMLWithin(b []byte, maxDepth, maxNodes int) ([]byte, Recovery, error) {
	p := prepass{in: b, itemDepth: -1, maxDepth: maxDepth, maxNodes: maxNodes}
	if err := p.scan(); err != nil {
		return nil, p.rec, err
	}
	return p.output(), p.rec, nil
}

// prepass is the state of prepareXML.
type prepass struct {
	in  []byte
	out []byte // nil until something changes
	// copied is how much of in has been accounted for in out.
	copied int
	rec    Recovery

	maxDepth, maxNodes int

	rootStart int      // offset of the root element's "<"; -1 until seen
	isFeed    bool     // the root element is <rss>, <rdf:RDF> or <feed>: a document worth completing
	stack     [][]byte // names of the open elements
	nodes     int

	// itemDepth is the stack depth at which the outermost open item or
	// entry started, or -1; itemCut is where the output is cut if the
	// document ends inside it.
	itemDepth int
	itemCut   int
	// cut is the output offset after the last complete token, outside any item.
	cut int
	// items counts the complete items and entries.
	items int
	// ended: the document ended inside a token (a tag, comment, CDATA, ...).
	ended bool
}

// outPos is the output offset that corresponds to the input offset i (i ≥ copied).
func (p *prepass) outPos(i int) int {
	if p.out == nil {
		return i
	}
	return len(p.out) + i - p.copied
}

// drop removes in[i:j] from the output.
func (p *prepass) drop(i, j int) {
	if p.out == nil {
		p.out = make([]byte, 0, len(p.in))
	}
	p.out = append(p.out, p.in[p.copied:i]...)
	p.copied = j
}

func (p *prepass) scan() error {
	b := p.in
	p.rootStart = -1
	i := 0
	for i < len(b) {
		if b[i] != '<' {
			j := len(b)
			if k := bytes.IndexByte(b[i:], '<'); k >= 0 {
				j = i + k
			}
			if p.rootStart >= 0 { // what stands before the root is kept as is or dropped whole
				p.text(i, j, true)
			}
			i = j
			continue
		}
		rest := b[i:]
		var end int
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			end = tokenEnd(rest, 4, "-->")
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			end = tokenEnd(rest, 9, "]]>")
			if end > 0 {
				p.text(i+9, i+end-3, false)
			}
		case bytes.HasPrefix(rest, []byte("<?")):
			end = tokenEnd(rest, 2, "?>")
			if end > 0 && p.rootStart >= 0 && isXMLDecl(rest) {
				// A second declaration would make the parser convert the rest again.
				p.drop(i, i+end)
			}
		case bytes.HasPrefix(rest, []byte("<!")):
			end = doctypeEnd(rest)
		case bytes.HasPrefix(rest, []byte("</")):
			end, _ = markupEnd(rest, false, nil)
			if end > 0 {
				p.endElement(rest[2:end])
			}
		case len(rest) > 1 && isNameStart(rest[1]):
			if p.rootStart < 0 {
				p.startRoot(i)
			}
			var attrs int
			end, attrs = markupEnd(rest, false, func(start, end int) { p.text(i+start, i+end, true) })
			if end > 0 {
				if err := p.startElement(i, rest[:end], attrs); err != nil {
					return err
				}
			}
		default: // a lone "<" in text: the parser's problem, not ours
			i++
			continue
		}
		if end <= 0 {
			p.ended = true
			break
		}
		i += end
		if p.itemDepth < 0 && p.rootStart >= 0 {
			p.cut = p.outPos(i)
		}
		if p.rootStart >= 0 && len(p.stack) == 0 {
			break // the root is closed: what follows does not matter
		}
	}
	if p.rootStart >= 0 && (p.ended || len(p.stack) > 0) && p.isFeed {
		return p.truncate()
	}
	return nil
}

// startRoot drops what stands before the root element unless it is a
// declaration at the very start, alone or with whitespace.
func (p *prepass) startRoot(i int) {
	p.rootStart = i
	pre := p.in[:i]
	if loc := findProlog(pre); loc != nil && loc[0] == 0 && len(bytes.TrimSpace(pre[loc[1]:])) == 0 {
		return
	}
	if len(bytes.TrimSpace(pre)) == 0 {
		return
	}
	p.out = append(make([]byte, 0, len(p.in)), xmlProlog...)
	p.copied = i
}

// startElement notes a start tag of attrs attributes (their values cleaned already).
func (p *prepass) startElement(i int, tag []byte, attrs int) error {
	name := tagName(tag[1:])
	p.nodes += 1 + attrs
	if p.nodes > p.maxNodes {
		return ErrTooManyNodes
	}
	if len(p.stack) >= p.maxDepth {
		return ErrTooDeep
	}
	if bytes.HasSuffix(tag, []byte("/>")) {
		return nil
	}
	if len(p.stack) == 0 {
		p.isFeed = isFeedRoot(name)
	}
	if p.itemDepth < 0 && isItem(name) {
		p.itemDepth, p.itemCut = len(p.stack), p.outPos(i)
	}
	p.stack = append(p.stack, name)
	return nil
}

// endElement closes the innermost open element of that name, and any left
// open inside it (as the parser, which is not strict, does); an end tag that
// matches nothing open is ignored.
func (p *prepass) endElement(tag []byte) {
	name := tagName(tag)
	for k := len(p.stack) - 1; k >= 0; k-- {
		if bytes.Equal(p.stack[k], name) {
			p.stack = p.stack[:k]
			if p.itemDepth >= k {
				p.itemDepth = -1
				p.items++
			}
			return
		}
	}
}

// truncate closes the document after its last complete token outside an
// item, or before the item it ended in.
func (p *prepass) truncate() error {
	p.rec.Truncated = true
	cut, open := p.cut, p.stack
	if p.itemDepth >= 0 {
		cut, open = p.itemCut, p.stack[:p.itemDepth]
		p.rec.DroppedItem = true
	}
	if p.out == nil {
		p.out = make([]byte, 0, cut+64)
		p.out = append(p.out, p.in[:cut]...)
	} else {
		p.out = append(p.out, p.in[p.copied:]...)
		p.out = p.out[:cut]
	}
	p.copied = len(p.in)
	for k := len(open) - 1; k >= 0; k-- {
		p.out = append(append(append(p.out, "</"...), open[k]...), '>')
	}
	if p.items == 0 {
		return ErrTruncated
	}
	return nil
}

func (p *prepass) output() []byte {
	if p.out == nil {
		return p.in
	}
	if p.copied < len(p.in) {
		p.out = append(p.out, p.in[p.copied:]...)
		p.copied = len(p.in)
	}
	return p.out
}

// text removes illegal characters from in[i:j]: raw control characters,
// U+FFFE and U+FFFF, and, where entities count (not in CDATA), character
// references to any of them.
func (p *prepass) text(i, j int, refs bool) {
	b := p.in
	for k := i; k < j; k++ {
		c := b[k]
		switch {
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r':
			p.drop(k, k+1)
			p.rec.IllegalChars++
		case c == 0xEF && k+2 < j && b[k+1] == 0xBF && (b[k+2] == 0xBE || b[k+2] == 0xBF):
			p.drop(k, k+3)
			p.rec.IllegalChars++
			k += 2
		case c == '&' && refs && k+2 < j && b[k+1] == '#':
			if n := illegalCharRef(b[k:j]); n > 0 {
				p.drop(k, k+n)
				p.rec.IllegalChars++
				k += n - 1
			}
		}
	}
}

// illegalCharRef is the length of the character reference at the start of b
// if it names a character XML does not allow, else 0.
func illegalCharRef(b []byte) int {
	semi := bytes.IndexByte(head(b, 12), ';')
	if semi < 3 {
		return 0
	}
	digits := b[2:semi]
	base := 10
	if digits[0] == 'x' || digits[0] == 'X' {
		digits, base = digits[1:], 16
	}
	n, err := strconv.ParseUint(string(digits), base, 32)
	if err != nil {
		return semi + 1 // not a number: the parser would reject it too
	}
	if r := rune(n); isXMLChar(r) {
		return 0
	}
	return semi + 1
}

// isXMLChar reports whether XML 1.0 allows r in a document.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= utf8.MaxRune
}

// tokenEnd is the length of a token that starts with a prefix of n bytes and
// ends with term, or -1 if it does not end.
func tokenEnd(b []byte, n int, term string) int {
	k := bytes.Index(b[n:], []byte(term))
	if k < 0 {
		return -1
	}
	return n + k + len(term)
}

// tagName is the qualified name at the start of b.
func tagName(b []byte) []byte {
	for k, c := range b {
		if isXMLSpace(c) || c == '/' || c == '>' {
			return b[:k]
		}
	}
	return b
}

// isItem reports whether a qualified name is an RSS item or an Atom entry.
func isItem(name []byte) bool {
	if k := bytes.IndexByte(name, ':'); k >= 0 {
		name = name[k+1:]
	}
	return string(name) == "item" || string(name) == "entry"
}

// isFeedRoot reports whether a qualified name is the root of an RSS or Atom feed.
func isFeedRoot(name []byte) bool {
	if k := bytes.IndexByte(name, ':'); k >= 0 {
		name = name[k+1:]
	}
	return string(name) == "rss" || string(name) == "RDF" || string(name) == "feed"
}

// isXMLDecl reports whether b starts with an XML declaration.
func isXMLDecl(b []byte) bool {
	return bytes.HasPrefix(b, []byte("<?xml")) && len(b) > 5 && isXMLSpace(b[5])
}
