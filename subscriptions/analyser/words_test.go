package analyser

import (
	"strings"
	"testing"
)

func TestExportedWords(t *testing.T) {
	got := Words("«Ёлка» на площади: ОТКРЫТИЕ\u200b — 25 декабря! аб'ява Cafe\u0301")
	want := []string{"елка", "на", "площади", "открытие", "25", "декабря", "абява", "cafe"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Words = %q, want %q", got, want)
	}
}
