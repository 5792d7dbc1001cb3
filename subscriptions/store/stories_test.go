package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
	"github.com/osipovichi/newsbot/subscriptions/analyser"
)

// portalItem is an item of the portal's CMS: its address holds its id.
func portalItem(key, section string, id int, title string, published time.Time) subscriptions.Article {
	return subscriptions.Article{Key: key, Title: title, Link: fmt.Sprintf("https://osipovichi.gov.by/ru/%s/view/%d/", section, id),
		Published: published, FirstSeen: published}
}

// pollAt ingests articles as a poll of f at `at`, with a limit of maxNew
// announced one by one (0: none).
func pollAt(t testing.TB, s *Store, f subscriptions.Feed, at time.Time, maxNew int, as ...subscriptions.Article) subscriptions.IngestResult {
	t.Helper()
	for i := range as {
		as[i].Section, as[i].Language = f.Section, f.Language
		if as[i].FirstSeen.IsZero() {
			as[i].FirstSeen = at
		}
	}
	res, err := s.IngestFeed(context.Background(), f.ID, subscriptions.FetchResult{At: at, MaxNew: maxNew, SiteURL: "https://osipovichi.gov.by/ru/"}, as)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// deliveriesTo counts a chat's article deliveries and digest items: what it gets, one message each.
func deliveriesTo(t testing.TB, s *Store, chat int64) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(`SELECT (SELECT COUNT(*) FROM deliveries WHERE chat_id = ?1 AND kind = 'article')
		+ (SELECT COUNT(*) FROM digest_items WHERE chat_id = ?1)`, chat).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func storedCount(t testing.TB, s *Store) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(`SELECT COUNT(*) FROM articles`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRotatingGUIDsAreTheSameItems (issue 16.4): a CMS that invents new
// GUIDs at every request, the links and titles staying, re-announces
// nothing and stores nothing twice; the stored items follow the new GUIDs.
func TestRotatingGUIDsAreTheSameItems(t *testing.T) {
	s := openTest(t)
	chatWith(t, s, 1, subscriptions.ChatPrivate, "ru")
	f := feedsIn(t, s, "news/ru")["news/ru"]
	items := func(round int, withLinks bool) []subscriptions.Article {
		var out []subscriptions.Article
		for i := range 5 {
			a := portalItem(fmt.Sprintf("guid-%d-%d", round, i), "news-ru", 12340+i,
				fmt.Sprintf("Новость номер %d о жизни Осиповичского района", i), t0.Add(time.Duration(i)*time.Hour))
			if !withLinks {
				a.Link = ""
			}
			out = append(out, a)
		}
		return out
	}
	res := pollAt(t, s, f, t0, 10, items(0, true)...)
	if len(res.New) != 5 || deliveriesTo(t, s, 1) != 5 {
		t.Fatalf("first poll after the feed's first: %d new, %d deliveries; want 5, 5", len(res.New), deliveriesTo(t, s, 1))
	}
	for round := 1; round <= 3; round++ {
		res := pollAt(t, s, f, t0.Add(time.Duration(round)*time.Minute), 10, items(round, true)...)
		if len(res.New) != 0 || res.Enqueued != 0 || res.Updated != 0 {
			t.Errorf("round %d (new GUIDs, same links): %d new, %d enqueued, %d updated; want nothing", round, len(res.New), res.Enqueued, res.Updated)
		}
	}
	// Without links, the title and date still tell.
	res = pollAt(t, s, f, t0.Add(time.Hour), 10, items(4, false)...)
	if len(res.New) != 0 || res.Enqueued != 0 {
		t.Errorf("new GUIDs, no links, same titles and dates: %d new, %d enqueued; want none", len(res.New), res.Enqueued)
	}
	if n := storedCount(t, s); n != 5 {
		t.Errorf("%d articles stored, want 5", n)
	}
	var key string
	if err := s.db.QueryRow(`SELECT item_key FROM articles ORDER BY id LIMIT 1`).Scan(&key); err != nil || key != "guid-4-0" {
		t.Errorf("the stored item's key is %q (%v), want the latest GUID guid-4-0", key, err)
	}
	if n := deliveriesTo(t, s, 1); n != 5 {
		t.Errorf("the resident got %d articles, want 5", n)
	}
}

// TestSameItemNeedsATellingKey: items that share a link or a title within
// one fetch are told apart by their GUIDs, and a short title is no evidence.
func TestSameItemNeedsATellingKey(t *testing.T) {
	s := openTest(t)
	chatWith(t, s, 1, subscriptions.ChatPrivate, "ru")
	f := feedsIn(t, s, "news/ru")["news/ru"]
	home := "https://osipovichi.gov.by/ru/"
	day := []subscriptions.Article{
		{Key: "a", Title: "Объявление", Link: home, Published: t0},
		{Key: "b", Title: "Объявление", Link: home, Published: t0.Add(time.Hour)},
	}
	if res := pollAt(t, s, f, t0, 10, day...); len(res.New) != 2 || res.Enqueued != 2 {
		t.Fatalf("two notices sharing a link and a short title: %d new, %d enqueued; want both", len(res.New), res.Enqueued)
	}
	// A third, with a new GUID, is new: its link is the home page (shared
	// by the others) and its title too short to be anyone's.
	day = append(day, subscriptions.Article{Key: "c", Title: "Объявление", Link: home, Published: t0.Add(2 * time.Hour)})
	if res := pollAt(t, s, f, t0.Add(time.Minute), 10, day...); len(res.New) != 1 || res.Enqueued != 1 {
		t.Errorf("a third notice: %d new, %d enqueued; want it announced", len(res.New), res.Enqueued)
	}
}

// TestOneStoryOneArticle (issue 11.3): the same story in two sections (the
// same portal id, the same title on the same day, the same link) is stored
// in each and delivered once to a chat of both, once to a chat of either,
// listed once in /latest and /search.
func TestOneStoryOneArticle(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	feeds := feedsIn(t, s, "news/ru", "district/ru", "news/be")
	news, district := feeds["news/ru"], feeds["district/ru"]
	chatWith(t, s, 1, subscriptions.ChatPrivate, "ru") // news and district: every section of Russian
	chatWith(t, s, 2, subscriptions.ChatPrivate, "ru") // district only
	if err := s.SetSection(ctx, 2, "news", false, t0); err != nil {
		t.Fatal(err)
	}

	byID := portalItem("n1", "news-ru", 12345, "Итоги работы АПК района за 2022 год", t0)
	sameID := portalItem("d1", "news-rayon-ru", 12345, "АПК района: итоги 2022 года", t0.Add(3*time.Hour))
	byTitle := portalItem("n2", "news-ru", 12350, "Прием граждан проведет председатель райисполкома", t0)
	sameTitle := portalItem("d2", "news-rayon-ru", 99001, "«Прием граждан проведет председатель райисполкома»", t0.Add(5*time.Hour))
	lateTitle := portalItem("d3", "news-rayon-ru", 99002, "Прием граждан проведет председатель райисполкома", t0.Add(30*time.Hour))

	pollAt(t, s, news, t0, 10, byID, byTitle)
	res := pollAt(t, s, district, t0.Add(6*time.Hour), 10, sameID, sameTitle)
	if len(res.New) != 2 {
		t.Fatalf("district: %d new, want 2 stored in the section", len(res.New))
	}
	for i, a := range res.New {
		if a.StoryID == a.ID {
			t.Errorf("district article %d (%q) is a story of its own, want the news article's", i, a.Title)
		}
	}
	res = pollAt(t, s, district, t0.Add(31*time.Hour), 10, lateTitle)
	if len(res.New) != 1 || res.New[0].StoryID != res.New[0].ID {
		t.Errorf("the same title a day later: %+v, want a new story", res.New)
	}
	// Chat 1 had both stories from news: it gets only the later one (another story).
	// Chat 2 (district only) gets all three, each once.
	if got := deliveriesTo(t, s, 1); got != 3 {
		t.Errorf("chat of both sections got %d articles, want 3 (two stories once, and the later one)", got)
	}
	if got := deliveriesTo(t, s, 2); got != 3 {
		t.Errorf("chat of district got %d articles, want 3", got)
	}
	// A repeat poll of news (nothing new) and the same link in a third feed change nothing.
	pollAt(t, s, news, t0.Add(7*time.Hour), 10, byID, byTitle)
	if got := deliveriesTo(t, s, 1) + deliveriesTo(t, s, 2); got != 6 {
		t.Errorf("after repeats: %d deliveries, want 6", got)
	}

	latest, err := s.LatestArticles(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(latest) != 3 {
		t.Errorf("/latest lists %d articles (%q), want 3 stories", len(latest), titles(latest))
	}
	mine, err := s.LatestArticles(ctx, 10, subscriptions.ArticleFilter{Chat: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(mine) != 3 || mine[0].Section != "district" {
		t.Errorf("/latest of the district chat: %q, want its three stories in district", titles(mine))
	}
	inRussian, err := s.LatestArticles(ctx, 10, subscriptions.ArticleFilter{Language: subscriptions.LangRU})
	if err != nil {
		t.Fatal(err)
	}
	if len(inRussian) != 3 {
		t.Errorf("inline mode's latest in Russian lists %q, want 3 stories", titles(inRussian))
	}
	q, err := analyser.ParseQuery("прием граждан")
	if err != nil {
		t.Fatal(err)
	}
	found, err := s.SearchArticles(ctx, q, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 2 {
		t.Errorf("/search lists %q, want the two stories of that title once each", titles(found))
	}
}

// TestPostedArticleJoinsItsStory: an article an admin posted and the same
// story brought later by a feed are one: nobody gets it twice.
func TestPostedArticleJoinsItsStory(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	f := feedsIn(t, s, "news/ru")["news/ru"]
	chatWith(t, s, 1, subscriptions.ChatPrivate, "ru")
	a := portalItem("", "news-ru", 777, "Ремонт моста через Свислочь завершён досрочно", t0)
	a.Section, a.Language = "news", "ru"
	post(t, s, a)
	feedItem := portalItem("guid-777", "news-ru", 777, "Ремонт моста через Свислочь завершён досрочно", t0)
	feedItem.Link = "http://www.osipovichi.gov.by/ru/news-ru/view/777?utm_source=rss"
	res := pollAt(t, s, f, t0.Add(time.Hour), 10, feedItem)
	if len(res.New) != 1 || res.Enqueued != 0 {
		t.Errorf("the feed's copy of a posted article: %d new, %d enqueued; want stored, not sent again", len(res.New), res.Enqueued)
	}
	if got := deliveriesTo(t, s, 1); got != 1 {
		t.Errorf("the resident got %d messages, want 1", got)
	}
	if known, err := s.ArticleByLink(ctx, "https://osipovichi.gov.by/ru/news-ru/view/777/"); err != nil || known.Title != a.Title {
		t.Errorf("ArticleByLink across http/www/tracking: %+v, %v", known, err)
	}
}

// TestFloodAnnouncesTheNewestAndOneMore (issue 16.4): a poll with more new
// items than MaxNew stores them all, announces the newest MaxNew and one
// overflow notice per chat, and writes (MaxNew+1) × chats deliveries.
func TestFloodAnnouncesTheNewestAndOneMore(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	f := feedsIn(t, s, "news/ru")["news/ru"]
	for id := int64(1); id <= 3; id++ {
		chatWith(t, s, id, subscriptions.ChatPrivate, "ru")
	}
	if _, err := s.AddKeywords(ctx, 3, []analyser.Keyword{kw(t, "мост")}, t0); err != nil {
		t.Fatal(err)
	}
	var flood []subscriptions.Article
	for i := range 1200 { // several transactions of ingestBatch

		flood = append(flood, portalItem(fmt.Sprintf("g%d", i), "news-ru", 20000+i,
			fmt.Sprintf("Новость дня номер %d для жителей района", i), t0.Add(time.Duration(i)*time.Minute)))
	}
	res := pollAt(t, s, f, t0.Add(30*time.Hour), 10, flood...)
	if len(res.New) != 1200 || res.Overflow != 1190 || res.OverflowID == 0 {
		t.Fatalf("flood: %d new, overflow %d (id %d); want 1200, 1190", len(res.New), res.Overflow, res.OverflowID)
	}
	// Chats 1 and 2: the 10 newest and the notice. Chat 3 wants bridges: nothing.
	for id, want := range map[int64]int{1: 11, 2: 11, 3: 0} {
		if got := deliveriesTo(t, s, id); got != want {
			t.Errorf("chat %d: %d deliveries, want %d", id, got, want)
		}
	}
	if res.Enqueued != 22 {
		t.Errorf("enqueued %d, want 22 ((10 + 1) × 2)", res.Enqueued)
	}
	rows, err := s.db.Query(`SELECT a.title FROM deliveries d JOIN articles a ON a.id = d.ref WHERE d.chat_id = 1 ORDER BY a.published_at`)
	if err != nil {
		t.Fatal(err)
	}
	var sent []string
	for rows.Next() {
		var title string
		rows.Scan(&title)
		sent = append(sent, title)
	}
	rows.Close()
	if len(sent) != 10 || sent[0] != "Новость дня номер 1190 для жителей района" {
		t.Errorf("announced %q, want the 10 newest (1190–1199)", sent)
	}
	ov, err := s.Overflow(ctx, res.OverflowID)
	if err != nil || ov.Count != 1190 || ov.Section != "news" || ov.Link != "https://osipovichi.gov.by/ru/" {
		t.Errorf("overflow = %+v, %v", ov, err)
	}
	d, err := s.Delivery(ctx, 1, subscriptions.KindArticle, subscriptions.OverflowRef(res.OverflowID))
	if id, ok := d.Overflow(); err != nil || !ok || id != res.OverflowID {
		t.Errorf("chat 1's overflow delivery = %+v, %v", d, err)
	}
	// All are stored and listed.
	if latest, err := s.LatestArticles(ctx, 20); err != nil || len(latest) != 20 || latest[19].Title != "Новость дня номер 1180 для жителей района" {
		t.Errorf("/latest after the flood: %d articles, %v", len(latest), err)
	}
	// A chat whose keyword one of the overflowed items passes gets the notice.
	bridge := portalItem("bridge", "news-ru", 30000, "Новый мост через Свислочь открыли для движения", t0)
	more := append([]subscriptions.Article{bridge}, flood[:0]...)
	for i := range 20 {
		more = append(more, portalItem(fmt.Sprintf("h%d", i), "news-ru", 31000+i, fmt.Sprintf("Ещё одна новость номер %d для жителей", i), t0.Add(20*time.Hour)))
	}
	res = pollAt(t, s, f, t0.Add(41*time.Hour), 10, more...)
	if res.Overflow != 11 {
		t.Fatalf("second flood: overflow %d, want 11", res.Overflow)
	}
	if got := deliveriesTo(t, s, 3); got != 1 {
		t.Errorf("the bridge chat got %d deliveries, want the notice (the bridge is among the overflow)", got)
	}
}

// TestUnannouncedAreAnnouncedByTheNextPoll: new articles a poll stored
// without reaching its last transaction (a crash, a full disk) are
// announced by the feed's next poll, once.
func TestUnannouncedAreAnnouncedByTheNextPoll(t *testing.T) {
	s := openTest(t)
	f := feedsIn(t, s, "news/ru")["news/ru"]
	chatWith(t, s, 1, subscriptions.ChatPrivate, "ru")
	items := []subscriptions.Article{
		portalItem("a", "news-ru", 1001, "Первая новость о жизни района", t0),
		portalItem("b", "news-ru", 1002, "Вторая новость о жизни района", t0),
	}
	pollAt(t, s, f, t0, 10, items...)
	// As a poll cut short leaves them: stored, not announced.
	if _, err := s.db.Exec(`DELETE FROM deliveries`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`UPDATE articles SET unannounced = 1`); err != nil {
		t.Fatal(err)
	}
	res := pollAt(t, s, f, t0.Add(time.Minute), 10, items...)
	if len(res.New) != 0 || res.Enqueued != 2 {
		t.Errorf("next poll: %d new, %d enqueued; want the two waiting announced", len(res.New), res.Enqueued)
	}
	res = pollAt(t, s, f, t0.Add(2*time.Minute), 10, items...)
	if res.Enqueued != 0 || deliveriesTo(t, s, 1) != 2 {
		t.Errorf("a third poll: %d enqueued, %d deliveries; want none more", res.Enqueued, deliveriesTo(t, s, 1))
	}
}

// TestFillStoryKeys: the articles stored before migration 0006 get their
// keys at the next start, and take part in the rules.
func TestFillStoryKeys(t *testing.T) {
	s := openTest(t)
	f := feedsIn(t, s, "news/ru")["news/ru"]
	chatWith(t, s, 1, subscriptions.ChatPrivate, "ru")
	pollAt(t, s, f, t0, 10, portalItem("g1", "news-ru", 5, "Итоги работы АПК района за 2022 год", t0))
	if _, err := s.db.Exec(`UPDATE articles SET link_key = '', title_key = '', portal_id = ''`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`DELETE FROM bot_state WHERE key = ?`, stateStoryKeys); err != nil {
		t.Fatal(err)
	}
	if err := s.fillStoryKeys(context.Background()); err != nil {
		t.Fatal(err)
	}
	res := pollAt(t, s, f, t0.Add(time.Minute), 10, portalItem("g2", "news-ru", 5, "Итоги работы АПК района за 2022 год", t0))
	if len(res.New) != 0 || deliveriesTo(t, s, 1) != 1 {
		t.Errorf("an old article under a new GUID: %d new, %d deliveries; want it known", len(res.New), deliveriesTo(t, s, 1))
	}
}

// BenchmarkIngestFlood stores one poll of 20,000 new articles for a feed
// whose section has 50 or 1,000 subscribers, while another writer writes
// every 10 ms: the time of IngestFeed, the deliveries it writes, and the
// longest that writer waits (and how many of its writes failed).
func BenchmarkIngestFlood(b *testing.B) {
	for _, chats := range []int64{50, 1000} {
		b.Run(fmt.Sprintf("chats=%d", chats), func(b *testing.B) {
			const items = 20000
			ctx := context.Background()
			s, err := Open(ctx, filepath.Join(b.TempDir(), "flood.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			for id := int64(1); id <= chats; id++ {
				if _, err := s.TouchChat(ctx, subscriptions.ChatInfo{ID: id, Type: subscriptions.ChatPrivate, Title: "r"}, t0); err != nil {
					b.Fatal(err)
				}
				if _, err := s.SetSubscribed(ctx, id, true, t0); err != nil {
					b.Fatal(err)
				}
			}
			stop := make(chan struct{})
			type waits struct {
				longest time.Duration
				failed  int
			}
			waited := make(chan waits)
			go func() { // the other writer
				var w waits
				tick := time.NewTicker(10 * time.Millisecond)
				defer tick.Stop()
				for n := 0; ; n++ {
					select {
					case <-stop:
						waited <- w
						return
					case <-tick.C:
					}
					start := time.Now()
					if err := s.SetState(ctx, "bench_writer", fmt.Sprint(n)); err != nil {
						w.failed++
					}
					w.longest = max(w.longest, time.Since(start))
				}
			}()
			i, enqueued := 0, 0
			for b.Loop() {
				i++
				b.StopTimer()
				feeds, err := s.EnsureFeeds(ctx, []subscriptions.FeedConfig{{Section: "news", URL: fmt.Sprintf("https://osipovichi.gov.by/ru/rss-ru/?%d", i)}})
				if err != nil {
					b.Fatal(err)
				}
				f := feeds[0]
				if _, err := s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, nil); err != nil {
					b.Fatal(err)
				}
				as := make([]subscriptions.Article, items)
				for j := range as {
					l := fmt.Sprintf("https://osipovichi.gov.by/ru/news-ru/view/n-%d-%d/", i, j)
					as[j] = subscriptions.Article{Key: l, Link: l, Title: fmt.Sprintf("Объявление Осиповичского райисполкома номер %d-%05d", i, j),
						Published: t0.Add(-time.Duration(j) * time.Minute), Section: "news", FirstSeen: t0}
				}
				b.StartTimer()
				res, err := s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0, MaxNew: 10}, as)
				if err != nil || res.Overflow != items-10 {
					b.Fatalf("overflow %d, %v", res.Overflow, err)
				}
				enqueued += res.Enqueued
			}
			close(stop)
			w := <-waited
			b.ReportMetric(float64(enqueued)/float64(i), "deliveries/op")
			b.ReportMetric(float64(w.longest.Milliseconds()), "max-writer-wait-ms")
			b.ReportMetric(float64(w.failed), "writer-failures")
		})
	}
}
