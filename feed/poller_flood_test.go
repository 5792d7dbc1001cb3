package feed

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

// rssOf is an RSS document of items (guid, title, link).
func rssOf(items [][3]string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Новости</title><link>https://osipovichi.gov.by/ru/</link>`)
	for _, it := range items {
		fmt.Fprintf(&b, `<item><guid isPermaLink="false">%s</guid><title>%s</title><link>%s</link><pubDate>Fri, 03 Mar 2023 10:00:00 +0300</pubDate></item>`, it[0], it[1], it[2])
	}
	b.WriteString(`</channel></rss>`)
	return []byte(b.String())
}

// TestPollerRotatingGUIDs (issue 16.4): a CMS that invents GUIDs at every
// request re-announces nothing, poll after poll.
func TestPollerRotatingGUIDs(t *testing.T) {
	e, _ := newEnv(t, openSQLiteStore(t), nil, subscriptions.FeedConfig{Section: "news", Language: "ru", URL: "/rotating/"})
	e.portal.Generate("/rotating/", "application/rss+xml", func(n int) []byte {
		var items [][3]string
		for i := range 5 {
			items = append(items, [3]string{fmt.Sprintf("%d-%d-%d", n, i, time.Now().UnixNano()),
				fmt.Sprintf("Новость %d о жизни района и его жителей", i), fmt.Sprintf("https://osipovichi.gov.by/ru/news-ru/view/%d/", 500+i)})
		}
		return rssOf(items)
	})
	ctx := context.Background()
	for poll := range 4 {
		e.clock.Advance(5 * time.Minute)
		if err := e.poller.PollOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if got := e.store.announced(); len(got) != 0 {
			t.Fatalf("poll %d: announced %q, want nothing", poll, got)
		}
	}
	if n := e.store.stored(1); n != 5 {
		t.Errorf("%d articles stored, want 5", n)
	}
	if n := len(e.portal.Requests("/rotating/")); n != 4 {
		t.Errorf("%d requests, want 4", n)
	}
}

// TestPollerFlood (issue 16.4): a poll with more new items than MaxNew
// announces MaxNew, stores all, and tells the admins, naming the feed.
func TestPollerFlood(t *testing.T) {
	e, _ := newEnv(t, openSQLiteStore(t), func(o *PollerOptions) { o.MaxNew = 3 },
		subscriptions.FeedConfig{Section: "news", Language: "ru", URL: "/flood/"})
	items := func(n int) [][3]string {
		var out [][3]string
		for i := range n {
			out = append(out, [3]string{fmt.Sprint("g", i), fmt.Sprintf("Материал номер %d для жителей района", i),
				fmt.Sprintf("https://osipovichi.gov.by/ru/news-ru/view/%d/", 900+i)})
		}
		return out
	}
	e.portal.Set("/flood/", rssOf(items(1)), "application/rss+xml")
	ctx := context.Background()
	if err := e.poller.PollOnce(ctx); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(5 * time.Minute)
	e.portal.Set("/flood/", rssOf(items(26)), "application/rss+xml")
	if err := e.poller.PollOnce(ctx); err != nil {
		t.Fatal(err)
	}
	last := e.store.lastIngest()
	// The feed's <link> is on another host than the feed (the real portal):
	// the notice links the home page of the feed's host instead.
	if last.res.MaxNew != 3 || last.res.SiteURL != e.portal.URL("/") {
		t.Errorf("fetch result: MaxNew %d, SiteURL %q; want 3 and %q", last.res.MaxNew, last.res.SiteURL, e.portal.URL("/"))
	}
	if len(last.out.New) != 25 || last.out.Overflow != 22 || e.store.stored(1) != 26 {
		t.Errorf("flood: %d new, %d overflow, %d stored; want 25, 22, 26", len(last.out.New), last.out.Overflow, e.store.stored(1))
	}
	if got := e.store.announced(); len(got) != 3 {
		t.Errorf("announced %d articles, want 3", len(got))
	}
	if len(e.alerts.floods) != 1 || e.alerts.floods[0] != [2]int{3, 22} {
		t.Errorf("flood alerts %v, want one: 3 announced, 22 more", e.alerts.floods)
	}
}

func TestSiteURL(t *testing.T) {
	feedWithLink := func(link string) *Parsed {
		p, err := Parse([]byte(`<rss version="2.0"><channel><title>t</title><link>`+link+`</link></channel></rss>`), "", "https://osipovichi.gov.by/ru/rss-ru/")
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	resp := &Response{URL: "https://osipovichi.gov.by/ru/rss-ru/"}
	for _, tt := range []struct {
		name string
		a    attempt
		want string
	}{
		{"a listing: its page", attempt{Resp: &Response{URL: "https://osipovichi.gov.by/ru/news-rayon-ru/"}, Listing: &Listing{}}, "https://osipovichi.gov.by/ru/news-rayon-ru/"},
		{"a discovered feed: the configured page", attempt{Resp: resp, Resolved: resp.URL, Parsed: feedWithLink("https://osipovichi.gov.by/ru/")}, "https://osipovichi.gov.by/"},
		{"the feed's link", attempt{Resp: resp, Parsed: feedWithLink("/ru/news-ru/")}, "https://osipovichi.gov.by/ru/news-ru/"},
		{"a link elsewhere: the host's home", attempt{Resp: resp, Parsed: feedWithLink("https://evil.example/")}, "https://osipovichi.gov.by/"},
	} {
		if got := tt.a.siteURL("https://osipovichi.gov.by/"); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}
