package analyser

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func mustKeyword(t testing.TB, s string) Keyword {
	t.Helper()
	k, err := ParseKeyword(s)
	if err != nil {
		t.Fatalf("ParseKeyword(%q): %v", s, err)
	}
	return k
}

// TestKeywordMatch holds the cases residents reported (issue 11) and the
// rules of the package doc, one by one.
func TestKeywordMatch(t *testing.T) {
	tests := []struct {
		keyword, text string
		want          bool
	}{
		// Whole words: a keyword is not the start of another word.
		{"вода", "Водители, внимание: гололёд", false},
		{"газ", "Газета «Осиповичская правда»", false},
		{"дорога", "Дорогие ветераны, поздравляем!", false},
		{"свет", "Светлана Петрова — учитель года", false},
		{"приём", "Председатель принял участие в совещании", false},
		{"приём", "Школьников приглашают на площадки", false},
		{"приём", "При поддержке райисполкома", false},
		{"сад", "Посадка деревьев", false},
		// Inflections do match.
		{"дорога", "Ремонт дороги", true},
		{"дорога", "Новую дорогу заасфальтируют", true},
		{"дорога", "За дорогой следит коммунальное предприятие", true},
		{"дорога", "Состояние дорог района", true},
		{"вода", "Нет воды", true},
		{"вода", "Запаситесь водой", true},
		{"приём", "Прием граждан", true},
		{"приём", "График приёма", true},
		{"урожай", "Уборка урожая", true},
		{"день", "Программа Дня города", true},
		{"рынок", "На рынке появились ягоды", true},
		// Relational adjectives and utility compounds.
		{"дорога", "Дорожные работы на улице Рабочей", true},
		{"газ", "Проверка газового оборудования", true},
		{"вода", "Отключение водоснабжения", true},
		{"вода", "Авария на водопроводе", true},
		{"тепло", "Авария на теплотрассе", true},
		{"вада", "Плануецца адключэнне водазабеспячэння", true},
		// ё = е, і = и, ў = у, apostrophes, both ways.
		{"ёлка", "Городская елка", true},
		{"елка", "Городская ёлка", true},
		{"вулица", "Рамонт на вуліцы Сумчанкі", true},
		{"аўтобус", "Расклад аутобусаў зменены", true},
		{"аб'ява", "Аб’явы райвыканкама", true},
		{"абʼява", "Тэкст аб'явы", true},
		// Belarusian alternations.
		{"дарога", "Рух па дарозе абмежаваны", true},
		{"вада", "Купанне ў вадзе забаронена", true},
		{"паліклініка", "У паліклініцы адкрыўся кабінет", true},
		// A plural keyword finds plural forms, not the singular of another word.
		{"выборы", "Итоги выборов", true},
		{"выборы", "Широкий выбор саженцев", false},
		// Phrases: adjacent, in order, within one field.
		{"детский сад", "В детском саду прошёл утренник", true},
		{"детский сад", "Детский парк и сад", false},
		{"детский сад", "Сад детский", false},
		{`"детский сад"`, "Набор в детский сад", true},
		{"северо-западный", "Северо-западный микрорайон", true},
		{"горячая вода", "Горячее водоснабжение отключат", true},
		// Hidden characters and disguises in the text.
		{"вода", "Отключение во\u200bды", true},
		{"вода", "Отключение в\u202eоды", true},
		{"вода", "Отключение вoды", true}, // a Latin o
		{"вода", "Отключение во\xffды", false},
		// English: inflections, not derivations.
		{"road", "Roads are ready for winter", true},
		{"repair", "The roof was repaired", true},
		{"heating", "Heat wave expected", false},
		{"festival", "Festive concert", false},
		{"library", "Libraries received books", true},
		// Numbers and other scripts.
		{"2025", "Планы на 2025 год", true},
		{"2025", "Итоги 2024 года", false},
		{"м1", "Ремонт трассы М1", true},
	}
	for _, tt := range tests {
		k := mustKeyword(t, tt.keyword)
		if got := k.Match(Analyse(tt.text)); got != tt.want {
			t.Errorf("%q in %q = %t, want %t", tt.keyword, tt.text, got, tt.want)
		}
	}
}

func TestPhraseStaysInOneField(t *testing.T) {
	k := mustKeyword(t, "детский сад")
	if k.Match(Analyse("Новости: детский", "сад закрыт")) {
		t.Error("a phrase matched across two fields")
	}
	if !k.Match(Analyse("Новости", "Детский сад закрыт")) {
		t.Error("a phrase in the second field did not match")
	}
}

func TestFilter(t *testing.T) {
	road := Analyse("Ремонт дороги", "Перекрыто движение", "ЖКХ")
	school := Analyse("Новости школы", "Реклама кружков", "Образование")
	tests := []struct {
		name string
		kws  []string
		doc  *Doc
		want bool
	}{
		{"no keywords", nil, road, true},
		{"include matches title", []string{"дорога"}, road, true},
		{"include matches nothing", []string{"школа"}, road, false},
		{"one include of two", []string{"школа", "дорога"}, road, true},
		{"include matches category", []string{"образование"}, school, true},
		{"exclude matches summary", []string{"-реклама"}, school, false},
		{"exclude wins over include", []string{"школа", "-реклама"}, school, false},
		{"exclude only, no match", []string{"-реклама"}, road, true},
	}
	for _, tt := range tests {
		var kws []Keyword
		for _, s := range tt.kws {
			kws = append(kws, mustKeyword(t, s))
		}
		if got := NewFilter(kws).Allows(tt.doc); got != tt.want {
			t.Errorf("%s: Allows = %t, want %t", tt.name, got, tt.want)
		}
	}
}

func keywordStrings(ks []Keyword) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.String()
	}
	return out
}

func TestParseKeywords(t *testing.T) {
	tests := []struct {
		in     string
		want   []string
		errors []error
	}{
		{"детский сад", []string{"детский сад"}, nil},
		{"детский сад, школа", []string{"детский сад", "школа"}, nil},
		{`"детский сад" школа`, []string{"детский сад", "школа"}, nil},
		{`«Детский   САД»;школа`, []string{"детский сад", "школа"}, nil},
		{"школа -реклама", []string{"школа", "-реклама"}, nil},
		{"-реклама, – казино", []string{"-реклама", "-казино"}, nil},
		{`-"детский сад"`, []string{"-детский сад"}, nil},
		{"северо-западный, аб'ява", []string{"северо-западный", "аб'ява"}, nil},
		{"ул. Ленина, д/с №5", []string{"ул ленина", "д/с 5"}, nil},
		{"дорога, ДОРОГА, дорога", []string{"дорога"}, nil},
		{"ёлка, елка", []string{"ёлка"}, nil},
		{"вoда", []string{"вода"}, nil}, // the Latin o is shown as the Cyrillic one it stands for
		{"во\u200bда\u202e", []string{"вода"}, nil},
		{"вода\nгаз\r\nсвет", []string{"вода", "газ", "свет"}, nil},
		{`"детский сад`, []string{"детский сад"}, nil}, // an unclosed quote runs to the end
		{"!!!, ???", nil, []error{ErrKeywordEmpty, ErrKeywordEmpty}},
		{"🔥, \u200b\u200b", nil, []error{ErrKeywordEmpty, ErrKeywordEmpty}},
		{"и, в, the, на и", nil, []error{ErrKeywordCommon, ErrKeywordCommon, ErrKeywordCommon, ErrKeywordCommon}},
		{"ф", nil, []error{ErrKeywordCommon}},
		{"школа № 5", []string{"школа 5"}, nil},
		{"школа, " + strings.Repeat("я", MaxKeywordLen+1), []string{"школа"}, []error{ErrKeywordTooLong}},
		{"школа, во\xffда", []string{"школа"}, []error{ErrKeywordInvalid}},
		{`NEAR(вода газ), col:x, *, OR`, []string{"near вода газ", "col x"}, []error{ErrKeywordEmpty, ErrKeywordCommon}},
		{"", nil, nil},
		{" , ,, ", nil, nil},
		{"-", nil, []error{ErrKeywordEmpty}},
	}
	for _, tt := range tests {
		res := ParseKeywords(tt.in, 100)
		if got := keywordStrings(res.Keywords); strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("ParseKeywords(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if len(res.Errors) != len(tt.errors) {
			t.Errorf("ParseKeywords(%q) errors = %v, want %v", tt.in, res.Errors, tt.errors)
			continue
		}
		for i, e := range res.Errors {
			if !errors.Is(e, tt.errors[i]) {
				t.Errorf("ParseKeywords(%q) error %d = %v, want %v", tt.in, i, e, tt.errors[i])
			}
		}
	}
}

// TestParseKeywordsBadInput feeds what issue 11 lists as bad input and
// checks that everything produced can be shown and read back.
func TestParseKeywordsBadInput(t *testing.T) {
	thousand := make([]string, 1000)
	for i := range thousand {
		thousand[i] = fmt.Sprintf("слово%d", i)
	}
	inputs := map[string]string{
		"1000 characters":   strings.Repeat("длинное слово ", 72),
		"1000 keywords":     strings.Join(thousand, ", "),
		"only punctuation":  `.,;:!?()[]{}<>"'«»—–-`,
		"fts syntax":        `"вода" NEAR(газ свет, 2) * OR col:x ^школа AND NOT -`,
		"mixed scripts":     "вoдa, mосt, ΑΒΓ школа, 学校",
		"invalid utf-8":     "\xff\xfe, во\xc3да, школа",
		"zero-width":        "\u200b\u200c\u200d\ufeff, в\u200dода, \u2060",
		"bidi":              "\u202eадов\u202c, \u2067газ\u2069",
		"combining marks":   "в\u0301\u0301\u0301\u0301ода",
		"control chars":     "во\x00да, газ\x07",
		"newlines and tabs": "вода\t\tгаз\n\n\nсвет",
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) { checkParsed(t, in, ParseKeywords(in, 40)) })
	}
	res := ParseKeywords(inputs["1000 keywords"], 40)
	if len(res.Keywords) != 40 || res.More != 960 {
		t.Errorf("1000 keywords with a limit of 40: %d read, %d more; want 40 and 960", len(res.Keywords), res.More)
	}
	long := ParseKeywords(inputs["1000 characters"], 40)
	if len(long.Errors) != 1 || !errors.Is(long.Errors[0], ErrKeywordTooLong) || utf8.RuneCountInString(long.Errors[0].Input) > 31 {
		t.Errorf("a 1000-character keyword: %v, want one ErrKeywordTooLong shown in at most 31 characters", long.Errors)
	}
}

// checkParsed asserts what must hold for any input: keywords are clean,
// short and read back as themselves; errors can be shown.
func checkParsed(t *testing.T, in string, res Parsed) {
	t.Helper()
	for _, k := range res.Keywords {
		if !utf8.ValidString(k.Text) || k.Text == "" || utf8.RuneCountInString(k.Text) > MaxKeywordLen {
			t.Errorf("%q gave keyword %q", in, k.Text)
		}
		for _, r := range k.Text {
			if invisible(r) || unicode.IsControl(r) || unicode.In(r, unicode.Mn, unicode.Me) || r == utf8.RuneError {
				t.Errorf("%q gave keyword %q holding %U", in, k.Text, r)
			}
		}
		back, err := ParseKeyword(k.String())
		if err != nil || back.String() != k.String() || back.Key() != k.Key() {
			t.Errorf("%q gave keyword %q, which reads back as %q, %v", in, k.String(), back.String(), err)
		}
	}
	for _, e := range res.Errors {
		if !utf8.ValidString(e.Input) || utf8.RuneCountInString(e.Input) > 32 {
			t.Errorf("%q gave an error that cannot be shown: %q", in, e.Input)
		}
		for _, r := range e.Input {
			if invisible(r) || unicode.IsControl(r) {
				t.Errorf("%q gave an error showing %U", in, r)
			}
		}
	}
}

func TestKeywordKey(t *testing.T) {
	same := [][]string{
		{"ёлка", "Елка", "ЁЛКА"},
		{"вуліца", "вулица"},
		{"аб'ява", "абʼява", "аб’ява", "абява"},
		{"-реклама", "реклама"},
		{"детский  сад", `"детский сад"`},
	}
	for _, group := range same {
		want := mustKeyword(t, group[0]).Key()
		for _, s := range group[1:] {
			if got := mustKeyword(t, s).Key(); got != want {
				t.Errorf("Key(%q) = %q, want %q (the key of %q)", s, got, want, group[0])
			}
		}
	}
	if a, b := mustKeyword(t, "дорога").Key(), mustKeyword(t, "дороги").Key(); a == b {
		t.Errorf("дорога and дороги have one key %q: they are different keywords", a)
	}
	if k := mustKeyword(t, "детский сад"); !k.Phrase() || mustKeyword(t, "сад").Phrase() {
		t.Error("Phrase() wrong")
	}
}

func FuzzParseKeywords(f *testing.F) {
	for _, s := range []string{"детский сад, школа -реклама", `"a, b" -"c"`, "во\u200bда\xff", "- -- ---", "ё і ў ' ʼ", "NEAR(a b) OR c*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkParsed(t, in, ParseKeywords(in, 50))
	})
}

func BenchmarkParseKeyword(b *testing.B) {
	for _, kw := range []string{"дорога", "детский сад", "road"} {
		b.Run(kw, func(b *testing.B) {
			for b.Loop() {
				if _, err := ParseKeyword(kw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// fanOutKeywords gives 10,000 chats one to five keywords each from the
// keywords of the labelled sets, a third of them exclusions.
func fanOutKeywords(b *testing.B) (pool []string, chats [][]string) {
	seen := map[string]bool{}
	for _, lang := range []string{"ru", "be", "en"} {
		for _, p := range readLabelled(&testing.T{}, lang) {
			if !seen[p.keyword] {
				seen[p.keyword] = true
				pool = append(pool, p.keyword)
			}
		}
	}
	chats = make([][]string, 10000)
	for i := range chats {
		for j := 0; j <= i%5; j++ {
			kw := pool[(i*7+j*13)%len(pool)]
			if (i+j)%3 == 0 {
				kw = "-" + kw
			}
			chats[i] = append(chats[i], kw)
		}
	}
	b.Logf("%d chats, %d distinct keywords", len(chats), len(pool))
	return pool, chats
}

// BenchmarkFanOut tests one article against the keyword filters of 10,000
// chats: "allows" with the filters compiled, "compile" builds the filters
// as a fan-out does from stored keywords (each distinct keyword compiled
// once), "analyse" is the article's own analysis, done once.
func BenchmarkFanOut(b *testing.B) {
	_, chats := fanOutKeywords(b)
	title, summary := benchArticle()
	compileAll := func() []Filter {
		cache := map[string]Keyword{}
		filters := make([]Filter, len(chats))
		for i, kws := range chats {
			ks := make([]Keyword, len(kws))
			for j, s := range kws {
				k, ok := cache[s]
				if !ok {
					k = mustKeyword(b, s)
					cache[s] = k
				}
				ks[j] = k
			}
			filters[i] = NewFilter(ks)
		}
		return filters
	}
	b.Run("analyse", func(b *testing.B) {
		for b.Loop() {
			Analyse(title, summary)
		}
	})
	b.Run("compile", func(b *testing.B) {
		for b.Loop() {
			compileAll()
		}
	})
	b.Run("allows", func(b *testing.B) {
		filters := compileAll()
		d := Analyse(title, summary)
		allowed := 0
		for b.Loop() {
			allowed = 0
			for _, f := range filters {
				if f.Allows(d) {
					allowed++
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(filters)), "ns/chat")
		b.Logf("%d of %d chats allowed", allowed, len(filters))
	})
}
