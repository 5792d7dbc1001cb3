package render

import "strings"

// Builder composes Telegram HTML from plain pieces, escaping each piece as
// it is added and counting the visible text as Telegram does. The zero
// value is ready to use. Empty pieces add nothing (no empty tags).
type Builder struct {
	b strings.Builder
	n int
}

// Text adds s as plain text.
func (b *Builder) Text(s string) { b.text(clean(s)) }

// Bold adds s in bold.
func (b *Builder) Bold(s string) { b.wrap("<b>", s, "</b>") }

// Italic adds s in italics.
func (b *Builder) Italic(s string) { b.wrap("<i>", s, "</i>") }

// Quote adds s as a quotation (a block of its own).
func (b *Builder) Quote(s string) { b.wrap("<blockquote>", s, "</blockquote>") }

// Code adds s in a monospace font.
func (b *Builder) Code(s string) { b.wrap("<code>", s, "</code>") }

// Link adds text linked to href. When href is not an absolute http or https
// URL, the text is added without a link.
func (b *Builder) Link(text, href string) { b.link(text, href, false) }

// BoldLink adds text in bold, linked to href as by Link.
func (b *Builder) BoldLink(text, href string) { b.link(text, href, true) }

// Line ends the current line.
func (b *Builder) Line() { b.text("\n") }

// Append adds what o holds.
func (b *Builder) Append(o *Builder) {
	b.b.WriteString(o.b.String())
	b.n += o.n
}

// Len returns the length of the visible text so far, in UTF-16 code units,
// the unit of Telegram's limits.
func (b *Builder) Len() int { return b.n }

// String returns the HTML.
func (b *Builder) String() string { return b.b.String() }

func (b *Builder) text(clean string) {
	b.b.WriteString(escaper.Replace(clean))
	b.n += length(clean)
}

func (b *Builder) wrap(open, s, close string) {
	s = clean(s)
	if s == "" {
		return
	}
	b.b.WriteString(open)
	b.text(s)
	b.b.WriteString(close)
}

func (b *Builder) link(text, href string, bold bool) {
	text = clean(text)
	if text == "" {
		return
	}
	if bold {
		b.b.WriteString("<b>")
	}
	b.linked(href, func() { b.text(text) })
	if bold {
		b.b.WriteString("</b>")
	}
}

// linked adds what inner adds, linked to href when href is an absolute
// http or https URL (see linkURL).
func (b *Builder) linked(href string, inner func()) {
	u, ok := linkURL(href)
	if ok {
		b.b.WriteString(`<a href="`)
		b.b.WriteString(escaper.Replace(u))
		b.b.WriteString(`">`)
	}
	inner()
	if ok {
		b.b.WriteString("</a>")
	}
}
