package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/internal/fakeportal"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/internal/testkit"
	"github.com/osipovichi/newsbot/subscriptions/store"
)

const enFeedPath = "/en/rss-en/"

// world is a fake Telegram, a fake portal and a database, for running the
// whole program through run.
type world struct {
	t      *testing.T
	tg     *faketelegram.Server
	portal *fakeportal.Portal
	db     string
	env    map[string]string
}

func newWorld(t *testing.T, tgOpts faketelegram.Options) *world {
	t.Helper()
	tg := faketelegram.New(tgOpts)
	t.Cleanup(tg.Close)
	portal := fakeportal.New(os.DirFS("../../feed/testdata"),
		fakeportal.Route{Path: enFeedPath, File: "en-rss.xml", ContentType: "application/rss+xml; charset=utf-8"})
	t.Cleanup(portal.Close)
	w := &world{t: t, tg: tg, portal: portal, db: filepath.Join(t.TempDir(), "newsbot.db")}
	w.env = map[string]string{
		"TELEGRAM_BOT_TOKEN":    tg.Token(),
		"TELEGRAM_API_ENDPOINT": tg.Endpoint(),
		"NEWSBOT_DB":            w.db,
		"NEWSBOT_FEEDS":         "news/en=" + portal.URL(enFeedPath),
		"NEWSBOT_POLL_INTERVAL": "10s",
		"NEWSBOT_HTTP_ADDR":     "off",
		"NEWSBOT_LOG_LEVEL":     "debug",
	}
	return w
}

// running is one run of the program.
type running struct {
	cancel context.CancelFunc
	errc   chan error
	logs   *testkit.LogBuffer
}

func (w *world) start() *running {
	w.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{cancel: cancel, errc: make(chan error, 1), logs: &testkit.LogBuffer{}}
	getenv := func(k string) string { return w.env[k] }
	go func() { r.errc <- run(ctx, []string{"newsbot"}, getenv, r.logs, r.logs) }()
	w.t.Cleanup(func() { r.stop(w.t) })
	return r
}

// stop cancels the run and waits for it to return; it fails the test when
// the program does not exit cleanly within 5 s.
func (r *running) stop(t *testing.T) {
	t.Helper()
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.cancel = nil
	select {
	case err := <-r.errc:
		if err != nil {
			t.Errorf("run returned %v, want nil after a stop", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("run did not return within 5 s of the stop; logs:\n%s", r.logs)
	}
}

// waitIngested waits until the store holds at least n articles.
func (w *world) waitIngested(n int) {
	w.t.Helper()
	w.tg.WaitFor(w.t, 15*time.Second, func() bool {
		s, err := store.Open(context.Background(), w.db)
		if err != nil {
			return false
		}
		defer s.Close()
		got, err := s.LatestArticles(context.Background(), 100)
		return err == nil && len(got) >= n
	}, "articles ingested")
}

var (
	ruUser = faketelegram.User{ID: 1001, FirstName: "Ольга", LanguageCode: "ru"}
	beUser = faketelegram.User{ID: 1002, FirstName: "Алесь", LanguageCode: "be"}
	enUser = faketelegram.User{ID: 1003, FirstName: "John", LanguageCode: "en"}
	deUser = faketelegram.User{ID: 1004, FirstName: "Hans", LanguageCode: "de"}
	idle   = faketelegram.User{ID: 1005, FirstName: "Idle", LanguageCode: "ru"}
)

func privateChat(u faketelegram.User) faketelegram.Chat {
	return faketelegram.Chat{ID: u.ID, Type: "private", FirstName: u.FirstName}
}

// say sends text from u and waits for the bot's next reply in that chat.
func (w *world) say(u faketelegram.User, text string) faketelegram.Sent {
	w.t.Helper()
	before := len(w.tg.Messages(u.ID))
	w.tg.SendMessage(privateChat(u), u, text)
	msgs := w.tg.WaitMessages(w.t, u.ID, before+1, 10*time.Second)
	return msgs[before]
}

const newTitle = "Osipovichi opens a new district library branch"

func feedWithNewItem(t *testing.T) []byte {
	t.Helper()
	body, err := os.ReadFile("../../feed/testdata/en-rss.xml")
	if err != nil {
		t.Fatal(err)
	}
	item := `<item>
      <title>` + newTitle + `</title>
      <link>https://osipovichi.gov.by/en/news-en/view/new-library-branch-20001/</link>
      <guid isPermaLink="true">https://osipovichi.gov.by/en/news-en/view/new-library-branch-20001/</guid>
      <pubDate>Fri, 27 Nov 2026 10:00:00 +0300</pubDate>
      <description><![CDATA[<p>The new branch opens on Monday &amp; welcomes readers of all ages.</p>]]></description>
    </item>
    <item>`
	return bytes.Replace(body, []byte("<item>"), []byte(item), 1)
}

func TestEndToEnd(t *testing.T) {
	t.Parallel()
	w := newWorld(t, faketelegram.Options{})
	r := w.start()

	// /start in each language, and a fallback for an unsupported one.
	for _, tc := range []struct {
		user faketelegram.User
		want string
	}{
		{ruUser, "Осиповичского районного исполнительного комитета"},
		{beUser, "Асіповіцкага раённага выканаўчага камітэта"},
		{enUser, "Osipovichi District Executive Committee"},
		{deUser, "Осиповичского районного исполнительного комитета"},
	} {
		got := w.say(tc.user, "/start")
		if !strings.Contains(got.Plain, tc.want) {
			t.Errorf("/start from %s: got %q, want it to contain %q", tc.user.LanguageCode, got.Plain, tc.want)
		}
		if got.ReplyMarkup == nil || len(got.ReplyMarkup.Rows) == 0 || got.ReplyMarkup.Rows[0][0].CallbackData != cbSubscribeData {
			t.Errorf("/start from %s: want a subscribe button, got %+v", tc.user.LanguageCode, got.ReplyMarkup)
		}
	}
	if got := w.say(idle, "/start"); got.Plain == "" {
		t.Fatal("empty welcome")
	}

	// Subscribing: by command, twice (idempotent), by the button, by the deep link.
	if got := w.say(ruUser, "/subscribe"); !strings.Contains(got.Plain, "вы подписаны") {
		t.Errorf("/subscribe: got %q", got.Plain)
	}
	if got := w.say(ruUser, "/subscribe"); !strings.Contains(got.Plain, "уже подписаны") {
		t.Errorf("second /subscribe: got %q", got.Plain)
	}
	welcome := w.tg.Messages(beUser.ID)[0]
	w.tg.PressButton(privateChat(beUser), beUser, welcome.MessageID, cbSubscribeData)
	w.tg.WaitFor(t, 10*time.Second, func() bool {
		for _, a := range w.tg.CallbackAnswers() {
			if strings.Contains(a.Text, "Падпіска ўключана") {
				return true
			}
		}
		return false
	}, "button press answered in Belarusian")
	if got := w.tg.MessageText(beUser.ID, welcome.MessageID); !strings.Contains(got, "вы падпісаны") {
		t.Errorf("the welcome after Subscribe: %q, want the confirmation", got)
	}
	if got := w.say(enUser, "/start subscribe"); !strings.Contains(got.Plain, "you are subscribed") {
		t.Errorf("/start subscribe: got %q", got.Plain)
	}
	// deUser subscribes, then blocks the bot.
	w.say(deUser, "/subscribe")
	w.tg.ChatMemberUpdate(privateChat(deUser), deUser, "member", "kicked")
	// Other commands answer in the user's language.
	if got := w.say(enUser, "/help"); !strings.Contains(got.Plain, "/latest") {
		t.Errorf("/help: got %q", got.Plain)
	}
	if got := w.say(enUser, "/frobnicate"); !strings.Contains(got.Plain, "/help") {
		t.Errorf("unknown command: got %q", got.Plain)
	}
	if got := w.say(beUser, "добры дзень"); !strings.Contains(got.Plain, "/help") {
		t.Errorf("plain text: got %q", got.Plain)
	}
	if got := w.say(enUser, "/latest ten"); !strings.Contains(got.Plain, "from 1 to 20") {
		t.Errorf("/latest ten: got %q", got.Plain)
	}

	// The first poll records what is there without announcing it.
	w.waitIngested(3)
	if got := w.say(enUser, "/latest 500"); !strings.Contains(got.Plain, "I show at most 20 articles at a time.") ||
		!strings.Contains(got.Plain, "Belarus, Russia approve Union State information security concept") {
		t.Errorf("/latest 500: got %q, want the articles there are and a note that 20 is the most", got.Plain)
	}
	if got := w.say(enUser, "/latest"); !strings.Contains(got.Plain, "Belarus, Russia approve Union State information security concept") {
		t.Errorf("/latest: got %q, want the security concept item", got.Plain)
	}

	// A new item is delivered once to each subscriber and to no one else.
	w.portal.Set(enFeedPath, feedWithNewItem(t), "application/rss+xml; charset=utf-8")
	subscribers := []faketelegram.User{ruUser, beUser, enUser}
	counts := map[int64]int{}
	for _, u := range append(subscribers, idle, deUser) {
		counts[u.ID] = len(w.tg.Messages(u.ID))
	}
	for _, u := range subscribers {
		msgs := w.tg.WaitMessages(t, u.ID, counts[u.ID]+1, 20*time.Second)
		if got := msgs[counts[u.ID]].Plain; !strings.Contains(got, newTitle) {
			t.Errorf("delivery to %d: got %q, want the new item", u.ID, got)
		}
	}
	if got := w.say(ruUser, "/latest 1"); !strings.Contains(got.Plain, newTitle) {
		t.Errorf("/latest 1 after the new item: got %q", got.Plain)
	}
	confirmedBefore := w.tg.Confirmed()
	r.stop(t)

	// A restart on the same database delivers nothing again and handles no update twice.
	snapshot := map[int64]int{}
	for _, u := range append(subscribers, idle, deUser) {
		snapshot[u.ID] = len(w.tg.Messages(u.ID))
	}
	polls := len(w.portal.Requests(enFeedPath))
	w.start()
	w.tg.WaitFor(t, 15*time.Second, func() bool { return len(w.portal.Requests(enFeedPath)) > polls }, "a poll after the restart")
	reqs := w.portal.Requests(enFeedPath)
	if last := reqs[len(reqs)-1]; last.Header.Get("If-None-Match") == "" {
		t.Errorf("poll after restart sent no If-None-Match: the validators were not kept")
	}
	got := w.say(idle, "/help") // a round trip through the new process
	if !strings.Contains(got.Plain, "/latest") {
		t.Errorf("/help after restart: got %q", got.Plain)
	}
	for _, u := range append(subscribers, deUser) {
		if n := len(w.tg.Messages(u.ID)); n != snapshot[u.ID] {
			t.Errorf("chat %d got %d messages after the restart, want none: %+v", u.ID, n-snapshot[u.ID], w.tg.Messages(u.ID)[snapshot[u.ID]:])
		}
	}
	if n := len(w.tg.Messages(idle.ID)); n != snapshot[idle.ID]+1 {
		t.Errorf("idle chat: %d new messages after restart, want only the /help reply", n-snapshot[idle.ID])
	}
	if counts[deUser.ID] != snapshot[deUser.ID] {
		t.Errorf("blocked chat received %d messages", snapshot[deUser.ID]-counts[deUser.ID])
	}
	if w.tg.Confirmed() < confirmedBefore {
		t.Errorf("confirmed offset went back from %d to %d", confirmedBefore, w.tg.Confirmed())
	}
	// The command menu is registered in every language.
	cmds := w.tg.Commands()
	for _, lang := range []string{"", "ru", "be", "en"} {
		if len(cmds[lang]) == 0 {
			t.Errorf("setMyCommands for %q: none registered", lang)
		}
	}
}

const cbSubscribeData = "sub"

func TestUnauthorizedTokenExitsWithClearErrorAndNoToken(t *testing.T) {
	t.Parallel()
	w := newWorld(t, faketelegram.Options{})
	w.tg.FailMethod("getMe", faketelegram.Unauthorized(), -1)
	logs := &testkit.LogBuffer{}
	err := run(context.Background(), []string{"newsbot"}, func(k string) string { return w.env[k] }, logs, logs)
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("run with a refused token: got %v, want a 401 error", err)
	}
	if strings.Contains(err.Error()+logs.String(), w.tg.Token()) {
		t.Fatalf("the token leaked: %v\n%s", err, logs)
	}
}

func TestTokenNeverLoggedOnNetworkErrors(t *testing.T) {
	t.Parallel()
	w := newWorld(t, faketelegram.Options{})
	// A port where nothing listens: every request fails with a *url.Error that quotes the URL.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	w.env["TELEGRAM_API_ENDPOINT"] = "http://" + addr + "/bot%s/%s"
	r := w.start()
	w.tg.WaitFor(t, 10*time.Second, func() bool { return strings.Contains(r.logs.String(), "cannot reach Telegram") }, "a logged network error")
	r.stop(t)

	// And errors of a running bot: the fake goes away under it.
	w2 := newWorld(t, faketelegram.Options{})
	r2 := w2.start()
	w2.say(ruUser, "/start")
	w2.tg.Close()
	w2.tg.WaitFor(t, 10*time.Second, func() bool { return strings.Contains(r2.logs.String(), "getUpdates failed") }, "a logged poll error")
	r2.stop(t)
	for _, logs := range []string{r.logs.String(), r2.logs.String()} {
		if strings.Contains(logs, w.tg.Token()) || strings.Contains(logs, "TEST-token") {
			t.Fatalf("the token appears in the logs:\n%s", logs)
		}
		if !strings.Contains(logs, "[REDACTED]") {
			t.Errorf("expected redacted URLs in the logs, got:\n%s", logs)
		}
	}
}

func TestBackupCommand(t *testing.T) {
	t.Parallel()
	w := newWorld(t, faketelegram.Options{})
	r := w.start()
	w.say(ruUser, "/subscribe")
	w.waitIngested(3)
	dest := filepath.Join(t.TempDir(), "backup.db")
	var out bytes.Buffer
	// The backup runs while the bot runs.
	if err := run(context.Background(), []string{"newsbot", "backup", dest}, func(k string) string { return w.env[k] }, &out, &out); err != nil {
		t.Fatalf("backup: %v\n%s", err, out.String())
	}
	r.stop(t)
	for _, p := range []string{w.db, dest} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if m := fi.Mode().Perm(); m != 0o600 {
			t.Errorf("%s: mode %o, want 600", p, m)
		}
	}
	s, err := store.Open(context.Background(), dest)
	if err != nil {
		t.Fatalf("open backup: %v", err)
	}
	defer s.Close()
	if n, _ := s.CountSubscribers(context.Background()); n != 1 {
		t.Errorf("backup subscribers = %d, want 1", n)
	}
	arts, _ := s.LatestArticles(context.Background(), 100)
	if len(arts) < 3 {
		t.Errorf("backup articles = %d, want >= 3", len(arts))
	}
	err = run(context.Background(), []string{"newsbot", "backup", dest}, func(k string) string { return w.env[k] }, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("backup over an existing file: got %v", err)
	}
}

func TestPreviewCommand(t *testing.T) {
	t.Parallel()
	w := newWorld(t, faketelegram.Options{})
	var out bytes.Buffer
	err := run(context.Background(), []string{"newsbot", "preview", "-n", "2"}, func(k string) string { return w.env[k] }, &out, &out)
	if err != nil {
		t.Fatalf("preview: %v\n%s", err, out.String())
	}
	for _, want := range []string{"Belarus, Russia approve Union State information security concept", "2 March 2023", "encoding:", "items:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("preview output lacks %q:\n%s", want, out.String())
		}
	}
	if _, err := os.Stat(w.db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("preview touched the database (%v)", err)
	}
	out.Reset()
	err = run(context.Background(), []string{"newsbot", "preview", w.portal.URL("/nothing-here/")}, func(k string) string { return w.env[k] }, &out, &out)
	if err == nil {
		t.Errorf("preview of a missing feed: got nil error, want failure; output:\n%s", out.String())
	}
}
