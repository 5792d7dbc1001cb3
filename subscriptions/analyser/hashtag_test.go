package analyser

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestHashtag(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Образование", "образование"},
		{"Адукацыя", "адукацыя"},
		{"Образование и наука", "образование_и_наука"},
		{"  Сельское   хозяйство  ", "сельское_хозяйство"},
		{"Северо-Западный район", "северо_западный_район"},
		{"Аб'явы", "абявы"},
		{"Аб’явы і навіны", "абявы_і_навіны"},
		{"2024 — Год качества", "год_качества"},
		{"Год 2024", "год_2024"},
		{"«Кухня» / рецепты!", "кухня_рецепты"},
		{"Культура\u200b", "культура"},
		{"Ёлка", "ёлка"},
		{"и\u0306од", "йод"}, // a decomposed й
		{"COVID-19", "covid_19"},
		{"2024", ""},
		{"", ""},
		{"—", ""},
		{"📰 Новости", "новости"},
		{strings.Repeat("Длинное название ", 5), "длинное_название_длинное_названи"},
		{strings.Repeat("я", MaxHashtagLen-1) + " хвост", strings.Repeat("я", MaxHashtagLen-1)}, // no _ left at the end
	} {
		if got := Hashtag(tc.in); got != tc.want {
			t.Errorf("Hashtag(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// Whatever the category, the hashtag is one Telegram recognises whole: a
// letter first, then letters, digits and single underscores, within the cap.
func FuzzHashtag(f *testing.F) {
	for _, s := range []string{"Образование и наука", "2024 — год", "a__b", "\xff\xfe", "'x'", "#tag"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tag := Hashtag(s)
		if tag == "" {
			return
		}
		if !utf8.ValidString(tag) || runeLen(tag) > MaxHashtagLen {
			t.Fatalf("Hashtag(%q) = %q: invalid or longer than %d", s, tag, MaxHashtagLen)
		}
		first, _ := utf8.DecodeRuneInString(tag)
		if !unicode.IsLetter(first) || strings.HasSuffix(tag, "_") || strings.Contains(tag, "__") {
			t.Fatalf("Hashtag(%q) = %q: want a letter first, single underscores inside only", s, tag)
		}
		for _, r := range tag {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' {
				t.Fatalf("Hashtag(%q) = %q holds %q", s, tag, r)
			}
		}
		if Hashtag(tag) != tag {
			t.Fatalf("Hashtag(%q) = %q, but Hashtag of that is %q", s, tag, Hashtag(tag))
		}
	})
}

func TestHashtagKeywords(t *testing.T) {
	doc := func(cats ...string) *Doc {
		return Analyse(append([]string{"Заголовок", "Текст"}, cats...)...).Tag(cats...)
	}
	for _, tc := range []struct {
		keyword string
		cats    []string
		want    bool
	}{
		{"#образование", []string{"Образование"}, true},
		{"#Образование", []string{"образование"}, true},
		{"＃образование", []string{"Образование"}, true},
		{"#адукацыя", []string{"Культура", "Адукацыя"}, true},
		{"#образование_и_наука", []string{"Образование и наука"}, true},
		{"#ёлка", []string{"Елка"}, true},
		{"#вулица", []string{"Вуліца"}, true},                    // і = и, as for words
		{"#образование", []string{"Образование и наука"}, false}, // a hashtag is the whole category
		{"#образование", nil, false},
		{"#культура", []string{"Образование"}, false},
	} {
		k := mustKeyword(t, tc.keyword)
		if !k.Hashtag() || k.Phrase() {
			t.Fatalf("%q: Hashtag()=%t Phrase()=%t, want a hashtag", tc.keyword, k.Hashtag(), k.Phrase())
		}
		if got := k.Match(doc(tc.cats...)); got != tc.want {
			t.Errorf("%q in categories %q: %t, want %t", tc.keyword, tc.cats, got, tc.want)
		}
	}
	// A hashtag matches the category, not the word in the text.
	if mustKeyword(t, "#школа").Match(Analyse("Школа открылась", "").Tag()) {
		t.Error("#школа matched a title word")
	}
	// A hashtag and the word are two keywords; the same hashtag twice is one.
	if mustKeyword(t, "#школа").Key() == mustKeyword(t, "школа").Key() || mustKeyword(t, "#Ёлка").Key() != mustKeyword(t, "#елка").Key() {
		t.Error("hashtag keys: want #школа apart from школа, #Ёлка one with #елка")
	}
	// Stored and read back.
	for _, s := range []string{"#образование", "-#реклама"} {
		k := mustKeyword(t, s)
		if k.String() != s {
			t.Errorf("ParseKeyword(%q).String() = %q", s, k.String())
		}
	}
	// A filter of hashtags and words together.
	f := NewFilter([]Keyword{mustKeyword(t, "#образование"), mustKeyword(t, "-#реклама"), mustKeyword(t, "дорога")})
	for _, tc := range []struct {
		title string
		cats  []string
		want  bool
	}{
		{"Новая школа", []string{"Образование"}, true},
		{"Ремонт дороги", nil, true},
		{"Ремонт дороги", []string{"Реклама"}, false},
		{"Концерт", []string{"Культура"}, false},
	} {
		d := Analyse(append([]string{tc.title, ""}, tc.cats...)...).Tag(tc.cats...)
		if got := f.Allows(d); got != tc.want {
			t.Errorf("filter on %q %q = %t, want %t", tc.title, tc.cats, got, tc.want)
		}
	}
}

func TestParseKeywordsWithHashtags(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string // Keyword.String()
		errs int
	}{
		{"#образование", []string{"#образование"}, 0},
		{"#образование #культура", []string{"#образование", "#культура"}, 0},
		{"школа #образование", []string{"школа", "#образование"}, 0},
		{"#образование детский сад", []string{"#образование", "детский сад"}, 0},
		{"#образование, -#реклама", []string{"#образование", "-#реклама"}, 0},
		{"-#реклама школа", []string{"-#реклама", "школа"}, 0},
		{"#Образование и наука", []string{"#образование", "и наука"}, 0},
		{"#образование_и_наука", []string{"#образование_и_наука"}, 0},
		{"#образование #Образование", []string{"#образование"}, 0},
		{"школа#дети", []string{"школа дети"}, 0}, // a # inside a word is not a hashtag
		{"#", nil, 1},
		{"#2024", nil, 1},
		{"#" + strings.Repeat("а", MaxKeywordLen+1), nil, 1},
	} {
		p := ParseKeywords(tc.in, 20)
		var got []string
		for _, k := range p.Keywords {
			got = append(got, k.String())
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(p.Errors) != tc.errs {
			t.Errorf("ParseKeywords(%q) = %q with %d errors, want %q with %d", tc.in, got, len(p.Errors), tc.want, tc.errs)
		}
	}
}
