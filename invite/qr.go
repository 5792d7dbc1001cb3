package invite

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"

	"rsc.io/qr"
)

// quietZone is the white margin around a QR code, in modules, that the
// standard asks for and scanners need.
const quietZone = 4

// code encodes the link at level Q: a quarter of the code may be dirty,
// torn or covered by a drawing pin and it still scans.
func (l Link) code() (*qr.Code, error) {
	c, err := qr.Encode(l.URL(), qr.Q)
	if err != nil {
		return nil, fmt.Errorf("encode %s as a QR code: %w", l.URL(), err)
	}
	return c, nil
}

// MinQRSize returns the smallest size QR accepts: one pixel a module.
func (l Link) MinQRSize() (int, error) {
	c, err := l.code()
	if err != nil {
		return 0, err
	}
	return c.Size + 2*quietZone, nil
}

// QR writes the link's QR code as a size×size PNG, black on white with its
// quiet zone; every module is the same whole number of pixels, so it stays
// sharp, and the rest of the size is white margin.
func (l Link) QR(w io.Writer, size int) error {
	c, err := l.code()
	if err != nil {
		return err
	}
	side := c.Size + 2*quietZone
	if size < side {
		return fmt.Errorf("QR code of %d px is too small: this link needs at least %d px", size, side)
	}
	img := image.NewPaletted(image.Rect(0, 0, size, size), color.Palette{color.White, color.Black})
	module := size / side
	offset := (size-module*side)/2 + quietZone*module
	drawCode(img, c, image.Pt(offset, offset), module, color.Black)
	if err := png.Encode(w, img); err != nil {
		return fmt.Errorf("encode QR code PNG: %w", err)
	}
	return nil
}

// drawCode draws the dark modules of c, module pixels a side, from at.
func drawCode(dst draw.Image, c *qr.Code, at image.Point, module int, ink color.Color) {
	src := image.NewUniform(ink)
	for y := range c.Size {
		for x := range c.Size {
			if c.Black(x, y) {
				r := image.Rect(0, 0, module, module).Add(at.Add(image.Pt(x*module, y*module)))
				draw.Draw(dst, r, src, image.Point{}, draw.Src)
			}
		}
	}
}
