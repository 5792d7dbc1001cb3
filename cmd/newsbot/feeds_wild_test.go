package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/osipovichi/newsbot/internal/fakeportal"
	"github.com/osipovichi/newsbot/internal/faketelegram"
)

const rssHeadForTests = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
	`<rss version="2.0"><channel><title>Osipovichi</title><link>https://osipovichi.gov.by/ru/</link>`

// hostileFeed is an RSS feed whose one item holds s.
func hostileFeed(s string) []byte {
	return []byte(rssHeadForTests + "<item><title>x</title><guid>x</guid>" + s + "</item></channel></rss>")
}

// TestHostileFeedsOnTheRealBinary: feeds built to exhaust a parser (issue
// 16: 2,000,000 nested elements in a foreign namespace, a 10 MB item of
// empty elements, a 10 MB tag of attributes) and a feed with an illegal
// character neither crash the bot nor stop the other feeds; each hostile
// feed fails with a clear error, the other one is read whole, and the
// memory stays bounded.
func TestHostileFeedsOnTheRealBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("process test")
	}
	t.Parallel()
	w := newFanOutWorld(t, 1, faketelegram.Options{})
	hostile := map[string][]byte{
		"/nested/":     hostileFeed(`<a xmlns="urn:x">` + strings.Repeat("<a>", 2_000_000)),
		"/wide/":       hostileFeed(`<a xmlns="urn:x">` + strings.Repeat("<a/>", 2_500_000) + "</a>"),
		"/attributes/": hostileFeed(`<a xmlns="urn:x" ` + strings.Repeat(`b="" `, 2_000_000) + "/>"),
		"/bell/": []byte(rssHeadForTests + `<item><title>Звонок&#x7; в заголовке` + "\x07" + `</title><guid>b1</guid></item>` +
			`<item><title>Обычная новость</title><guid>b2</guid></item></channel></rss>`),
	}
	feeds := w.env["NEWSBOT_FEEDS"]
	for path, body := range hostile {
		if len(body) > 10<<20 {
			t.Fatalf("%s: %d bytes, over the 10 MiB cap", path, len(body))
		}
		w.portal.Set(path, body, rssType)
		feeds += ",news/ru=" + w.portal.URL(path)
	}
	w.env["NEWSBOT_FEEDS"] = feeds
	w.env["NEWSBOT_POLL_INTERVAL"] = "10s"
	addr := freeAddr(t)
	w.env["NEWSBOT_HTTP_ADDR"] = addr

	p := startProcess(t, w.env, "run")
	// The good feed's new article reaches the subscriber.
	w.tg.WaitFor(t, 60*time.Second, func() bool { c, _ := w.delivered(); return c == 1 }, "the article of the good feed")

	// Every hostile feed is polled twice (the second time after its backoff)
	// while the bot lives on.
	wantErr := map[string]string{
		"/nested/":     "the feed nests elements more than 256 levels deep, which no real feed does; it was not read, to protect the bot (parse ",
		"/wide/":       "the feed has more than 100000 elements and attributes, which no real feed has; it was not read, to protect the bot (parse ",
		"/attributes/": "the feed has more than 100000 elements and attributes, which no real feed has; it was not read, to protect the bot (parse ",
	}
	var rep healthReport
	w.tg.WaitFor(t, 90*time.Second, func() bool {
		if p.cmd.ProcessState != nil {
			t.Fatalf("the bot exited:\n%s", p.logs)
		}
		_, rep = getJSON(t, "http://"+addr+"/healthz")
		for _, f := range rep.Feeds {
			if _, bad := wantErr[strings.TrimPrefix(f.URL, w.portal.URL(""))]; bad && f.ConsecutiveFailures < 2 {
				return false
			}
		}
		return true
	}, "two polls of every hostile feed")
	for _, f := range rep.Feeds {
		path := strings.TrimPrefix(f.URL, w.portal.URL(""))
		switch want, bad := wantErr[path]; {
		case bad && !strings.HasPrefix(f.LastError, want):
			t.Errorf("%s: last error %q, want it to start with %q", path, f.LastError, want)
		case path == "/bell/" && (f.LastError != "" || f.Items != 2 || !strings.Contains(f.Repairs, "characters that XML does not allow were removed")):
			t.Errorf("feed with an illegal character: error %q, %d items, repairs %q; want both items read and the repair shown", f.LastError, f.Items, f.Repairs)
		case path == enFeedPath && (f.LastError != "" || f.Items != 1):
			t.Errorf("good feed: error %q, %d items", f.LastError, f.Items)
		}
	}
	peak := p.status("VmHWM")
	t.Logf("peak RSS %d MB after polling the hostile feeds twice", peak/1024)
	if peak == 0 || peak > 150*1024 {
		t.Errorf("peak RSS %d kB, want under 150 MB", peak)
	}
	if c, m := w.delivered(); c != 1 || m != 1 {
		t.Errorf("delivered %d messages to %d chats, want the one article once", m, c)
	}
}

// TestPreviewOfAFeedInTheWild: a Belarusian feed in windows-1251 that
// declares nothing and is cut off in its last item previews in Belarusian,
// with the evidence for the encoding and the repair shown.
func TestPreviewOfAFeedInTheWild(t *testing.T) {
	t.Parallel()
	doc := `<rss version="2.0"><channel><title>Навіны</title><link>https://osipovichi.gov.by/be/</link>` +
		`<item><title>Свята Гуканне вясны адбудзецца ў аграгарадку</title><link>https://osipovichi.gov.by/be/news-be/view/1/</link>` +
		`<description>Запрашаем дзяцей і дарослых на канцэрт і кірмаш.</description><pubDate>Thu, 02 Mar 2023 10:15:00 +0300</pubDate></item>` +
		`<item><title>Абрэзаная навіна`
	body, err := charmap.Windows1251.NewEncoder().Bytes([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	portal := fakeportal.New(nil)
	t.Cleanup(portal.Close)
	portal.Set("/be/rss-be/", body, "text/xml")
	var out bytes.Buffer
	env := map[string]string{envDB: "/nonexistent/dir/newsbot.db"}
	if err := run(context.Background(), []string{"newsbot", "preview", portal.URL("/be/rss-be/")}, mapEnv(env), &out, &out); err != nil {
		t.Fatalf("preview: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"Свята Гуканне вясны адбудзецца ў аграгарадку",
		"Запрашаем дзяцей і дарослых на канцэрт і кірмаш.",
		"Чытаць на партале", // the Belarusian wording, guessed from /be/
		diag("encoding", "windows-1251 (sniffed)"),
		diag("  sniffed", "windows-1251: used: the most plausible reading of the text"),
		diag("repairs", "truncated: the document was cut off; the complete items before the cut were read, the item cut in the middle was dropped"),
		diag("language", "be"),
		diag("items", "1"),
	} {
		if !strings.Contains(got, want) {
			t.Errorf("preview output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Читать на портале") || strings.Contains(got, "\uFFFD") {
		t.Errorf("preview in Russian, or with replacement characters:\n%s", got)
	}
}
