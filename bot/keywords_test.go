package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/subscriptions"
	"github.com/osipovichi/newsbot/subscriptions/analyser"
)

func keywordStrings(t *testing.T, h *harness, chatID int64) []string {
	t.Helper()
	kws, err := h.store.Keywords(context.Background(), chatID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, k := range kws {
		out = append(out, k.String())
	}
	return out
}

func TestKeywordsCommand(t *testing.T) {
	for _, lang := range subscriptions.Languages() {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t, harnessOptions{})
			h.feeds("news/" + lang)
			u := userIn(lang, 7500)
			h.say(u, "/subscribe")
			steps := []struct {
				in   string
				want []string // texts the reply must hold
				kws  []string // the list afterwards
			}{
				{"/keywords", []string{i18n.T(lang, "keywords.none"), "/keywords add"}, nil},
				{"/keywords add Дорога, школа, -Реклама", []string{i18n.T(lang, "keywords.added", "дорога, школа, -реклама"),
					i18n.T(lang, "keywords.only", "дорога, школа"), i18n.T(lang, "keywords.except", "реклама")},
					[]string{"дорога", "школа", "-реклама"}},
				{"/keywords add дорога", []string{i18n.T(lang, "keywords.already", "дорога")}, []string{"дорога", "школа", "-реклама"}},
				{"/keywords детский сад, ёлка", []string{i18n.T(lang, "keywords.added", "детский сад, ёлка")},
					[]string{"дорога", "школа", "детский сад", "ёлка", "-реклама"}},
				{"/keywords remove ДОРОГА, мост", []string{i18n.T(lang, "keywords.removed", "дорога"), i18n.T(lang, "keywords.missing", "мост")},
					[]string{"школа", "детский сад", "ёлка", "-реклама"}},
				{"/keywords remove детский", []string{i18n.T(lang, "keywords.missing", "детский")}, // a phrase goes whole
					[]string{"школа", "детский сад", "ёлка", "-реклама"}},
				{"/keywords add " + strings.Repeat("ы", 41) + ", ???, и, в", []string{
					i18n.T(lang, "keywords.too_long", analyser.MaxKeywordLen, strings.Repeat("ы", 30)+"…"),
					i18n.T(lang, "keywords.empty", "???"), i18n.T(lang, "keywords.common", "и, в")},
					[]string{"школа", "детский сад", "ёлка", "-реклама"}},
				{"/keywords clear", []string{i18n.T(lang, "keywords.cleared")}, nil},
				{"/keywords clear", []string{i18n.T(lang, "keywords.none")}, nil},
				{"/keywords add", []string{"/keywords add"}, nil},
			}
			for _, s := range steps {
				got := h.say(u, s.in).Plain
				for _, w := range s.want {
					if !strings.Contains(got, w) {
						t.Errorf("%s: reply %q lacks %q", s.in, got, w)
					}
				}
				if kws := keywordStrings(t, h, u.ID); !slices.Equal(kws, s.kws) {
					t.Errorf("%s: keywords %q, want %q", s.in, kws, s.kws)
				}
			}
			// The limit of 20, with a clear message.
			var words []string
			for i := 0; i < subscriptions.MaxKeywords+2; i++ {
				words = append(words, fmt.Sprintf("слово%d", i))
			}
			got := h.say(u, "/keywords add "+strings.Join(words, ", ")).Plain
			if want := i18n.T(lang, "keywords.limit", subscriptions.MaxKeywords, "слово20, слово21"); !strings.Contains(got, want) {
				t.Errorf("over the limit: reply %q lacks %q", got, want)
			}
			if n := len(keywordStrings(t, h, u.ID)); n != subscriptions.MaxKeywords {
				t.Errorf("%d keywords stored, want %d", n, subscriptions.MaxKeywords)
			}
		})
	}
}

// TestKeywordsChooseDeliveries checks end to end that keywords decide which
// articles a chat receives.
func TestKeywordsChooseDeliveries(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.feeds("news/ru", "news/be")
	roads, noAds, beRoads, all := userIn("ru", 7600), userIn("ru", 7601), userIn("be", 7602), userIn("ru", 7603)
	for _, u := range []faketelegram.User{roads, noAds, beRoads, all} {
		h.say(u, "/subscribe")
	}
	h.say(roads, "/keywords add дорога")
	h.say(noAds, "/keywords add -реклама")
	h.say(beRoads, "/keywords add дарога")
	before := map[int64]int{}
	for _, u := range []faketelegram.User{roads, noAds, beRoads, all} {
		before[u.ID] = len(h.tg.Messages(u.ID))
	}
	h.publish("news", "ru",
		subscriptions.Article{Title: "Ремонт дорог на улице Ленина", Link: "https://osipovichi.gov.by/ru/r1"},
		subscriptions.Article{Title: "Ярмарка выходного дня", Summary: "Реклама местных производителей", Link: "https://osipovichi.gov.by/ru/r2"},
		subscriptions.Article{Title: "Новый дорожный знак", Categories: []string{"Безопасность"}, Link: "https://osipovichi.gov.by/ru/r3"},
	)
	h.publish("news", "be", subscriptions.Article{Title: "Рамонт дарогі ў Ліпені", Link: "https://osipovichi.gov.by/be/b1"})
	h.waitDelivered()
	want := map[int64][]string{
		roads.ID:   {"Ремонт дорог", "Новый дорожный знак"},
		noAds.ID:   {"Ремонт дорог", "Новый дорожный знак"},
		beRoads.ID: {"Рамонт дарогі"},
		all.ID:     {"Ремонт дорог", "Ярмарка", "Новый дорожный знак"},
	}
	for id, titles := range want {
		got := h.tg.Messages(id)[before[id]:]
		var plain []string
		for _, m := range got {
			plain = append(plain, m.Plain)
		}
		if len(got) != len(titles) {
			t.Errorf("chat %d got %d articles, want %d: %q", id, len(got), len(titles), plain)
			continue
		}
		for i, title := range titles {
			if !strings.Contains(got[i].Plain, title) {
				t.Errorf("chat %d article %d = %q, want %q", id, i, got[i].Plain, title)
			}
		}
	}
}

func TestSearch(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.feeds("news/ru", "news/be")
	u := userIn("ru", 7700)
	day := 24 * time.Hour
	h.publish("news", "ru",
		subscriptions.Article{Title: "Ремонт дороги на улице Ленина", Link: "https://osipovichi.gov.by/ru/s1", Published: h.clock.Now().Add(-3 * day)},
		subscriptions.Article{Title: "Дорожные работы в Липене", Link: "https://osipovichi.gov.by/ru/s2", Published: h.clock.Now().Add(-day)},
		subscriptions.Article{Title: "Ёлка на площади", Summary: "Праздник для детей <b>и</b> взрослых", Link: "https://osipovichi.gov.by/ru/s3"},
	)
	h.publish("news", "be", subscriptions.Article{Title: "Аб'явы райвыканкама", Summary: "Рамонт на вуліцы Сумской", Link: "https://osipovichi.gov.by/be/s4"})
	for i := 0; i < 12; i++ {
		h.publish("news", "ru", subscriptions.Article{Title: fmt.Sprintf("Субботник номер %d", i), Link: fmt.Sprintf("https://osipovichi.gov.by/ru/sub%d", i),
			Published: h.clock.Now().Add(time.Duration(i) * time.Hour)})
	}
	h.waitDelivered()

	tests := []struct {
		q     string
		want  []string
		count int
	}{
		{"дорога", []string{"Дорожные работы в Липене", "Ремонт дороги на улице Ленина", i18n.T("ru", "search.header", "дорога")}, 2},
		{"ДОРОГ", []string{"Дорожные работы", "Ремонт дороги"}, 2},
		{"елка", []string{"Ёлка на площади"}, 1},
		{"праздник детей", []string{"Ёлка на площади"}, 1},
		{"вулица", []string{"Аб'явы райвыканкама"}, 1},
		{"аб’ява", []string{"Аб'явы райвыканкама"}, 1},
		{"субботник", []string{"Субботник номер 11", "Субботник номер 2"}, 10},
		{"мост", []string{i18n.T("ru", "search.none", "мост")}, 0},
		{`"* NEAR( ремонт OR`, []string{i18n.T("ru", "search.none", `"* NEAR( ремонт OR`)}, 0},
		{"?!", []string{i18n.T("ru", "search.hint")}, 0},
	}
	for _, tt := range tests {
		h.clock.Advance(10 * time.Second) // keep under the limit
		m := h.say(u, "/search "+tt.q)
		for _, w := range tt.want {
			if !strings.Contains(m.Plain, w) {
				t.Errorf("/search %s: %q lacks %q", tt.q, m.Plain, w)
			}
		}
		if n := strings.Count(m.Text, "<a href="); n != tt.count {
			t.Errorf("/search %s: %d results, want %d: %q", tt.q, n, tt.count, m.Plain)
		}
		if tt.count > 0 && (!strings.Contains(m.Plain, "—") || !m.LinkPreviewDisabled) {
			t.Errorf("/search %s: results without dates or with a preview: %q", tt.q, m.Plain)
		}
	}
	// About as relevant: newest first. The words found are in bold, in the
	// title or in a line of the summary.
	m := h.say(u, "/search дорога")
	if i, j := strings.Index(m.Plain, "Дорожные"), strings.Index(m.Plain, "Ремонт"); i < 0 || j < 0 || i > j {
		t.Errorf("results not newest first: %q", m.Plain)
	}
	for _, want := range []string{"<b>Дорожные</b> работы в Липене</a>", "Ремонт <b>дороги</b> на улице Ленина</a>"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("/search дорога: %q lacks %q", m.Text, want)
		}
	}
	h.clock.Advance(10 * time.Second)
	m = h.say(u, `/search "для детей"`)
	if want := "Ёлка на площади</a>\nПраздник <b>для детей</b> &lt;b&gt;и&lt;/b&gt; взрослых"; !strings.Contains(m.Text, want) {
		t.Errorf("/search \"для детей\": %q lacks %q", m.Text, want)
	}

	if got := h.say(u, "/search").Plain; got != i18n.T("ru", "search.hint") {
		t.Errorf("/search without text: %q", got)
	}
	if got := h.say(u, "/search "+strings.Repeat("слово ", 20)).Plain; got != i18n.T("ru", "search.too_long", maxSearchQuery) {
		t.Errorf("/search with 120 characters: %q", got)
	}
}

func TestSearchRateLimit(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.feeds("news/ru")
	h.publish("news", "ru", newsArticle(1))
	u, other := userIn("ru", 7800), userIn("ru", 7801)
	for i := 0; i < searchesPerWindow; i++ {
		if got := h.say(u, "/search сквер").Plain; !strings.Contains(got, "Новость номер 1") {
			t.Fatalf("search %d: %q", i+1, got)
		}
		h.clock.Advance(time.Second)
	}
	got := h.say(u, "/search сквер").Plain
	if want := i18n.T("ru", "search.slow_down", 50); got != want {
		t.Fatalf("search %d in a minute: %q, want %q", searchesPerWindow+1, got, want)
	}
	if got := h.say(other, "/search сквер").Plain; !strings.Contains(got, "Новость номер 1") {
		t.Errorf("another person is limited too: %q", got)
	}
	h.clock.Advance(51 * time.Second)
	if got := h.say(u, "/search сквер").Plain; !strings.Contains(got, "Новость номер 1") {
		t.Errorf("a minute later: %q, want results again", got)
	}
	// An over-long query or a hint does not use up searches.
	l := &searchLimiter{now: h.clock.Now, hits: map[int64][]time.Time{}}
	for i := 0; i < searchesPerWindow; i++ {
		if w := l.allow(1); w != 0 {
			t.Fatalf("search %d refused", i+1)
		}
	}
	if w := l.allow(1); w != searchWindow {
		t.Errorf("wait = %v, want %v", w, searchWindow)
	}
}
