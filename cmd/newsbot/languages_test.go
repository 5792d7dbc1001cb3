package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/internal/fakeportal"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/subscriptions"
	"github.com/osipovichi/newsbot/subscriptions/store"
)

// inStore opens the database at path (the bot may be running) and tells
// what check says of it; false when it cannot be opened.
func inStore(path string, check func(ctx context.Context, db *store.Store) bool) bool {
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		return false
	}
	defer db.Close()
	return check(ctx, db)
}

// threeLanguagePortal is the portal with a home page that advertises its
// feeds in Russian, Belarusian and English.
func threeLanguagePortal(t *testing.T) *fakeportal.Portal {
	t.Helper()
	portal := fakeportal.New(os.DirFS("../../feed/testdata"),
		fakeportal.Route{Path: "/", File: "home.html", ContentType: "text/html; charset=utf-8"},
		fakeportal.Route{Path: "/ru/rss-ru/", File: "ru-rss.xml", ContentType: rssType},
		fakeportal.Route{Path: "/be/rss-be/", File: "be-rss.xml", ContentType: rssType},
		fakeportal.Route{Path: "/en/rss-en/", File: "en-rss.xml", ContentType: rssType})
	t.Cleanup(portal.Close)
	return portal
}

// TestEveryLanguageByDefault (issue 11.1) runs the program through run with
// NEWSBOT_FEEDS as by default, the portal's home page without a language,
// on a portal that advertises feeds in Russian, Belarusian and English:
// each resident's pushes and /latest come in their language, and one whose
// language the portal lacks gets the default one.
func TestEveryLanguageByDefault(t *testing.T) {
	t.Parallel()
	tg := faketelegram.New(faketelegram.Options{})
	t.Cleanup(tg.Close)
	portal := threeLanguagePortal(t)
	w := &world{t: t, tg: tg, portal: portal, db: filepath.Join(t.TempDir(), "newsbot.db")}
	w.env = map[string]string{
		"TELEGRAM_BOT_TOKEN":    tg.Token(),
		"TELEGRAM_API_ENDPOINT": tg.Endpoint(),
		"NEWSBOT_DB":            w.db,
		"NEWSBOT_FEEDS":         "news=" + portal.URL("/"),
		"NEWSBOT_POLL_INTERVAL": "10s",
		"NEWSBOT_HTTP_ADDR":     "off",
		"NEWSBOT_LOG_LEVEL":     "warn",
	}
	w.start()
	residents := []faketelegram.User{ruUser, beUser, enUser, deUser}
	for _, u := range residents {
		w.say(u, "/subscribe")
	}

	// The page gives three versions of the section; their first polls record what is there.
	tg.WaitFor(t, 30*time.Second, func() bool {
		return inStore(w.db, func(ctx context.Context, db *store.Store) bool {
			feeds, err := db.Feeds(ctx)
			return err == nil && len(feeds) == 4 && !slices.ContainsFunc(feeds, func(f subscriptions.Feed) bool { return !f.Initialized })
		})
	}, "the home page and its three language versions polled")

	latest := map[string]string{ // a title of each language's feed
		"ru": "Итоги работы агропромышленного комплекса района за 2022 год",
		"be": "Вынікі працы аграпрамысловага комплексу раёна за 2022 год",
		"en": "Belarus, Russia approve Union State information security concept",
	}
	for _, u := range residents[:3] {
		got := w.say(u, "/latest").Plain
		for lang, title := range latest {
			if has := strings.Contains(got, title); has != (lang == u.LanguageCode) {
				t.Errorf("/latest of a %s resident: has %q = %t\n%s", u.LanguageCode, title, has, got)
			}
		}
	}

	// A new item in each language reaches the residents of that language, once.
	newItems := map[string]string{
		"ru": "Новый мост через Свислочь открыт для движения",
		"be": "Новы мост праз Свіслач адкрыты для руху",
		"en": "A new bridge over the Svisloch opens to traffic",
	}
	before := map[int64]int{}
	for _, u := range residents {
		before[u.ID] = len(tg.Messages(u.ID))
	}
	for lang, title := range newItems {
		path := "/" + lang + "/rss-" + lang + "/"
		body, err := os.ReadFile("../../feed/testdata/" + lang + "-rss.xml")
		if err != nil {
			t.Fatal(err)
		}
		item := "<item><title>" + title + "</title><link>https://osipovichi.gov.by/" + lang + "/news-" + lang +
			"/view/new-bridge-40001/</link><pubDate>Sat, 04 Mar 2023 10:00:00 +0300</pubDate></item><item>"
		portal.Set(path, bytes.Replace(body, []byte("<item>"), []byte(item), 1), rssType)
	}
	want := map[int64]string{ruUser.ID: newItems["ru"], beUser.ID: newItems["be"], enUser.ID: newItems["en"], deUser.ID: newItems["ru"]}
	for _, u := range residents {
		msgs := tg.WaitMessages(t, u.ID, before[u.ID]+1, 40*time.Second)
		if got := msgs[before[u.ID]].Plain; !strings.Contains(got, want[u.ID]) {
			t.Errorf("push to the %s resident: %q, want %q", u.LanguageCode, got, want[u.ID])
		}
	}
	// Nothing else arrives: each resident got their language's item only.
	w.say(idle, "/help") // a round trip, after which the outbox is drained
	tg.WaitFor(t, 15*time.Second, func() bool {
		return inStore(w.db, func(ctx context.Context, db *store.Store) bool {
			n, err := db.PendingDeliveries(ctx)
			return err == nil && n == 0
		})
	}, "the outbox drained")
	for _, u := range residents {
		if n := len(tg.Messages(u.ID)) - before[u.ID]; n != 1 {
			t.Errorf("the %s resident got %d pushes, want 1", u.LanguageCode, n)
		}
	}
}

// TestPreviewShowsLanguageVersions: preview of the home page shows which
// feed serves each language and why, then each version in its language.
func TestPreviewShowsLanguageVersions(t *testing.T) {
	t.Parallel()
	portal := threeLanguagePortal(t)
	var out bytes.Buffer
	env := map[string]string{envFeeds: "news=" + portal.URL("/"), envDB: "/nonexistent/dir/newsbot.db"}
	if err := run(context.Background(), []string{"newsbot", "preview", "-n", "1"}, mapEnv(env), &out, &out); err != nil {
		t.Fatalf("preview: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"=== news  " + portal.URL("/"),
		diag("read as", "language versions"),
		diag("  version ru", portal.URL("/ru/rss-ru/")+" (language from path)"),
		diag("  version be", portal.URL("/be/rss-be/")+" (language from path)"),
		diag("  version en", portal.URL("/en/rss-en/")+" (language from path)"),
		"=== news/be  " + portal.URL("/be/rss-be/") + "\n(the be version of " + portal.URL("/") + ")",
		"Чытаць на партале",
		"Read on the portal",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("preview output lacks %q:\n%s", want, got)
		}
	}
}
