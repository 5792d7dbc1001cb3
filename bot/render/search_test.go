package render

import (
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/internal/golden"
	"github.com/osipovichi/newsbot/subscriptions"
)

// foundItems are search results as the bot makes them: marks where the
// query "вода" matched.
func foundItems() []Found {
	at := time.Date(2023, 3, 2, 10, 0, 0, 0, time.UTC)
	title := "Отключение горячей воды на улице Сумченко"
	summary := "В связи с плановым ремонтом тепловых сетей с 10 по 24 июля в домах по улице Сумченко, 12–18 не будет горячей воды. " +
		"Холодная вода подаётся в обычном режиме. Приносим извинения за временные неудобства."
	long := strings.Repeat("Подготовка к отопительному сезону идёт по плану. ", 6) + "Водоснабжение восстановят к вечеру. " +
		strings.Repeat("Бригады работают в две смены. ", 6)
	idx := func(s, sub string) Mark {
		i := strings.Index(s, sub)
		return Mark{Start: i, End: i + len(sub)}
	}
	return []Found{
		{Article: subscriptions.Article{Title: title, Summary: summary, Link: "https://osipovichi.gov.by/ru/news-ru/view/1/", Published: at},
			Title: []Mark{idx(title, "воды")}, Summary: []Mark{idx(summary, "воды"), idx(summary, "вода")}},
		{Article: subscriptions.Article{Title: "Итоги недели", Summary: long, Link: "https://osipovichi.gov.by/ru/news-ru/view/2/", Published: at.Add(-time.Hour)},
			Summary: []Mark{idx(long, "Водоснабжение")}},
		{Article: subscriptions.Article{Title: "Газета «Вода & <газ>»", Link: "https://osipovichi.gov.by/ru/news-ru/view/3/", Published: at.Add(-2 * time.Hour)},
			Title: []Mark{{Start: 15, End: 23}}},
	}
}

func TestGoldenSearch(t *testing.T) {
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			got := Search("вода", foundItems(), false, Options{Lang: lang, Loc: minsk()})
			plain := valid(t, got, MaxText)
			var w strings.Builder
			describe(&w, got, "", MaxText, plain)
			golden.Check(t, "search_"+lang, w.String())
		})
	}
}

func TestSearchMarks(t *testing.T) {
	items := foundItems()
	got := Search("вода", items, false, Options{Lang: "ru", Loc: minsk()})
	for _, want := range []string{
		`<a href="https://osipovichi.gov.by/ru/news-ru/view/1/">Отключение горячей <b>воды</b> на улице Сумченко</a>`,
		"…Подготовка к отопительному сезону идёт по плану. <b>Водоснабжение</b> восстановят к вечеру.",
		"Газета «<b>Вода</b> &amp; &lt;газ&gt;»",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("results lack %q:\n%s", want, got)
		}
	}
	if strings.Count(got, "Холодная") != 0 {
		t.Errorf("a summary line shown although the title has the word:\n%s", got)
	}
	for _, line := range strings.Split(visible(got), "\n") {
		if strings.HasPrefix(line, "…") && len([]rune(line)) > snippetWidth+2 {
			t.Errorf("a summary line of %d characters, want at most %d: %q", len([]rune(line)), snippetWidth+2, line)
		}
	}
}

// FuzzSearch checks that no title, summary or marks (wrong offsets
// included) make HTML that Telegram would refuse.
func FuzzSearch(f *testing.F) {
	f.Add("Отключение горячей воды", "Горячей воды не будет", 21, 29, 0, 12, "вода")
	f.Add("\xff\x00<b>&", "😀\u0301 \n\n x", -5, 100, 3, 2, `"`)
	f.Add(strings.Repeat("я ", 400), strings.Repeat("вода ", 900), 1, 3000, 2000, 2010, "я")
	f.Fuzz(func(t *testing.T, title, summary string, ts, te, ss, se int, query string) {
		found := []Found{{Article: subscriptions.Article{Title: title, Summary: summary, Link: "https://x.by/1"},
			Title: []Mark{{ts, te}}, Summary: []Mark{{ss, se}, {se, ss}}}}
		valid(t, Search(query, append(found, found...), len(query)%2 == 0, Options{Lang: "ru"}), MaxText)
	})
}
