package invite

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image"
	"image/draw"
	"io"
	"strings"
	"testing"

	"golang.org/x/image/font"
)

// A poster as bot/i18n will fill it: Belarusian with ў and і.
func poster(t testing.TB) Poster {
	return Poster{
		Link:  link(t, "@osipovichi_news_bot", "subscribe-poster1"),
		Title: "Новости Осиповичского райисполкома в Telegram",
		Lines: []string{
			"Наведите камеру телефона на код и нажмите «Старт»: новости района будут приходить вам сами.",
			"Навядзіце камеру тэлефона на код і націсніце «Старт»: навіны раёна будуць прыходзіць вам самі.",
			"Point your phone's camera at the code and tap Start to get the district's news.",
		},
	}
}

func TestPosterPNG(t *testing.T) {
	p := poster(t)
	var buf bytes.Buffer
	if err := p.PNG(&buf); err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, buf.Bytes())
	if got := img.Bounds(); got != image.Rect(0, 0, PosterWidth, PosterHeight) {
		t.Fatalf("the poster is %v, want %dx%d", got.Size(), PosterWidth, PosterHeight)
	}
	if got := scan(t, shrink(img, 4)); got != p.Link.URL() {
		t.Errorf("the poster's code scans as %q, want %q", got, p.Link.URL())
	}
}

// shrink keeps every k-th pixel of img, as a phone camera sees a poster
// from afar; the decoder is much faster on it, even more so under -race.
func shrink(img image.Image, k int) image.Image {
	b := img.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx()/k, b.Dy()/k))
	for y := range out.Rect.Dy() {
		for x := range out.Rect.Dx() {
			out.Set(x, y, img.At(b.Min.X+x*k+k/2, b.Min.Y+y*k+k/2))
		}
	}
	return out
}

// svgText is what a poster SVG holds: it must parse as XML.
type svgText struct {
	Title string `xml:"title"`
	Path  struct {
		D string `xml:"d,attr"`
	} `xml:"path"`
	Texts []string `xml:"g>text"`
}

func parseSVG(t *testing.T, b []byte) svgText {
	t.Helper()
	var s svgText
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	if err := d.Decode(&s); err != nil {
		t.Fatalf("the SVG is not well-formed XML: %v\n%s", err, b)
	}
	// Strict decoding of the whole document, not just the first element.
	for {
		if _, err := d.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v", err)
		}
	}
	return s
}

func TestPosterSVG(t *testing.T) {
	p := poster(t)
	p.Title = `Новости <b>"райисполкома"</b> & Telegram's`
	var buf bytes.Buffer
	if err := p.SVG(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(buf.Bytes(), []byte(`width="210mm" height="297mm"`)) || !bytes.Contains(buf.Bytes(), []byte(fmt.Sprintf(`viewBox="0 0 %d %d"`, PosterWidth, PosterHeight))) {
		t.Errorf("the SVG is not A4 at %dx%d units", PosterWidth, PosterHeight)
	}
	if bytes.Contains(buf.Bytes(), []byte("<b>")) {
		t.Errorf("the title's markup is not escaped")
	}
	s := parseSVG(t, buf.Bytes())
	if s.Title != p.Title {
		t.Errorf("SVG title %q, want %q", s.Title, p.Title)
	}
	// The texts, wrapped, read back as the poster's texts in order.
	got := strings.Join(s.Texts, " ")
	want := strings.Join(append([]string{p.Title, "@" + p.Link.Bot(), p.Link.Short()}, p.Lines...), " ")
	if got != want {
		t.Errorf("SVG texts:\n%s\nwant:\n%s", got, want)
	}

	// The code in the SVG scans as the link: draw its path and read it.
	img := image.NewGray(image.Rect(0, 0, PosterWidth, PosterHeight))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	for _, cmd := range strings.Split(strings.TrimSuffix(s.Path.D, "z"), "z") {
		var x, y, w, h, back int
		if _, err := fmt.Sscanf(cmd, "M%d %dh%dv%dh-%d", &x, &y, &w, &h, &back); err != nil || back != w {
			t.Fatalf("path command %q: %v", cmd, err)
		}
		draw.Draw(img, image.Rect(x, y, x+w, y+h), image.Black, image.Point{}, draw.Src)
	}
	if got := scan(t, shrink(img, 4)); got != p.Link.URL() {
		t.Errorf("the SVG's code scans as %q, want %q", got, p.Link.URL())
	}
}

// Long texts are wrapped and shrunk, never clipped: every line fits
// between the side margins and between the bands, and none overlaps the
// code, whose modules stay at least minCode of the width.
func TestPosterLayoutKeepsEverythingOnThePage(t *testing.T) {
	long := Poster{
		Link:  link(t, "a"+strings.Repeat("b", 28)+"bot", strings.Repeat("poster-", 9)+"1"),
		Title: strings.Repeat("Навіны Асіповіцкага райвыканкама ", 3),
		Lines: []string{
			strings.Repeat("Наведите камеру телефона на код. ", 4),
			strings.Repeat("Навядзіце камеру тэлефона на код. ", 4),
			strings.Repeat("Point your phone's camera at the code. ", 4),
		},
	}
	f, err := fonts()
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]Poster{"usual": poster(t), "long": long} {
		t.Run(name, func(t *testing.T) {
			l, err := p.lay()
			if err != nil {
				t.Fatal(err)
			}
			side := (l.code.Size + 2*quietZone) * l.module
			codeTop := l.codeAt.Y - quietZone*l.module
			if float64(side) < minCode*PosterWidth {
				t.Errorf("the code is %d px, want at least %g", side, minCode*PosterWidth)
			}
			band := l.bands[0].Dy()
			for _, line := range l.lines {
				fc, err := face(f.of(line.bold), line.size)
				if err != nil {
					t.Fatal(err)
				}
				width := fixedToFloat(font.MeasureString(fc, line.text))
				top, bottom := line.baseline-fixedToFloat(fc.Metrics().Ascent), line.baseline+fixedToFloat(fc.Metrics().Descent)
				switch {
				case width > PosterWidth*(1-2*sideMargin):
					t.Errorf("%q is %g px wide, want at most %g", line.text, width, PosterWidth*(1-2*sideMargin))
				case top < float64(band) || bottom > float64(PosterHeight-band):
					t.Errorf("%q spans %g..%g px, off the page between the bands", line.text, top, bottom)
				case bottom > float64(codeTop) && top < float64(codeTop+side):
					t.Errorf("%q spans %g..%g px, over the code at %d..%d", line.text, top, bottom, codeTop, codeTop+side)
				}
			}
		})
	}
}

func TestPosterRejects(t *testing.T) {
	good := poster(t)
	for name, tc := range map[string]struct {
		edit func(*Poster)
		want string
	}{
		"no link":       {func(p *Poster) { p.Link = Link{} }, "no link"},
		"no title":      {func(p *Poster) { p.Title = " " }, "title is empty"},
		"no lines":      {func(p *Poster) { p.Lines = nil }, "no lines"},
		"empty line":    {func(p *Poster) { p.Lines[1] = "" }, "line 2 is empty"},
		"emoji":         {func(p *Poster) { p.Title = "Новости 📰" }, "no '📰'"},
		"newline":       {func(p *Poster) { p.Lines[0] = "one\ntwo" }, "control character"},
		"broken UTF-8":  {func(p *Poster) { p.Title = "\xff" }, "UTF-8"},
		"too much text": {func(p *Poster) { p.Title = strings.Repeat("Очень длинный заголовок ", 40) }, "too long"},
	} {
		t.Run(name, func(t *testing.T) {
			p := good
			p.Lines = append([]string(nil), good.Lines...)
			tc.edit(&p)
			for format, write := range map[string]func(io.Writer) error{"PNG": p.PNG, "SVG": p.SVG} {
				err := write(io.Discard)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%s: got %v, want an error with %q", format, err, tc.want)
				}
			}
		})
	}
}

// A link longer than a line breaks after a -, ?, = or /, and loses nothing.
func TestWrapBreaksLinksAtTheirSeparators(t *testing.T) {
	f, err := fonts()
	if err != nil {
		t.Fatal(err)
	}
	fc, err := face(f.regular, 60)
	if err != nil {
		t.Fatal(err)
	}
	word := "t.me/a" + strings.Repeat("b", 28) + "bot?start=" + strings.Repeat("poster-", 9) + "1"
	const width = 1400 // wider than any piece between two separators
	lines := wrap(fc, word, width)
	if len(lines) < 2 || strings.Join(lines, "") != word {
		t.Fatalf("wrap(%q) = %q, want it on several lines that join back into it", word, lines)
	}
	for i, line := range lines {
		if w := fixedToFloat(font.MeasureString(fc, line)); w > width {
			t.Errorf("line %q is %g px, want at most %d", line, w, width)
		}
		if i < len(lines)-1 && !strings.ContainsAny(line[len(line)-1:], "-/?=_") {
			t.Errorf("line %q does not end at a separator", line)
		}
	}
}

func BenchmarkPosterPNG(b *testing.B) {
	p := poster(b)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := p.PNG(&buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "png-bytes")
}
