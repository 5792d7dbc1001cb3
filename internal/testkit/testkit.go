// Package testkit holds what the tests of several packages share: a
// buffer that loggers and processes write to while the test reads it, a
// settable clock for code that takes a now function, and a QR code reader.
// It does not import testing.
package testkit

import (
	"bytes"
	"image"
	"sync"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// LogBuffer is a bytes.Buffer safe for writers in other goroutines (a
// logger, a child process) and the test that reads it.
type LogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns everything written so far.
func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Clock is a settable clock, safe for concurrent use: pass its Now where
// code takes a now func() time.Time.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a Clock that reads t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set sets the clock's time.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// Advance moves the clock by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// FastClock is real time sped up: a second of it passes in 1/Speed of a
// real second. Tests that are not about pacing run a pacer on it, so that
// Telegram's one message a second per chat costs them milliseconds.
type FastClock struct {
	Speed float64
	start time.Time
}

// NewFastClock returns a clock that starts now and runs speed times faster
// than real time.
func NewFastClock(speed float64) *FastClock { return &FastClock{Speed: speed, start: time.Now()} }

// Now returns the sped-up time.
func (c *FastClock) Now() time.Time {
	return c.start.Add(time.Duration(float64(time.Since(c.start)) * c.Speed))
}

// Timer fires after d of the sped-up time; the function stops it.
func (c *FastClock) Timer(d time.Duration) (<-chan time.Time, func() bool) {
	t := time.NewTimer(time.Duration(float64(d) / c.Speed))
	return t.C, t.Stop
}

// ScanQR reads the QR code in img as a phone would, with a decoder that
// shares no code with the encoder (gozxing, a port of ZXing).
func ScanQR(img image.Image) (string, error) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}
