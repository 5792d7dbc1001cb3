package invite

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"rsc.io/qr"
)

// Poster is a printable A4 invitation: the title, the bot's name, a large
// QR code of the link with the link under it, and one line per language.
type Poster struct {
	Link  Link
	Title string   // e.g. "Новости Осиповичского райисполкома в Telegram"
	Lines []string // e.g. one each in ru, be and en, in the order printed
}

// The poster is A4 portrait at 300 dpi, the PNG's size in pixels and the
// SVG's in user units (the SVG itself says 210×297 mm).
const (
	PosterWidth  = 2480
	PosterHeight = 3508
)

// Proportions of the poster, in fractions of its width.
const (
	bandHeight = 0.03  // the coloured bands at the top and the bottom
	sideMargin = 0.09  // left and right of every text
	edgeRoom   = 0.06  // between a band and the content, at the least
	titleSize  = 0.058 // the title, bold, at most 3 lines
	nameSize   = 0.042 // the bot's @name, bold
	codeSide   = 0.56  // the QR code with its quiet zone, while the texts leave room
	minCode    = 0.40  // ... and at the least (1.3 mm modules for the longest link)
	linkSize   = 0.024 // the link under the code
	lineSize   = 0.036 // each language's line, at most 2 lines
)

var (
	ink    = color.RGBA{0x17, 0x21, 0x2b, 0xff}
	muted  = color.RGBA{0x5b, 0x66, 0x73, 0xff}
	accent = color.RGBA{0x22, 0x9e, 0xd9, 0xff} // Telegram's blue
)

// fonts are the Go fonts, parsed once; they cover Cyrillic, ў and і.
var fonts = sync.OnceValues(func() (typefaces, error) {
	regular, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return typefaces{}, fmt.Errorf("parse Go Regular: %w", err)
	}
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return typefaces{}, fmt.Errorf("parse Go Bold: %w", err)
	}
	return typefaces{regular: regular, bold: bold}, nil
})

type typefaces struct{ regular, bold *sfnt.Font }

func (t typefaces) of(bold bool) *sfnt.Font {
	if bold {
		return t.bold
	}
	return t.regular
}

// face returns f at size pixels, unhinted, so widths scale with the size
// and the SVG and the PNG agree.
func face(f *sfnt.Font, size float64) (font.Face, error) {
	fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, fmt.Errorf("font face at %g px: %w", size, err)
	}
	return fc, nil
}

// textLine is one line of centred text.
type textLine struct {
	text     string
	size     float64 // pixels
	bold     bool
	color    color.RGBA
	baseline float64
}

// layout is where everything goes on the poster, in pixels at 300 dpi.
type layout struct {
	bands  []image.Rectangle
	lines  []textLine
	code   *qr.Code
	codeAt image.Point // the top left of the first module
	module int         // pixels a module
}

func (p Poster) validate() error {
	if p.Link == (Link{}) {
		return errors.New("poster has no link: make one with NewLink")
	}
	if err := checkText("poster title", p.Title); err != nil {
		return err
	}
	if len(p.Lines) == 0 {
		return errors.New("poster has no lines: give one per language")
	}
	for i, l := range p.Lines {
		if err := checkText(fmt.Sprintf("poster line %d", i+1), l); err != nil {
			return err
		}
	}
	return nil
}

// checkText refuses what the poster cannot print: nothing, broken UTF-8,
// control characters, letters the Go fonts lack (emoji).
func checkText(what, s string) error {
	if strings.TrimSpace(s) == "" {
		return fmt.Errorf("%s is empty", what)
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s is not valid UTF-8", what)
	}
	f, err := fonts()
	if err != nil {
		return err
	}
	var buf sfnt.Buffer
	for _, r := range s {
		if unicode.IsControl(r) {
			return fmt.Errorf("%s %q: control character %U; write it on one line, it is wrapped to fit", what, s, r)
		}
		for _, tf := range []*sfnt.Font{f.regular, f.bold} {
			if i, err := tf.GlyphIndex(&buf, r); err != nil || (i == 0 && !unicode.IsSpace(r)) {
				return fmt.Errorf("%s %q: the poster's font has no %q (%U)", what, s, r, r)
			}
		}
	}
	return nil
}

// block is a paragraph before it is placed: its wrapped lines, their size,
// and the room to leave after it.
type block struct {
	lines []string
	size  float64
	bold  bool
	color color.RGBA
	after float64
}

// lay places the poster's parts: everything centred, the texts wrapped to
// the width and shrunk (to 3/4) when long, the code as large as the texts
// leave room for, the whole in the middle between the bands.
func (p Poster) lay() (layout, error) {
	if err := p.validate(); err != nil {
		return layout{}, err
	}
	f, err := fonts()
	if err != nil {
		return layout{}, err
	}
	code, err := p.Link.code()
	if err != nil {
		return layout{}, err
	}
	const w, h = float64(PosterWidth), float64(PosterHeight)
	width := w * (1 - 2*sideMargin)

	// Each group of texts is fitted at one size: the lines of the three
	// languages look alike even when one translation is longer.
	var above, below []block
	for _, g := range []struct {
		texts    []string
		size     float64
		bold     bool
		maxLines int
		color    color.RGBA
		gap      float64 // between the texts of the group, and after it
		into     *[]block
	}{
		{[]string{p.Title}, titleSize, true, 3, ink, 0.03, &above},
		{[]string{"@" + p.Link.Bot()}, nameSize, true, 1, accent, 0, &above},
		// The code's quiet zone is the room around it.
		{[]string{p.Link.Short()}, linkSize, false, 1, muted, 0.05, &below},
		{p.Lines, lineSize, false, 2, ink, 0.022, &below},
	} {
		wrapped, size, err := wrapFit(f.of(g.bold), g.texts, g.size*w, width, g.maxLines)
		if err != nil {
			return layout{}, err
		}
		for _, lines := range wrapped {
			*g.into = append(*g.into, block{lines: lines, size: size, bold: g.bold, color: g.color, after: g.gap * w})
		}
	}
	below[len(below)-1].after = 0

	textHeight := 0.0
	for _, b := range append(append([]block(nil), above...), below...) {
		textHeight += b.height()
	}
	room := h - 2*bandHeight*w - 2*edgeRoom*w - textHeight
	side := code.Size + 2*quietZone
	module := int(min(codeSide*w, room) / float64(side))
	if float64(module*side) < minCode*w {
		return layout{}, errors.New("poster texts are too long: shorten the title or the lines so the QR code keeps its size")
	}

	out := layout{code: code, module: module}
	bandF := bandHeight * w
	band := int(bandF)
	out.bands = []image.Rectangle{image.Rect(0, 0, PosterWidth, band), image.Rect(0, PosterHeight-band, PosterWidth, PosterHeight)}
	// What the code leaves of the room goes half above everything, half below.
	y := bandF + edgeRoom*w + (room-float64(module*side))/2
	place := func(blocks []block) {
		for _, b := range blocks {
			for _, text := range b.lines {
				y += b.size * ascent
				out.lines = append(out.lines, textLine{text: text, size: b.size, bold: b.bold, color: b.color, baseline: y})
				y += b.size * (lineHeight - ascent)
			}
			y += b.after
		}
	}
	place(above)
	top := int(math.Ceil(y))
	out.codeAt = image.Pt((PosterWidth-module*side)/2+quietZone*module, top+quietZone*module)
	y = float64(top + module*side)
	place(below)
	return out, nil
}

// Line metrics of the Go fonts, in ems: the distance from the top of a line
// to its baseline, and from one baseline to the next.
const (
	ascent     = 0.95
	lineHeight = 1.25
)

func (b block) height() float64 { return float64(len(b.lines))*b.size*lineHeight + b.after }

// wrapFit wraps texts to width at size, shrinking the size (to 3/4) until
// each takes at most maxLines lines; at the smallest size they take as many
// lines as they need: no text is cut.
func wrapFit(f *sfnt.Font, texts []string, size, width float64, maxLines int) ([][]string, float64, error) {
	for smallest := size * 3 / 4; ; size *= 0.96 {
		fc, err := face(f, size)
		if err != nil {
			return nil, 0, err
		}
		wrapped := make([][]string, len(texts))
		fits := true
		for i, t := range texts {
			wrapped[i] = wrap(fc, t, width)
			fits = fits && len(wrapped[i]) <= maxLines
		}
		if fits || size*0.96 < smallest {
			return wrapped, size, nil
		}
	}
}

// wrap breaks text at spaces into lines no wider than width; a word wider
// than a line (a long link) is broken after a -, /, ?, = or _ where it can
// be, else between any two characters.
func wrap(fc font.Face, text string, width float64) []string {
	fits := func(s string) bool { return fixedToFloat(font.MeasureString(fc, s)) <= width }
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
		case fits(line + " " + word):
			line += " " + word
			continue
		default:
			lines = append(lines, line)
		}
		line = ""
		for _, r := range word {
			for line != "" && !fits(line+string(r)) {
				cut := strings.LastIndexAny(line, "-/?=_") + 1
				if cut == 0 {
					cut = len(line)
				}
				lines = append(lines, line[:cut])
				line = line[cut:]
			}
			line += string(r)
		}
	}
	return append(lines, line)
}

func fixedToFloat(x fixed.Int26_6) float64 { return float64(x) / 64 }
