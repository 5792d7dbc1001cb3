package render

import (
	"fmt"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Minsk without depending on the host

	"github.com/osipovichi/newsbot/internal/golden"
	"github.com/osipovichi/newsbot/internal/tghtml"
	"github.com/osipovichi/newsbot/subscriptions"
)

var langs = []string{"ru", "be", "en"}

// valid checks that s is HTML Telegram accepts, within limit, that the
// renderer measured and stripped it the same way Telegram would, and
// returns its visible text.
func valid(t testing.TB, s string, limit int) string {
	t.Helper()
	plain, err := tghtml.Parse(s)
	if err != nil {
		t.Fatalf("tghtml.Parse(%q): %v", s, err)
	}
	if n := tghtml.Len(plain); n > limit {
		t.Fatalf("visible length %d, want at most %d; text %q", n, limit, s)
	}
	if got := visible(s); got != plain {
		t.Fatalf("visible(%q) = %q, want %q (tghtml)", s, got, plain)
	}
	return plain
}

// describe writes one message as it is kept in a golden file.
func describe(w *strings.Builder, html, photo string, limit int, plain string) {
	if photo != "" {
		fmt.Fprintf(w, "photo: %s\n", photo)
	}
	fmt.Fprintf(w, "length: %d/%d\n-- html --\n%s\n-- visible --\n%s\n", tghtml.Len(plain), limit, html, plain)
}

func TestGoldenArticle(t *testing.T) {
	loc := minsk()
	noLink := func(a subscriptions.Article) subscriptions.Article {
		a.Link = "javascript:alert(document.cookie)"
		return a
	}
	long := func(a subscriptions.Article) subscriptions.Article {
		a.Summary = longParagraphs(a.Language, 30)
		return a
	}
	tests := []struct {
		name      string
		article   func(subscriptions.Article) subscriptions.Article
		withPhoto bool
	}{
		{"article_text", nil, false},
		{"article_photo", nil, true},
		{"article_nolink", noLink, false},
		{"article_long", long, false},
		{"article_long_photo", long, true},
	}
	for _, tt := range tests {
		for _, lang := range langs {
			t.Run(tt.name+"_"+lang, func(t *testing.T) {
				a := articleFor(lang)
				if tt.article != nil {
					a = tt.article(a)
				}
				m := Article(a, Options{Lang: lang, Loc: loc, WithPhoto: tt.withPhoto})
				limit := MaxText
				if tt.withPhoto {
					limit = MaxCaption
					if m.Photo != a.ImageURL {
						t.Errorf("Photo = %q, want %q", m.Photo, a.ImageURL)
					}
				} else if m.Photo != "" {
					t.Errorf("Photo = %q, want none", m.Photo)
				}
				plain := valid(t, m.Text, limit)
				if plain != m.Plain() {
					t.Errorf("Plain() = %q, want %q", m.Plain(), plain)
				}
				wantLink := tt.name != "article_nolink"
				if got := strings.Contains(m.Text, "<a href="); got != wantLink {
					t.Errorf("got link %v, want %v in %q", got, wantLink, m.Text)
				}
				var w strings.Builder
				describe(&w, m.Text, m.Photo, limit, plain)
				golden.Check(t, tt.name+"_"+lang, w.String())
			})
		}
	}
}

func TestGoldenLatest(t *testing.T) {
	items := newsItems()[:10]
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			got, shown := Latest(items, "", Options{Lang: lang, Loc: minsk()})
			plain := valid(t, got, MaxText)
			if shown != len(items) {
				t.Errorf("shown %d, want %d", shown, len(items))
			}
			for _, a := range items {
				if !strings.Contains(got, Escape(a.Link)) {
					t.Errorf("article %q missing from the list", a.Title)
				}
			}
			var w strings.Builder
			describe(&w, got, "", MaxText, plain)
			golden.Check(t, "latest_"+lang, w.String())
		})
	}
}

func TestGoldenDigest(t *testing.T) {
	items := newsItems()
	day := time.Date(2023, time.March, 2, 0, 0, 0, 0, minsk())
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			parts := Digest(subscriptions.Digest{Form: subscriptions.DigestDaily, Slot: day, Articles: items}, Options{Lang: lang, Loc: minsk()})
			if len(parts) != 2 {
				t.Fatalf("got %d parts, want 2", len(parts))
			}
			var w strings.Builder
			for i, p := range parts {
				fmt.Fprintf(&w, "== part %d/%d ==\n", i+1, len(parts))
				describe(&w, p, "", MaxText, valid(t, p, MaxText))
			}
			checkOnce(t, items, parts)
			golden.Check(t, "digest_"+lang, w.String())
		})
	}
}

// checkOnce checks that every article's link is in exactly one part, once,
// and that the articles keep their order.
func checkOnce(t *testing.T, items []subscriptions.Article, parts []string) {
	t.Helper()
	all := strings.Join(parts, "\x00")
	last := -1
	for _, a := range items {
		href := `href="` + Escape(a.Link) + `"`
		if n := strings.Count(all, href); n != 1 {
			t.Errorf("article %q appears %d times, want 1", a.Title, n)
			continue
		}
		at := strings.Index(all, href)
		if at < last {
			t.Errorf("article %q is out of order", a.Title)
		}
		last = at
	}
}

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Осиповичи", "Осиповичи"},
		{`<b>R&D "ОАО"</b>`, "&lt;b&gt;R&amp;D &quot;ОАО&quot;&lt;/b&gt;"},
		{"&amp;", "&amp;amp;"},
		{"a\nb\tc", "a\nb\tc"},
		{"a\rb\x00c\x1bd\x7fe\u0085f", "abcdef"},
		{"bad \xff\xfe utf8", "bad \uFFFD\uFFFD utf8"},
		{"\xed\xa0\xbd", "\uFFFD\uFFFD\uFFFD"}, // an encoded surrogate is not UTF-8
		{"😀 ́", "😀 ́"},
	}
	for _, tt := range tests {
		got := Escape(tt.in)
		if got != tt.want {
			t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if plain := valid(t, got, MaxText); plain != clean(tt.in) {
			t.Errorf("Escape(%q) shows %q, want %q", tt.in, plain, clean(tt.in))
		}
	}
}

func TestCut(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"fits", "Новости района", 14, "Новости района"},
		{"zero", "abc", 0, ""},
		{"one", "abc", 1, "…"},
		{"word boundary", "Новости Осиповичского района сегодня", 25, "Новости Осиповичского…"},
		{"boundary too far back: cut the word", "Новости Осиповичского района", 20, "Новости Осиповичско…"},
		{"space right after", "Новости района сегодня", 15, "Новости района…"},
		{"punctuation dropped", "Итоги года, планы", 14, "Итоги года…"},
		{"long word cut inside", "Осиповичскийрайисполком", 10, "Осиповичс…"},
		{"newline is a boundary", "Первый абзац.\n\nВторой абзац текста", 20, "Первый абзац…"},
		{"surrogate pair kept whole", "ab😀😀", 4, "ab…"},
		{"surrogate pair fits", "ab😀cd", 5, "ab😀…"},
		{"combining mark kept", "xxxxxxxxxe\u0301yy", 11, "xxxxxxxxx…"},
		{"skin tone kept", "ok 👍🏽👍🏽", 7, "ok…"},
		{"zwj family kept", "👨‍👩‍👧👨‍👩‍👧", 10, "👨‍👩‍👧…"},
		{"flag kept", "🇧🇾🇧🇾🇧🇾", 10, "🇧🇾🇧🇾…"},
		{"flag not split", "🇧🇾🇧🇾🇧🇾", 7, "🇧🇾…"},
		{"keycap kept", "1️⃣2️⃣3️⃣", 8, "1️⃣2️⃣…"},
		{"invalid utf8 cleaned", "a\xffb\x00c", 3, "a\uFFFD…"},
		{"invalid utf8 fits once cleaned", "a\xffb\x00c", 4, "a\uFFFDbc"},
		{"all marks: cut anyway", strings.Repeat("\u0301", 10), 5, strings.Repeat("\u0301", 4) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Cut(tt.in, tt.max)
			if got != tt.want {
				t.Errorf("Cut(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			if n := tghtml.Len(got); n > tt.max {
				t.Errorf("Cut(%q, %d) is %d units long", tt.in, tt.max, n)
			}
		})
	}
}

func TestCutNeverSplitsAPair(t *testing.T) {
	s := strings.Repeat("😀", 100)
	for max := 0; max <= 210; max++ {
		got := Cut(s, max)
		if n := tghtml.Len(got); n > max {
			t.Fatalf("Cut(emoji, %d) is %d units long", max, n)
		}
		if !strings.HasPrefix(s+"…", strings.TrimSuffix(got, "…")) {
			t.Fatalf("Cut(emoji, %d) = %q: not a prefix", max, got)
		}
	}
}

func TestBuilder(t *testing.T) {
	var b Builder
	b.Bold("ОАО «Завод» & <партнёры>")
	b.Line()
	b.Link(`Читать "дальше"`, "https://osipovichi.gov.by/ru/news-ru/view/a-b-1-2023/?a=1&b=2")
	b.Line()
	b.Link("нет ссылки", "javascript:alert(1)")
	b.Text(" 😀")
	b.Italic("")
	b.Code("x<y")
	b.BoldLink("жирная", "HTTPS://osipovichi.gov.by/путь?q=а б")
	want := "<b>ОАО «Завод» &amp; &lt;партнёры&gt;</b>\n" +
		`<a href="https://osipovichi.gov.by/ru/news-ru/view/a-b-1-2023/?a=1&amp;b=2">Читать &quot;дальше&quot;</a>` + "\n" +
		"нет ссылки 😀<code>x&lt;y</code>" +
		`<b><a href="https://osipovichi.gov.by/%D0%BF%D1%83%D1%82%D1%8C?q=%D0%B0%20%D0%B1">жирная</a></b>`
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	plain := valid(t, b.String(), MaxText)
	if b.Len() != tghtml.Len(plain) {
		t.Errorf("Len() = %d, want %d", b.Len(), tghtml.Len(plain))
	}
}

func TestLinkURL(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"https://osipovichi.gov.by/ru/", "https://osipovichi.gov.by/ru/", true},
		{" http://osipovichi.gov.by ", "http://osipovichi.gov.by", true},
		{"HTTPS://osipovichi.gov.by/x", "https://osipovichi.gov.by/x", true},
		{"https://osipovichi.gov.by/?q=\"><b>", "https://osipovichi.gov.by/?q=%22%3E%3Cb%3E", true},
		{"/ru/news", "", false},
		{"osipovichi.gov.by/ru", "", false},
		{"javascript:alert(1)", "", false},
		{"ftp://osipovichi.gov.by/x", "", false},
		{"mailto:info@osipovichi.gov.by", "", false},
		{"https://osipovichi.gov.by@evil.example/", "", false},
		{"https:///path", "", false},
		{"https://osipovichi.gov.by/\x00", "", false},
		{"https://osipovichi.gov.by/" + strings.Repeat("a", maxURL), "", false},
		{"https://осиповичи.бел/новости", "https://xn--b1alba0abgo3d.xn--90ais/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8", true},
		{"https://[::1]:8080/x", "https://[::1]:8080/x", true},
		{"http://127.0.0.1/x", "http://127.0.0.1/x", true},
		{"http://\"", "", false},
		{"http://a b/", "", false},
		{"http://a_b.by/", "", false},
		{"http://\xb0/", "", false},
		{"http://xn--zn7c/", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := linkURL(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("linkURL(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
		if again, _ := linkURL(got); ok && again != got {
			t.Errorf("linkURL(%q) = %q, not a fixed point", got, again)
		}
	}
}

func TestArticleLimits(t *testing.T) {
	base := articleRU()
	huge := func(s string, n int) string { return strings.Repeat(s, n) }
	tests := []struct {
		name string
		edit func(*subscriptions.Article)
	}{
		{"huge summary", func(a *subscriptions.Article) { a.Summary = longParagraphs("ru", 200) }},
		{"huge title", func(a *subscriptions.Article) { a.Title = huge("Осиповичи ", 1000) }},
		{"huge title and summary", func(a *subscriptions.Article) {
			a.Title, a.Summary = huge("Заголовок ", 1000), huge("Текст ", 5000)
		}},
		{"ampersands", func(a *subscriptions.Article) { a.Title, a.Summary = huge("&", 5000), huge("& ", 5000) }},
		{"angle brackets", func(a *subscriptions.Article) { a.Title, a.Summary = huge("<b>", 3000), huge("<i>x</i> ", 3000) }},
		{"quotes", func(a *subscriptions.Article) { a.Summary = huge(`"«»' `, 3000) }},
		{"emoji", func(a *subscriptions.Article) {
			a.Title, a.Summary = huge("😀", 3000), huge("🇧🇾 👨‍👩‍👧 ", 2000)
		}},
		{"combining", func(a *subscriptions.Article) { a.Summary = huge("е\u0301\u0301", 5000) }},
		{"no spaces", func(a *subscriptions.Article) { a.Summary = huge("ы", 10000) }},
		{"control and invalid", func(a *subscriptions.Article) { a.Summary = huge("\x00\xff\r\x1b", 5000) }},
		{"huge section", func(a *subscriptions.Article) { a.Section = huge("раздел", 2000) }},
		{"huge link", func(a *subscriptions.Article) { a.Link = portal + "/" + huge("a", 10000) }},
		{"empty", func(a *subscriptions.Article) { *a = subscriptions.Article{} }},
		{"only spaces", func(a *subscriptions.Article) {
			*a = subscriptions.Article{Title: " \n\t ", Summary: "\n\n"}
		}},
	}
	for _, tt := range tests {
		for _, withPhoto := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/photo=%v", tt.name, withPhoto), func(t *testing.T) {
				a := base
				tt.edit(&a)
				m := Article(a, Options{Lang: "ru", Loc: minsk(), WithPhoto: withPhoto})
				limit := MaxText
				if m.Photo != "" {
					limit = MaxCaption
				}
				plain := valid(t, m.Text, limit)
				if strings.TrimSpace(plain) == "" {
					t.Errorf("empty message")
				}
			})
		}
	}
}

func TestArticleCutsSummaryNotTitle(t *testing.T) {
	a := articleEN()
	a.Summary = longParagraphs("en", 40)
	m := Article(a, Options{Lang: "en", Loc: minsk(), WithPhoto: true})
	plain := valid(t, m.Text, MaxCaption)
	if !strings.HasPrefix(plain, a.Title+"\n2 March 2023, 10:47\n\n1. The Osipovichi") {
		t.Errorf("title, date or summary start missing:\n%s", plain)
	}
	if !strings.Contains(plain, "…\n\nSection: News\nRead on the portal") {
		t.Errorf("want the summary cut with … before the section and link:\n%s", plain)
	}
	if n := tghtml.Len(plain); n < MaxCaption-60 {
		t.Errorf("caption is %d units: the summary was cut too short", n)
	}
}

func TestArticleUnknownLanguageAndNoLocation(t *testing.T) {
	m := Article(articleEN(), Options{Lang: "de"})
	plain := valid(t, m.Text, MaxText)
	if !strings.Contains(plain, "2 марта 2023, 07:47") || !strings.Contains(plain, "Раздел: Новости") {
		t.Errorf("want Russian and UTC, got:\n%s", plain)
	}
}

func TestLatestDropsFromTheEnd(t *testing.T) {
	var items []subscriptions.Article
	for i := range 60 {
		a := newsItems()[i%14]
		a.Link = fmt.Sprintf("%s/ru/news-ru/view/item-%d-2023/", portal, i)
		a.Title = strings.Repeat(a.Title+" ", 2)
		items = append(items, a)
	}
	got, reported := Latest(items, "", Options{Lang: "ru", Loc: minsk()})
	valid(t, got, MaxText)
	shown := 0
	for i, a := range items {
		if strings.Contains(got, Escape(a.Link)) {
			if shown != i {
				t.Fatalf("article %d shown after a dropped one", i)
			}
			shown++
		}
	}
	if shown == 0 || shown == len(items) {
		t.Fatalf("shown %d of %d, want some dropped", shown, len(items))
	}
	if reported != shown {
		t.Errorf("Latest says %d shown, the list has %d", reported, shown)
	}
	if !strings.Contains(got, fmt.Sprintf("%d. ", shown)) || strings.Contains(got, fmt.Sprintf("%d. ", shown+1)) {
		t.Errorf("the list is not numbered 1 to %d", shown)
	}
	if strings.Count(got, "<a ") != shown || strings.Count(got, "</a>") != shown {
		t.Errorf("an item was cut in the middle")
	}
}

func TestLatestEmpty(t *testing.T) {
	got, shown := Latest(nil, "", Options{Lang: "be"})
	if shown != 0 {
		t.Errorf("shown %d of none", shown)
	}
	if plain := valid(t, got, MaxText); !strings.HasPrefix(plain, "Навін пакуль няма") {
		t.Errorf("got %q", plain)
	}
}

func TestDigestManyParts(t *testing.T) {
	var items []subscriptions.Article
	for i := range 100 {
		a := newsItems()[i%14]
		a.Link = fmt.Sprintf("%s/ru/news-ru/view/item-%d-2023/", portal, i)
		a.Title = strings.Repeat("Заголовок & <b> 😀 ", 50)
		a.Summary = longParagraphs("ru", 5)
		items = append(items, a)
	}
	for _, display := range subscriptions.Displays() {
		parts := Digest(subscriptions.Digest{Form: subscriptions.DigestWeekly, Slot: time.Now(), Articles: items},
			Options{Lang: "ru", Loc: minsk(), Display: display})
		if len(parts) < 3 {
			t.Fatalf("%s: got %d parts, want several", display, len(parts))
		}
		for i, p := range parts {
			plain := valid(t, p, MaxText)
			if want := fmt.Sprintf("(%d/%d)", i+1, len(parts)); !strings.Contains(strings.SplitN(plain, "\n", 2)[0], want) {
				t.Errorf("%s: part %d header %q, want it numbered %s", display, i, strings.SplitN(plain, "\n", 2)[0], want)
			}
		}
		checkOnce(t, items, parts)
		if display == subscriptions.DisplayFull {
			continue
		}
		// The list is numbered across the parts.
		last := parts[len(parts)-1]
		if !strings.Contains(valid(t, last, MaxText), "\n100. ") || !strings.Contains(valid(t, parts[1], MaxText), "\n\n") {
			t.Errorf("%s: the last part does not end the numbered list at 100, or a part lacks its blank line under the header: %q", display, last)
		}
	}
	if Digest(subscriptions.Digest{}, Options{}) != nil {
		t.Errorf("Digest(nil) != nil")
	}
	one := Digest(subscriptions.Digest{Form: subscriptions.DigestDaily, Slot: time.Date(2023, 3, 2, 5, 0, 0, 0, time.UTC), Articles: items[:1]},
		Options{Lang: "en", Loc: minsk()})
	if len(one) != 1 || !strings.HasPrefix(valid(t, one[0], MaxText), "News of the day · 2 March 2023\n") {
		t.Errorf("one-part digest: %q", one)
	}
}

func TestPlain(t *testing.T) {
	in := strings.Repeat("Ошибка <timeout> & повтор ", 500)
	got := Plain(in)
	plain := valid(t, got, MaxText)
	if !strings.HasSuffix(plain, "…") || !strings.HasPrefix(in, strings.TrimSuffix(plain, "…")) {
		t.Errorf("Plain did not cut at a word boundary: …%q", plain[len(plain)-40:])
	}
	if got := Plain("a < b"); got != "a &lt; b" {
		t.Errorf("Plain(a < b) = %q", got)
	}
}

func TestMeasuresVisibleText(t *testing.T) {
	// The markup of a caption may be far longer than what Telegram counts:
	// the renderer must measure the visible text, not the markup.
	a := articleRU()
	a.Title = strings.Repeat("&", 900)
	m := Article(a, Options{Lang: "ru", WithPhoto: true})
	if len(m.Text) <= MaxCaption || tghtml.Len(valid(t, m.Text, MaxCaption)) > MaxCaption {
		t.Fatalf("markup %d bytes, want more than the caption limit with visible text within it", len(m.Text))
	}
}

func TestLatestNote(t *testing.T) {
	got, shown := Latest(newsItems()[:3], "Больше 20 новостей за раз я не показываю.", Options{Lang: "ru", Loc: minsk()})
	valid(t, got, MaxText)
	if shown != 3 {
		t.Errorf("shown %d, want 3", shown)
	}
	if want := "<b>Последние новости</b>\n<i>Больше 20 новостей за раз я не показываю.</i>\n\n"; !strings.HasPrefix(got, want) {
		t.Errorf("got %q, want it to start with %q", got, want)
	}
}

// categoriesFor are the portal's categories of an article in lang.
func categoriesFor(lang string) []string {
	switch lang {
	case "en":
		return []string{"Education", "Union State", "2023 — Year of Peace"}
	case "be":
		return []string{"Адукацыя", "Культура і мастацтва", "Аб'явы"}
	}
	return []string{"Образование", "Экономика", "Экономика"}
}

// TestGoldenDisplay renders what the displays and hashtags change: an
// article compact and full with hashtags, a weekly digest as a list and a
// batch of headlines.
func TestGoldenDisplay(t *testing.T) {
	loc := minsk()
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			a := articleFor(lang)
			a.Categories = categoriesFor(lang)
			var w strings.Builder
			for _, tc := range []struct {
				name string
				o    Options
			}{
				{"compact", Options{Lang: lang, Loc: loc, WithPhoto: true, Display: subscriptions.DisplayCompact, Hashtags: true}},
				{"full", Options{Lang: lang, Loc: loc, WithPhoto: true, Hashtags: true}},
				{"headlines", Options{Lang: lang, Loc: loc, WithPhoto: true, Display: subscriptions.DisplayHeadlines}},
			} {
				m := Article(a, tc.o)
				limit := MaxText
				if m.Photo != "" {
					limit = MaxCaption
				}
				if (m.Photo != "") != (tc.name == "full") {
					t.Errorf("%s: photo %q, want one only in full", tc.name, m.Photo)
				}
				plain := valid(t, m.Text, limit)
				for _, tag := range a.Hashtags() {
					if strings.Contains(plain, tag) != tc.o.Hashtags {
						t.Errorf("%s: hashtag %s shown = %t, want %t", tc.name, tag, !tc.o.Hashtags, tc.o.Hashtags)
					}
				}
				if tc.name != "full" && strings.Contains(plain, strings.SplitN(a.Summary, " ", 3)[1]) {
					t.Errorf("%s: the summary is shown: %q", tc.name, plain)
				}
				fmt.Fprintf(&w, "== article %s ==\n", tc.name)
				describe(&w, m.Text, m.Photo, limit, plain)
			}
			items := newsItems()[:6]
			slot := time.Date(2023, time.March, 6, 8, 0, 0, 0, loc)
			for _, tc := range []struct {
				name string
				d    subscriptions.Digest
				o    Options
			}{
				{"weekly compact", subscriptions.Digest{Form: subscriptions.DigestWeekly, Slot: slot, Articles: items},
					Options{Lang: lang, Loc: loc, Display: subscriptions.DisplayCompact}},
				{"headlines", subscriptions.Digest{Form: subscriptions.DigestHeadlines, Slot: slot.Add(6*time.Hour + 30*time.Minute), Articles: items[:3]},
					Options{Lang: lang, Loc: loc, Display: subscriptions.DisplayHeadlines}},
			} {
				parts := Digest(tc.d, tc.o)
				if len(parts) != 1 {
					t.Fatalf("%s: %d parts, want 1", tc.name, len(parts))
				}
				checkOnce(t, tc.d.Articles, parts)
				fmt.Fprintf(&w, "== %s ==\n", tc.name)
				describe(&w, parts[0], "", MaxText, valid(t, parts[0], MaxText))
			}
			golden.Check(t, "display_"+lang, w.String())
		})
	}
}
