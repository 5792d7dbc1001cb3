package feed

import (
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"golang.org/x/text/encoding/charmap"

	"github.com/osipovichi/newsbot/subscriptions"
)

var testNow = time.Date(2023, 3, 3, 17, 0, 0, 0, time.UTC)

func parseFixture(t *testing.T, file, contentType, fetchURL string, f subscriptions.Feed) []subscriptions.Article {
	t.Helper()
	body, err := os.ReadFile("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	_, arts, err := ParseArticles(body, contentType, fetchURL, f, testNow)
	if err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	return arts
}

func TestNormaliseRussianFeed(t *testing.T) {
	f := subscriptions.Feed{ID: 7, URL: "https://osipovichi.gov.by/", Section: "news"}
	arts := parseFixture(t, "ru-rss.xml", "application/rss+xml; charset=utf-8", "https://osipovichi.gov.by/ru/rss-ru/", f)
	if len(arts) != 5 {
		t.Fatalf("got %d articles, want 5", len(arts))
	}
	a := arts[0]
	want := subscriptions.Article{
		FeedID:     7,
		Key:        "https://osipovichi.gov.by/ru/news-ru/view/itogi-raboty-apk-za-2022-god-12345/",
		Title:      "Итоги работы агропромышленного комплекса района за 2022 год подвели в Осиповичах",
		Summary:    "3 марта в Осиповичском районном исполнительном комитете состоялось расширенное заседание, посвященное итогам работы агропромышленного комплекса района в 2022 году и задачам на 2023 год.\nВ заседании приняли участие председатель райисполкома, руководители сельскохозяйственных организаций и службы района.",
		Link:       "https://osipovichi.gov.by/ru/news-ru/view/itogi-raboty-apk-za-2022-god-12345/",
		ImageURL:   "https://osipovichi.gov.by/files/images/news/2023/03/apk-itogi.jpg",
		Published:  time.Date(2023, 3, 3, 13, 30, 0, 0, time.UTC),
		Categories: []string{"Новости", "Экономика"},
		Section:    "news",
		Language:   "ru",
		FirstSeen:  testNow,
	}
	assertArticles(t, []subscriptions.Article{a}, []subscriptions.Article{want})

	if got := arts[2].Title; got != `"Прямая линия" состоится 4 марта` {
		t.Errorf("entity title: got %q", got)
	}
	if got := arts[2].Summary; got != "Жители района могут задать вопросы заместителю председателя райисполкома по телефону." {
		t.Errorf("escaped html summary: got %q", got)
	}
	if got := arts[2].ImageURL; got != "https://osipovichi.gov.by/files/images/news/2023/03/linija.png" {
		t.Errorf("enclosure image: got %q", got)
	}
	if got := arts[3].ImageURL; got != "https://osipovichi.gov.by/files/images/news/2023/03/blagoustrojstvo.jpg" {
		t.Errorf("media:content image: got %q", got)
	}
	if got, want := arts[3].Summary, "Месячник продлится до 1 апреля.\nОрганизации и жители приглашаются к участию в субботниках.\nГрафик уборки размещен на сайте."; got != want {
		t.Errorf("br summary: got %q, want %q", got, want)
	}
	for i := 1; i < len(arts); i++ {
		if arts[i].Published.After(arts[i-1].Published) {
			t.Errorf("order: article %d is newer than %d; want feed order kept", i, i-1)
		}
	}
}

func TestNormaliseEnglishAndBelarusian(t *testing.T) {
	en := parseFixture(t, "en-rss.xml", "application/rss+xml", "https://osipovichi.gov.by/en/rss-en/",
		subscriptions.Feed{ID: 3, URL: "https://osipovichi.gov.by/en/rss-en/", Section: "news"})
	if len(en) != 3 {
		t.Fatalf("got %d english articles, want 3", len(en))
	}
	u := en[0]
	if u.Title != "Belarus, Russia approve Union State information security concept" {
		t.Errorf("title: got %q", u.Title)
	}
	if want := time.Date(2023, 3, 2, 9, 47, 0, 0, time.UTC); !u.Published.Equal(want) {
		t.Errorf("published: got %v, want %v", u.Published, want)
	}
	if u.Language != "en" {
		t.Errorf("language: got %q, want en", u.Language)
	}
	if want := "MINSK, 2 March (BelTA) – The Supreme State Council of the Union State has approved the concept of information security of the Union State."; u.Summary != want {
		t.Errorf("summary: got %q, want %q", u.Summary, want)
	}
	tour := en[2]
	if tour.Key != "en-12300" {
		t.Errorf("guid key: got %q", tour.Key)
	}
	if want := "https://osipovichi.gov.by/en/tourism-en/view/tourist-potential-12300/"; tour.Link != want {
		t.Errorf("relative link: got %q, want %q", tour.Link, want)
	}
	if want := "https://osipovichi.gov.by/en/tourism-en/files/images/tourism/osipovichi-reservoir.jpg"; tour.ImageURL != want {
		t.Errorf("image relative to the item link: got %q, want %q", tour.ImageURL, want)
	}

	be := parseFixture(t, "be-rss.xml", "application/rss+xml", "https://osipovichi.gov.by/be/rss-be/",
		subscriptions.Feed{ID: 4, URL: "https://osipovichi.gov.by/", Section: "news"})
	if len(be) != 3 || be[0].Language != "be" {
		t.Fatalf("got %d belarusian articles in %q, want 3 in be", len(be), be[0].Language)
	}
	if be[2].Title != "Свята «Гуканне вясны» адбудзецца ў аграгарадку" {
		t.Errorf("title: got %q", be[2].Title)
	}
}

func TestNormaliseAtom(t *testing.T) {
	arts := parseFixture(t, "atom.xml", "application/atom+xml", "https://osipovichi.gov.by/ru/atom-ru/",
		subscriptions.Feed{ID: 5, URL: "https://osipovichi.gov.by/ru/atom-ru/", Section: "announcements"})
	if len(arts) != 2 {
		t.Fatalf("got %d articles, want 2", len(arts))
	}
	a := arts[0]
	checks := []struct{ name, got, want string }{
		{"key", a.Key, "tag:osipovichi.gov.by,2023:announcement-12350"},
		{"title", a.Title, "Отключение электроэнергии 6 марта – график"},
		{"link", a.Link, "https://osipovichi.gov.by/ru/announcements-ru/view/otkljuchenie-12350/"},
		{"image", a.ImageURL, "https://osipovichi.gov.by/files/images/announcements/energy.jpg"},
		{"summary", a.Summary, "В связи с плановыми работами 6 марта с 9.00 до 15.00 будет отключена электроэнергия.\nул. Ленина, 1–15\nул. Сумченко, 2–20"},
		{"language", a.Language, "ru"},
		{"content image", arts[1].ImageURL, "https://osipovichi.gov.by/files/images/announcements/dvor.jpg"},
		{"content summary", arts[1].Summary, "Райисполком объявляет конкурс на лучший двор."},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
	if want := time.Date(2023, 3, 3, 12, 0, 0, 0, time.UTC); !a.Published.Equal(want) {
		t.Errorf("published: got %v, want %v", a.Published, want)
	}
	if want := time.Date(2023, 3, 1, 9, 0, 0, 0, time.UTC); !arts[1].Published.Equal(want) {
		t.Errorf("updated as published: got %v, want %v", arts[1].Published, want)
	}
}

func TestNormaliseEdgeCases(t *testing.T) {
	arts := parseFixture(t, "edge-rss.xml", "application/rss+xml", "https://osipovichi.gov.by/ru/rss-edge/",
		subscriptions.Feed{ID: 9, URL: "https://osipovichi.gov.by/ru/rss-edge/", Section: "news", Language: "ru"})
	if len(arts) != 11 {
		for _, a := range arts {
			t.Logf("%q %q", a.Key, a.Title)
		}
		t.Fatalf("got %d articles, want 11 (the empty item dropped)", len(arts))
	}
	msk := time.Date(2023, 3, 2, 7, 15, 0, 0, time.UTC)
	tests := []struct {
		name  string
		a     subscriptions.Article
		check func(a subscriptions.Article) string
	}{
		{"no guid: key is the link", arts[0], func(a subscriptions.Article) string {
			return want(a.Key, "https://osipovichi.gov.by/ru/news-ru/view/bez-guid-20001/")
		}},
		{"no guid, no link: content hash", arts[1], func(a subscriptions.Article) string {
			if !strings.HasPrefix(a.Key, "sha256:") || len(a.Key) != len("sha256:")+64 {
				return "got key " + a.Key + ", want sha256:<64 hex>"
			}
			return want(a.Link, "")
		}},
		{"relative link and lazy image", arts[2], func(a subscriptions.Article) string {
			return want(a.Link, "https://osipovichi.gov.by/ru/news-ru/view/otnositelnye-20003/") +
				want(a.ImageURL, "https://osipovichi.gov.by/ru/news-ru/view/otnositelnye-20003/images/foto-20003.jpg")
		}},
		{"MSK zone and relative thumbnail", arts[3], func(a subscriptions.Article) string {
			return wantTime(a.Published, msk) + want(a.ImageURL, "https://osipovichi.gov.by/files/images/news/msk.jpg")
		}},
		{"dd.mm.yyyy hh:mm is Minsk time", arts[4], func(a subscriptions.Article) string { return wantTime(a.Published, msk) }},
		{"russian month name", arts[5], func(a subscriptions.Article) string { return wantTime(a.Published, msk) }},
		{"broken date is now", arts[6], func(a subscriptions.Article) string { return wantTime(a.Published, testNow) }},
		{"future date is now", arts[7], func(a subscriptions.Article) string { return wantTime(a.Published, testNow) }},
		{"markup in title and summary", arts[8], func(a subscriptions.Article) string {
			return want(a.Title, "Заголовок с «разметкой» & сущностями… и переносом") +
				want(a.Summary, "Подзаголовок\nПервый абзац.\nВторой абзац с неразрывными пробелами.\nпункт один\nпункт два") +
				want(strings.Join(a.Categories, "|"), "Новости|Сельское хозяйство")
		}},
		{"long summary cut at a word", arts[9], func(a subscriptions.Article) string {
			n := utf8.RuneCountInString(a.Summary)
			if n > SummaryMaxRunes+1 || n < SummaryMaxRunes*2/3 || !strings.HasSuffix(a.Summary, "…") {
				return "summary of " + a.Summary
			}
			if strings.HasSuffix(a.Summary, " …") || strings.HasSuffix(a.Summary, ",…") {
				return "cut badly: " + a.Summary
			}
			words := strings.Fields(strings.TrimSuffix(a.Summary, "…"))
			if last := words[len(words)-1]; !strings.Contains(arts[9].Summary, last) || !isWordOfTeaser(last) {
				return "cut inside a word: " + last
			}
			return ""
		}},
		{"content when no description; javascript link dropped", arts[10], func(a subscriptions.Article) string {
			return want(a.Summary, "Полный текст новости без анонса.") + want(a.Link, "") + want(a.Key, "edge-20011") +
				want(a.ImageURL, "https://osipovichi.gov.by/files/images/news/full.jpg")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if msg := tt.check(tt.a); msg != "" {
				t.Error(msg)
			}
		})
	}
}

var teaserWords = strings.Fields("Осиповичский район продолжает подготовку к весенне-полевым работам, техника проходит технический осмотр, семенной фонд засыпан полностью.")

func isWordOfTeaser(w string) bool {
	for _, t := range teaserWords {
		if strings.TrimRight(t, ",.") == strings.TrimRight(w, ",.") {
			return true
		}
	}
	return false
}

func want(got, want string) string {
	if got != want {
		return "got " + quote(got) + ", want " + quote(want) + "; "
	}
	return ""
}

func wantTime(got, want time.Time) string {
	if !got.Equal(want) {
		return "got " + got.String() + ", want " + want.String() + "; "
	}
	return ""
}

func TestKeyStable(t *testing.T) {
	body, err := os.ReadFile("testdata/edge-rss.xml")
	if err != nil {
		t.Fatal(err)
	}
	f := subscriptions.Feed{ID: 1, URL: "https://osipovichi.gov.by/ru/rss-edge/"}
	_, a1, err := ParseArticles(body, "", f.URL, f, testNow)
	if err != nil {
		t.Fatal(err)
	}
	_, a2, err := ParseArticles(body, "", f.URL, f, testNow.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	for i := range a1 {
		if a1[i].Key != a2[i].Key {
			t.Errorf("article %d: key changed between polls: %q then %q", i, a1[i].Key, a2[i].Key)
		}
	}
}

func TestCleanTitle(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  Простой   заголовок ", "Простой заголовок"},
		{"<b>Жирный</b> и <i>курсив</i>", "Жирный и курсив"},
		{"AT&amp;T &laquo;связь&raquo;", "AT&T «связь»"},
		{"&amp;quot;дважды&amp;quot;", "&quot;дважды&quot;"}, // decoded twice only in a document that escapes twice
		{"&lt;b&gt;тег&lt;/b&gt; в заголовке", "<b>тег</b> в заголовке"},
		{misread("новое решение", charmap.Windows1252), "новое решение"},
		{"Итоги â€¦", "Итоги â€¦"}, // mixed with real Cyrillic: does not round-trip as a whole
		{misread("Café — été", charmap.Windows1252), "Café — été"},
		{misread("Новости района", charmap.Windows1251), "Новости района"},
		{"Café crème à l'hôtel", "Café crème à l'hôtel"},
		{"Важно\u202eтекст\u2066 изолят\u2069\u200e", "Важнотекст изолят"},
		{"Семья 👨\u200d👩\u200d👧 и Ж\u200dЖ", "Семья 👨\u200d👩\u200d👧 и ЖЖ"},
		{"a < b > c", "a < b > c"},
		{"табуляция\tи\nперевод\r\nстроки", "табуляция и перевод строки"},
		{"ноль\u200bширины\u00ad и\u0007звонок\u0085", "нольширины извонок"},
		{"битый \xff байт", "битый \uFFFD байт"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := CleanTitle(tt.in); got != tt.want {
			t.Errorf("CleanTitle(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSummarise(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"paragraphs", "<p>Один.</p><p>Два.</p>", 600, "Один.\nДва."},
		{"br and blank lines", "Один.<br><br/><br />\n\n  Два.", 600, "Один.\nДва."},
		{"plain text lines", "Один.\n\n\nДва.", 600, "Один.\nДва."},
		{"hard-wrapped plain text", "Первая строка абзаца\nпродолжается здесь.\r\n\r\nВторой абзац\r\nв две строки.", 600, "Первая строка абзаца продолжается здесь.\nВторой абзац в две строки."},
		{"hard-wrapped html", "<p>Строка\n  продолжение</p>\n<p>Второй\nабзац</p>", 600, "Строка продолжение\nВторой абзац"},
		{"pre keeps its lines", "<pre>раз\nдва</pre>", 600, "раз\nдва"},
		{"mojibake repaired", "<p>" + misread("новое", charmap.Windows1252) + "</p><p>" + misread("слово", charmap.Windows1252) + "</p>", 600, "новое\nслово"},
		{"script skipped", "<script>var x = '<p>';</script>Текст", 600, "Текст"},
		{"cut at word", "раз два три четыре пять", 12, "раз два три…"},
		{"trailing comma trimmed", "раз, два, три, четыре", 10, "раз, два…"},
		{"no space: cut runes", "ОченьДлинноеСловоБезПробелов", 10, "ОченьДлинн…"},
		{"combining mark kept with its letter", "aaaaaaaaae\u0301bbb", 10, "aaaaaaaaa…"},
		{"short untouched", "коротко", 10, "коротко"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Summarise(tt.in, tt.max)
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if !utf8.ValidString(got) {
				t.Errorf("invalid UTF-8: %q", got)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	minskTime := func(y int, m time.Month, d, h, mi int) time.Time { return time.Date(y, m, d, h-3, mi, 0, 0, time.UTC) }
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"Thu, 02 Mar 2023 10:15:00 MSK", minskTime(2023, 3, 2, 10, 15), true},
		{"Thu, 02 Mar 2023 10:15:00 +0300", minskTime(2023, 3, 2, 10, 15), true},
		{"Thu, 02 Mar 2023 10:15:00 GMT", time.Date(2023, 3, 2, 10, 15, 0, 0, time.UTC), true},
		{"02.03.2023 10:15", minskTime(2023, 3, 2, 10, 15), true},
		{"02.03.2023 10:15:30", time.Date(2023, 3, 2, 7, 15, 30, 0, time.UTC), true},
		{"2.3.2023", minskTime(2023, 3, 2, 0, 0), true},
		{"10:15 02.03.2023", minskTime(2023, 3, 2, 10, 15), true},
		{"2 марта 2023 г. 10:15", minskTime(2023, 3, 2, 10, 15), true},
		{"2 марта 2023 года в 10:15", minskTime(2023, 3, 2, 10, 15), true},
		{"Чт, 02 мар 2023 10:15:00 +0300", minskTime(2023, 3, 2, 10, 15), true},
		{"2 сакавіка 2023 10:15", minskTime(2023, 3, 2, 10, 15), true},
		{"19 снежня 2022", minskTime(2022, 12, 19, 0, 0), true},
		{"2023-03-02 10:15:00", minskTime(2023, 3, 2, 10, 15), true},
		{"2023-03-02T10:15:00+03:00", minskTime(2023, 3, 2, 10, 15), true},
		{"вчера", time.Time{}, false},
		{"", time.Time{}, false},
		{"01.01.1970 00:00", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseDate(tt.in)
		if ok != tt.ok || ok && !got.Equal(tt.want) {
			t.Errorf("ParseDate(%q): got %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestItemDatePrefersParsedButFixesUnknownZones(t *testing.T) {
	parsed := time.Date(2023, 3, 2, 10, 15, 0, 0, time.FixedZone("MSK", 0)) // what time.Parse makes of MSK
	it := &gofeed.Item{Published: "Thu, 02 Mar 2023 10:15:00 MSK", PublishedParsed: &parsed}
	got, ok := ItemDate(it)
	if want := time.Date(2023, 3, 2, 7, 15, 0, 0, time.UTC); !ok || !got.Equal(want) {
		t.Errorf("got %v, %v; want %v", got, ok, want)
	}
	updated := time.Date(2023, 3, 1, 9, 0, 0, 0, time.UTC)
	it = &gofeed.Item{Published: "garbage", Updated: "2023-03-01T09:00:00Z", UpdatedParsed: &updated}
	if got, ok := ItemDate(it); !ok || !got.Equal(updated) {
		t.Errorf("updated fallback: got %v, %v; want %v", got, ok, updated)
	}
}

func TestFeedLanguage(t *testing.T) {
	tests := []struct {
		name     string
		f        subscriptions.Feed
		fetchURL string
		declared string
		want     string
	}{
		{"configured wins", subscriptions.Feed{Language: "be", URL: "https://x/ru/rss-ru/"}, "https://x/ru/rss-ru/", "ru", "be"},
		{"fetch url path", subscriptions.Feed{URL: "https://x/"}, "https://x/en/rss-en/", "ru", "en"},
		{"resolved url path", subscriptions.Feed{URL: "https://x/", ResolvedURL: "https://x/be/rss-be/"}, "https://x/feed", "", "be"},
		{"declared ru-RU", subscriptions.Feed{URL: "https://x/rss"}, "https://x/rss", "ru-RU", "ru"},
		{"declared by", subscriptions.Feed{URL: "https://x/rss"}, "https://x/rss", "by", "be"},
		{"declared be-BY", subscriptions.Feed{URL: "https://x/rss"}, "https://x/rss", "be-BY", "be"},
		{"declared en-us", subscriptions.Feed{URL: "https://x/rss"}, "https://x/rss", "en-us", "en"},
		{"unknown", subscriptions.Feed{URL: "https://x/rss"}, "https://x/rss", "de", ""},
	}
	for _, tt := range tests {
		if got := FeedLanguage(tt.f, tt.fetchURL, tt.declared); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

// rssItems is an RSS feed holding the given <item> bodies.
func rssItems(items ...string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Новости</title><link>https://osipovichi.gov.by/ru/</link>`)
	for _, it := range items {
		b.WriteString("<item>" + it + "</item>")
	}
	b.WriteString("</channel></rss>")
	return []byte(b.String())
}

// TestNormaliseTextClasses: titles and summaries of feeds that escape twice,
// carry doubly encoded UTF-8, invisible characters or hard-wrapped text,
// the whole way from bytes to articles.
func TestNormaliseTextClasses(t *testing.T) {
	f := subscriptions.Feed{ID: 1, URL: "https://osipovichi.gov.by/ru/rss-ru/", Section: "news"}
	tests := []struct {
		name      string
		doc       []byte
		titles    []string
		summaries []string
	}{
		{"a feed that escapes twice: decoded twice throughout", rssItems(
			`<title>Конкурс &amp;amp;laquo;Лучший двор&amp;amp;raquo;</title><description>&amp;lt;p&amp;gt;Итоги&amp;amp;nbsp;подведены&amp;lt;/p&amp;gt;</description><guid>1</guid>`,
			`<title>&amp;lt;b&amp;gt;Важно&amp;lt;/b&amp;gt;: отключение воды</title><description>&amp;lt;p&amp;gt;Первый&amp;lt;/p&amp;gt;&amp;lt;p&amp;gt;Второй&amp;lt;/p&amp;gt;</description><guid>2</guid>`),
			[]string{"Конкурс «Лучший двор»", "Важно: отключение воды"},
			[]string{"Итоги подведены", "Первый\nВторой"}},
		{"a feed that escapes once keeps a literal tag", rssItems(
			`<title>Что означает тег &amp;lt;b&amp;gt; в HTML</title><description>&lt;p&gt;Знак &amp;amp; и &amp;lt;i&amp;gt;&lt;/p&gt;</description><guid>1</guid>`,
			`<title>Знаки &amp;amp;lt; и &amp;amp;amp; в тексте</title><guid>2</guid>`),
			[]string{"Что означает тег <b> в HTML", "Знаки &lt; и &amp; в тексте"},
			[]string{"Знак & и <i>", ""}},
		{"doubly encoded UTF-8", rssItems(
			"<title>"+misread("новое решение", charmap.Windows1252)+"</title><description>"+misread("Сессия пройдёт — 5 марта…", charmap.Windows1252)+"</description><guid>1</guid>",
			"<title>"+misread("Café «Été»", charmap.Windows1252)+"</title><description>Café crème, vraiment Latin-1.</description><guid>2</guid>",
			"<title>"+misread("Новости района", charmap.Windows1251)+"</title><description>"+misread(misread("Дважды — «лишний» раз", charmap.Windows1252), charmap.Windows1252)+"</description><guid>3</guid>"),
			[]string{"новое решение", "Café «Été»", "Новости района"},
			[]string{"Сессия пройдёт — 5 марта…", "Café crème, vraiment Latin-1.", "Дважды — «лишний» раз"}},
		{"invisible and bidirectional characters", rssItems(
			"<title>\u200bНовости\u202e района\u2067\u200f</title><description>Текст\u2060 без\ufeff невидимых</description><guid>1</guid>"),
			[]string{"Новости района"}, []string{"Текст без невидимых"}},
		{"hard-wrapped teaser", rssItems(
			"<title>Отключение</title><description>Плановые работы\nпродлятся до вечера.\n\nГрафик на сайте.</description><guid>1</guid>"),
			[]string{"Отключение"}, []string{"Плановые работы продлятся до вечера.\nГрафик на сайте."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, arts, err := ParseArticles(tt.doc, "application/rss+xml", f.URL, f, testNow)
			if err != nil {
				t.Fatal(err)
			}
			if len(arts) != len(tt.titles) {
				t.Fatalf("got %d articles, want %d", len(arts), len(tt.titles))
			}
			for i, a := range arts {
				if a.Title != tt.titles[i] || a.Summary != tt.summaries[i] {
					t.Errorf("article %d: got %q / %q, want %q / %q", i, a.Title, a.Summary, tt.titles[i], tt.summaries[i])
				}
			}
		})
	}
}

// misread is UTF-8 text read as a single-byte encoding, as a careless
// program does: "новое" becomes "Ð½Ð¾Ð²Ð¾Ðµ".
func misread(s string, cm *charmap.Charmap) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		r := cm.DecodeByte(c)
		if r == utf8.RuneError {
			r = rune(c) // a byte the code page leaves undefined, as Latin-1 reads it
		}
		b.WriteRune(r)
	}
	return b.String()
}

// TestGUIDAsLink: a guid is the link of an item without one only when it is
// an RSS permalink and an http(s) URL.
func TestGUIDAsLink(t *testing.T) {
	const u = "https://osipovichi.gov.by/ru/news-ru/view/7/"
	f := subscriptions.Feed{ID: 1, URL: "https://osipovichi.gov.by/ru/rss-ru/", Section: "news"}
	tests := []struct {
		name, doc, want string
	}{
		{"permalink by default", string(rssItems(`<title>a</title><guid>` + u + `</guid>`)), u},
		{"permalink declared", string(rssItems(`<title>a</title><guid isPermaLink="true">` + u + `</guid>`)), u},
		{"not a permalink", string(rssItems(`<title>a</title><guid isPermaLink="false">` + u + `</guid>`)), ""},
		{"a permalink that is not http", string(rssItems(`<title>a</title><guid>urn:uuid:1</guid>`)), ""},
		{"a link wins over the guid", string(rssItems(`<title>a</title><link>` + u + `?x</link><guid>` + u + `</guid>`)), u + "?x"},
		{"atom id is no link", `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>` + u + `</id><title>a</title></entry></feed>`, ""},
		{"json feed id is no link", `{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[{"id":"` + u + `","title":"a"}]}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, arts, err := ParseArticles([]byte(tt.doc), "", f.URL, f, testNow)
			if err != nil {
				t.Fatal(err)
			}
			if len(arts) != 1 || arts[0].Link != tt.want {
				t.Fatalf("got %+v, want one article with link %q", arts, tt.want)
			}
			if arts[0].Key == "" {
				t.Error("empty key")
			}
		})
	}
}

// TestArticlePhotos: the photo is the article's, not a tracking pixel, a
// spacer or the site's icon.
func TestArticlePhotos(t *testing.T) {
	const site = "https://osipovichi.gov.by"
	f := subscriptions.Feed{ID: 1, URL: site + "/ru/rss-ru/", Section: "news"}
	media := ` xmlns:media="http://search.yahoo.com/mrss/"`
	item := func(guid, body string) string {
		return `<title>Новость ` + guid + `</title><link>` + site + `/ru/news-ru/view/` + guid + `/</link><guid>` + guid + `</guid>` + body
	}
	desc := func(html string) string { return "<description><![CDATA[" + html + "]]></description>" }
	tests := []struct {
		name string
		doc  []byte
		want []string
	}{
		{"an enclosure before a pixel of the content", rssItems(item("1",
			`<enclosure url="/files/photo1.jpg" type="image/jpeg" length="1"/>`+desc(`<img src="https://feeds.feedburner.com/~r/osip/~4/abc" width="1" height="1"><p>Текст</p>`))),
			[]string{site + "/files/photo1.jpg"}},
		{"pixels of the content skipped", rssItems(
			item("1", desc(`<img src="/stat/x.gif" width="1" height="1"><img src="/files/a.jpg">`)),
			item("2", desc(`<img src="/img/1x1.gif"><img src="/img/spacer.png"><img src="/files/b.jpg">`)),
			item("3", desc(`<img style="width: 1px; height: 1px" src="/files/c.gif"><img src="https://mc.yandex.ru/watch/123"><img src="https://pixel.example.com/p.png"><img src="/files/pixel-7-review.jpg">`)),
			item("4", desc(`<img src="/files/hidden.jpg" style="display:none"><img src="/files/d.jpg" width="2px" height="600"><img src="/files/e.jpg" width="640" height="480">`))),
			[]string{site + "/files/a.jpg", site + "/files/b.jpg", site + "/files/pixel-7-review.jpg", site + "/files/e.jpg"}},
		{"media declared 1×1 skipped", []byte(strings.Replace(string(rssItems(item("1",
			`<media:content url="/files/track.gif" medium="image" width="1" height="1"/><media:thumbnail url="/files/thumb.jpg" width="300" height="200"/>`))), "<rss ", "<rss"+media+" ", 1)),
			[]string{site + "/files/thumb.jpg"}},
		{"the site's icon in most items is no photo", rssItems(
			item("1", desc(`<img src="/images/logo.png"><img src="/files/1.jpg">`)),
			item("2", desc(`<img src="/images/logo.png"><img src="/files/2.jpg">`)),
			item("3", desc(`<img src="/images/logo.png">`)),
			item("4", desc(`<p>Без картинок</p>`)),
			item("5", `<enclosure url="/images/logo.png" type="image/png"/>`+desc(`<img src="/files/5.jpg">`))),
			[]string{site + "/files/1.jpg", site + "/files/2.jpg", "", "", site + "/files/5.jpg"}},
		{"two items sharing a photo keep it", rssItems(
			item("1", desc(`<img src="/files/same.jpg">`)),
			item("2", desc(`<img src="/files/same.jpg">`))),
			[]string{site + "/files/same.jpg", site + "/files/same.jpg"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, arts, err := ParseArticles(tt.doc, "application/rss+xml", f.URL, f, testNow)
			if err != nil {
				t.Fatal(err)
			}
			if len(arts) != len(tt.want) {
				t.Fatalf("got %d articles, want %d", len(arts), len(tt.want))
			}
			for i, a := range arts {
				if a.ImageURL != tt.want[i] {
					t.Errorf("article %d: got photo %q, want %q", i, a.ImageURL, tt.want[i])
				}
			}
		})
	}
}
