package feed

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/internal/fakeportal"
	"github.com/osipovichi/newsbot/subscriptions"
)

const (
	ruListing = "/ru/news-rayon-ru/"
	beListing = "/be/news-rayon-be/"
	enListing = "/en/news-rayon-en/"
)

// minskTime is a wall-clock time in Minsk (UTC+3), as UTC.
func minskTime(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, time.FixedZone("+03", 3*3600)).UTC()
}

func parseListingFixture(t *testing.T, name, pageURL string, sel Selectors) *Listing {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	l, err := ParseListing(b, pageURL, sel)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestNormaliseListingRussian(t *testing.T) {
	const page = "https://osipovichi.gov.by/ru/news-rayon-ru/"
	l := parseListingFixture(t, "listing-ru.html", page, Selectors{})
	if len(l.Items) != 6 || l.Language != "ru" {
		t.Fatalf("got %d items in %q, want 6 in ru", len(l.Items), l.Language)
	}
	f := subscriptions.Feed{ID: 7, URL: page, Section: "district", Kind: subscriptions.SourceListing}
	got := NormaliseListing(l, f, page, nil, testNow)
	art := func(slug, title, summary, image string, published time.Time) subscriptions.Article {
		link := "https://osipovichi.gov.by/ru/news-rayon-ru/view/" + slug + "/"
		return subscriptions.Article{FeedID: 7, Key: link, Title: title, Summary: summary, Link: link, ImageURL: image,
			Published: published, Section: "district", Language: "ru", FirstSeen: testNow}
	}
	want := []subscriptions.Article{
		art("vesennij-sev-12352", "Хозяйства района готовятся к весеннему севу",
			"В хозяйствах Осиповичского района завершается ремонт техники.\nК севу готовы 96 % тракторов.",
			"https://osipovichi.gov.by/files/news/thumbs/12352.jpg", minskTime(2023, 3, 3, 15, 40)), // "Сегодня, 15:40"
		art("itogi-raboty-apk-za-2022-god-12345", "Итоги работы агропромышленного комплекса района за 2022 год подвели в Осиповичах",
			"Расширенное заседание райисполкома по итогам работы АПК прошло 3 марта.",
			"https://osipovichi.gov.by/files/news/thumbs/12345.jpg", minskTime(2023, 3, 3, 13, 30)), // lazy data-src
		art("priem-grazhdan-12344", "Прием граждан проведет председатель «Осиповичского» райисполкома",
			"4 марта с 9.00 до 12.00 прием граждан проведет председатель райисполкома.",
			"https://osipovichi.gov.by/files/news/thumbs/12344.jpg", minskTime(2023, 3, 2, 10, 15)), // background image, #fragment dropped
		art("subbotnik-12340", "Районный субботник пройдет 25 марта", "", "", minskTime(2023, 3, 1, 0, 0)),
		art("vybory-12338", "Молодежь района приняла участие в областном форуме",
			"Делегация Осиповичского района приняла участие в областном молодежном форуме в Могилеве.",
			"https://osipovichi.gov.by/files/news/thumbs/12338.png", minskTime(2023, 2, 28, 17, 5)), // ../../ resolved
		// The sixth block repeats the second one's link: dropped.
	}
	assertArticles(t, got, want)
}

func TestNormaliseListingBelarusianAndEnglish(t *testing.T) {
	tests := []struct {
		file, page string
		titles     []string
		published  []time.Time
		images     []string
		lang       string
	}{
		{
			"listing-be.html", "https://osipovichi.gov.by/be/news-rayon-be/",
			[]string{"Вынікі работы аграпрамысловага комплексу раёна за 2022 год падвялі ў Асіповічах", "Прыём грамадзян правядзе старшыня райвыканкама",
				"Моладзь раёна ўзяла ўдзел у абласным форуме", "Дзень беларускай мовы адзначылі ў бібліятэках раёна"},
			[]time.Time{minskTime(2023, 3, 3, 13, 30), minskTime(2023, 3, 2, 0, 0), minskTime(2023, 2, 28, 17, 5), minskTime(2023, 2, 27, 0, 0)},
			[]string{"https://osipovichi.gov.by/files/news/thumbs/12345.jpg", "", "https://osipovichi.gov.by/files/news/thumbs/12338.png", ""},
			"be",
		},
		{
			"listing-en.html", "https://osipovichi.gov.by/en/news-rayon-en/",
			[]string{"Osipovichi District sums up agricultural results of 2022", "Belarus, Russia approve Union State information security concept",
				"Tourist potential of Osipovichi District"},
			[]time.Time{minskTime(2023, 3, 3, 16, 30), minskTime(2023, 3, 2, 12, 47), minskTime(2023, 2, 20, 0, 0)},
			[]string{"https://osipovichi.gov.by/files/news/thumbs/12345.jpg", "https://osipovichi.gov.by/files/news/thumbs/12346-320.jpg", ""},
			"en",
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			l := parseListingFixture(t, tt.file, tt.page, Selectors{})
			got := NormaliseListing(l, subscriptions.Feed{ID: 1, Section: "news"}, tt.page, nil, testNow)
			if len(got) != len(tt.titles) {
				t.Fatalf("got %d articles, want %d", len(got), len(tt.titles))
			}
			for i, a := range got {
				if a.Title != tt.titles[i] || !a.Published.Equal(tt.published[i]) || a.ImageURL != tt.images[i] || a.Language != tt.lang {
					t.Errorf("article %d: got %q %v %q %q, want %q %v %q %q", i, a.Title, a.Published, a.ImageURL, a.Language,
						tt.titles[i], tt.published[i], tt.images[i], tt.lang)
				}
				if !strings.HasPrefix(a.Link, "https://osipovichi.gov.by/"+tt.lang+"/") || a.Key != a.Link {
					t.Errorf("article %d: link %q, key %q; want an absolute link as the key", i, a.Link, a.Key)
				}
			}
			if tt.lang == "be" && got[0].Link != "https://osipovichi.gov.by/be/news-rayon-be/view/itogi-apk-12345/" {
				t.Errorf("link relative to <base href>: got %q", got[0].Link)
			}
			if tt.lang == "en" && !strings.Contains(got[1].Summary, "MINSK, 2 March (BelTA) – The Supreme State Council") {
				t.Errorf("summary: got %q", got[1].Summary)
			}
		})
	}
}

func TestParseListingSelectors(t *testing.T) {
	const page = "https://osipovichi.gov.by/ru/news-rayon-ru/"
	if l := parseListingFixture(t, "listing-changed.html", page, Selectors{}); len(l.Items) != 0 {
		t.Fatalf("changed markup with the defaults: got %d items, want none", len(l.Items))
	}
	sel := Selectors{Item: ".cards .card", Title: ".card__caption", Link: "a.card__link", Date: ".card__when"}
	l := parseListingFixture(t, "listing-changed.html", page, sel)
	got := NormaliseListing(l, subscriptions.Feed{ID: 1}, page, nil, testNow)
	if len(got) != 2 || got[1].Title != "Итоги работы агропромышленного комплекса района за 2022 год подвели в Осиповичах" ||
		got[1].Link != "https://osipovichi.gov.by/ru/news-rayon-ru/view/itogi-raboty-apk-za-2022-god-12345/" || got[1].Summary != "" {
		t.Fatalf("with overrides: got %+v", got)
	}
	// The date was "3 марта 2023" without a time, today at testNow: first seen.
	if !got[0].Published.Equal(testNow) {
		t.Errorf("a date of today without a time: got %v, want %v", got[0].Published, testNow)
	}

	if _, err := ParseListing([]byte("<html></html>"), page, Selectors{Title: "h2[", Item: ".x"}); err == nil || !strings.Contains(err.Error(), `title "h2[" is not a valid CSS selector`) {
		t.Errorf("invalid selector: got %v", err)
	}
	if err := (Selectors{Date: "time::"}).Validate(); err == nil || !strings.HasPrefix(err.Error(), `date "time::" is not a valid CSS selector`) {
		t.Errorf("Validate: got %v", err)
	}
	if err := DefaultSelectors.Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
	if s := (Selectors{Item: ".a", Image: "img.b"}).String(); s != "item=.a; image=img.b" {
		t.Errorf("String: got %q", s)
	}
}

func TestParseListingDate(t *testing.T) {
	minskLoc, err := time.LoadLocation("Europe/Minsk")
	if err != nil {
		t.Fatal(err)
	}
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	now := testNow // 3 March 2023, 20:00 in Minsk
	tests := []struct {
		in       string
		loc      *time.Location
		want     time.Time
		wantTime bool
	}{
		{"2 марта 2023", nil, minskTime(2023, 3, 2, 0, 0), false},
		{"2 марта 2023 г.", minskLoc, minskTime(2023, 3, 2, 0, 0), false},
		{"2 марта 2023 10:15", nil, minskTime(2023, 3, 2, 10, 15), true},
		{"2 марта 2023 г. в 10:15", nil, minskTime(2023, 3, 2, 10, 15), true},
		{"02 МАРТА 2023, 10:15", nil, minskTime(2023, 3, 2, 10, 15), true},
		{"2 мар. 2023", nil, minskTime(2023, 3, 2, 0, 0), false},
		{"15 мая 2022", nil, minskTime(2022, 5, 15, 0, 0), false},
		{"1 сентября 2022 года", nil, minskTime(2022, 9, 1, 0, 0), false},
		{"2 сакавіка 2023", nil, minskTime(2023, 3, 2, 0, 0), false},
		{"2 сакавiка 2023", nil, minskTime(2023, 3, 2, 0, 0), false}, // Latin i
		{"28 лютага 2023 г. у 17:05", nil, minskTime(2023, 2, 28, 17, 5), true},
		{"14 ліпеня 2022", nil, minskTime(2022, 7, 14, 0, 0), false},
		{"7 лістапада 2022", nil, minskTime(2022, 11, 7, 0, 0), false},
		{"2 March 2023", nil, minskTime(2023, 3, 2, 0, 0), false},
		{"2 March 2023, 12:47", nil, minskTime(2023, 3, 2, 12, 47), true},
		{"March 2, 2023", nil, minskTime(2023, 3, 2, 0, 0), false},
		{"Mar 2, 2023 3:05 PM", nil, minskTime(2023, 3, 2, 15, 5), true},
		{"February 20th, 2023", nil, minskTime(2023, 2, 20, 0, 0), false},
		{"02.03.2023", nil, minskTime(2023, 3, 2, 0, 0), false},
		{"02.03.2023 10:15", nil, minskTime(2023, 3, 2, 10, 15), true},
		{"2.3.23", nil, minskTime(2023, 3, 2, 0, 0), false},
		{"10:15 02.03.2023", nil, minskTime(2023, 3, 2, 10, 15), true},
		{"02/03/2023", nil, minskTime(2023, 3, 2, 0, 0), false},
		{"2023-03-02", nil, minskTime(2023, 3, 2, 0, 0), false},
		{"2023-03-02T10:15:00+03:00", nil, minskTime(2023, 3, 2, 10, 15), true},
		{"2023-03-02T07:15:00Z", tokyo, minskTime(2023, 3, 2, 10, 15), true},
		{"Thu, 02 Mar 2023 10:15:00 +0300", nil, minskTime(2023, 3, 2, 10, 15), true},
		{"02.03.2023 10:15 MSK", tokyo, minskTime(2023, 3, 2, 10, 15), true},
		{"Опубликовано: 02.03.2023 | Просмотров: 125", nil, minskTime(2023, 3, 2, 0, 0), false},
		{"Сегодня, 15:40", nil, minskTime(2023, 3, 3, 15, 40), true},
		{"сегодня", nil, minskTime(2023, 3, 3, 0, 0), false},
		{"Сёння ў 09:05", nil, minskTime(2023, 3, 3, 9, 5), true},
		{"Вчера, 18:40", nil, minskTime(2023, 3, 2, 18, 40), true},
		{"Учора", nil, minskTime(2023, 3, 2, 0, 0), false},
		{"Today 08:00", nil, minskTime(2023, 3, 3, 8, 0), true},
		{"Yesterday", nil, minskTime(2023, 3, 2, 0, 0), false},
		{"2 марта", nil, minskTime(2023, 3, 2, 0, 0), false},                              // this year
		{"28 декабря, 11:00", nil, minskTime(2022, 12, 28, 11, 0), true},                  // no year, in the future: last year
		{"2 марта 2023 10:15", tokyo, time.Date(2023, 3, 2, 1, 15, 0, 0, time.UTC), true}, // the configured zone
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, hasTime, ok := ParseListingDate(tt.in, tt.loc, now)
			if !ok || !got.Equal(tt.want) || hasTime != tt.wantTime {
				t.Errorf("got %v (time %v, ok %v), want %v (time %v)", got, hasTime, ok, tt.want, tt.wantTime)
			}
		})
	}
	for _, bad := range []string{"", "   ", "вчерашний день", "31.02.2023", "32 марта 2023", "02.13.2023", "2 марта 2023 25:00",
		"01.01.1970", "просмотров: 12", "Новости", strings.Repeat("1", 300), "\xff\xfe"} {
		if got, _, ok := ParseListingDate(bad, nil, now); ok {
			t.Errorf("ParseListingDate(%q) = %v, want no date", bad, got)
		}
	}
}

// newListingEnv is newEnv (over backing, the fake store when nil) with the listing pages on the portal.
// opts, if not nil, adjusts the options once the source URLs are absolute;
// the options are returned to start another poller (a restart) on the same store.
func newListingEnv(t testing.TB, backing backingStore, opts func(*PollerOptions), cfgs ...subscriptions.FeedConfig) (*pollerEnv, PollerOptions) {
	t.Helper()
	e, o := newEnv(t, backing, opts, cfgs...)
	for _, r := range []fakeportal.Route{
		{Path: ruListing, File: "listing-ru.html"}, {Path: beListing, File: "listing-be.html"}, {Path: enListing, File: "listing-en.html"},
	} {
		if err := e.portal.Serve(r.Path, r.File, "text/html; charset=utf-8"); err != nil {
			t.Fatal(err)
		}
	}
	return e, o
}

// restart returns a new poller on the options (and so the store) of another.
func restart(t testing.TB, o PollerOptions) *Poller {
	t.Helper()
	o.Registerer = nil
	p, err := NewPoller(o)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func listingSource(path string) subscriptions.FeedConfig {
	return subscriptions.FeedConfig{Section: "district", URL: path, Kind: subscriptions.SourceListing}
}

const newListingBlock = `<div class="news_block">
        <div class="news_img"><a href="/ru/news-rayon-ru/view/novaja-12360/"><img src="/files/news/thumbs/12360.jpg" alt=""></a></div>
        <div class="news_info">
          <div class="news_date">Сегодня, 19:10</div>
          <div class="news_title"><a href="/ru/news-rayon-ru/view/novaja-12360/">Новая новость района</a></div>
          <div class="news_text">Текст анонса.</div>
        </div>
      </div>
      `

// withBlockOnTop inserts a news block before the first one of a listing page.
func withBlockOnTop(t testing.TB, page []byte, block string) []byte {
	t.Helper()
	const first = `<div class="news_block">`
	if !bytes.Contains(page, []byte(first)) {
		t.Fatal("no news block in the page")
	}
	return bytes.Replace(page, []byte(first), []byte(block+first), 1)
}

func TestListingPollerNoFloodNoDuplicates(t *testing.T) {
	contract(t, func(t *testing.T, k storeKind) {
		e, opts := newListingEnv(t, k.open(t), func(o *PollerOptions) { o.ArticlePages = -1 }, listingSource(ruListing))
		ctx := context.Background()
		if err := e.poller.PollOnce(ctx); err != nil {
			t.Fatal(err)
		}
		first := e.store.lastIngest()
		if !first.out.First || len(first.articles) != 5 || len(e.store.announced()) != 0 || len(e.onNew) != 0 {
			t.Fatalf("first poll: got First=%v, %d articles, %d announced; want first, 5, none", first.out.First, len(first.articles), len(e.store.announced()))
		}
		if first.res.ETag == "" || first.res.ResolvedURL != "" || first.articles[0].Section != "district" || first.articles[0].Language != "ru" {
			t.Errorf("first poll: got %+v, first article %+v", first.res, first.articles[0])
		}
		h := e.health(t, 0)
		if h.ReadAs != ReadAsListing || h.ItemCount != 5 || h.Encoding != "utf-8" || h.LastOutcome != OutcomeOK {
			t.Errorf("health: got %+v", h)
		}
		if logs := e.logs.String(); !strings.Contains(logs, "reading the page as a news listing") || !strings.Contains(logs, "read_as=listing") {
			t.Errorf("logs do not say how the page is read:\n%s", logs)
		}

		// Unchanged page: 304, no store call.
		e.clock.Advance(5 * time.Minute)
		calls := len(e.store.calls)
		if err := e.poller.PollOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if len(e.store.calls) != calls || e.health(t, 0).LastOutcome != OutcomeNotModified {
			t.Errorf("304: store called %v, outcome %s; want no call, not_modified", e.store.calls[calls:], e.health(t, 0).LastOutcome)
		}
		reqs := e.portal.Requests(ruListing)
		if got := reqs[len(reqs)-1].Header.Get("If-None-Match"); got != first.res.ETag {
			t.Errorf("If-None-Match: got %q, want %q", got, first.res.ETag)
		}

		// A new block on top: announced once.
		page, _ := os.ReadFile("testdata/listing-ru.html")
		withNew := withBlockOnTop(t, page, newListingBlock)
		e.portal.Set(ruListing, withNew, "text/html; charset=utf-8")
		e.clock.Advance(5 * time.Minute)
		if err := e.poller.PollOnce(ctx); err != nil {
			t.Fatal(err)
		}
		newKey := e.portal.URL("/ru/news-rayon-ru/view/novaja-12360/")
		if got := e.store.announced(); len(got) != 1 || got[0] != newKey {
			t.Fatalf("announced: got %q, want %q once", got, newKey)
		}
		if a := e.store.lastIngest().out.New[0]; a.Title != "Новая новость района" || !a.Published.Equal(minskTime(2023, 3, 3, 19, 10)) || a.Summary != "Текст анонса." {
			t.Errorf("new article: got %+v", a)
		}
		if len(e.onNew) != 1 {
			t.Errorf("OnNew called %d times, want 1", len(e.onNew))
		}

		// Removed, then back, then the blocks reordered: never announced again.
		for _, body := range [][]byte{page, withNew, bytes.Replace(withNew, []byte(`<div class="news_block">`), []byte(`<div class="news_block" data-x="1">`), 1)} {
			e.portal.Set(ruListing, body, "text/html; charset=utf-8")
			e.clock.Advance(5 * time.Minute)
			if err := e.poller.PollOnce(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if len(e.store.announced()) != 1 {
			t.Errorf("after removal and re-adding: announced %q, want one", e.store.announced())
		}

		// Restart on the same store: nothing new, nothing announced.
		e.clock.Advance(time.Hour)
		if err := restart(t, opts).PollOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if len(e.store.announced()) != 1 || len(e.store.lastIngest().out.New) != 0 {
			t.Errorf("after restart: announced %q, new %d; want 1, 0", e.store.announced(), len(e.store.lastIngest().out.New))
		}
	})
}

func TestListingNewSourceAnnouncesNothing(t *testing.T) {
	contract(t, func(t *testing.T, k storeKind) {
		e, opts := newListingEnv(t, k.open(t), nil, listingSource(ruListing))
		ctx := context.Background()
		if err := e.poller.PollOnce(ctx); err != nil {
			t.Fatal(err)
		}
		// Two listing sources added to the configuration: their first polls announce nothing.
		be, en := listingSource(e.portal.URL(beListing)), listingSource(e.portal.URL(enListing))
		opts.Feeds = append(opts.Feeds, be, en)
		e.clock.Advance(5 * time.Minute)
		if err := restart(t, opts).PollOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if len(e.store.announced()) != 0 {
			t.Errorf("announced %q, want nothing", e.store.announced())
		}
		if n := len(e.portal.Requests("/ru/news-rayon-ru/view/subbotnik-12340/")); n != 0 {
			t.Errorf("article pages fetched on first polls: %d, want 0", n)
		}
		for i, want := range []int{5, 4, 3} {
			if n := e.store.stored(int64(i + 1)); n != want {
				t.Errorf("feed %d: %d articles stored, want %d", i+1, n, want)
			}
		}
	})
}

func TestListingChangedMarkupFails(t *testing.T) {
	e, _ := newListingEnv(t, nil, nil, listingSource(ruListing))
	ctx := context.Background()
	if err := e.poller.PollOnce(ctx); err != nil {
		t.Fatal(err)
	}
	changed, _ := os.ReadFile("testdata/listing-changed.html")
	e.portal.Set(ruListing, changed, "text/html; charset=utf-8")
	e.clock.Advance(5 * time.Minute)
	err := e.poller.PollOnce(ctx)
	if !errors.Is(err, ErrNoListingItems) {
		t.Fatalf("got %v, want ErrNoListingItems", err)
	}
	want := `no news items found on ` + e.portal.URL(ruListing) + ` with selector "` + DefaultSelectors.Item + `": the page layout may have changed`
	if got := e.store.failures[0].errText; got != want {
		t.Errorf("recorded %q,\nwant %q", got, want)
	}
	h := e.health(t, 0)
	if h.LastOutcome != OutcomeError || h.ConsecutiveFailures != 1 || h.NextPollAt.Sub(e.clock.Now()) < 50*time.Second {
		t.Errorf("health: got %+v, want an error with backoff", h)
	}
	if n := e.store.count("IngestFeed"); n != 1 || e.store.stored(1) != 5 {
		t.Errorf("IngestFeed called %d times, %d stored; want 1 (first poll), 5 kept", n, e.store.stored(1))
	}

	// With an override, the same page reads again.
	e2, _ := newListingEnv(t, nil, func(o *PollerOptions) {
		o.Selectors = map[string]Selectors{o.Feeds[0].URL: {Item: ".card", Title: ".card__caption", Link: "a", Date: ".card__when"}}
	}, listingSource(ruListing))
	e2.portal.Set(ruListing, changed, "text/html; charset=utf-8")
	if err := e2.poller.PollOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e2.store.lastIngest().articles; len(got) != 2 || got[0].Title != "Хозяйства района готовятся к весеннему севу" {
		t.Errorf("with overrides: got %+v", got)
	}
}

func TestListingPollerFaults(t *testing.T) {
	contract(t, func(t *testing.T, k storeKind) {
		messages := map[fakeportal.Fault]string{
			fakeportal.Fault500:          "the portal answered 500 internal server error (GET ",
			fakeportal.Fault404:          "the portal answered 404 not found (GET ",
			fakeportal.Fault503:          "the portal answered 503 service unavailable and asked to retry after 2m0s (GET ",
			fakeportal.Fault429:          "the portal answered 429 too many requests and asked to retry after 1m30s (GET ",
			fakeportal.FaultSlowBody:     "the portal did not answer in time (GET ",
			fakeportal.FaultHang:         "the portal did not answer in time (GET ",
			fakeportal.FaultHTML:         "no news items found on",
			fakeportal.FaultRandom:       "not an HTML page (application/rss+xml, the body does not start with markup)",
			fakeportal.FaultHuge:         "the feed is larger than the 1 MiB limit (GET ",
			fakeportal.FaultRedirectLoop: "the portal redirected more than 5 times (GET ",
			fakeportal.FaultEmpty:        "no news items found: empty body",
		}
		for _, fault := range fakeportal.Faults {
			t.Run(string(fault), func(t *testing.T) {
				t.Parallel()
				e, _ := newListingEnv(t, k.open(t), fetchTimeout(fault), listingSource(ruListing))
				ctx := context.Background()
				if err := e.poller.PollOnce(ctx); err != nil {
					t.Fatal(err)
				}
				e.portal.Fault(ruListing, fault)
				e.clock.Advance(time.Minute)
				err := e.poller.PollOnce(ctx)
				if fault == fakeportal.FaultTruncated {
					// Half a page is still a page: its items are read, and nothing stored is lost.
					if err != nil || e.store.stored(1) != 5 || len(e.store.announced()) != 0 {
						t.Fatalf("truncated page: got %v, %d stored, %q announced", err, e.store.stored(1), e.store.announced())
					}
					return
				}
				if err == nil {
					t.Fatal("got no error")
				}
				msg := e.store.failures[0].errText
				if !strings.Contains(msg, messages[fault]) || !strings.Contains(msg, e.portal.URL(ruListing)) {
					t.Errorf("recorded %q, want it to contain %q and the URL", msg, messages[fault])
				}
				if h := e.health(t, 0); h.ConsecutiveFailures != 1 || !h.NextPollAt.After(e.clock.Now()) {
					t.Errorf("health: got %+v", h)
				}
				e.portal.Fault(ruListing, fakeportal.FaultNone)
				e.clock.Advance(10 * time.Minute)
				if err := e.poller.PollOnce(ctx); err != nil {
					t.Fatalf("recovery: %v", err)
				}
				if h := e.health(t, 0); h.ConsecutiveFailures != 0 || h.LastOutcome != OutcomeOK || e.store.stored(1) != 5 || len(e.store.announced()) != 0 {
					t.Errorf("after recovery: health %+v, %d stored, %q announced", h, e.store.stored(1), e.store.announced())
				}
			})
		}
	})
}

func TestListingDetected(t *testing.T) {
	// A feed source (no html:) whose page has no feed link but news blocks.
	e, _ := newListingEnv(t, nil, nil, subscriptions.FeedConfig{Section: "news", URL: ruListing})
	ctx := context.Background()
	if err := e.poller.PollOnce(ctx); err != nil {
		t.Fatal(err)
	}
	in := e.store.lastIngest()
	if len(in.articles) != 5 || in.res.ResolvedURL != "" {
		t.Fatalf("got %d articles, resolved %q; want 5 from the page itself", len(in.articles), in.res.ResolvedURL)
	}
	if h := e.health(t, 0); h.ReadAs != ReadAsDetectedListing {
		t.Errorf("ReadAs: got %q, want %q", h.ReadAs, ReadAsDetectedListing)
	}
	logs := e.logs.String()
	if !strings.Contains(logs, "no feed link on the page, reading it as a news listing") || !strings.Contains(logs, `read_as="listing (detected)"`) {
		t.Errorf("logs do not say the page is read as a listing:\n%s", logs)
	}
	// Logged once, not at every poll.
	page, _ := os.ReadFile("testdata/listing-ru.html")
	e.portal.Set(ruListing, withBlockOnTop(t, page, newListingBlock), "text/html; charset=utf-8")
	e.clock.Advance(5 * time.Minute)
	if err := e.poller.PollOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(e.logs.String(), "reading it as a news listing"); n != 1 || len(e.store.announced()) != 1 {
		t.Errorf("logged %d times, announced %q; want 1, the new item", n, e.store.announced())
	}
	// The portal adds a feed link: the feed wins.
	e.portal.Set(ruListing, bytes.Replace(page, []byte("</head>"), []byte(`<link rel="alternate" type="application/rss+xml" href="/ru/rss-ru/"></head>`), 1), "text/html; charset=utf-8")
	e.clock.Advance(5 * time.Minute)
	if err := e.poller.PollOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if h := e.health(t, 0); h.ReadAs != ReadAsFeed || h.DiscoveredURL != e.portal.URL("/ru/rss-ru/") {
		t.Errorf("after a feed link appeared: got %+v", h)
	}
}

func TestListingArticlePages(t *testing.T) {
	e, _ := newListingEnv(t, nil, nil, listingSource(ruListing))
	article, _ := os.ReadFile("testdata/article-page.html")
	for _, p := range []string{"/ru/news-rayon-ru/view/a-1/", "/ru/news-rayon-ru/view/a-2/", "/ru/news-rayon-ru/view/a-3/", "/ru/news-rayon-ru/view/a-4/"} {
		e.portal.Set(p, article, "text/html; charset=utf-8")
	}
	ctx := context.Background()
	if err := e.poller.PollOnce(ctx); err != nil {
		t.Fatal(err)
	}
	// The old item without picture or teaser (subbotnik) is not fetched.
	page, _ := os.ReadFile("testdata/listing-ru.html")
	bare := func(n string) string {
		return `<div class="news_block"><div class="news_date">Сегодня, 19:0` + n + `</div><div class="news_title"><a href="/ru/news-rayon-ru/view/a-` + n + `/">Новость ` + n + `</a></div></div>`
	}
	withFour := withBlockOnTop(t, page, bare("1")+bare("2")+bare("3")+bare("4"))
	e.portal.Set(ruListing, withFour, "text/html; charset=utf-8")
	e.clock.Advance(5 * time.Minute)
	if err := e.poller.PollOnce(ctx); err != nil {
		t.Fatal(err)
	}
	fetched := 0
	for _, n := range []string{"1", "2", "3", "4"} {
		fetched += len(e.portal.Requests("/ru/news-rayon-ru/view/a-" + n + "/"))
	}
	if fetched != DefaultArticlePages || len(e.portal.Requests("/ru/news-rayon-ru/view/subbotnik-12340/")) != 0 {
		t.Errorf("article pages fetched: %d (and the old item %d), want %d (and 0)", fetched, len(e.portal.Requests("/ru/news-rayon-ru/view/subbotnik-12340/")), DefaultArticlePages)
	}
	newArts := e.store.lastIngest().out.New
	if len(newArts) != 4 {
		t.Fatalf("got %d new, want 4", len(newArts))
	}
	a := newArts[0]
	if a.ImageURL != e.portal.URL("/files/news/12340/subbotnik.jpg") || a.Summary != "Республиканский субботник пройдет 25 марта. Заработанные средства направят на благоустройство." {
		t.Errorf("enriched article: got image %q, summary %q", a.ImageURL, a.Summary)
	}
	if newArts[3].ImageURL != "" {
		t.Errorf("the fourth new item: got image %q, want none (limit reached)", newArts[3].ImageURL)
	}

	// The next poll keeps what was found without fetching again, so the store sees no edit.
	e.portal.Set(ruListing, append(withFour, ' '), "text/html; charset=utf-8")
	e.clock.Advance(5 * time.Minute)
	if err := e.poller.PollOnce(ctx); err != nil {
		t.Fatal(err)
	}
	again := 0
	for _, n := range []string{"1", "2", "3", "4"} {
		again += len(e.portal.Requests("/ru/news-rayon-ru/view/a-" + n + "/"))
	}
	if again != fetched || e.store.lastIngest().out.Updated != 0 {
		t.Errorf("second poll: %d article requests in all, %d updated; want %d, 0", again, e.store.lastIngest().out.Updated, fetched)
	}
}

func TestPreviewListing(t *testing.T) {
	p := testPortal(t)
	page, _ := os.ReadFile("testdata/listing-ru.html")
	changed, _ := os.ReadFile("testdata/listing-changed.html")
	p.Set(ruListing, page, "text/html; charset=utf-8")
	p.Set("/ru/news-changed/", changed, "text/html; charset=utf-8")
	p.Set("/ru/news-detected/", page, "text/html")
	cfgs := []subscriptions.FeedConfig{
		{Section: "district", URL: p.URL(ruListing), Kind: subscriptions.SourceListing},
		{Section: "district", URL: p.URL("/ru/news-changed/"), Kind: subscriptions.SourceListing},
		{Section: "news", URL: p.URL("/ru/news-detected/")},
		{Section: "contacts", URL: p.URL("/ru/contacts-ru/")},
	}
	res := PreviewWith(context.Background(), testFetcher(), cfgs, testNow, PreviewOptions{})
	r := res[0]
	if r.Err != nil || r.ReadAs != ReadAsListing || r.Items != 6 || len(r.Articles) != 5 || r.NoLink != 0 || r.NoDate != 0 ||
		r.Encoding != "utf-8 (content-type header)" || r.ItemSelector != DefaultSelectors.Item || r.ETag == "" || r.Status != 200 ||
		r.Articles[0].Title != "Хозяйства района готовятся к весеннему севу" {
		t.Errorf("listing: got %+v", r)
	}
	if !errors.Is(res[1].Err, ErrNoListingItems) || !strings.Contains(res[1].Err.Error(), "the page layout may have changed") {
		t.Errorf("changed markup: got %v", res[1].Err)
	}
	if d := res[2]; d.Err != nil || d.ReadAs != ReadAsDetectedListing || len(d.Articles) != 5 || d.Encoding != "utf-8 (html meta)" {
		t.Errorf("detected: got %+v", d)
	}
	if !errors.Is(res[3].Err, ErrNoFeedLink) {
		t.Errorf("contacts: got %v, want ErrNoFeedLink", res[3].Err)
	}
	// Overrides and the zone reach the preview.
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	res = PreviewWith(context.Background(), testFetcher(), cfgs[1:2], testNow, PreviewOptions{
		Location:  tokyo,
		Selectors: map[string]Selectors{p.URL("/ru/news-changed/"): {Item: ".card", Title: ".card__caption", Date: ".card__when"}},
	})
	if r := res[0]; r.Err != nil || len(r.Articles) != 2 || !r.Articles[1].Published.Equal(time.Date(2023, 3, 2, 15, 0, 0, 0, time.UTC)) {
		t.Errorf("with overrides in Tokyo: got %+v", r)
	}
}
