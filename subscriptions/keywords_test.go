package subscriptions

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// matchKeyword reports whether one keyword occurs in text, as a filter reads it.
func matchKeyword(keyword, text string) bool {
	return compile(keyword).matches(words(Fold(text)))
}

func TestMatchKeyword(t *testing.T) {
	tests := []struct {
		keyword, text string
		want          bool
	}{
		// Russian word endings and prefixes.
		{"дорог", "Ремонт дороги на улице Ленина", true},
		{"дорог", "Дорожный знак установлен", true},
		{"дорога", "Ремонт ДОРОГИ завершён", true},
		{"дорога", "Движение по дороге закрыто", true},
		{"дорога", "Новый дорожный знак", true},
		{"дорога", "Дорогие ветераны, поздравляем!", true}, // prefix matching is generous
		{"школа", "Выпускной в средней школе №2", true},
		{"школа", "Школьники собрали макулатуру", true},
		{"школа", "Детский сад открылся после ремонта", false},
		{"ремонт", "Отремонтировали крышу", false}, // prefixes, not substrings
		// ё = е, in either place.
		{"ёлка", "Городская елка зажжётся 25 декабря", true},
		{"елка", "Городская ёлка", true},
		{"зажжется", "Ёлка зажжётся вечером", true},
		// Belarusian: і = и, ў = у, apostrophes.
		{"інфармацыя", "Инфармацыя для жыхароў", true},
		{"информация", "Інфармацыя для насельніцтва", false}, // different words: о ≠ а
		{"вуліца", "Рамонт на вуліцы Сумской", true},
		{"вулица", "Рамонт на вуліцы Сумской", true},
		{"аўтобус", "Расклад аутобусаў зменены", true},
		{"аб'ява", "Аб’явы райвыканкама", true},
		{"абява", "Аб'явы райвыканкама", true},
		{"жыхары", "Сустрэча з жыхарамі раёна", true},
		{"дарога", "Дарожны рух абмежаваны", true},
		// Case, Latin script, digits.
		{"ОСИПОВИЧИ", "В осиповичском районе", true},
		{"roads", "Road works on Lenin street", true},
		{"school", "Schools reopen", true},
		{"2023", "Итоги 2023 года", true},
		// Phrases: consecutive words, each by its stem.
		{"детский сад", "Детские сады района готовы к зиме", true},
		{"детский сад", "Детский парк и сад", false},
		{"детский сад", "Сад детский", false},
		// A keyword is a word start: no match inside a word.
		{"сад", "Посадка деревьев", false},
		{"", "любой текст", false},
	}
	for _, tt := range tests {
		t.Run(tt.keyword+"/"+tt.text, func(t *testing.T) {
			if got := matchKeyword(tt.keyword, tt.text); got != tt.want {
				t.Errorf("matchKeyword(%q, %q) = %t, want %t", tt.keyword, tt.text, got, tt.want)
			}
		})
	}
}

func TestKeywordFilter(t *testing.T) {
	road := Article{Title: "Ремонт дороги", Summary: "Перекрыто движение", Categories: []string{"ЖКХ"}}
	school := Article{Title: "Новости школы", Summary: "Реклама кружков", Categories: []string{"Образование"}}
	be := Article{Title: "Рамонт дарогі", Summary: "Перакрыты рух", Categories: []string{"ЖКГ"}}
	tests := []struct {
		name string
		kws  []Keyword
		a    Article
		want bool
	}{
		{"no keywords", nil, road, true},
		{"include matches title", []Keyword{{Word: "дорога"}}, road, true},
		{"include matches nothing", []Keyword{{Word: "школа"}}, road, false},
		{"one include of two", []Keyword{{Word: "школа"}, {Word: "дорога"}}, road, true},
		{"include matches category", []Keyword{{Word: "образование"}}, school, true},
		{"exclude matches summary", []Keyword{{Word: "реклама", Exclude: true}}, school, false},
		{"exclude wins over include", []Keyword{{Word: "школа"}, {Word: "реклама", Exclude: true}}, school, false},
		{"exclude only, no match", []Keyword{{Word: "реклама", Exclude: true}}, road, true},
		{"belarusian article, belarusian keyword", []Keyword{{Word: "дарога"}}, be, true},
		{"belarusian article, і folded", []Keyword{{Word: "дарогі"}}, be, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NewKeywordFilter(tt.kws).Allows(ArticleWords(tt.a)); got != tt.want {
				t.Errorf("Allows = %t, want %t", got, tt.want)
			}
		})
	}
}

func TestNormalizeKeyword(t *testing.T) {
	tests := []struct {
		in   string
		want Keyword
		err  error
	}{
		{"  Дорога ", Keyword{Word: "дорога"}, nil},
		{"-Реклама", Keyword{Word: "реклама", Exclude: true}, nil},
		{"– реклама", Keyword{Word: "реклама", Exclude: true}, nil},
		{"«Детский   сад»", Keyword{Word: "детский сад"}, nil},
		{"---", Keyword{Word: "--", Exclude: true}, ErrKeywordEmpty},
		{"", Keyword{}, ErrKeywordEmpty},
		{strings.Repeat("я", MaxKeywordLen), Keyword{Word: strings.Repeat("я", MaxKeywordLen)}, nil},
		{strings.Repeat("я", MaxKeywordLen+1), Keyword{Word: strings.Repeat("я", MaxKeywordLen+1)}, ErrKeywordTooLong},
	}
	for _, tt := range tests {
		got, err := NormalizeKeyword(tt.in)
		if !errors.Is(err, tt.err) || err == nil && got != tt.want {
			t.Errorf("NormalizeKeyword(%q) = %+v, %v; want %+v, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestSearchTerms(t *testing.T) {
	tests := []struct {
		in   string
		want [][]string
	}{
		{"дороги", [][]string{{"дорог", "дорож", "дороз"}}},
		{"Школа ШКОЛЫ", [][]string{{"школ"}}},
		{"ёлка і", [][]string{{"елк"}}},
		{"вуліца", [][]string{{"вулиц", "вулич"}}},
		{`"; DROP -- NEAR( *`, [][]string{{"drop"}, {"near"}}},
		{"a", nil},
		{"* ( ) : ^ \"", nil},
	}
	for _, tt := range tests {
		if got := SearchTerms(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SearchTerms(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzMatchKeyword(f *testing.F) {
	f.Add("дорога", "Ремонт дороги")
	f.Add("-аб'ява", "Аб’явы")
	f.Fuzz(func(t *testing.T, kw, text string) {
		matchKeyword(kw, text)
		if k, err := NormalizeKeyword(kw); err == nil && len([]rune(k.Word)) > MaxKeywordLen {
			t.Fatalf("NormalizeKeyword(%q) accepted %d characters", kw, len([]rune(k.Word)))
		}
		for _, term := range SearchTerms(text) {
			for _, p := range term {
				if p == "" || strings.ContainsAny(p, "\" *()") {
					t.Fatalf("SearchTerms(%q) gave the prefix %q", text, p)
				}
			}
		}
	})
}
