package feed

import (
	"bytes"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
)

// Where Decode found the character set, for diagnostics.
const (
	SourceBOM     = "bom"
	SourceProlog  = "xml prolog"
	SourceHeader  = "content-type header"
	SourceMeta    = "html meta"
	SourceDefault = "default"
)

// Decoding describes how a body was decoded.
type Decoding struct {
	// Encoding is the canonical (WHATWG) name of the encoding used, e.g. "utf-8", "windows-1251".
	Encoding string
	// Source says where it was found: SourceBOM, SourceProlog, SourceHeader, SourceMeta or SourceDefault.
	Source string
	// Unknown is a label as written in the document or header, when it was not recognised
	// and the next source was used instead.
	Unknown string
}

func (d Decoding) String() string {
	s := d.Encoding + " (" + d.Source + ")"
	if d.Unknown != "" {
		s += ", unknown label " + quote(d.Unknown) + " ignored"
	}
	return s
}

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}

	prologRe      = regexp.MustCompile(`^\s*<\?xml\s[^>]*?\?>`)
	prologEncRe   = regexp.MustCompile(`(encoding\s*=\s*)(["'])([^"']*)(["'])`)
	metaCharsetRe = regexp.MustCompile(`(?i)<meta\s[^>]*charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)`)
)

// Decode converts body to UTF-8. The character set is taken, in order, from a
// byte order mark, the XML prolog's encoding, the charset of the HTTP
// Content-Type (when the document declares none), an HTML <meta charset> and
// finally UTF-8. Invalid sequences become U+FFFD. If the body has an XML
// prolog, its encoding is rewritten to UTF-8 so that an XML parser does not
// convert a second time. Decode never fails: unknown labels are skipped.
func Decode(body []byte, contentType string) ([]byte, Decoding) {
	var d Decoding
	var enc encoding.Encoding

	switch {
	case bytes.HasPrefix(body, bomUTF8):
		body = body[len(bomUTF8):]
		d.Encoding, d.Source = "utf-8", SourceBOM
	case bytes.HasPrefix(body, bomUTF16LE):
		enc = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM)
		d.Encoding, d.Source = "utf-16le", SourceBOM
	case bytes.HasPrefix(body, bomUTF16BE):
		enc = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM)
		d.Encoding, d.Source = "utf-16be", SourceBOM
	}

	prolog := prologRe.Find(body)
	if d.Source == "" {
		var candidates [][2]string
		if prolog != nil {
			if m := prologEncRe.FindSubmatch(prolog); m != nil {
				candidates = append(candidates, [2]string{string(m[3]), SourceProlog})
			}
		}
		if cs := headerCharset(contentType); cs != "" {
			candidates = append(candidates, [2]string{cs, SourceHeader})
		}
		if prolog == nil {
			if m := metaCharsetRe.FindSubmatch(head(body, 2048)); m != nil {
				candidates = append(candidates, [2]string{string(m[1]), SourceMeta})
			}
		}
		for _, c := range candidates {
			e, name, ok := lookupEncoding(c[0])
			if !ok {
				if d.Unknown == "" {
					d.Unknown = c[0]
				}
				continue
			}
			enc, d.Encoding, d.Source = e, name, c[1]
			break
		}
		if d.Source == "" {
			d.Encoding, d.Source = "utf-8", SourceDefault
		}
	}

	out := body
	if enc != nil && d.Encoding != "utf-8" {
		if b, err := enc.NewDecoder().Bytes(body); err == nil {
			out = b
		} else {
			// x/text decoders replace bad input themselves; an error here means
			// something stranger, so fall back to treating the body as UTF-8.
			d.Encoding, d.Source = "utf-8", SourceDefault
		}
	}
	if !utf8.Valid(out) {
		out = bytes.ToValidUTF8(out, []byte("\uFFFD"))
	}
	if d.Encoding != "utf-8" || prolog != nil {
		out = rewriteProlog(out)
	}
	return out, d
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

// rewriteProlog sets the XML prolog's encoding, if any, to UTF-8.
func rewriteProlog(b []byte) []byte {
	loc := prologRe.FindIndex(b)
	if loc == nil {
		return b
	}
	prolog := b[loc[0]:loc[1]]
	if !prologEncRe.Match(prolog) {
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
