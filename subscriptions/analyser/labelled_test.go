package analyser

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// labelled is one pair of the labelled sets in testdata/labelled_*.txt.
type labelled struct {
	keyword, text string
	want          bool
	line          int
}

func readLabelled(t *testing.T, lang string) []labelled {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "labelled_"+lang+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, " | ", 3)
		if len(parts) != 3 || parts[0] != "+" && parts[0] != "-" {
			t.Fatalf("labelled_%s.txt:%d: want \"+|- | keyword | text\", got %q", lang, n, line)
		}
		out = append(out, labelled{keyword: parts[1], text: parts[2], want: parts[0] == "+", line: n})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestLabelledSets measures keyword matching on the labelled sets: precision
// (of the articles a keyword let through, the share it should have) and
// recall (of the articles it should let through, the share it did). Run
// with -v to see the figures and every miss.
func TestLabelledSets(t *testing.T) {
	for _, lang := range []string{"ru", "be", "en"} {
		t.Run(lang, func(t *testing.T) {
			pairs := readLabelled(t, lang)
			if len(pairs) < 200 {
				t.Errorf("%d labelled pairs, want at least 200", len(pairs))
			}
			var tp, fp, fn, tn int
			for _, p := range pairs {
				k, err := ParseKeyword(p.keyword)
				if err != nil {
					t.Fatalf("line %d: ParseKeyword(%q): %v", p.line, p.keyword, err)
				}
				got := k.Match(Analyse(p.text))
				switch {
				case got && p.want:
					tp++
				case got:
					fp++
					t.Logf("false positive, line %d: %q matched %q", p.line, p.keyword, p.text)
				case p.want:
					fn++
					t.Logf("false negative, line %d: %q missed %q", p.line, p.keyword, p.text)
				default:
					tn++
				}
			}
			precision := float64(tp) / float64(tp+fp)
			recall := float64(tp) / float64(tp+fn)
			t.Logf("%s: %d pairs, precision %.3f (%d/%d), recall %.3f (%d/%d)", lang, len(pairs), precision, tp, tp+fp, recall, tp, tp+fn)
			if precision < 0.97 {
				t.Errorf("precision %.3f, want at least 0.97", precision)
			}
			if recall < 0.90 {
				t.Errorf("recall %.3f, want at least 0.90", recall)
			}
		})
	}
}
