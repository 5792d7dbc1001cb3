package feed

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

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
