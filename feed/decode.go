package feed

import (
	"bytes"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
)

// Where an encoding was declared or found, for diagnostics.
const (
	SourceBOM     = "bom"
	SourceProlog  = "xml prolog"
	SourceHeader  = "content-type header"
	SourceMeta    = "html meta"
	SourceSniffed = "sniffed"
	SourceDefault = "default"
)

// Evidence is one thing Decode weighed: a declaration, or what the bytes
// themselves read best as (Source SourceSniffed).
type Evidence struct {
	Source string
	// Label is the charset as written in the document or header; "" for SourceSniffed.
	Label string
	// Encoding is the canonical (WHATWG) name; "" when the label is unknown.
	Encoding string
	// Verdict says whether it was used, and why not.
	Verdict string
}

func (e Evidence) String() string { return e.Source + ": " + e.Finding() }

// Finding is the evidence without its source: the encoding and the verdict.
func (e Evidence) Finding() string {
	name := e.Encoding
	if name == "" || e.Label != "" && !strings.EqualFold(e.Label, e.Encoding) {
		name = quote(e.Label)
		if e.Encoding != "" {
			name += " = " + e.Encoding
		}
	}
	return name + ": " + e.Verdict
}

// Verdicts of Evidence.
const (
	VerdictUsed     = "used"
	verdictUnknown  = "unknown label, ignored"
	verdictAgrees   = "agrees"
	verdictOverride = "ignored: an earlier declaration fits the bytes"
)

// Decoding describes how a body was decoded.
type Decoding struct {
	// Encoding is the canonical (WHATWG) name of the encoding used, e.g. "utf-8", "windows-1251".
	Encoding string
	// Source says where it came from: a declaration (SourceBOM, SourceProlog,
	// SourceHeader, SourceMeta), the bytes (SourceSniffed), or SourceDefault
	// for a body that is plain ASCII and declares nothing.
	Source string
	// Evidence lists every declaration in the order they are trusted, then,
	// when the body is not plain ASCII, what the bytes read best as.
	Evidence []Evidence
}

func (d Decoding) String() string { return d.Encoding + " (" + d.Source + ")" }

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}

	prologEncRe   = regexp.MustCompile(`(encoding\s*=\s*)(["'])([^"']*)(["'])`)
	metaCharsetRe = regexp.MustCompile(`(?i)<meta\s[^>]*charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)`)
)

// Decode converts body to UTF-8, decoding it exactly once. The encoding is
// decided from evidence: a byte order mark; the XML prolog, found anywhere
// before the root element (after whitespace, comments or stray text); the
// charset of the HTTP Content-Type; an HTML <meta charset> (pages without a
// prolog). Each declaration is checked against the bytes, and one that
// reads as mojibake or replacement characters while another candidate reads
// cleanly is passed over: valid multi-byte UTF-8 beats a single-byte
// declaration, and among UTF-8, windows-1251, KOI8-R, ISO-8859-5 and
// windows-1252 (ISO-8859-1) the most plausible reading of the text wins
// (see sniff.go). With no usable declaration the bytes are sniffed the same
// way. Invalid sequences left become U+FFFD. The prolog's encoding is
// rewritten to UTF-8 so that an XML parser does not convert a second time.
// Decode never fails.
func Decode(body []byte, contentType string) ([]byte, Decoding) {
	var d Decoding
	switch {
	case bytes.HasPrefix(body, bomUTF16LE), bytes.HasPrefix(body, bomUTF16BE):
		name, order := "utf-16le", unicode.LittleEndian
		if body[0] == bomUTF16BE[0] {
			name, order = "utf-16be", unicode.BigEndian
		}
		d.Encoding, d.Source = name, SourceBOM
		d.Evidence = []Evidence{{Source: SourceBOM, Encoding: name, Verdict: VerdictUsed}}
		out, err := unicode.UTF16(order, unicode.ExpectBOM).NewDecoder().Bytes(body)
		if err != nil { // x/text replaces bad input itself; keep the bytes rather than nothing
			out = bytes.ToValidUTF8(body, []byte("\uFFFD"))
		}
		return rewriteProlog(out), d
	}

	var decls []Evidence
	if bytes.HasPrefix(body, bomUTF8) {
		body = body[len(bomUTF8):]
		decls = append(decls, Evidence{Source: SourceBOM, Label: "utf-8"})
	}
	prolog := findProlog(body)
	if prolog != nil {
		if m := prologEncRe.FindSubmatch(body[prolog[0]:prolog[1]]); m != nil {
			decls = append(decls, Evidence{Source: SourceProlog, Label: string(m[3])})
		}
	}
	if cs := headerCharset(contentType); cs != "" {
		decls = append(decls, Evidence{Source: SourceHeader, Label: cs})
	}
	if prolog == nil {
		if m := metaCharsetRe.FindSubmatch(head(body, 2048)); m != nil {
			decls = append(decls, Evidence{Source: SourceMeta, Label: string(m[1])})
		}
	}

	j := newJudge(body)
	var chosen encoding.Encoding
	for i := range decls {
		e := &decls[i]
		enc, name, ok := lookupEncoding(e.Label)
		if !ok {
			e.Verdict = verdictUnknown
			continue
		}
		e.Encoding = name
		if chosen != nil {
			if name == d.Encoding {
				e.Verdict = verdictAgrees
			} else {
				e.Verdict = verdictOverride
			}
			continue
		}
		if why := j.objection(enc, name); why != "" {
			e.Verdict = "not used: " + why
			continue
		}
		e.Verdict = VerdictUsed
		chosen, d.Encoding, d.Source = enc, name, e.Source
	}
	d.Evidence = decls
	if !j.ascii {
		name, why := j.sniff()
		verdict := why
		if chosen == nil {
			chosen, _, _ = lookupEncoding(name)
			d.Encoding, d.Source = name, SourceSniffed
			verdict = VerdictUsed + ": " + why
		}
		d.Evidence = append(d.Evidence, Evidence{Source: SourceSniffed, Encoding: name, Verdict: verdict})
	}
	if chosen == nil {
		chosen, d.Encoding, d.Source = encoding.Nop, "utf-8", SourceDefault
	}

	out := body
	if d.Encoding != "utf-8" && !j.ascii {
		if b, err := chosen.NewDecoder().Bytes(body); err == nil {
			out = b
		}
	}
	if !utf8.Valid(out) {
		out = bytes.ToValidUTF8(out, []byte("\uFFFD"))
	}
	if prolog != nil {
		out = rewriteProlog(out)
	}
	return out, d
}

// judge weighs candidate encodings against the bytes, scoring each reading
// once, when first needed.
type judge struct {
	body      []byte
	ascii     bool // no byte ≥ 0x80: every ASCII-compatible encoding reads it alike
	validUTF8 bool // valid UTF-8, a character cut at the very end aside
	readings  map[string]reading
}

func newJudge(body []byte) *judge {
	j := &judge{body: body, ascii: isASCII(body), readings: map[string]reading{}}
	j.validUTF8 = !j.ascii && utf8.Valid(trimCutRune(body))
	return j
}

// objection says why a declared encoding does not fit the bytes, or "".
func (j *judge) objection(enc encoding.Encoding, name string) string {
	if j.ascii {
		return ""
	}
	if name == "utf-8" {
		if j.validUTF8 {
			return ""
		}
		return j.compare(name, "the bytes are not valid UTF-8")
	}
	if _, single := enc.(*charmap.Charmap); single {
		if j.validUTF8 {
			return "the bytes are valid UTF-8 (as " + name + " they would read as mojibake)"
		}
		return j.compare(name, "")
	}
	// Multi-byte encodings (CJK) are beyond the model: trust them unless they
	// produce replacement characters where UTF-8 reads cleanly.
	if j.validUTF8 {
		if out, err := enc.NewDecoder().Bytes(j.body); err != nil || bytes.Contains(out, []byte("\uFFFD")) {
			return "it gives replacement characters, and the bytes are valid UTF-8"
		}
	}
	return ""
}

// compare objects to the named candidate when the best reading is clean and
// it is not, or when the best reading beats it clearly.
func (j *judge) compare(name, invalid string) string {
	r := j.reading(name)
	best, _ := j.sniff()
	if best == name {
		return ""
	}
	b := j.reading(best)
	switch {
	case !r.clean() && b.clean():
		if invalid == "" {
			invalid = "it gives undefined or control characters"
		}
		return invalid + "; " + best + " reads cleanly"
	case b.beats(r):
		return "it reads as mojibake; " + best + " reads as text"
	}
	return ""
}

// sniff is the candidate that reads most plausibly, and why.
func (j *judge) sniff() (string, string) {
	if j.validUTF8 {
		return "utf-8", "the bytes are valid UTF-8"
	}
	best := ""
	for _, name := range sniffedEncodings {
		if best == "" || j.reading(name).ln > j.reading(best).ln {
			best = name
		}
	}
	return best, "the most plausible reading of the text"
}

// reading scores the body read in the named encoding (UTF-8 or single-byte).
func (j *judge) reading(name string) reading {
	if r, ok := j.readings[name]; ok {
		return r
	}
	var table *[256]rune
	if name != "utf-8" {
		enc, _, _ := lookupEncoding(name)
		if cm, ok := enc.(*charmap.Charmap); ok {
			table = byteTable(cm)
		}
	}
	r := scoreBytes(j.body, table)
	j.readings[name] = r
	return r
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// trimCutRune drops an incomplete UTF-8 sequence at the end of b: a
// truncated document may end in the middle of a character.
func trimCutRune(b []byte) []byte {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

// lookupEncoding resolves a charset label to an encoding and its canonical name.
func lookupEncoding(label string) (encoding.Encoding, string, bool) {
	label = strings.TrimSpace(strings.Trim(label, `"'`))
	if label == "" {
		return nil, "", false
	}
	e, err := htmlindex.Get(label)
	if err != nil {
		return nil, "", false
	}
	name, err := htmlindex.Name(e)
	if err != nil {
		return nil, "", false
	}
	// A document readable far enough to declare UTF-16 in ASCII is not UTF-16
	// (real UTF-16 carries a byte order mark), and "replacement" would turn
	// the whole body into U+FFFD.
	if strings.HasPrefix(name, "utf-16") || name == "replacement" {
		return nil, "", false
	}
	return e, name, true
}

func headerCharset(contentType string) string {
	if contentType == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		// Tolerate sloppy headers such as "text/xml; charset=windows-1251;".
		if i := indexFold(contentType, "charset="); i >= 0 {
			v := contentType[i+len("charset="):]
			if j := strings.IndexAny(v, "; "); j >= 0 {
				v = v[:j]
			}
			return strings.Trim(v, `"'`)
		}
		return ""
	}
	return params["charset"]
}

// indexFold is strings.Index for an ASCII needle, ignoring ASCII case.
func indexFold(s, needle string) int {
	for i := 0; i+len(needle) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(needle)], needle) {
			return i
		}
	}
	return -1
}

// prologSearchLimit bounds how far findProlog looks for the XML declaration.
const prologSearchLimit = 64 << 10

// findProlog locates the XML declaration (<?xml ...?>) before the root
// element: after whitespace, a byte order mark, comments, other processing
// instructions, a DOCTYPE or stray text (a server's warning printed before
// the feed). It returns the declaration's start and end, or nil.
func findProlog(b []byte) []int {
	b = head(b, prologSearchLimit)
	for i := 0; i < len(b); {
		lt := bytes.IndexByte(b[i:], '<')
		if lt < 0 {
			return nil
		}
		i += lt
		rest := b[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<?xml")) && len(rest) > 5 && isXMLSpace(rest[5]):
			end := bytes.Index(rest, []byte("?>"))
			if end < 0 {
				return nil
			}
			return []int{i, i + end + 2}
		case bytes.HasPrefix(rest, []byte("<!--")):
			end := bytes.Index(rest[4:], []byte("-->"))
			if end < 0 {
				return nil
			}
			i += 4 + end + 3
		case bytes.HasPrefix(rest, []byte("<?")):
			end := bytes.Index(rest, []byte("?>"))
			if end < 0 {
				return nil
			}
			i += end + 2
		case bytes.HasPrefix(rest, []byte("<!")):
			end := doctypeEnd(rest)
			if end < 0 {
				return nil
			}
			i += end
		default:
			if len(rest) > 1 && isNameStart(rest[1]) {
				return nil // the root element
			}
			i++
		}
	}
	return nil
}

// doctypeEnd is the length of the <!DOCTYPE ...> declaration at the start of
// b, internal subset included, or -1 if it does not end.
func doctypeEnd(b []byte) int {
	end, _ := markupEnd(b, true, nil)
	return end
}

// markupEnd walks the markup at the start of b ("<name ...>", "</name>",
// "<!DOCTYPE ... [...]>" when brackets is set) with quoted values skipped. It
// returns the markup's length, or -1 if it does not end, and the number of
// attributes (each "=" outside quotes); onValue, if not nil, gets the span
// of each quoted value.
func markupEnd(b []byte, brackets bool, onValue func(start, end int)) (int, int) {
	depth, attrs, start := 0, 0, 0
	var quote byte
	for k := 1; k < len(b); k++ {
		c := b[k]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
				if onValue != nil {
					onValue(start, k)
				}
			}
		case c == '"' || c == '\'':
			quote, start = c, k+1
		case c == '=':
			attrs++
		case brackets && c == '[':
			depth++
		case brackets && c == ']':
			depth--
		case c == '>' && depth <= 0:
			return k + 1, attrs
		}
	}
	return -1, attrs
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// isNameStart reports whether c can start an XML name (any non-ASCII byte
// may, as part of a UTF-8 letter).
func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || c >= utf8.RuneSelf
}

// rewriteProlog sets the XML prolog's encoding, if any, to UTF-8.
func rewriteProlog(b []byte) []byte {
	loc := findProlog(b)
	if loc == nil {
		return b
	}
	prolog := b[loc[0]:loc[1]]
	m := prologEncRe.FindSubmatch(prolog)
	if m == nil || string(m[3]) == "UTF-8" {
		return b
	}
	newProlog := prologEncRe.ReplaceAll(prolog, []byte("${1}${2}UTF-8${4}"))
	out := make([]byte, 0, len(b)-len(prolog)+len(newProlog))
	out = append(out, b[:loc[0]]...)
	out = append(out, newProlog...)
	return append(out, b[loc[1]:]...)
}

func head(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

func quote(s string) string { return `"` + s + `"` }
