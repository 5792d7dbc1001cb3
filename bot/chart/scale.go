package chart

import (
	"math"
	"strconv"
	"strings"
)

// scale is a panel's vertical range and its labelled ticks.
type scale struct {
	min, max float64
	ticks    []tick
}

type tick struct {
	value float64
	label string
}

// scales returns the vertical scales of the three panels: active
// subscribers, subscriptions and losses (new up, lost down), deliveries.
func scales(w Window) (active, flow, deliveries scale) {
	lo, hi := math.MaxInt, 0
	maxFlow, maxDeliveries := 0, 0
	for _, d := range w {
		if !d.Known {
			continue
		}
		lo, hi = min(lo, d.Active), max(hi, d.Active)
		maxFlow = max(maxFlow, d.New, d.Lost)
		maxDeliveries = max(maxDeliveries, d.Deliveries)
	}
	if lo > hi { // no known day
		lo = 0
	}
	return levelScale(float64(lo), float64(hi)), flowScale(float64(maxFlow)), countScale(float64(maxDeliveries))
}

// levelScale frames a line between lo and hi with a round step of room on
// both sides (never below zero), so the line neither sticks to the frame
// nor exaggerates a change of one subscriber into a cliff.
func levelScale(lo, hi float64) scale {
	step := roundStep(hi-lo, 4)
	bottom := max(0, math.Ceil(lo/step)*step-step)
	top := math.Floor(hi/step)*step + step
	return scaleOf(bottom, top, step)
}

// flowScale is symmetric around zero: subscriptions go up, losses down,
// both labelled with their count.
func flowScale(peak float64) scale {
	step := roundStep(peak, 1)
	top := max(step, math.Ceil(peak/step)*step)
	return scaleOf(-top, top, step)
}

// countScale starts at zero, as bars must, and leaves room above the
// highest bar.
func countScale(peak float64) scale {
	step := roundStep(peak, 4)
	return scaleOf(0, math.Floor(peak/step)*step+step, step)
}

// scaleOf labels every step from bottom to top with its absolute value.
func scaleOf(bottom, top, step float64) scale {
	s := scale{min: bottom, max: top}
	for i := 0; ; i++ {
		v := bottom + float64(i)*step
		if v > top+step/2 {
			break
		}
		s.ticks = append(s.ticks, tick{value: v, label: groupDigits(math.Abs(v))})
	}
	return s
}

// roundStep returns a step of 1, 2 or 5 times a power of ten, at least 1
// (the figures are counts), that cuts span into at most n intervals.
func roundStep(span float64, n int) float64 {
	raw := span / float64(n)
	if raw <= 1 {
		return 1
	}
	magnitude := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5} {
		if m*magnitude >= raw {
			return m * magnitude
		}
	}
	return 10 * magnitude
}

// groupDigits writes a whole number with its thousands separated by
// no-break spaces, the way ru and be write them and en readers understand:
// 1 250 000.
func groupDigits(v float64) string {
	digits := strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	if len(digits) <= 4 {
		return digits
	}
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteRune('\u00a0')
		}
		b.WriteRune(c)
	}
	return b.String()
}
