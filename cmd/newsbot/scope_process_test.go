package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/subscriptions"
	"github.com/osipovichi/newsbot/subscriptions/store"
)

// adminUser is the committee's staff member of the process tests.
var adminUser = faketelegram.User{ID: 777, FirstName: "Admin", LanguageCode: "en"}

// ask sends text from u in its private chat and waits for the bot's next reply there.
func (w *fanOutWorld) ask(t *testing.T, u faketelegram.User, text string) faketelegram.Sent {
	t.Helper()
	before := len(w.tg.Messages(u.ID))
	w.tg.SendMessage(faketelegram.Chat{ID: u.ID, Type: "private", FirstName: u.FirstName}, u, text)
	return w.tg.WaitMessages(t, u.ID, before+1, 20*time.Second)[before]
}

// TestFetchesStayOnThePortal (issue 16.5) runs the real binary with an
// "internal" server on another port of the same machine: a portal page
// that redirects there, a feed advertised under a name that resolves to
// loopback, /post of another port, of the bot's own /metrics, of a
// sibling under gov.by. Nothing reaches the internal server, no internal
// address shows in /healthz or in the admin's answers, the portal's own
// article and a legitimate /post are delivered once each, and the bot
// lives on.
func TestFetchesStayOnThePortal(t *testing.T) {
	if testing.Short() {
		t.Skip("process test")
	}
	t.Parallel()
	var reached atomic.Int32
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<html><head><meta property="og:title" content="INTERNAL SECRET"></head></html>`)
	}))
	t.Cleanup(internal.Close)
	iu, _ := url.Parse(internal.URL)
	byName := "http://localhost:" + iu.Port()

	w := newFanOutWorld(t, 1, faketelegram.Options{})
	p := w.portal
	p.Set("/district/", []byte(`<!DOCTYPE html><html><head><title>District</title>
<link rel="alternate" type="application/rss+xml" href="`+byName+`/rss/"></head><body></body></html>`), "text/html; charset=utf-8")
	p.Redirect("/economy/", internal.URL+"/rss/")
	p.Redirect("/en/news-en/view/moved/", internal.URL+"/page/")
	p.Set("/en/news-en/view/77/", []byte(`<!DOCTYPE html><html lang="en"><head>
<meta property="og:title" content="The bridge over the Svisloch is open again">
<meta property="og:description" content="Traffic resumes on 1 March."></head><body></body></html>`), "text/html; charset=utf-8")

	// A feed of the real portal known from an earlier configuration: /post
	// of a sibling site under gov.by must not pass for it.
	ctx := context.Background()
	db, err := store.Open(ctx, w.env["NEWSBOT_DB"])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.EnsureFeeds(ctx, []subscriptions.FeedConfig{{Section: "news", Language: "ru", URL: "https://osipovichi.gov.by/ru/rss-ru/"}}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	addr := freeAddr(t)
	w.env["NEWSBOT_HTTP_ADDR"] = addr
	w.env["NEWSBOT_ADMINS"] = "777"
	w.env["NEWSBOT_ALLOWED_HOSTS"] = "localhost:" + iu.Port()
	w.env["NEWSBOT_FEEDS"] += ",district/en=" + p.URL("/district/") + ",economy/en=" + p.URL("/economy/")
	w.env["NEWSBOT_POLL_INTERVAL"] = "10s"
	proc := startProcess(t, w.env, "run")

	// The portal's own article reaches the subscriber.
	w.tg.WaitFor(t, 60*time.Second, func() bool { c, _ := w.delivered(); return c == 1 }, "the article of the portal's feed")

	// The two feeds that lead off the portal fail, in plain words, twice.
	var rep healthReport
	var body string
	w.tg.WaitFor(t, 90*time.Second, func() bool {
		if proc.cmd.ProcessState != nil {
			t.Fatalf("the bot exited:\n%s", proc.logs)
		}
		_, rep = getJSON(t, "http://"+addr+"/healthz")
		n := 0
		for _, f := range rep.Feeds {
			if f.ConsecutiveFailures >= 2 {
				n++
			}
		}
		return n == 2
	}, "two failed polls of both feeds that lead off the portal")
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	body = string(b)
	for _, f := range rep.Feeds {
		switch f.URL {
		case p.URL("/district/"):
			if !strings.HasPrefix(f.LastError, "the address leads into a local or private network, which only a configured source may; it was not fetched") {
				t.Errorf("feed advertised under a name of loopback: error %q", f.LastError)
			}
		case p.URL("/economy/"):
			if !strings.HasPrefix(f.LastError, "the portal redirected to an address outside its hosts; the redirect was not followed") {
				t.Errorf("feed redirected to another port: error %q", f.LastError)
			}
		}
		if f.DiscoveredURL != "" && !strings.HasPrefix(f.DiscoveredURL, p.URL("/")) {
			t.Errorf("feed %s: discovered URL %q is off the portal", f.URL, f.DiscoveredURL)
		}
	}
	if strings.Contains(body, iu.Port()) {
		t.Errorf("/healthz shows the internal address (port %s):\n%s", iu.Port(), body)
	}

	// /post: off the portal's hosts nothing is fetched; a redirect off them is not followed.
	_, botPort, _ := strings.Cut(addr, ":")
	notPortal := i18n.T("en", "post.not_portal", strings.TrimPrefix(p.URL(""), "http://")+", osipovichi.gov.by")
	for _, target := range []string{
		internal.URL + "/page/",                     // another port of the portal's host
		"http://127.0.0.1:" + botPort + "/metrics",  // the bot's own metrics
		byName + "/page/",                           // an allowed name that resolves to loopback
		"https://gov.by/ru/news/1/",                 // a public suffix
		"https://minsk.gov.by/ru/news/1/",           // a sibling under gov.by
		"https://osipovichi.gov.by:8443/ru/news/1/", // the known portal on another port
	} {
		got := w.ask(t, adminUser, "/post "+target)
		if got.Plain != notPortal {
			t.Errorf("/post %s answered %q, want %q", target, got.Plain, notPortal)
		}
	}
	got := w.ask(t, adminUser, "/post "+p.URL("/en/news-en/view/moved/"))
	if want := i18n.T("en", "post.fetch_failed", "the portal redirected to an address outside its hosts; the redirect was not followed"); got.Plain != want {
		t.Errorf("/post of a page redirecting off the portal answered %q, want %q", got.Plain, want)
	}
	if strings.Contains(got.Plain, iu.Port()) {
		t.Errorf("the answer shows the internal address: %q", got.Plain)
	}

	// A page of the portal is previewed, sent and delivered once.
	before := len(w.tg.Messages(adminUser.ID))
	got = w.ask(t, adminUser, "/post "+p.URL("/en/news-en/view/77/"))
	if !strings.Contains(got.Plain, "The bridge over the Svisloch is open again") {
		t.Errorf("/post of a portal page answered %q, want its preview", got.Plain)
	}
	control := w.tg.WaitMessages(t, adminUser.ID, before+2, 20*time.Second)[before+1]
	if want := i18n.T("en", "post.count", 1); !strings.Contains(control.Plain, want) || control.ReplyMarkup == nil {
		t.Fatalf("the post's controls = %q, want %q and a Send button", control.Plain, want)
	}
	w.tg.PressButton(faketelegram.Chat{ID: adminUser.ID, Type: "private"}, adminUser, control.MessageID, control.ReplyMarkup.Rows[0][0].CallbackData)
	w.tg.WaitFor(t, 30*time.Second, func() bool { _, m := w.delivered(); return m >= 2+len(w.tg.Messages(adminUser.ID)) }, "the posted article")
	sub := w.tg.Messages(100000)
	if len(sub) != 2 || !strings.Contains(sub[0].Plain, "Union State") || !strings.Contains(sub[1].Plain, "The bridge over the Svisloch") {
		t.Errorf("the subscriber got %d messages %q, want the feed's article and the posted one, once each", len(sub), plains(sub))
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("the internal server got %d requests, want none", n)
	}
	if proc.cmd.ProcessState != nil {
		t.Fatalf("the bot exited:\n%s", proc.logs)
	}
}

func plains(msgs []faketelegram.Sent) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.Plain
	}
	return out
}
