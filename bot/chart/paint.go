package chart

import (
	"sort"

	"github.com/golang/freetype/truetype"
	gochart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
)

// The drawing primitives the panels and headings are made of.

func rect(r gochart.Renderer, x0, y0, x1, y1 int) {
	r.MoveTo(x0, y0)
	r.LineTo(x1, y0)
	r.LineTo(x1, y1)
	r.LineTo(x0, y1)
	r.Close()
}

func fillRect(r gochart.Renderer, x0, y0, x1, y1 int, c drawing.Color) {
	r.SetFillColor(c)
	rect(r, x0, y0, x1, y1)
	r.Fill()
}

func strokeRect(r gochart.Renderer, x0, y0, x1, y1 int, c drawing.Color) {
	r.SetStrokeColor(c)
	r.SetStrokeWidth(1)
	r.SetStrokeDashArray(nil)
	rect(r, x0, y0, x1, y1)
	r.Stroke()
}

func strokeLine(r gochart.Renderer, x0, y0, x1, y1 int, c drawing.Color, width float64) {
	r.SetStrokeColor(c)
	r.SetStrokeWidth(width)
	r.SetStrokeDashArray(nil)
	r.MoveTo(x0, y0)
	r.LineTo(x1, y1)
	r.Stroke()
}

// fillDot draws a dot with a white ring, so neighbouring dots stay apart.
func fillDot(r gochart.Renderer, x, y int, radius float64, c drawing.Color) {
	r.SetFillColor(c)
	r.SetStrokeColor(white)
	r.SetStrokeWidth(2)
	r.SetStrokeDashArray(nil)
	r.Circle(radius, x, y)
	r.FillStroke()
}

// write draws s with its baseline at y.
func write(r gochart.Renderer, f *truetype.Font, size float64, c drawing.Color, s string, x, y int) {
	r.SetFont(f)
	r.SetFontSize(size)
	r.SetFontColor(c)
	r.Text(s, x, y)
}

func measure(r gochart.Renderer, f *truetype.Font, size float64, s string) int {
	r.SetFont(f)
	r.SetFontSize(size)
	return r.MeasureText(s).Width()
}

// fit returns s and a size at which it fits in width: down to 3/4 of size,
// then shortened with an ellipsis. Texts come from translators; none is
// clipped.
func fit(r gochart.Renderer, f *truetype.Font, size float64, s string, width int) (string, float64) {
	for smallest := size * 3 / 4; size > smallest && measure(r, f, size, s) > width; size-- {
	}
	if measure(r, f, size, s) <= width {
		return s, size
	}
	// The longest start of s that fits with the ellipsis, by bisection.
	runes := []rune(s)
	keep := sort.Search(len(runes), func(n int) bool {
		return measure(r, f, size, string(runes[:n+1])+"…") > width
	})
	return string(runes[:max(keep, 1)]) + "…", size
}

func writeFitted(r gochart.Renderer, f *truetype.Font, size float64, c drawing.Color, s string, x, y, width int) {
	s, size = fit(r, f, size, s, width)
	write(r, f, size, c, s, x, y)
}

// widest returns the width of the widest axis label of the scales.
func (d *drawer) widest(scales ...scale) int {
	w := 0
	for _, s := range scales {
		for _, t := range s.ticks {
			w = max(w, measure(d.canvas, d.fonts.regular, labelSize, t.label))
		}
	}
	return w
}

type mark int

const (
	lineMark mark = iota // a line with a dot, for the active subscribers
	boxMark              // a square, for bars
	bandMark             // a framed square, for the shading of days without data
)

type legendEntry struct {
	mark  mark
	color drawing.Color
	label string
}

const (
	markWidth  = 30 // a legend entry's mark
	markGap    = 10 // between a mark and its label
	entryGap   = 28 // between legend entries
	headingGap = 32 // between the heading and its legend
)

// heading writes a panel's heading at the left of the row that starts at
// top, and its legend at the right, shrinking the legend (then the
// heading) when a translation is long.
func (d *drawer) heading(text string, legend []legendEntry, top int) {
	baseline := top + headingSize + 4
	room := Width - 2*margin

	size := float64(legendSize)
	legendWidth := func() int {
		w := 0
		for i, e := range legend {
			if i > 0 {
				w += entryGap
			}
			w += markWidth + markGap + measure(d.canvas, d.fonts.regular, size, e.label)
		}
		return w
	}
	headingWidth := min(measure(d.canvas, d.fonts.bold, headingSize, text), room/3)
	for size > legendSize*3/4 && legendWidth() > room-headingWidth-headingGap {
		size--
	}
	lw := legendWidth()
	writeFitted(d.canvas, d.fonts.bold, headingSize, textColor, text, margin, baseline, room-lw-headingGap)

	x := Width - margin - lw
	middle := baseline - int(size)/3 // the height of a lowercase letter's middle
	for _, e := range legend {
		switch e.mark {
		case lineMark:
			strokeLine(d.canvas, x, middle, x+markWidth, middle, e.color, 3.5)
			fillDot(d.canvas, x+markWidth/2, middle, 5, e.color)
		case boxMark, bandMark:
			fillRect(d.canvas, x+6, middle-9, x+markWidth-6, middle+9, e.color)
			if e.mark == bandMark {
				strokeRect(d.canvas, x+6, middle-9, x+markWidth-6, middle+9, zeroColor)
			}
		}
		x += markWidth + markGap
		write(d.canvas, d.fonts.regular, size, mutedColor, e.label, x, baseline)
		x += measure(d.canvas, d.fonts.regular, size, e.label) + entryGap
	}
}
