package main

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/internal/fakeportal"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/internal/testkit"
	"github.com/osipovichi/newsbot/subscriptions"
	"github.com/osipovichi/newsbot/subscriptions/store"
)

// binary is the program built once for the process tests: the real binary,
// as `go build` makes it for production (no race detector).
var binary struct {
	once sync.Once
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binary.path != "" {
		os.RemoveAll(filepath.Dir(binary.path))
	}
	os.Exit(code)
}

func buildBinary(t testing.TB) string {
	t.Helper()
	binary.once.Do(func() {
		dir, err := os.MkdirTemp("", "newsbot-bin-")
		if err != nil {
			binary.err = err
			return
		}
		binary.path = filepath.Join(dir, "newsbot")
		// The same flags as the static build of .ci/run, so that CI's build cache serves it.
		cmd := exec.Command("go", "build", "-trimpath", "-o", binary.path, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			binary.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

// proc is the program running as a child process.
type proc struct {
	cmd  *exec.Cmd
	logs *testkit.LogBuffer
	done chan error
}

func startProcess(t testing.TB, env map[string]string, args ...string) *proc {
	t.Helper()
	return startProcessAs(t, nil, env, args...)
}

// startProcessAs starts the program with attr (e.g. as another user).
func startProcessAs(t testing.TB, attr *syscall.SysProcAttr, env map[string]string, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(buildBinary(t), args...)
	cmd.SysProcAttr = attr
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	p := &proc{cmd: cmd, logs: &testkit.LogBuffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the program: %v", err)
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() { p.kill() })
	return p
}

func (p *proc) kill() {
	if p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Kill()
		<-p.done
		p.done <- nil // for any later waiter
	}
}

// status reads a field such as VmHWM or VmRSS (kB) of the running process.
func (p *proc) status(field string) int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return kb
		}
	}
	return 0
}

// cpuTime is the user+system CPU time the running process has used.
func (p *proc) cpuTime() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	utime, _ := strconv.Atoi(fields[11])
	stime, _ := strconv.Atoi(fields[12])
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ
}

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// fanOutWorld prepares a database with n subscribed chats and an
// initialized feed, so that the program's first poll finds exactly one new
// article to send to all of them.
type fanOutWorld struct {
	tg     *faketelegram.Server
	portal *fakeportal.Portal
	env    map[string]string
	n      int
}

func newFanOutWorld(t testing.TB, n int, tgOpts faketelegram.Options) *fanOutWorld {
	t.Helper()
	tg := faketelegram.New(tgOpts)
	t.Cleanup(tg.Close)
	portal := fakeportal.New(nil)
	t.Cleanup(portal.Close)
	portal.Set(enFeedPath, oneItemFeed(), rssType)
	path := filepath.Join(t.TempDir(), "fanout.db")
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	feedURL := portal.URL(enFeedPath)
	feeds, err := db.EnsureFeeds(ctx, []subscriptions.FeedConfig{{Section: "news", Language: "en", URL: feedURL}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.IngestFeed(ctx, feeds[0].ID, subscriptions.FetchResult{At: time.Now()}, nil); err != nil {
		t.Fatal(err)
	}
	chats := make([]faketelegram.Chat, n)
	now := time.Now()
	for i := range n {
		id := int64(100000 + i)
		chats[i] = faketelegram.Chat{ID: id, Type: "private", FirstName: "r"}
		if _, err := db.TouchChat(ctx, subscriptions.ChatInfo{ID: id, Type: subscriptions.ChatPrivate, Language: "en"}, now); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SetSubscribed(ctx, id, true, now); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	tg.AddChats(chats)
	return &fanOutWorld{tg: tg, portal: portal, n: n, env: map[string]string{
		"TELEGRAM_BOT_TOKEN":    tg.Token(),
		"TELEGRAM_API_ENDPOINT": tg.Endpoint(),
		"NEWSBOT_DB":            path,
		"NEWSBOT_FEEDS":         "news/en=" + feedURL,
		"NEWSBOT_POLL_INTERVAL": "1h",
		"NEWSBOT_HTTP_ADDR":     "off",
		"NEWSBOT_LOG_LEVEL":     "warn",
	}}
}

const rssType = "application/rss+xml; charset=utf-8"

// oneItemFeed is the portal's English feed holding one article; emptyFeed
// holds none.
func oneItemFeed() []byte {
	return []byte(strings.Replace(string(emptyFeed()), "</channel>", `<item>
      <title>Belarus, Russia approve Union State information security concept</title>
      <link>https://osipovichi.gov.by/en/news-en/view/belarus-russia-approve-union-state-information-security-concept-12346/</link>
      <guid isPermaLink="true">https://osipovichi.gov.by/en/news-en/view/belarus-russia-approve-union-state-information-security-concept-12346/</guid>
      <pubDate>Thu, 02 Mar 2023 12:47:00 +0300</pubDate>
      <description><![CDATA[<p>MINSK, 2 March (BelTA) &ndash; The Supreme State Council of the Union State has approved the concept of information security of the Union State.</p>]]></description>
    </item></channel>`, 1))
}

func emptyFeed() []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Osipovichi District Executive Committee — News</title>
<link>https://osipovichi.gov.by/en/</link><description>News of Osipovichi District</description><language>en</language></channel></rss>`)
}

// delivered counts the chats that got at least one message and all messages.
func (w *fanOutWorld) delivered() (chats, messages int) {
	per := map[int64]int{}
	for _, m := range w.tg.AllMessages() {
		per[m.ChatID]++
		messages++
	}
	return len(per), messages
}

func TestSIGTERMWhileLongPolling(t *testing.T) {
	t.Parallel()
	w := newWorld(t, faketelegram.Options{})
	w.env["NEWSBOT_HTTP_ADDR"] = freeAddr(t)
	p := startProcess(t, w.env, "run")
	// Wait for an open long poll: the second getUpdates is sure to be waiting.
	w.tg.WaitFor(t, 20*time.Second, func() bool { return w.tg.Stats().Requests["getUpdates"] >= 1 }, "a long poll")
	w.tg.WaitFor(t, 10*time.Second, func() bool {
		resp, err := http.Get("http://" + w.env["NEWSBOT_HTTP_ADDR"] + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, "healthz to answer 200")
	start := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v, want status 0; logs:\n%s", err, p.logs)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("exit took %v, want under 5 s", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no exit within 5 s of SIGTERM; logs:\n%s", p.logs)
	}
	if strings.Contains(p.logs.String(), w.tg.Token()) {
		t.Fatalf("the token appears in the logs")
	}
}

// TestCrashDuringFanOut kills the real program with SIGKILL at random
// moments of a 2,000-chat fan-out, five times, restarting it each time: in
// the end every chat has the article, and duplicates are at most one per
// kill. A message repeats when Telegram accepted it and the kill came before
// its outcome was recorded; the outbox keeps no more sends in flight than
// the pace needs over one round trip, so with the production pace (25/s)
// and the fake's 20 ms that is one message, however busy the machine. The
// last run, which is not killed, finishes the fan-out with paid broadcasts
// at 80/s, so that the test takes seconds rather than a minute and a half.
func TestCrashDuringFanOut(t *testing.T) {
	if testing.Short() {
		t.Skip("process test")
	}
	t.Parallel()
	const n, kills = 2000, 5
	w := newFanOutWorld(t, n, faketelegram.Options{Latency: 20 * time.Millisecond})
	perKill := make([]int, kills)
	for k := 0; k < kills; k++ {
		p := startProcess(t, w.env, "run")
		// Once this run is sending, kill it at a random moment: a timer, not
		// a message count, so that the kill falls anywhere in a send's life.
		_, before := w.delivered()
		w.tg.WaitFor(t, 60*time.Second, func() bool { _, m := w.delivered(); return m > before }, "this run to start sending")
		<-time.After(time.Duration(100+rand.IntN(700)) * time.Millisecond)
		if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		<-p.done
		perKill[k] = w.unrecorded(t)
	}
	w.env["NEWSBOT_PAID_BROADCAST"] = "true"
	w.env["NEWSBOT_RATE"] = "80"
	p := startProcess(t, w.env, "run")
	w.tg.WaitFor(t, 120*time.Second, func() bool { c, _ := w.delivered(); return c == n }, "every chat to get the article")
	p.kill()
	chats, messages := w.delivered()
	if chats != n {
		t.Fatalf("chats with the article = %d, want %d", chats, n)
	}
	if dup := messages - n; dup > kills {
		t.Fatalf("duplicates = %d, want at most %d (one per kill); messages accepted and not recorded at each kill: %v", dup, kills, perKill)
	} else {
		t.Logf("%d chats, %d messages, %d duplicates after %d kills (at each kill: %v)", chats, messages, dup, kills, perKill)
	}
}

// unrecorded counts the chats that have the article from Telegram while
// the database does not say it was sent: what a restart sends again.
func (w *fanOutWorld) unrecorded(t *testing.T) int {
	t.Helper()
	db, err := store.Open(context.Background(), w.env["NEWSBOT_DB"])
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got := map[int64]bool{}
	for _, m := range w.tg.AllMessages() {
		got[m.ChatID] = true
	}
	n := 0
	for id := range got {
		d, err := db.Delivery(context.Background(), id, subscriptions.KindArticle, 1)
		if err != nil {
			t.Fatal(err)
		}
		if d.State != subscriptions.DeliverySent {
			n++
		}
	}
	return n
}
