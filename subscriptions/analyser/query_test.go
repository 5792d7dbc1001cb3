package analyser

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestEssentials(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Здравствуйте, когда будет горячая вода на Сумченко?", []string{"горячая", "вода", "Сумченко"}},
		{"Добрый день! Подскажите, пожалуйста, когда дадут свет на Северо-Западной?", []string{"свет", "Северо-Западной"}},
		{"Добры дзень, калі будзе гарачая вада на вуліцы Сумчанкі?", []string{"гарачая", "вада", "вуліцы", "Сумчанкі"}},
		{"Hello! When will the hot water be back on Lenin Street?", []string{"hot", "water", "back", "Lenin", "Street"}},
		{"День города когда?", []string{"День", "города"}},
		{"hello", nil},
		{"Здравствуйте!", nil},
		{"👍🔥", nil},
		{"вода вода Вода воды", []string{"вода", "воды"}},
	}
	for _, tt := range tests {
		if got := Essentials(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Essentials(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseQuery(t *testing.T) {
	for _, in := range []string{"", "   ", "!!! *** ()", "\u200b\u202e", "\xff\xfe"} {
		if _, err := ParseQuery(in); !errors.Is(err, ErrEmptyQuery) {
			t.Errorf("ParseQuery(%q) error = %v, want ErrEmptyQuery", in, err)
		}
	}
	tests := []struct {
		query, text string
		want        bool
	}{
		{"горячая вода", "Отключение горячей воды на Сумченко", true},
		{"горячая вода", "Горячая линия: вода в подвале", true}, // both words, not a phrase
		{`"горячая вода"`, "Горячая линия: вода в подвале", false},
		{`"горячая вода"`, "Подача горячей воды восстановлена", true},
		{"когда будет горячая вода?", "Подача горячей воды восстановлена", true}, // question words are left out
		{"when", "When the road opens", true}, // unless nothing else is left
		{"дорога школа", "Ремонт дороги у школы", true},
		{"дорога школа", "Ремонт дороги", false},
		{"северо-западный", "Северо-Западный микрорайон", true},
		{"северо-западный", "Западный микрорайон на севере", false},
		{`"вода" OR газ*`, "Отключение воды и газа", true}, // syntax is text: OR is a stop word, * nothing
		{`NEAR(вода`, "Отключение воды", false},            // "near" is a word like any other
		{`вода*`, "Водители", false},
	}
	for _, tt := range tests {
		q, err := ParseQuery(tt.query)
		if err != nil {
			t.Fatalf("ParseQuery(%q): %v", tt.query, err)
		}
		if got := q.Match(Analyse(tt.text)); got != tt.want {
			t.Errorf("query %q on %q = %t, want %t", tt.query, tt.text, got, tt.want)
		}
	}
	long := strings.Repeat("слово ", 3) + "дорога школа вода газ свет тепло рынок музей мост пожар"
	q, err := ParseQuery(long)
	if err != nil || len(q.terms) != MaxQueryTerms {
		t.Errorf("a query of 13 words has %d terms, %v; want %d", len(q.terms), err, MaxQueryTerms)
	}
}

func TestSpans(t *testing.T) {
	title := "Отключение горячей воды и газа"
	summary := "Горячая вода вернётся в дома 15 июля"
	d := Analyse(title, summary)
	show := func(sp []Span) []string {
		var out []string
		for _, s := range sp {
			out = append(out, []string{title, summary}[s.Field][s.Start:s.End])
		}
		return out
	}
	q, _ := ParseQuery("горячая вода")
	if got, want := show(q.Spans(d)), []string{"горячей", "воды", "Горячая", "вода"}; !slices.Equal(got, want) {
		t.Errorf("spans of горячая вода = %q, want %q", got, want)
	}
	q, _ = ParseQuery(`"горячая вода" газ`)
	if got, want := show(q.Spans(d)), []string{"горячей воды", "газа", "Горячая вода"}; !slices.Equal(got, want) {
		t.Errorf("spans of a phrase and a word = %q, want %q", got, want)
	}
	k := mustKeyword(t, "вода")
	summary = "Водители, вода"
	if got, want := show(k.Spans(Analyse(title, summary))), []string{"воды", "вода"}; !slices.Equal(got, want) {
		t.Errorf("keyword spans = %q, want %q", got, want)
	}
}

func TestIndexText(t *testing.T) {
	d := Analyse("Ремонт дороги", "Рамонт дарогі", "Roads")
	for field, want := range []string{"ремонт_ дорог_и", "рамонт_ дарог_и", "road_s"} {
		if got := d.IndexText(field); got != want {
			t.Errorf("IndexText(%d) = %q, want %q", field, got, want)
		}
	}
}

func BenchmarkAnalyse(b *testing.B) {
	title, summary := benchArticle()
	b.SetBytes(int64(len(title) + len(summary)))
	for b.Loop() {
		Analyse(title, summary)
	}
}

func BenchmarkParseQuery(b *testing.B) {
	for b.Loop() {
		q, err := ParseQuery("когда будет горячая вода на Сумченко")
		if err != nil {
			b.Fatal(err)
		}
		_ = q.FTS()
	}
}

func benchArticle() (title, summary string) {
	return "Плановое отключение горячей воды в микрорайоне Заречный с 12 по 21 июля",
		strings.Repeat("В связи с проведением гидравлических испытаний тепловых сетей УП «Осиповичское ЖКХ» "+
			"сообщает об отключении горячего водоснабжения жилых домов по улицам Сумченко, Ленина, Толстого "+
			"и Рабочей. Жителей просят заранее запастись водой и соблюдать меры безопасности. ", 3)
}

func TestQueryTerms(t *testing.T) {
	q, err := ParseQuery(`горячая вода "детский сад" на Сумченко`)
	if err != nil {
		t.Fatal(err)
	}
	terms := q.Terms()
	if len(terms) != 4 {
		t.Fatalf("%d terms, want 4 (горячая, вода, детский сад, Сумченко)", len(terms))
	}
	d := Analyse("Детский сад закрыт на ремонт", "Горячей воды не будет")
	for i, want := range []bool{true, true, true, false} {
		if got := terms[i].Match(d); got != want {
			t.Errorf("term %d matches: %t, want %t", i, got, want)
		}
		if terms[i].FTS() == "" {
			t.Errorf("term %d has no FTS5 expression", i)
		}
	}
	if q.Match(d) {
		t.Errorf("the whole query matches without Сумченко")
	}
}
