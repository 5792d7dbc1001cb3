package testkit

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestLogBufferConcurrentWriters(t *testing.T) {
	var b LogBuffer
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 100 {
				fmt.Fprintf(&b, "%d\n", i)
			}
		})
	}
	wg.Wait()
	if got := len(b.String()); got != 8*100*2 {
		t.Errorf("got %d bytes, want %d", got, 8*100*2)
	}
}

func TestClock(t *testing.T) {
	t0 := time.Date(2023, 3, 2, 9, 0, 0, 0, time.UTC)
	c := NewClock(t0)
	c.Advance(90 * time.Second)
	if got := c.Now(); !got.Equal(t0.Add(90 * time.Second)) {
		t.Errorf("after Advance: got %v, want %v", got, t0.Add(90*time.Second))
	}
	c.Set(t0)
	if got := c.Now(); !got.Equal(t0) {
		t.Errorf("after Set: got %v, want %v", got, t0)
	}
}

func TestFastClock(t *testing.T) {
	c := NewFastClock(100)
	before := c.Now()
	ch, _ := c.Timer(2 * time.Second) // 20 ms of real time
	fired := <-ch
	if got := c.Now().Sub(before); got < 2*time.Second {
		t.Errorf("after the timer the clock moved %v, want at least 2s", got)
	}
	if fired.IsZero() {
		t.Errorf("the timer sent a zero time")
	}
}
