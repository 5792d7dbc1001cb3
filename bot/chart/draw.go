package chart

import (
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/golang/freetype/truetype"
	gochart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/drawing"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
)

// The PNG's size: wide enough for 30 labelled days, and under the 1280 px a
// side that Telegram keeps of a photo, so it is never scaled down (the PNG
// is about 80 KB, far from the 10 MB photo limit). Height is the sum of the
// rows below.
const (
	Width  = 1200
	Height = margin + titleRow + headingRow + activeHeight + panelGap + flowHeight +
		sectionGap + headingRow + deliverHeight + margin/2
)

// Labels are the chart's texts in the admin's language, from bot/i18n.
type Labels struct {
	Title       string // above everything, e.g. "Subscribers and deliveries, last 30 days"
	Subscribers string // heading of the subscribers panels
	Active      string // legend of the line: subscribed chats
	New         string // legend of the bars up: chats that subscribed that day
	Lost        string // legend of the bars down: chats that left that day
	Deliveries  string // heading of the deliveries panel
	NoData      string // legend of the days without a snapshot
	// DateLayout formats the days under the panels (a time layout, e.g.
	// "02.01" for ru and be, "Jan 2" for en); "02.01" when empty.
	DateLayout string
}

func (l Labels) validate() error {
	for _, f := range []struct{ name, text string }{
		{"Title", l.Title}, {"Subscribers", l.Subscribers}, {"Active", l.Active}, {"New", l.New},
		{"Lost", l.Lost}, {"Deliveries", l.Deliveries}, {"NoData", l.NoData},
	} {
		if strings.TrimSpace(f.text) == "" {
			return fmt.Errorf("chart label %s is empty", f.name)
		}
		if !utf8.ValidString(f.text) {
			return fmt.Errorf("chart label %s is not valid UTF-8", f.name)
		}
	}
	return nil
}

// Layout, in pixels. Telegram shows the photo at about half its width on
// a desktop and a phone, so texts are large.
const (
	margin        = 36  // around everything
	titleSize     = 36  // the title
	headingSize   = 28  // a panel's heading
	legendSize    = 21  // legend entries
	labelSize     = 20  // axis labels
	titleRow      = 56  // the title
	headingRow    = 56  // a heading and its legend
	activeHeight  = 300 // the active subscribers panel
	panelGap      = 14  // between the two subscribers panels
	flowHeight    = 190 // the new and lost panel, with its dates
	sectionGap    = 16  // between the subscribers and the deliveries
	deliverHeight = 230 // the deliveries panel, with its dates
	datesRow      = 36  // under a panel with dates
	panelTop      = 14  // room above a panel for its top axis label
	axisGap       = 12  // between a panel and its axis labels
	minAxisLabels = 48  // the axis labels' room, however short they are
	dateGap       = 28  // at least between two date labels
)

var (
	textColor   = drawing.ColorFromHex("1d2733")
	mutedColor  = drawing.ColorFromHex("5b6673")
	gridColor   = drawing.ColorFromHex("e6e9ee")
	zeroColor   = drawing.ColorFromHex("8f99a5")
	noDataColor = drawing.ColorFromHex("eef0f4")
	activeColor = drawing.ColorFromHex("2a6fdb")
	newColor    = drawing.ColorFromHex("2e9d57")
	lostColor   = drawing.ColorFromHex("d9534f")
	sentColor   = drawing.ColorFromHex("7a5cc7")
	white       = drawing.ColorWhite
)

// fonts are the Go fonts, parsed once; they cover Cyrillic, ў and і.
var fonts = sync.OnceValues(func() (fontPair, error) {
	regular, err := truetype.Parse(goregular.TTF)
	if err != nil {
		return fontPair{}, fmt.Errorf("parse Go Regular: %w", err)
	}
	bold, err := truetype.Parse(gobold.TTF)
	if err != nil {
		return fontPair{}, fmt.Errorf("parse Go Bold: %w", err)
	}
	return fontPair{regular: regular, bold: bold}, nil
})

type fontPair struct{ regular, bold *truetype.Font }

// Render draws w as a Width×Height PNG: the title; the subscribers (a line
// of active chats over bars of new ones up and lost ones down); the
// deliveries per day as bars. Days without a snapshot are shaded.
func Render(out io.Writer, w Window, l Labels) error {
	if err := l.validate(); err != nil {
		return err
	}
	f, err := fonts()
	if err != nil {
		return err
	}
	canvas, page, err := newCanvas()
	if err != nil {
		return err
	}

	active, flow, deliveries := scales(w)
	dates := l.DateLayout
	if dates == "" {
		dates = "02.01"
	}
	d := &drawer{canvas: canvas, fonts: f, window: w}
	d.axisWidth = axisGap + max(d.widest(active, flow, deliveries), minAxisLabels) + margin/2
	d.dayTicks = d.dateTicks(dates)

	y := margin
	writeFitted(canvas, f.bold, titleSize, textColor, l.Title, margin, y+titleSize, Width-2*margin)
	y += titleRow

	legend := []legendEntry{{lineMark, activeColor, l.Active}, {boxMark, newColor, l.New}, {boxMark, lostColor, l.Lost}}
	if w.Known() < Days {
		legend = append(legend, legendEntry{bandMark, noDataColor, l.NoData})
	}
	d.heading(l.Subscribers, legend, y)
	y += headingRow
	if err := d.panel(y, activeHeight, active, false, d.line(activeColor), d.lastValue(activeColor)); err != nil {
		return err
	}
	y += activeHeight + panelGap
	if err := d.panel(y, flowHeight, flow, true,
		d.bars(func(d Day) int { return d.New }, newColor, 1),
		d.bars(func(d Day) int { return d.Lost }, lostColor, -1), d.zero()); err != nil {
		return err
	}
	y += flowHeight + sectionGap
	d.heading(l.Deliveries, nil, y)
	y += headingRow
	if err := d.panel(y, deliverHeight, deliveries, true,
		d.bars(func(d Day) int { return d.Deliveries }, sentColor, 1), d.zero()); err != nil {
		return err
	}
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(out, page); err != nil {
		return fmt.Errorf("encode chart: %w", err)
	}
	return nil
}

// newCanvas returns a white page and a go-chart renderer that draws on it.
func newCanvas() (gochart.Renderer, *image.RGBA, error) {
	canvas, err := gochart.PNG(Width, Height)
	if err != nil {
		return nil, nil, fmt.Errorf("chart canvas: %w", err)
	}
	canvas.SetDPI(72) // font sizes are pixels
	var page pageCollector
	if err := canvas.Save(&page); err != nil { // hands the page over, encodes nothing
		return nil, nil, fmt.Errorf("chart canvas: %w", err)
	}
	draw.Draw(page.RGBA, page.Bounds(), image.White, image.Point{}, draw.Src)
	return canvas, page.RGBA, nil
}

// pageCollector receives the image a go-chart renderer draws on.
type pageCollector struct{ *image.RGBA }

func (p *pageCollector) SetRGBA(i *image.RGBA) { p.RGBA = i }
func (p *pageCollector) Write([]byte) (int, error) {
	return 0, errors.New("the chart page is collected, not encoded")
}

// drawer draws the panels of one window.
type drawer struct {
	canvas    gochart.Renderer
	fonts     fontPair
	window    Window
	axisWidth int    // right of the panels, for the axis labels
	dayTicks  []tick // the labelled days, x = index in the window
}

// dateTicks labels every n-th day back from the last, n the smallest step
// at which the labels do not touch.
func (d *drawer) dateTicks(layout string) []tick {
	widest := 0
	for _, day := range d.window {
		widest = max(widest, measure(d.canvas, d.fonts.regular, labelSize, day.Date.Format(layout)))
	}
	dayWidth := float64(Width-margin-d.axisWidth) / Days
	every := Days
	for _, n := range []int{1, 2, 3, 5, 7, 10, 15} {
		if float64(n)*dayWidth >= float64(widest+dateGap) {
			every = n
			break
		}
	}
	var ticks []tick
	for i := (Days - 1) % every; i < Days; i += every {
		ticks = append(ticks, tick{value: float64(i), label: d.window[i].Date.Format(layout)})
	}
	return ticks
}

// panel draws one go-chart chart into the band of the canvas that starts
// at top. Its frame is the same in every panel, so the days line up: the
// chart's own axes are hidden, because go-chart shrinks the frame to fit
// their labels; the labels are layers drawn beside the frame.
func (d *drawer) panel(top, height int, s scale, dates bool, layers ...layer) error {
	bottom := 6
	if dates {
		bottom = datesRow
	}
	hidden := gochart.Style{Hidden: true}
	c := gochart.Chart{
		Width: Width, Height: height, DPI: 72, Font: d.fonts.regular,
		Background: gochart.Style{FillColor: white, StrokeColor: white,
			Padding: gochart.Box{IsSet: true, Top: panelTop, Left: margin, Right: d.axisWidth, Bottom: bottom}},
		Canvas:         gochart.Style{FillColor: white, StrokeColor: white},
		XAxis:          gochart.XAxis{Style: hidden, Range: &gochart.ContinuousRange{Min: -0.5, Max: Days - 0.5}},
		YAxis:          gochart.YAxis{Style: hidden, Range: &gochart.ContinuousRange{Min: s.min, Max: s.max}},
		YAxisSecondary: gochart.YAxis{Style: hidden},
	}
	c.Series = append(c.Series, d.grid(s), d.gaps())
	for _, l := range layers {
		c.Series = append(c.Series, l)
	}
	c.Series = append(c.Series, d.valueLabels(s))
	if dates {
		c.Series = append(c.Series, d.dateLabels())
	}
	err := c.Render(func(int, int) (gochart.Renderer, error) {
		return shifted{Renderer: d.canvas, dy: top}, nil
	}, io.Discard)
	if err != nil {
		return fmt.Errorf("draw chart panel: %w", err)
	}
	return nil
}

// layer is one thing drawn on a panel's frame, a go-chart series that
// needs no values: ranges and ticks are fixed.
type layer func(r gochart.Renderer, frame gochart.Box, x, y gochart.Range)

func (layer) GetName() string             { return "" }
func (layer) GetYAxis() gochart.YAxisType { return gochart.YAxisPrimary }
func (layer) GetStyle() gochart.Style     { return gochart.Style{} }
func (layer) Validate() error             { return nil }
func (l layer) Render(r gochart.Renderer, frame gochart.Box, x, y gochart.Range, _ gochart.Style) {
	l(r, frame, x, y)
}

// at returns the pixel of day i at value v.
func at(frame gochart.Box, x, y gochart.Range, i int, v float64) (int, int) {
	return frame.Left + x.Translate(float64(i)), frame.Bottom - y.Translate(v)
}

// grid draws faint lines at the scale's ticks and the labelled days.
func (d *drawer) grid(s scale) layer {
	return func(r gochart.Renderer, frame gochart.Box, x, y gochart.Range) {
		for _, t := range s.ticks {
			py := frame.Bottom - y.Translate(t.value)
			strokeLine(r, frame.Left, py, frame.Right, py, gridColor, 1)
		}
		for _, t := range d.dayTicks {
			px := frame.Left + x.Translate(t.value)
			strokeLine(r, px, frame.Top, px, frame.Bottom, gridColor, 1)
		}
	}
}

// valueLabels writes the scale's ticks right of the frame.
func (d *drawer) valueLabels(s scale) layer {
	return func(r gochart.Renderer, frame gochart.Box, _, y gochart.Range) {
		for _, t := range s.ticks {
			py := frame.Bottom - y.Translate(t.value)
			write(r, d.fonts.regular, labelSize, mutedColor, t.label, frame.Right+axisGap, py+labelSize*7/20)
		}
	}
}

// dateLabels writes the labelled days under the frame.
func (d *drawer) dateLabels() layer {
	return func(r gochart.Renderer, frame gochart.Box, x, _ gochart.Range) {
		for _, t := range d.dayTicks {
			px := frame.Left + x.Translate(t.value)
			w := measure(r, d.fonts.regular, labelSize, t.label)
			write(r, d.fonts.regular, labelSize, mutedColor, t.label, px-w/2, frame.Bottom+labelSize+8)
		}
	}
}

// gaps shades the days without a snapshot across the whole panel.
func (d *drawer) gaps() layer {
	return func(r gochart.Renderer, frame gochart.Box, x, _ gochart.Range) {
		for i, day := range d.window {
			if !day.Known {
				left := frame.Left + x.Translate(float64(i)-0.5)
				right := frame.Left + x.Translate(float64(i)+0.5)
				fillRect(r, left, frame.Top, right, frame.Bottom, noDataColor)
			}
		}
	}
}

// zero draws the baseline the bars stand on (and hang from).
func (d *drawer) zero() layer {
	return func(r gochart.Renderer, frame gochart.Box, _, y gochart.Range) {
		py := frame.Bottom - y.Translate(0)
		strokeLine(r, frame.Left, py, frame.Right, py, zeroColor, 1.5)
	}
}

// line draws the active subscribers: a line with a light area under it
// through each run of known days, a dot on each day; a gap breaks the line.
func (d *drawer) line(c drawing.Color) layer {
	return func(r gochart.Renderer, frame gochart.Box, x, y gochart.Range) {
		for start := 0; start < Days; {
			if !d.window[start].Known {
				start++
				continue
			}
			end := start
			for end+1 < Days && d.window[end+1].Known {
				end++
			}
			if end > start {
				r.SetFillColor(c.WithAlpha(0x22))
				r.SetStrokeWidth(0)
				x0, _ := at(frame, x, y, start, 0)
				r.MoveTo(x0, frame.Bottom)
				for i := start; i <= end; i++ {
					r.LineTo(at(frame, x, y, i, float64(d.window[i].Active)))
				}
				x1, _ := at(frame, x, y, end, 0)
				r.LineTo(x1, frame.Bottom)
				r.Close()
				r.Fill()

				r.SetStrokeColor(c)
				r.SetStrokeWidth(3.5)
				r.SetStrokeDashArray(nil)
				r.MoveTo(at(frame, x, y, start, float64(d.window[start].Active)))
				for i := start + 1; i <= end; i++ {
					r.LineTo(at(frame, x, y, i, float64(d.window[i].Active)))
				}
				r.Stroke()
			}
			for i := start; i <= end; i++ {
				px, py := at(frame, x, y, i, float64(d.window[i].Active))
				fillDot(r, px, py, 4.5, c)
			}
			start = end + 1
		}
	}
}

// lastValue writes the latest known count of active subscribers by its
// dot, where the eye looks for "now": above it when the line comes up to
// it, below when the line comes down, so the label never covers the line.
func (d *drawer) lastValue(c drawing.Color) layer {
	return func(r gochart.Renderer, frame gochart.Box, x, y gochart.Range) {
		last := -1
		for i := Days - 1; i >= 0 && last < 0; i-- {
			if d.window[i].Known {
				last = i
			}
		}
		if last < 0 {
			return
		}
		v := d.window[last].Active
		label := groupDigits(float64(v))
		px, py := at(frame, x, y, last, float64(v))
		w := measure(r, d.fonts.bold, legendSize, label)
		left := min(px-w/2, frame.Right-w)
		baseline := py - 16 // above the dot
		if last > 0 && d.window[last-1].Known && d.window[last-1].Active > v {
			baseline = py + 16 + legendSize*3/4 // below it
		}
		baseline = max(frame.Top+legendSize, min(baseline, frame.Bottom-6))
		fillRect(r, left-6, baseline-legendSize, left+w+6, baseline+6, white)
		write(r, d.fonts.bold, legendSize, c, label, left, baseline)
	}
}

// bars draws value(day) of the known days as bars from zero, up (dir 1)
// or down (dir -1). A bar of a non-zero value is never thinner than 2 px,
// so one loss among thousands still shows.
func (d *drawer) bars(value func(Day) int, c drawing.Color, dir float64) layer {
	return func(r gochart.Renderer, frame gochart.Box, x, y gochart.Range) {
		half := max(2, int(0.32*float64(frame.Width())/Days))
		_, base := at(frame, x, y, 0, 0)
		for i, day := range d.window {
			v := value(day)
			if !day.Known || v == 0 {
				continue
			}
			px, py := at(frame, x, y, i, dir*float64(v))
			if dir > 0 {
				py = min(py, base-2)
			} else {
				py = max(py, base+2)
			}
			fillRect(r, px-half, min(py, base), px+half, max(py, base), c)
		}
	}
}

// shifted draws a go-chart chart into a band of a larger canvas: go-chart
// renders one chart per canvas, the panels share one.
type shifted struct {
	gochart.Renderer
	dy int
}

func (s shifted) MoveTo(x, y int)              { s.Renderer.MoveTo(x, y+s.dy) }
func (s shifted) LineTo(x, y int)              { s.Renderer.LineTo(x, y+s.dy) }
func (s shifted) QuadCurveTo(cx, cy, x, y int) { s.Renderer.QuadCurveTo(cx, cy+s.dy, x, y+s.dy) }
func (s shifted) ArcTo(cx, cy int, rx, ry, start, delta float64) {
	s.Renderer.ArcTo(cx, cy+s.dy, rx, ry, start, delta)
}
func (s shifted) Circle(radius float64, x, y int) { s.Renderer.Circle(radius, x, y+s.dy) }
func (s shifted) Text(body string, x, y int)      { s.Renderer.Text(body, x, y+s.dy) }

// Save does nothing: the canvas is saved once, with every panel on it.
func (s shifted) Save(io.Writer) error { return nil }
