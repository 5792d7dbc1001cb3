// Package render makes every piece of HTML the bot sends: it escapes what
// it is given, lays messages out and measures them the way Telegram does
// (the visible text after entity parsing, in UTF-16 code units), so that
// nothing it returns is refused for bad markup or for being too long.
//
// Callers never concatenate HTML themselves: they use the message functions
// (Article, Latest, Digest, Plain) or compose with a Builder, which escapes
// every piece as it is added.
package render

import (
	"net"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// Telegram's limits, in UTF-16 code units of visible text.
const (
	MaxText    = 4096 // sendMessage text
	MaxCaption = 1024 // sendPhoto caption
)

// maxURL bounds the length in bytes of a link or image URL the renderer
// accepts; longer ones are treated as missing.
const maxURL = 4096

// Message is a rendered message: Text is HTML for parse_mode=HTML. When
// Photo is set, the message is meant for sendPhoto with Photo (an absolute
// http(s) URL) as the photo and Text as its caption.
type Message struct {
	Text  string
	Photo string
}

// Plain returns the visible text of m.Text: tags removed, entities decoded.
// It is meant for previews and logs of what a reader would see.
func (m Message) Plain() string { return visible(m.Text) }

// visible strips tags from HTML made by this package and decodes its
// entities. Text made here escapes every '<' and '>', so any '<' starts a tag
// and the first '>' after it ends it (attribute values are escaped too).
func visible(h string) string {
	var b strings.Builder
	b.Grow(len(h))
	for {
		i := strings.IndexByte(h, '<')
		if i < 0 {
			b.WriteString(h)
			break
		}
		b.WriteString(h[:i])
		j := strings.IndexByte(h[i:], '>')
		if j < 0 {
			break
		}
		h = h[i+j+1:]
	}
	return unescaper.Replace(b.String())
}

var unescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&quot;", `"`, "&amp;", "&")

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// Escape makes s safe as Telegram HTML text or as a double-quoted attribute
// value: '&', '<', '>' and '"' become entities, invalid UTF-8 becomes U+FFFD
// and control characters other than '\n' and '\t' are dropped.
func Escape(s string) string { return escaper.Replace(clean(s)) }

// Plain returns s as HTML showing exactly s (escaped as by Escape), cut at a
// word boundary with "…" to fit a message (MaxText). It is the way to send a
// localised text or any other plain string.
func Plain(s string) string { return Escape(Cut(s, MaxText)) }

// clean replaces invalid UTF-8 with U+FFFD and drops control characters
// other than '\n' and '\t'. Its result is the text Telegram will show, so
// it is what the renderer measures.
func clean(s string) string {
	ok := true
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
				ok = false
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || unicode.IsControl(r) {
			ok = false
			break
		}
		i += size
	}
	if ok {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s { // invalid bytes come out as utf8.RuneError, i.e. U+FFFD
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// width is the number of UTF-16 code units of r.
func width(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// length returns the length of clean text in UTF-16 code units.
func length(s string) int {
	n := 0
	for _, r := range s {
		n += width(r)
	}
	return n
}

// oneLine collapses every run of white space in s into one space and trims it.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// paragraphs normalises multi-line text: lines are collapsed as by oneLine,
// empty ones dropped, and the rest separated by a blank line.
func paragraphs(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = oneLine(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n\n")
}

// Cut returns s (cleaned as by Escape, not escaped) if it is at most max
// UTF-16 code units long; otherwise it cuts s at a word boundary and adds
// "…", the whole within max. A cut never splits a character, a surrogate
// pair or, as far as it can tell, a cluster such as a letter with its
// combining marks, an emoji with its modifiers or a flag. If no word
// boundary is near, it cuts inside the word.
func Cut(s string, max int) string {
	s = clean(s)
	if max <= 0 {
		return ""
	}
	if length(s) <= max {
		return s
	}
	const ellipsis = "…"
	budget := max - 1 // "…" is one unit
	end := fitting(s, budget)
	next, _ := utf8.DecodeRuneInString(s[end:])
	cut := -1
	if unicode.IsSpace(next) {
		cut = end
	} else if i := strings.LastIndexFunc(s[:end], unicode.IsSpace); i > 0 && length(s[:i]) >= budget*2/3 {
		cut = i
	}
	if cut >= 0 {
		if p := strings.TrimRightFunc(s[:cut], trailing); p != "" {
			return p + ellipsis
		}
	}
	end = clusterStart(s, end)
	return strings.TrimRightFunc(s[:end], trailing) + ellipsis
}

// fitting is the length in bytes of the longest prefix of s that is at
// most max UTF-16 units long: where a cut to max falls.
func fitting(s string, max int) int {
	n := 0
	for i, r := range s {
		if n+width(r) > max {
			return i
		}
		n += width(r)
	}
	return len(s)
}

// trailing reports whether r may be dropped before an added "…": spaces and
// punctuation that would dangle.
func trailing(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune(",;:.-–—(«„“\"'…", r)
}

// clusterStart moves a cut at byte i of s back to the start of the cluster
// it would split (a base character followed by combining marks, variation
// selectors, emoji modifiers, tags or joined by ZWJ; pairs of regional
// indicators). If the whole prefix is one cluster it returns i unchanged.
func clusterStart(s string, i int) int {
	j := i
	for j > 0 {
		r, _ := utf8.DecodeRuneInString(s[j:])
		prev, size := utf8.DecodeLastRuneInString(s[:j])
		switch {
		case extends(r), prev == 0x200D:
			j -= size
			continue
		case isRegional(r) && isRegional(prev):
			// Keep flags whole: count the indicators before the cut.
			k, count := j, 0
			for k > 0 {
				p, sz := utf8.DecodeLastRuneInString(s[:k])
				if !isRegional(p) {
					break
				}
				k -= sz
				count++
			}
			if count%2 == 1 {
				j -= size
			}
		}
		break
	}
	if j == 0 {
		return i
	}
	return j
}

// extends reports whether r attaches to the character before it.
func extends(r rune) bool {
	switch {
	case r == 0x200D, // zero width joiner
		0xFE00 <= r && r <= 0xFE0F,   // variation selectors
		0x1F3FB <= r && r <= 0x1F3FF, // skin tones
		0xE0020 <= r && r <= 0xE007F, // tags (subdivision flags)
		0xE0100 <= r && r <= 0xE01EF: // variation selectors supplement
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc)
}

func isRegional(r rune) bool { return 0x1F1E6 <= r && r <= 0x1F1FF }

// linkURL returns s as a link Telegram can open, or false when s is not an
// absolute http or https URL (with a host, without user info, at most maxURL
// bytes). The result is ASCII: an international domain name becomes
// punycode, and spaces, quotes and other bytes are percent-encoded.
func linkURL(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > maxURL || !utf8.ValidString(s) {
		return "", false
	}
	u, err := url.Parse(s)
	if err != nil || u.Opaque != "" || u.User != nil || u.Hostname() == "" {
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	default:
		return "", false
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host := u.Hostname()
	if ip := net.ParseIP(host); ip == nil {
		// A domain name: IDN becomes punycode, anything else that is not a
		// letter, digit, hyphen or dot is refused.
		if host, err = idna.Lookup.ToASCII(host); err != nil || host == "" {
			return "", false
		}
		if _, err := idna.Lookup.ToUnicode(host); err != nil {
			return "", false // punycode that does not decode to a valid name
		}
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port := u.Port(); port != "" {
		host += ":" + port
	}
	u.Host = host
	out := u.String()
	// Query strings are kept verbatim by net/url: encode what is not plain ASCII.
	var b strings.Builder
	for i := 0; i < len(out); i++ {
		c := out[i]
		if c <= ' ' || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '`' {
			const hex = "0123456789ABCDEF"
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	if b.Len() > maxURL {
		return "", false
	}
	return b.String(), true
}
