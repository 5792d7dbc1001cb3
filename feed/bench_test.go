package feed

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
	"github.com/osipovichi/newsbot/subscriptions/store"
)

// feed100 is a realistic 100-item RSS feed in the portal's style.
func feed100() []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>
<title>Осиповичский районный исполнительный комитет — Новости</title><link>https://osipovichi.gov.by/ru/</link><language>ru-RU</language>
`)
	for i := range 100 {
		fmt.Fprintf(&b, `<item>
<title>Новость номер %d: в Осиповичском районе прошло заседание райисполкома &amp; общественности</title>
<link>https://osipovichi.gov.by/ru/news-ru/view/novost-%d/</link>
<guid isPermaLink="true">https://osipovichi.gov.by/ru/news-ru/view/novost-%d/</guid>
<pubDate>Thu, 02 Mar 2023 %02d:%02d:00 +0300</pubDate>
<category>Новости</category><category>Экономика</category>
<description><![CDATA[<p><img src="/files/images/news/2023/03/foto-%d.jpg" alt="">На заседании обсудили итоги работы предприятий района, подготовку к весенне-полевым работам, благоустройство населённых пунктов и обращения граждан.</p><p>Председатель райисполкома поручил руководителям организаций обеспечить выполнение принятых решений в установленные сроки.</p>]]></description>
</item>
`, i, i, i, i%24, i%60, i)
	}
	b.WriteString("</channel></rss>\n")
	return []byte(b.String())
}

func BenchmarkParseNormalise100(b *testing.B) {
	body := feed100()
	f := subscriptions.Feed{ID: 1, URL: "https://osipovichi.gov.by/ru/rss-ru/", Section: "news"}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		_, arts, err := ParseArticles(body, "application/rss+xml; charset=utf-8", f.URL, f, testNow)
		if err != nil || len(arts) != 100 {
			b.Fatalf("got %d articles, %v", len(arts), err)
		}
	}
}

// BenchmarkParseNormaliseStore100 adds the store: each iteration records a
// 100-item feed whose items are all new (in a new feed row, so that nothing
// is skipped as seen) in the real SQLite store.
func BenchmarkParseNormaliseStore100(b *testing.B) {
	body := feed100()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		feeds, err := db.EnsureFeeds(ctx, []subscriptions.FeedConfig{{Section: "news", URL: fmt.Sprintf("https://osipovichi.gov.by/ru/rss-ru/?%d", i)}})
		if err != nil {
			b.Fatal(err)
		}
		f := feeds[0]
		_, arts, err := ParseArticles(body, "application/rss+xml; charset=utf-8", f.URL, f, testNow)
		if err != nil || len(arts) != 100 {
			b.Fatalf("got %d articles, %v", len(arts), err)
		}
		res, err := db.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: testNow}, arts)
		if err != nil || len(res.New) != 100 {
			b.Fatalf("stored %d new articles, %v", len(res.New), err)
		}
	}
}

func BenchmarkPoll304(b *testing.B) {
	e := newPollerEnv(b, "/ru/rss-ru/")
	ctx := context.Background()
	if err := e.poller.PollOnce(ctx); err != nil {
		b.Fatal(err)
	}
	ingests := e.store.count("IngestFeed")
	b.ReportAllocs()
	for b.Loop() {
		if err := e.poller.PollOnce(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if e.store.count("IngestFeed") != ingests || e.health(b, 0).LastOutcome != OutcomeNotModified {
		b.Fatal("polls were not answered 304")
	}
}

// floodFeed is an RSS feed of n new items, newest first, a minute apart,
// each with a title, a permalink GUID and a date: a CMS dumping its
// archive; batch makes the items of one call its own.
func floodFeed(n, batch int) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Новости</title><link>https://osipovichi.gov.by/ru/</link>`)
	for i := range n {
		fmt.Fprintf(&b, `<item><title>Объявление Осиповичского райисполкома номер %d-%05d</title><guid>https://osipovichi.gov.by/ru/news-ru/view/n-%d-%d/</guid><pubDate>%s</pubDate></item>`,
			batch, i, batch, 50000+i, testNow.Add(-time.Duration(i)*time.Minute).Format(time.RFC1123Z))
	}
	b.WriteString(`</channel></rss>`)
	return []byte(b.String())
}

// BenchmarkPollFlood measures a poll that brings 20,000 new items to a
// feed with 1,000 subscribers: fetch, parse, normalise and the one ingest
// transactions, which store the 20,000 articles and announce the newest
// 10 and one "and 19,990 more" notice to each chat. It reports the time of
// the ingest, the deliveries it wrote and the peak heap of the whole poll
// (the store's BenchmarkIngestFlood measures what other writers wait).
func BenchmarkPollFlood(b *testing.B) {
	const items, chats = 20000, 1000
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(b.TempDir(), "flood.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for id := int64(1); id <= chats; id++ {
		if _, err := db.TouchChat(ctx, subscriptions.ChatInfo{ID: id, Type: subscriptions.ChatPrivate, Title: "resident"}, testNow); err != nil {
			b.Fatal(err)
		}
		if _, err := db.SetSubscribed(ctx, id, true, testNow); err != nil {
			b.Fatal(err)
		}
	}
	portal := testPortal(b)
	fetcher := NewFetcher(FetcherOptions{Timeout: time.Minute})
	var ingest time.Duration
	var enqueued int
	var peak uint64
	i := 0
	for b.Loop() {
		i++
		feeds, err := db.EnsureFeeds(ctx, []subscriptions.FeedConfig{{Section: "news", Language: "ru", URL: portal.URL(fmt.Sprintf("/flood/?%d", i))}})
		if err != nil {
			b.Fatal(err)
		}
		f := feeds[0]
		if _, err := db.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: testNow}, nil); err != nil { // the feed's first poll
			b.Fatal(err)
		}
		b.StopTimer()
		portal.Set("/flood/", floodFeed(items, i), "application/rss+xml")
		b.StartTimer()
		p := peakHeap(func() {
			resp, err := fetcher.Fetch(ctx, portal.URL("/flood/"), Validators{})
			if err != nil {
				b.Fatal(err)
			}
			_, arts, err := ParseArticles(resp.Body, resp.ContentType, resp.URL, f, testNow)
			if err != nil || len(arts) != items {
				b.Fatalf("%d articles, %v", len(arts), err)
			}
			start := time.Now()
			res, err := db.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: testNow, MaxNew: DefaultMaxNew}, arts)
			ingest += time.Since(start)
			if err != nil || res.Overflow != items-DefaultMaxNew {
				b.Fatalf("overflow %d, %v", res.Overflow, err)
			}
			enqueued += res.Enqueued
		})
		peak = max(peak, p)
	}
	b.ReportMetric(float64(ingest.Milliseconds())/float64(i), "ingest-ms/op")
	b.ReportMetric(float64(enqueued)/float64(i), "deliveries/op")
	b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
}
