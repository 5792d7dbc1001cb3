// Package tghtml validates and measures text written for Telegram's HTML
// parse mode (parse_mode=HTML) the way the Bot API does, so tests can tell
// whether Telegram would accept a message before it is ever sent.
//
// Parse follows the parser Telegram runs (tdlib's parse_html): the same
// tags, the same attribute rules, the same error descriptions and byte
// offsets. It is stricter than Telegram in one respect, on purpose: every
// '&', '<' and '>' that is not part of a tag or an entity must be escaped,
// as the Bot API documentation requires. Telegram itself silently shows a
// stray "&" or ">" as text and decodes "&lt" without its semicolon; such
// input is almost always a missed escape, so Parse rejects it. ParseLenient
// accepts exactly what Telegram accepts.
//
// Len counts text the way Telegram does for its limits (4096 for a message,
// 1024 for a caption): in UTF-16 code units.
package tghtml

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// ErrNotUTF8 is returned for input that is not valid UTF-8. The Bot API
// answers such a request "Bad Request: text must be encoded in UTF-8".
var ErrNotUTF8 = errors.New("text must be encoded in UTF-8")

// Error is a parse error. Its text is what the Bot API puts after
// "Bad Request: ", e.g. `can't parse entities: Unsupported start tag "div"
// at byte offset 12`.
type Error struct {
	// Offset is the byte offset the description refers to, or -1.
	Offset int
	// Msg is the description without the "can't parse entities: " prefix.
	Msg string
}

func (e *Error) Error() string { return "can't parse entities: " + e.Msg }

func errAt(offset int, format string, args ...any) *Error {
	return &Error{Offset: offset, Msg: fmt.Sprintf(format, args...)}
}

// Parse validates s as Telegram HTML and returns the visible text: tags
// removed, entities decoded. Errors are *Error or ErrNotUTF8. Unlike
// Telegram, Parse rejects an unescaped '&' or '>' and an entity without
// its ';' (see the package documentation).
func Parse(s string) (plain string, err error) { return parse(s, true) }

// ParseLenient is Parse without the extra strictness: it accepts exactly
// what Telegram accepts, leaving unknown entities and stray '&' or '>' as
// text.
func ParseLenient(s string) (plain string, err error) { return parse(s, false) }

// Len returns the length of plain text as Telegram measures it: in UTF-16
// code units. Invalid bytes count as one unit each.
func Len(plain string) int {
	n := 0
	for _, r := range plain {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

var supportedTags = map[string]bool{
	"a": true, "b": true, "strong": true, "i": true, "em": true,
	"s": true, "strike": true, "del": true, "u": true, "ins": true,
	"tg-spoiler": true, "tg-emoji": true, "span": true, "pre": true,
	"code": true, "blockquote": true,
}

type openTag struct {
	name     string
	argument string
	offset   int // byte offset of '<'
}

// isSpace is tdlib's is_space; 0 stands for the end of the text there.
func isSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', 0, '\v', '\f':
		return true
	}
	return false
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isHex(c byte) bool   { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

func hexValue(c byte) uint32 {
	switch {
	case isDigit(c):
		return uint32(c - '0')
	case 'a' <= c && c <= 'f':
		return uint32(c-'a') + 10
	default:
		return uint32(c-'A') + 10
	}
}

type parser struct {
	text   string
	strict bool
}

// at returns the byte at i, or 0 past the end (tdlib reads a NUL-terminated string).
func (p *parser) at(i int) byte {
	if i < len(p.text) {
		return p.text[i]
	}
	return 0
}

const surrogateError = "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units"

// entity decodes the HTML entity starting at pos (p.text[pos] == '&').
// It returns the code point (0 if pos does not start an entity Telegram
// decodes) and the position after it. In strict mode an '&' that Telegram
// would leave as text is an error.
func (p *parser) entity(pos int) (r rune, next int, err error) {
	end := pos + 1
	var res uint32
	if p.at(pos+1) == '#' {
		end++
		digits := 0
		if p.at(pos+2) == 'x' {
			end++
			for isHex(p.at(end)) {
				if res < 0x1000000 {
					res = res*16 + hexValue(p.at(end))
				}
				end++
				digits++
			}
		} else {
			for isDigit(p.at(end)) {
				if res < 0x1000000 {
					res = res*10 + uint32(p.at(end)-'0')
				}
				end++
				digits++
			}
		}
		if res == 0 || res >= 0x10ffff || end-pos >= 10 {
			res = 0
		}
	} else {
		for isAlpha(p.at(end)) {
			end++
		}
		switch p.text[pos+1 : end] {
		case "lt":
			res = '<'
		case "gt":
			res = '>'
		case "amp":
			res = '&'
		case "quot":
			res = '"'
		}
	}
	semicolon := p.at(end) == ';'
	if res == 0 || (p.strict && !semicolon) {
		if !p.strict {
			return 0, pos, nil
		}
		if semicolon && end > pos+1 {
			return 0, pos, errAt(pos, "Unsupported HTML entity \"%s\" at byte offset %d", p.text[pos:end+1], pos)
		}
		return 0, pos, errAt(pos, "Character \"&\" must be escaped as \"&amp;\" at byte offset %d", pos)
	}
	if semicolon {
		end++
	}
	return rune(res), end, nil
}

// decodeEntity decodes the entity at pos and appends it to b, joining a
// surrogate pair written as two numeric entities. ok is false when pos
// does not start a decodable entity (lenient mode only).
func (p *parser) decodeEntity(b *strings.Builder, pos int) (next int, ok bool, err error) {
	r, next, err := p.entity(pos)
	if err != nil || r == 0 {
		return pos, false, err
	}
	if utf16.IsSurrogate(r) {
		if r < 0xdc00 && p.at(next) == '&' {
			if r2, next2, err2 := p.entity(next); err2 == nil && r2 >= 0xdc00 && r2 <= 0xdfff {
				b.WriteRune(utf16.DecodeRune(r, r2))
				return next2, true, nil
			}
		}
		return pos, false, &Error{Offset: -1, Msg: surrogateError}
	}
	b.WriteRune(r)
	return next, true, nil
}

func parse(s string, strict bool) (string, error) {
	if !utf8.ValidString(s) {
		return "", ErrNotUTF8
	}
	p := &parser{text: s, strict: strict}
	var out strings.Builder
	out.Grow(len(s))
	var stack []openTag

	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '&' {
			next, ok, err := p.decodeEntity(&out, i)
			if err != nil {
				return "", err
			}
			if ok {
				i = next - 1
				continue
			}
		}
		if c == '>' && strict {
			return "", errAt(i, "Character \">\" must be escaped as \"&gt;\" at byte offset %d", i)
		}
		if c != '<' {
			out.WriteByte(c)
			continue
		}

		begin := i
		i++
		if p.at(i) != '/' {
			// A start tag.
			for !isSpace(p.at(i)) && p.at(i) != '>' {
				i++
			}
			if i >= len(s) {
				return "", errAt(begin, "Unclosed start tag at byte offset %d", begin)
			}
			name := strings.ToLower(s[begin+1 : i])
			if !supportedTags[name] {
				return "", errAt(begin, "Unsupported start tag \"%s\" at byte offset %d", name, begin)
			}
			var argument string
			for p.at(i) != '>' {
				for i < len(s) && isSpace(p.at(i)) {
					i++
				}
				if i >= len(s) {
					return "", errAt(begin, "Unclosed start tag at byte offset %d", begin)
				}
				if p.at(i) == '>' {
					break
				}
				attrBegin := i
				for !isSpace(p.at(i)) && p.at(i) != '=' && p.at(i) != '>' {
					i++
				}
				attr := s[attrBegin:i]
				if attr == "" {
					return "", errAt(begin, "Empty attribute name in the tag \"%s\" at byte offset %d", name, begin)
				}
				for i < len(s) && isSpace(p.at(i)) {
					i++
				}
				if p.at(i) != '=' {
					if i >= len(s) {
						return "", errAt(begin, "Unclosed start tag at byte offset %d", begin)
					}
					if name == "blockquote" && attr == "expandable" {
						argument = "1"
						continue
					}
					return "", errAt(begin, "Expected equal sign in declaration of an attribute of the tag \"%s\" at byte offset %d", name, begin)
				}
				i++
				for i < len(s) && isSpace(p.at(i)) {
					i++
				}
				if i >= len(s) {
					return "", errAt(begin, "Unclosed start tag \"%s\" at byte offset %d", name, begin)
				}
				var value string
				if q := p.at(i); q != '\'' && q != '"' {
					// A name token: letters, digits, periods and hyphens, lowercased.
					tokenBegin := i
					for isAlpha(p.at(i)) || isDigit(p.at(i)) || p.at(i) == '.' || p.at(i) == '-' {
						i++
					}
					value = strings.ToLower(s[tokenBegin:i])
					if !isSpace(p.at(i)) && p.at(i) != '>' {
						return "", errAt(tokenBegin, "Unexpected end of name token at byte offset %d", tokenBegin)
					}
				} else {
					i++
					var v strings.Builder
					for i < len(s) && p.at(i) != q {
						if p.at(i) == '&' {
							next, ok, err := p.decodeEntity(&v, i)
							if err != nil {
								return "", err
							}
							if ok {
								i = next
								continue
							}
						}
						v.WriteByte(s[i])
						i++
					}
					if i < len(s) {
						i++ // the closing quote
					}
					value = v.String()
				}
				if i >= len(s) {
					return "", errAt(begin, "Unclosed start tag at byte offset %d", begin)
				}
				switch {
				case name == "a" && attr == "href", name == "tg-emoji" && attr == "emoji-id":
					argument = value
				case name == "code" && attr == "class" && strings.HasPrefix(value, "language-"):
					argument = value[len("language-"):]
				case name == "span" && attr == "class" && strings.HasPrefix(value, "tg-"):
					argument = value[len("tg-"):]
				}
			}
			if name == "span" && argument != "spoiler" {
				return "", errAt(begin, "Tag \"span\" must have class \"tg-spoiler\" at byte offset %d", begin)
			}
			stack = append(stack, openTag{name: name, argument: argument, offset: begin})
			continue
		}

		// An end tag.
		if len(stack) == 0 {
			return "", errAt(begin, "Unexpected end tag at byte offset %d", begin)
		}
		for !isSpace(p.at(i)) && p.at(i) != '>' {
			i++
		}
		endName := s[begin+2 : i]
		for i < len(s) && isSpace(p.at(i)) {
			i++
		}
		if p.at(i) != '>' {
			return "", errAt(begin, "Unclosed end tag at byte offset %d", begin)
		}
		top := stack[len(stack)-1]
		if endName != "" && endName != top.name {
			return "", errAt(begin, "Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", begin, top.name, endName)
		}
		if top.name == "tg-emoji" {
			if id, err := strconv.ParseInt(top.argument, 10, 64); err != nil || id <= 0 {
				return "", &Error{Offset: top.offset, Msg: "Invalid custom emoji identifier specified"}
			}
		}
		stack = stack[:len(stack)-1]
	}
	if len(stack) > 0 {
		top := stack[len(stack)-1]
		return "", &Error{Offset: top.offset, Msg: fmt.Sprintf("Can't find end tag corresponding to start tag \"%s\"", top.name)}
	}
	return out.String(), nil
}
