package subscriptions

import "testing"

func TestTitleKey(t *testing.T) {
	for _, tt := range []struct{ a, b string }{
		{"Итоги работы АПК района за 2022 год", "«Итоги работы АПК района за 2022 год»"},
		{"Ёлку откроют на площади Ленина", "ЕЛКУ откроют  на площади ленина!"},
		{"Прием граждан проведет председатель райисполкома", "Прием\u200b граждан проведет председатель райисполкома."},
		{"Свята Гуканне вясны адбудзецца ў аграгарадку", "Свята «Гуканне вясны» адбудзецца ў аграгарадку"},
	} {
		ka, kb := TitleKey(tt.a), TitleKey(tt.b)
		if ka == "" || ka != kb {
			t.Errorf("TitleKey(%q) = %q, TitleKey(%q) = %q; want the same key", tt.a, ka, tt.b, kb)
		}
	}
	for _, tt := range []struct{ a, b string }{
		{"Итоги работы АПК района за 2022 год", "Итоги работы АПК района за 2021 год"},
		{"Прием граждан проведет председатель райисполкома", "Прием граждан проведет заместитель председателя"},
	} {
		if TitleKey(tt.a) == TitleKey(tt.b) {
			t.Errorf("%q and %q share a key", tt.a, tt.b)
		}
	}
	for _, short := range []string{"Объявление", "Внимание!", "Прием граждан", "О ходе ЖКХ", ""} {
		if k := TitleKey(short); k != "" {
			t.Errorf("TitleKey(%q) = %q, want none: too short to be evidence", short, k)
		}
	}
}

func TestLinkKey(t *testing.T) {
	same := [][]string{
		{"https://osipovichi.gov.by/ru/news-ru/view/12345/", "http://www.osipovichi.gov.by/ru/news-ru/view/12345",
			"https://OSIPOVICHI.gov.by:443/ru/news-ru/view/12345/#comments", "https://osipovichi.gov.by/ru/news-ru/view/12345/?utm_source=tg&utm_medium=social"},
		{"https://osipovichi.gov.by/news?id=5&page=2", "https://osipovichi.gov.by/news?page=2&id=5&fbclid=x"},
	}
	for _, group := range same {
		for _, l := range group[1:] {
			if a, b := LinkKey(group[0]), LinkKey(l); a == "" || a != b {
				t.Errorf("LinkKey(%q) = %q, LinkKey(%q) = %q; want the same key", group[0], a, l, b)
			}
		}
	}
	for _, pair := range [][2]string{
		{"https://osipovichi.gov.by/ru/news-ru/view/12345/", "https://osipovichi.gov.by/ru/news-ru/view/12346/"},
		{"https://osipovichi.gov.by/news?id=5", "https://osipovichi.gov.by/news?id=6"},
		{"https://osipovichi.gov.by/a/", "https://osipovichi.gov.by:8080/a/"},
		{"https://osipovichi.gov.by/a/", "https://minsk.gov.by/a/"},
	} {
		if LinkKey(pair[0]) == LinkKey(pair[1]) {
			t.Errorf("%q and %q share a key", pair[0], pair[1])
		}
	}
	for _, bad := range []string{"", "/ru/news-ru/view/1/", "ftp://osipovichi.gov.by/a", "mailto:x@y.by"} {
		if k := LinkKey(bad); k != "" {
			t.Errorf("LinkKey(%q) = %q, want none", bad, k)
		}
	}
}

func TestPortalID(t *testing.T) {
	for _, tt := range []struct {
		link, lang, want string
	}{
		{"https://osipovichi.gov.by/ru/news-ru/view/12345/", "ru", "osipovichi.gov.by|ru|12345"},
		{"https://www.osipovichi.gov.by/ru/news-rayon-ru/view/12345/", "ru", "osipovichi.gov.by|ru|12345"},
		{"https://osipovichi.gov.by/news-ru/view/12345/", "ru", "osipovichi.gov.by|ru|12345"},
		{"https://osipovichi.gov.by/en/news-en/view/belarus-russia-approve-union-state-concept-12346/", "en", "osipovichi.gov.by|en|12346"},
		{"https://osipovichi.gov.by/ru/news-ru/view/itogi-2022-12345.html", "ru", "osipovichi.gov.by|ru|12345"},
		{"https://osipovichi.gov.by/ru/news-ru/view/covid19/", "ru", ""},
		{"https://osipovichi.gov.by/ru/news-ru/view/", "ru", ""},
		{"https://osipovichi.gov.by/ru/news-ru/12345/", "ru", ""},
		{"https://osipovichi.gov.by/ru/news-ru/view/000/", "ru", ""},
		{"/ru/news-ru/view/12345/", "ru", ""},
	} {
		if got := PortalID(tt.link, tt.lang); got != tt.want {
			t.Errorf("PortalID(%q, %q) = %q, want %q", tt.link, tt.lang, got, tt.want)
		}
	}
	if PortalID("https://osipovichi.gov.by/ru/news-ru/view/12345/", "ru") == PortalID("https://osipovichi.gov.by/be/news-be/view/12345/", "be") {
		t.Error("the Russian and Belarusian versions share an id key; each language is its own story")
	}
}
