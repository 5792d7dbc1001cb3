package feed

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

// TestPollerLanguageVersions (issue 11.1): the default kind of source, the
// portal's home page without a language, gives one section with a version
// per language it advertises, each polled in its own right (its first poll
// announcing nothing), listed after it in Health, and known again after a
// restart; a new item of a version is announced in its language.
func TestPollerLanguageVersions(t *testing.T) {
	backing := openSQLiteStore(t)
	e, opts := newEnv(t, backing, nil, subscriptions.FeedConfig{Section: "news", URL: "/"})
	ctx := context.Background()
	if err := e.poller.PollOnce(ctx); err != nil {
		t.Fatal(err)
	}
	h := e.poller.Health()
	if len(h) != 4 || h[0].ReadAs != ReadAsVersions || len(h[0].Versions) != 3 || h[0].Versions[1] != "be (path)" {
		t.Fatalf("after the first poll: health %+v, want the page and its three versions", h)
	}
	for i, lang := range []string{"ru", "be", "en"} {
		v := h[1+i]
		if v.Language != lang || v.Section != "news" || v.VersionOf != e.portal.URL("/") || v.URL != e.portal.URL("/"+lang+"/rss-"+lang+"/") {
			t.Errorf("version %s: %+v", lang, v)
		}
	}
	// The versions' first polls record their items and announce nothing.
	if err := e.poller.PollOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if got := e.store.announced(); len(got) != 0 {
		t.Errorf("announced %q after the versions' first polls, want nothing", got)
	}
	for i := 1; i <= 3; i++ {
		if h := e.poller.Health()[i]; h.LastOutcome != OutcomeOK || h.ItemCount == 0 {
			t.Errorf("version %d after its first poll: %+v", i, h)
		}
	}
	// A new Belarusian item is announced, in Belarusian.
	be, _ := os.ReadFile("testdata/be-rss.xml")
	item := `<item><title>Новы мост адкрыты для руху</title><link>https://osipovichi.gov.by/be/news-be/view/novy-most-30001/</link><pubDate>Fri, 03 Mar 2023 19:00:00 +0300</pubDate></item>`
	e.portal.Set("/be/rss-be/", bytes.Replace(be, []byte("<item>"), []byte(item+"<item>"), 1), "application/rss+xml")
	e.clock.Advance(5 * time.Minute)
	if err := e.poller.PollOnce(ctx); err != nil {
		t.Fatal(err)
	}
	last := e.store.lastIngest()
	if len(last.out.New) != 1 || last.out.New[0].Language != "be" || last.out.New[0].Section != "news" {
		t.Errorf("new Belarusian item: %+v", last.out.New)
	}
	// The home page itself is read with its validators: nothing changed, 304.
	if h := e.poller.Health()[0]; h.LastOutcome != OutcomeNotModified {
		t.Errorf("the page at its third poll: %s, want not modified", h.LastOutcome)
	}

	// After a restart the versions are known at once; the page is read
	// again (once) for new languages.
	pages := len(e.portal.Requests("/"))
	opts.Registerer = nil
	again, err := NewPoller(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := again.PollOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if h := again.Health(); len(h) != 4 || h[2].Language != "be" || h[2].VersionOf != e.portal.URL("/") {
		t.Errorf("after a restart: %+v", h)
	}
	if n := len(e.portal.Requests("/")) - pages; n != 1 {
		t.Errorf("the page was read %d times after the restart, want once", n)
	}
}

// TestVersionsLeaveConfiguredFeedsAlone: a version whose feed is also
// configured explicitly is left to the configuration.
func TestVersionsLeaveConfiguredFeedsAlone(t *testing.T) {
	e, _ := newEnv(t, openSQLiteStore(t), nil,
		subscriptions.FeedConfig{Section: "news", URL: "/"},
		subscriptions.FeedConfig{Section: "official", Language: "be", URL: "/be/rss-be/"})
	if err := e.poller.PollOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	h := e.poller.Health()
	if len(h) != 4 {
		t.Fatalf("got %d feeds, want the page, its ru and en versions, and the configured be feed: %+v", len(h), h)
	}
	for _, f := range h {
		if f.URL == e.portal.URL("/be/rss-be/") && (f.Section != "official" || f.VersionOf != "") {
			t.Errorf("the configured Belarusian feed became a version: %+v", f)
		}
	}
}
