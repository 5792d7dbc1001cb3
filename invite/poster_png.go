package invite

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"

	"golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// PNG writes the poster as a PosterWidth×PosterHeight PNG: A4 at 300 dpi,
// ready to print.
func (p Poster) PNG(w io.Writer) error {
	l, err := p.lay()
	if err != nil {
		return err
	}
	f, err := fonts()
	if err != nil {
		return err
	}
	img := image.NewRGBA(image.Rect(0, 0, PosterWidth, PosterHeight))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	for _, b := range l.bands {
		draw.Draw(img, b, image.NewUniform(accent), image.Point{}, draw.Src)
	}
	drawCode(img, l.code, l.codeAt, l.module, color.Black)
	for _, t := range l.lines {
		fc, err := face(f.of(t.bold), t.size)
		if err != nil {
			return err
		}
		d := font.Drawer{Dst: img, Src: image.NewUniform(t.color), Face: fc}
		d.Dot = fixed.Point26_6{
			X: (fixed.I(PosterWidth) - d.MeasureString(t.text)) / 2,
			Y: fixed.Int26_6(t.baseline * 64),
		}
		d.DrawString(t.text)
	}
	if err := png.Encode(w, img); err != nil {
		return fmt.Errorf("encode poster PNG: %w", err)
	}
	return nil
}
