package feed

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestSniffAccuracy decodes 500 generated one-headline feeds (60–200
// characters) per encoding and case, and counts those whose headline comes
// out exactly: undeclared, declared wrong (the prolog names another of the
// encodings), and, as a harder case, undeclared headlines in capitals. Run
// with -v for the table in BENCHMARKS.md.
func TestSniffAccuracy(t *testing.T) {
	const docs = 500
	cases := []struct {
		name   string
		caps   bool
		wrong  bool
		target float64 // the share that must come out exactly
	}{
		{name: "undeclared", target: 0.99},
		{name: "declared wrong", wrong: true, target: 0.99},
		{name: "undeclared, capitals", caps: true, target: 0.95},
	}
	for _, c := range cases {
		for te, enc := range testEncodings {
			rnd := rand.New(rand.NewPCG(1, uint64(te)))
			exact := 0
			var misses []string
			for i := range docs {
				lang := enc.langs[i%len(enc.langs)]
				h, b := encodableHeadline(rnd, enc.enc, lang, 60, 200, enc.rich)
				if c.caps {
					h = strings.ToUpper(h)
					b = encode(t, enc.enc, h)
				}
				prolog := ""
				if c.wrong {
					prolog = prologOf(testEncodings[(te+1+i%(len(testEncodings)-1))%len(testEncodings)].name)
				}
				body := append(append([]byte(prolog+`<rss version="2.0"><channel><title>News</title><item><title>`), b...), "</title></item></channel></rss>"...)
				out, d := Decode(body, "")
				if bytes.Contains(out, []byte(">"+h+"<")) {
					exact++
				} else if len(misses) < 3 {
					misses = append(misses, fmt.Sprintf("%q read as %s", h, d.Encoding))
				}
			}
			share := float64(exact) / docs
			t.Logf("%-22s %-12s %d/%d exact (%.1f%%)", c.name, enc.name, exact, docs, 100*share)
			for _, m := range misses {
				t.Logf("  miss: %s", m)
			}
			if share < c.target {
				t.Errorf("%s, %s: %.1f%% of headlines decoded exactly, want at least %.0f%%", c.name, enc.name, 100*share, 100*c.target)
			}
		}
	}
}

func BenchmarkSniff(b *testing.B) {
	// The 100-item feed in windows-1251, declared as UTF-8: every candidate is scored.
	body := encode(b, testEncodings[1].enc, string(feed100()))
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, d := Decode(body, ""); d.Encoding != "windows-1251" {
			b.Fatalf("read as %s", d)
		}
	}
}
