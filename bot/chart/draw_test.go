package chart

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/golang/freetype/truetype"
	"github.com/wcharczuk/go-chart/v2/drawing"
)

// The labels as bot/i18n will pass them; be and ru carry the letters the Go
// fonts must have (ў, і, ё).
var labelsByLang = map[string]Labels{
	"ru": {Title: "Подписчики и доставки за 30 дней", Subscribers: "Подписчики", Active: "Активные",
		New: "Подписались", Lost: "Отписались", Deliveries: "Доставлено сообщений за день", NoData: "Нет данных"},
	"be": {Title: "Падпісчыкі і дастаўкі за 30 дзён", Subscribers: "Падпісчыкі", Active: "Актыўныя",
		New: "Падпісаліся", Lost: "Адпісаліся", Deliveries: "Дастаўлена паведамленняў за дзень", NoData: "Няма звестак"},
	"en": {Title: "Subscribers and deliveries, last 30 days", Subscribers: "Subscribers", Active: "Active",
		New: "Subscribed", Lost: "Left", Deliveries: "Messages delivered per day", NoData: "No data", DateLayout: "Jan 2"},
}

func render(t testing.TB, w Window, l Labels) image.Image {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, w, l); err != nil {
		t.Fatalf("Render: %v", err)
	}
	if buf.Len() > 10<<20 {
		t.Fatalf("%d bytes, over Telegram's 10 MB photo limit", buf.Len())
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatalf("the chart is not a PNG: %v", err)
	}
	if got := img.Bounds(); got != image.Rect(0, 0, Width, Height) {
		t.Fatalf("size %v, want %dx%d", got.Size(), Width, Height)
	}
	return img
}

func TestRenderEveryShapeOfData(t *testing.T) {
	minsk := zone(t, "Europe/Minsk")
	end := time.Date(2025, 3, 14, 15, 30, 0, 0, minsk)
	for _, shape := range shapes(end) {
		name, snapshots := shape.name, shape.snapshots
		// The full month in each language; the other shapes in the
		// language of the longest labels.
		langs := []string{"be"}
		if name == "full" {
			langs = []string{"ru", "be", "en"}
		}
		for _, lang := range langs {
			l := labelsByLang[lang]
			t.Run(name+"_"+lang, func(t *testing.T) {
				w, err := Prepare(snapshots, end, minsk)
				if err != nil {
					t.Fatal(err)
				}
				img := render(t, w, l)
				// Something was drawn beyond the white page.
				if colours := distinctColours(img); colours < 10 {
					t.Errorf("%d colours in the chart, want a drawing", colours)
				}
			})
		}
	}
}

func distinctColours(img image.Image) int {
	seen := map[color.RGBA]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), uint8(a >> 8)}] = true
		}
	}
	return len(seen)
}

// A day without a snapshot is shaded as a gap; a day with zero deliveries
// has no bar and no shade; the other days have a bar.
func TestRenderShowsGapsAsGapsAndZerosAsZeros(t *testing.T) {
	minsk := zone(t, "Europe/Minsk")
	end := time.Date(2025, 3, 14, 12, 0, 0, 0, minsk)
	var snapshots []Snapshot
	for back := range Days {
		switch back {
		case 10: // no snapshot
		case 20:
			snapshots = append(snapshots, Snapshot{Date: end.AddDate(0, 0, -back), Active: 5})
		default:
			snapshots = append(snapshots, Snapshot{Date: end.AddDate(0, 0, -back), Active: 5, Deliveries: 100})
		}
	}
	w, err := Prepare(snapshots, end, minsk)
	if err != nil {
		t.Fatal(err)
	}
	img := render(t, w, labelsByLang["en"])

	// A row through the middle of the deliveries panel, whose bars are all
	// of the same height.
	frameTop := Height - margin/2 - deliverHeight + panelTop
	frameBottom := Height - margin/2 - datesRow
	y := (frameTop + frameBottom) / 2
	runs := map[drawing.Color]int{}
	var last drawing.Color
	for x := 0; x < Width; x++ {
		c := drawing.ColorFromAlphaMixedRGBA(img.At(x, y).RGBA())
		if c != last && (c == sentColor || c == noDataColor) {
			runs[c]++
		}
		last = c
	}
	if runs[sentColor] != Days-2 || runs[noDataColor] != 1 {
		t.Errorf("got %d bars and %d shaded days, want %d bars and 1 shaded day", runs[sentColor], runs[noDataColor], Days-2)
	}
}

func TestRenderRejectsMissingLabels(t *testing.T) {
	w, err := Prepare(nil, time.Now(), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	l := labelsByLang["en"]
	l.Lost = "  "
	err = Render(&bytes.Buffer{}, w, l)
	if err == nil || !strings.Contains(err.Error(), "Lost") {
		t.Errorf("got %v, want an error naming the Lost label", err)
	}
	l = labelsByLang["en"]
	l.Title = "\xff"
	if err := Render(&bytes.Buffer{}, w, l); err == nil || !strings.Contains(err.Error(), "Title") {
		t.Errorf("got %v, want an error naming the Title label", err)
	}
}

// Every letter of the labels has a glyph in the fonts the chart is drawn
// with: no box instead of ў.
func TestFontsDrawEveryLetter(t *testing.T) {
	f, err := fonts()
	if err != nil {
		t.Fatal(err)
	}
	for lang, l := range labelsByLang {
		text := strings.Join([]string{l.Title, l.Subscribers, l.Active, l.New, l.Lost, l.Deliveries, l.NoData, "ЎўІіЁё"}, "")
		for _, font := range []*truetype.Font{f.regular, f.bold} {
			for _, r := range text {
				if r != ' ' && font.Index(r) == 0 {
					t.Errorf("%s: no glyph for %q", lang, r)
				}
			}
		}
	}
}

// A translation longer than the chart is shrunk, then shortened with an
// ellipsis, never drawn past the edge.
func TestFitNeverOverflows(t *testing.T) {
	f, err := fonts()
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := newCanvas()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Подписчики", strings.Repeat("Падпісчыкі і дастаўкі ", 20), "W"} {
		got, size := fit(r, f.bold, titleSize, s, 400)
		if w := measure(r, f.bold, size, got); w > 400 {
			t.Errorf("fit(%q) = %q at %g px, %d px wide, want at most 400", s, got, size, w)
		}
		if size < titleSize*3/4 {
			t.Errorf("fit(%q): size %g, want at least %d", s, size, titleSize*3/4)
		}
		if got != s && !strings.HasSuffix(got, "…") {
			t.Errorf("fit(%q) = %q, want it whole or ending in an ellipsis", s, got)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	minsk := zone(b, "Europe/Minsk")
	end := time.Date(2025, 3, 14, 12, 0, 0, 0, minsk)
	w, err := Prepare(month(end, 4, 5), end, minsk)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Render(&buf, w, labelsByLang["be"]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "png-bytes")
}
