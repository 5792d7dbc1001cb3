package invite

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"image/color"
	"io"
	"strings"
)

// fontFamily asks for the Go fonts the layout was measured with, then for
// fonts of about their width that every system has.
const fontFamily = `Go, 'Noto Sans', 'DejaVu Sans', Arial, sans-serif`

// SVG writes the poster as an SVG of A4 (210×297 mm), with its texts as
// text, for staff who want to edit it before printing. The texts were
// wrapped with the Go fonts' widths and are centred, so another sans-serif
// font changes only their margins.
func (p Poster) SVG(w io.Writer) error {
	l, err := p.lay()
	if err != nil {
		return err
	}
	b := bufio.NewWriter(w)
	fmt.Fprintf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"+
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"210mm\" height=\"297mm\" viewBox=\"0 0 %d %d\">\n",
		PosterWidth, PosterHeight)
	fmt.Fprintf(b, "<title>%s</title>\n", escape(p.Title))
	fmt.Fprintf(b, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", PosterWidth, PosterHeight)
	for _, r := range l.bands {
		fmt.Fprintf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n", r.Min.X, r.Min.Y, r.Dx(), r.Dy(), hex(accent))
	}

	// The code as one path, a rectangle for each run of dark modules in a row.
	fmt.Fprintf(b, "<path fill=\"#000000\" shape-rendering=\"crispEdges\" d=\"")
	for y := range l.code.Size {
		for x := 0; x < l.code.Size; x++ {
			if !l.code.Black(x, y) {
				continue
			}
			run := 1
			for x+run < l.code.Size && l.code.Black(x+run, y) {
				run++
			}
			fmt.Fprintf(b, "M%d %dh%dv%dh-%dz", l.codeAt.X+x*l.module, l.codeAt.Y+y*l.module, run*l.module, l.module, run*l.module)
			x += run - 1
		}
	}
	fmt.Fprintf(b, "\"/>\n")

	fmt.Fprintf(b, "<g font-family=\"%s\" text-anchor=\"middle\">\n", fontFamily)
	for _, t := range l.lines {
		weight := "normal"
		if t.bold {
			weight = "bold"
		}
		fmt.Fprintf(b, "<text x=\"%d\" y=\"%.1f\" font-size=\"%.1f\" font-weight=\"%s\" fill=\"%s\">%s</text>\n",
			PosterWidth/2, t.baseline, t.size, weight, hex(t.color), escape(t.text))
	}
	fmt.Fprintf(b, "</g>\n</svg>\n")
	if err := b.Flush(); err != nil {
		return fmt.Errorf("write poster SVG: %w", err)
	}
	return nil
}

func escape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) // writes to a Builder never fail
	return b.String()
}

func hex(c color.RGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }
