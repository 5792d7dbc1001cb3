package invite

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"

	"github.com/osipovichi/newsbot/internal/testkit"
)

func link(t testing.TB, bot, payload string) Link {
	t.Helper()
	l, err := NewLink(bot, payload)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// scan reads the QR code in img as a phone would, with a decoder that
// shares no code with the encoder.
func scan(t testing.TB, img image.Image) string {
	t.Helper()
	text, err := testkit.ScanQR(img)
	if err != nil {
		t.Fatalf("no QR code read: %v", err)
	}
	return text
}

func decodePNG(t testing.TB, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	return img
}

func TestQRScansAsTheLink(t *testing.T) {
	for _, l := range []Link{
		link(t, "@osipovichi_news_bot", ""),
		link(t, "osipovichi_news_bot", "subscribe-poster1"),
		// The longest link there can be.
		link(t, "a"+strings.Repeat("b", 28)+"bot", strings.Repeat("Z-_9", 16)),
	} {
		minSize, err := l.MinQRSize()
		if err != nil {
			t.Fatal(err)
		}
		for _, size := range []int{2 * minSize, 2*minSize + 1, 300, 1000} {
			var buf bytes.Buffer
			if err := l.QR(&buf, size); err != nil {
				t.Fatalf("QR(%d): %v", size, err)
			}
			img := decodePNG(t, buf.Bytes())
			if got := img.Bounds(); got != image.Rect(0, 0, size, size) {
				t.Errorf("QR(%d): the PNG is %v, want %dx%d", size, got.Size(), size, size)
			}
			if got := scan(t, img); got != l.URL() {
				t.Errorf("QR(%d) scans as %q, want %q", size, got, l.URL())
			}
		}
	}
}

func TestQRRejectsTooSmallASize(t *testing.T) {
	l := link(t, "osipovichi_news_bot", "")
	minSize, err := l.MinQRSize()
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{minSize - 1, 0, -5} {
		err := l.QR(&bytes.Buffer{}, size)
		if err == nil || !strings.Contains(err.Error(), "too small") {
			t.Errorf("QR(%d): got %v, want a too-small error naming the minimum %d", size, err, minSize)
		}
	}
	if err := l.QR(&bytes.Buffer{}, minSize); err != nil {
		t.Errorf("QR(%d), the minimum: %v", minSize, err)
	}
}
