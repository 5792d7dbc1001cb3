package bot

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
	"github.com/osipovichi/newsbot/subscriptions/store"
)

// benchWords are the words of the generated archive, by language: the
// first few are in most articles (as "район" is on the portal), the rest
// spread out, so that searches find a few, hundreds or thousands.
var benchWords = map[string][]string{
	"ru": strings.Fields(`район Осиповичи работы жители ремонт дороги школа праздник урожай больница сквер библиотека выставка
		конкурс спорт турнир завод предприятие продукция экспорт молодёжь ветераны памятник субботник благоустройство
		освещение водопровод газификация автобус маршрут поликлиника вакцинация зерно сев уборка молоко ферма
		лесхоз пожар безопасность милиция суд налог пенсия пособие семья дети детсад выпускники олимпиада`),
	"be": strings.Fields(`раён Асіповічы работы жыхары рамонт дарогі школа свята ураджай бальніца сквер бібліятэка выстава
		конкурс спорт турнір завод прадпрыемства прадукцыя экспарт моладзь ветэраны помнік суботнік добраўпарадкаванне
		асвятленне вадаправод газіфікацыя аўтобус маршрут паліклініка вакцынацыя зерне сяўба уборка малако ферма`),
	"en": strings.Fields(`district Osipovichi works residents repair roads school holiday harvest hospital square library
		exhibition contest sport tournament plant enterprise products export youth veterans monument cleanup
		lighting water gas bus route clinic vaccination grain sowing harvesting milk farm forestry fire safety`),
}

// benchArchive opens a database of n articles over ten years (60% Russian,
// 25% Belarusian, 15% English). Building it takes minutes on a busy
// machine: it is kept in the temporary directory for the next run
// (newsbot-bench-archive-N-vV.db; delete it to build it again).
func benchArchive(b *testing.B, n int) *store.Store {
	b.Helper()
	ctx := context.Background()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("newsbot-bench-archive-%d-v%d.db", n, benchArchiveVersion))
	if _, err := os.Stat(path); err != nil {
		tmp := filepath.Join(b.TempDir(), "archive.db")
		st := buildArchive(b, tmp, n)
		if err := st.Close(); err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
	}
	st, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	return st
}

// benchArchiveVersion changes with what buildArchive writes (2: the
// schema and search index of the text analyser).
const benchArchiveVersion = 2

func buildArchive(b *testing.B, path string, n int) *store.Store {
	b.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(15, 1))
	start := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC)
	feeds := map[string]subscriptions.Feed{}
	for _, lang := range subscriptions.Languages() {
		f, err := st.EnsureFeeds(ctx, []subscriptions.FeedConfig{{Section: "news", Language: lang, URL: "https://osipovichi.gov.by/" + lang + "/rss/"}})
		if err != nil {
			b.Fatal(err)
		}
		feeds[lang] = f[0]
		if _, err := st.IngestFeed(ctx, f[0].ID, subscriptions.FetchResult{At: start}, nil); err != nil {
			b.Fatal(err)
		}
	}
	text := func(lang string, words int) string {
		vocab := benchWords[lang]
		out := make([]string, words)
		for i := range out {
			// Zipf-like: low indexes far more often.
			out[i] = vocab[min(int(rnd.ExpFloat64()*8), len(vocab)-1)]
		}
		return strings.Join(out, " ")
	}
	batch := map[string][]subscriptions.Article{}
	flush := func(lang string) {
		if _, err := st.IngestFeed(ctx, feeds[lang].ID, subscriptions.FetchResult{At: start}, batch[lang]); err != nil {
			b.Fatal(err)
		}
		batch[lang] = nil
	}
	for i := range n {
		lang := "ru"
		switch r := rnd.IntN(100); {
		case r >= 85:
			lang = "en"
		case r >= 60:
			lang = "be"
		}
		a := subscriptions.Article{
			Key: fmt.Sprint(i), Title: text(lang, 8), Summary: text(lang, 40),
			Link:      fmt.Sprintf("https://osipovichi.gov.by/%s/news/view/%d/", lang, i),
			Published: start.Add(time.Duration(i) * 100 * time.Minute), FirstSeen: start, Section: "news", Language: lang,
		}
		if i%3 == 0 {
			a.ImageURL = fmt.Sprintf("https://osipovichi.gov.by/files/%d.jpg", i)
		}
		batch[lang] = append(batch[lang], a)
		if len(batch[lang]) == 1000 {
			flush(lang)
		}
	}
	for lang := range batch {
		flush(lang)
	}
	return st
}

// BenchmarkInlineArchive answers inline queries at the store over an
// archive of 50,000 articles, as inline mode asks it (inline.find: the
// latest in a language, or /search's search of the words, offset+21 rows) and
// reports the median and the 95th percentile.
//
// Run with: go test ./bot -run '^$' -bench InlineArchive -benchtime 300x
func BenchmarkInlineArchive(b *testing.B) {
	st := benchArchive(b, 50000)
	defer st.Close()
	in := &inline{store: st, search: &search{store: st}}
	ctx := context.Background()
	for _, c := range []struct {
		name, query, lang string
		offset            int
	}{
		{"latest_ru", "", "ru", 0},
		{"latest_en_offset80", "", "en", 80},
		{"search_common_word", "район", "ru", 0},
		{"search_common_offset80", "район", "ru", 80},
		{"search_two_words", "ремонт дороги", "ru", 0},
		{"search_rare_word", "олимпиада", "ru", 0},
		{"search_belarusian", "бібліятэка выстава", "be", 0},
		{"search_fts_syntax", `"; DROP TABLE articles; -- NEAR( OR * ^col:x`, "ru", 0},
		{"search_256_characters", inlineQuery(strings.Repeat("район работы ", 20)), "ru", 0},
	} {
		b.Run(c.name, func(b *testing.B) {
			var took []time.Duration
			found := 0
			for b.Loop() {
				start := time.Now()
				arts, err := in.find(ctx, c.query, c.lang, c.offset+inlinePage+1)
				took = append(took, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				found = len(arts)
			}
			slices.Sort(took)
			ms := func(q float64) float64 {
				return float64(took[min(int(q*float64(len(took))), len(took)-1)]) / float64(time.Millisecond)
			}
			b.ReportMetric(ms(0.5), "p50-ms")
			b.ReportMetric(ms(0.95), "p95-ms")
			b.ReportMetric(float64(found), "rows")
		})
	}
}
