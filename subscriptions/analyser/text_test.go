package analyser

import (
	"go/parser"
	gotoken "go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func wordTexts(s string) []string {
	var out []string
	for _, w := range words(s) {
		out = append(out, w.text)
	}
	return out
}

func TestWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Онлайн-приём в поликлинике №2", []string{"онлайн", "прием", "в", "поликлинике", "2"}},
		{"ВОДА, Газ; свет!", []string{"вода", "газ", "свет"}},
		{"во\u200bда и га\u00adз", []string{"вода", "и", "газ"}},        // zero-width space, soft hyphen
		{"\u202eадов\u202c \u2066вода\u2069", []string{"адов", "вода"}}, // bidi controls
		{"аб'ява, аб’ява, абʼява", []string{"абява", "абява", "абява"}}, // apostrophes inside a word
		{"'цытата' і ' адна", []string{"цытата", "і", "адна"}},          // quotes around words
		{"ёлка Ёлка", []string{"елка", "елка"}},                         // ё = е
		{"и\u0306од у\u0306 е\u0308ж", []string{"йод", "ў", "еж"}},      // decomposed й, ў, ё
		{"доро\u0301га", []string{"дорога"}},                            // a stress mark
		{"во\xffда \xc0", []string{"во", "да"}},                         // invalid UTF-8 separates
		{"вoда", []string{"вода"}},                                      // a Latin o among Cyrillic letters
		{"wаter", []string{"water"}},                                    // a Cyrillic а among Latin letters
		{"Café CAFÉ", []string{"cafe", "cafe"}},                         // accents on Latin letters
		{"children's toys", []string{"childrens", "toys"}},              // English possessive
		{"🔥🔥 ... ***", nil},                                             // nothing to read
		{"М1 covid-19", []string{"м1", "covid", "19"}},                  // letters with digits
		{"Мінск–Брэст—Гомель", []string{"мінск", "брэст", "гомель"}},    // dashes
		{"\u3164\u3164 вада", []string{"вада"}},                         // Hangul fillers are blanks
		{"северо-западный", []string{"северо", "западный"}},             // a hyphen separates
		{"сям'я ў вёсцы і", []string{"сямя", "ў", "весцы", "і"}},        // і and ў are kept
	}
	for _, tt := range tests {
		if got := wordTexts(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("words(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWordOffsets(t *testing.T) {
	text := "Отклю\u200bчение воды — «горячей»"
	var got []string
	for _, w := range words(text) {
		got = append(got, text[w.start:w.end])
	}
	if want := []string{"Отклю\u200bчение", "воды", "горячей"}; !slices.Equal(got, want) {
		t.Errorf("words of %q stand at %q, want %q", text, got, want)
	}
}

func TestCyrillicLang(t *testing.T) {
	tests := map[string]lang{
		"вуліца": langBe, "аўтобус": langBe, "аб'ява": langBe, "рабіць": langBe, "цэнтр": langBe, "новыя": langBe,
		"улица": langRu, "щука": langRu, "объявление": langRu, "поэт": langNone,
		"вада": langNone, "сад": langNone, "рамонт": langNone, "дорога": langNone,
	}
	for in, want := range tests {
		if got := cyrillicLang(words(in)[0]); got != want {
			t.Errorf("cyrillicLang(%q) = %d, want %d", in, got, want)
		}
	}
	if got := textLang(words("Рамонт дарогі на вуліцы")); got != langBe {
		t.Errorf("textLang of a Belarusian headline = %d, want Belarusian", got)
	}
	if got := textLang(words("Ремонт дороги на улице")); got != langRu {
		t.Errorf("textLang of a Russian headline = %d, want Russian", got)
	}
}

// TestStemBelarusian checks that the forms of a word share one stem.
func TestStemBelarusian(t *testing.T) {
	groups := []string{
		"дарога дарогі дарогу дарогай дарогаю дарог дарогам дарогамі дарогах",
		"вада вады ваду вадой вадою",
		"школа школы школе школу школай школ школам школамі школах",
		"адключэнне адключэння адключэнню адключэннем адключэнні адключэнняў адключэннямі",
		"вуліца вуліцы вуліцу вуліцай вуліц вуліцам вуліцах",
		"дзіцячы дзіцячага дзіцячаму дзіцячым дзіцячых дзіцячая дзіцячай дзіцячую дзіцячае дзіцячыя дзіцячымі",
		"аўтобус аўтобуса аўтобусы аўтобусаў аўтобусам аўтобусах",
		"выбары выбараў выбарах выбарам",
		"рамонт рамонту рамонтам рамонты рамонтаў",
		"электраэнергія электраэнергіі электраэнергію электраэнергіяй",
		"гарачая гарачай гарачую гарачае гарачыя гарачага",
		"раён раёна раёне раёнам",
	}
	for _, g := range groups {
		ws := strings.Fields(g)
		want := stemBelarusian(fold(ws[0]))
		for _, w := range ws[1:] {
			if got := stemBelarusian(fold(w)); got != want {
				t.Errorf("stemBelarusian(%q) = %q, want %q (the stem of %q)", w, got, want, ws[0])
			}
		}
	}
	for in, want := range map[string]string{"дарога": "дарог", "зрабіла": "зраб", "чытаць": "чыта", "аўтобусаў": "аўтобус", "гарачы": "гарач", "ды": "ды"} {
		if got := stemBelarusian(in); got != want {
			t.Errorf("stemBelarusian(%q) = %q, want %q", in, got, want)
		}
	}
}

func fold(s string) string { return words(s)[0].text }

// TestNoDatabaseDriver keeps the analyser pure: the store and the bot use
// it, and it must not link a database.
func TestNoDatabaseDriver(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		file, err := parser.ParseFile(gotoken.NewFileSet(), f, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range file.Imports {
			if p := strings.Trim(imp.Path.Value, `"`); strings.HasPrefix(p, "database/") || strings.Contains(p, "sqlite") {
				t.Errorf("%s imports %s", f, p)
			}
		}
	}
}
