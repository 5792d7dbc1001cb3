package main

import (
	"bufio"
	"encoding/json"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/osipovichi/newsbot/internal/faketelegram"
)

// Process tests of issue 16's faults on the real binary: a full disk, a
// read-only database, the database folder deleted, Telegram down. Each
// runs a fan-out into the fault and out of it, and checks that nothing is
// lost, nothing is sent twice, and the bot stays alive and says what is
// wrong (/healthz, metrics, an alert to the admins).

// firstChat is the id of the fan-out's first chat (see newFanOutWorld).
const firstChat = 100000

// maxInFlight bounds the sends that may still land after the outbox
// paused: at the production pace and the fake's 20 ms, one at a time (see
// the outbox's in-flight bound); two leaves room for a slow start.
const maxInFlight = 2

var faultAdmin = faketelegram.User{ID: 777, FirstName: "Admin", LanguageCode: "en"}

// faultWorld is a fan-out world whose database lives in a folder of its
// own, with an admin and /healthz.
type faultWorld struct {
	*fanOutWorld
	dir  string // the folder of the database
	addr string // of /healthz and /metrics
	attr *syscall.SysProcAttr
}

// newFaultWorld prepares n chats waiting for one article. asNobody runs the
// program as user nobody when the test runs as root, for whom file modes
// mean nothing.
func newFaultWorld(t *testing.T, n int, asNobody bool) *faultWorld {
	t.Helper()
	fw := newFanOutWorld(t, n, faketelegram.Options{Latency: 20 * time.Millisecond})
	root, err := os.MkdirTemp("", "newsbot-faults-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	w := &faultWorld{fanOutWorld: fw, dir: filepath.Join(root, "data"), addr: freeAddr(t)}
	if err := os.Mkdir(w.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(w.dir, "newsbot.db")
	if err := os.Rename(fw.env["NEWSBOT_DB"], db); err != nil {
		t.Fatal(err)
	}
	fw.tg.AddChat(faketelegram.PrivateChat(faultAdmin))
	for k, v := range map[string]string{
		"NEWSBOT_DB": db, "NEWSBOT_ADMINS": strconv.FormatInt(faultAdmin.ID, 10), "NEWSBOT_LANG": "en",
		"NEWSBOT_HTTP_ADDR": w.addr, "NEWSBOT_LOG_LEVEL": "info",
	} {
		fw.env[k] = v
	}
	if asNobody && os.Geteuid() == 0 {
		const nobody = 65534
		for _, p := range []string{root, w.dir, db} {
			if err := os.Chown(p, nobody, nobody); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chmod(filepath.Dir(buildBinary(t)), 0o755); err != nil {
			t.Fatal(err)
		}
		w.attr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	}
	return w
}

func (w *faultWorld) start(t *testing.T) *proc {
	t.Helper()
	return startProcessAs(t, w.attr, w.env, "run")
}

// startFanOut starts the program and waits until the fan-out is under way.
func (w *faultWorld) startFanOut(t *testing.T) *proc {
	t.Helper()
	p := w.start(t)
	w.waitArticles(t, 20, 60*time.Second)
	return p
}

// articles counts the subscribers that have the article and the messages
// they got.
func (w *faultWorld) articles() (chats, messages int) {
	per := map[int64]int{}
	for _, m := range w.tg.AllMessages() {
		if m.ChatID >= firstChat {
			per[m.ChatID]++
			messages++
		}
	}
	return len(per), messages
}

// waitArticles waits until at least n subscribers have the article.
func (w *faultWorld) waitArticles(t *testing.T, n int, timeout time.Duration) {
	t.Helper()
	w.tg.WaitFor(t, timeout, func() bool { c, _ := w.articles(); return c >= n }, strconv.Itoa(n)+" subscribers to have the article")
}

// assertEachOnce checks that every subscriber has the article exactly once.
func (w *faultWorld) assertEachOnce(t *testing.T) {
	t.Helper()
	if chats, messages := w.articles(); chats != w.n || messages != w.n {
		t.Errorf("subscribers with the article = %d, messages = %d; want %d each: nothing lost, nothing twice", chats, messages, w.n)
	}
}

// health reads /healthz; ok is false while nothing answers.
func (w *faultWorld) health() (code int, rep healthReport, ok bool) { return readHealth(w.addr) }

// readHealth reads /healthz at addr; ok is false while nothing answers.
func readHealth(addr string) (code int, rep healthReport, ok bool) {
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		return 0, rep, false
	}
	defer resp.Body.Close()
	if json.NewDecoder(resp.Body).Decode(&rep) != nil {
		return 0, rep, false
	}
	return resp.StatusCode, rep, true
}

// waitHealth waits until /healthz answers code and cond holds for its report.
func (w *faultWorld) waitHealth(t *testing.T, code int, cond func(healthReport) bool, what string) healthReport {
	t.Helper()
	var last healthReport
	w.tg.WaitFor(t, 30*time.Second, func() bool {
		c, rep, ok := w.health()
		last = rep
		return ok && c == code && cond(rep)
	}, what)
	return last
}

// metric reads the sum of a metric's series from /metrics (NaN if absent).
func (w *faultWorld) metric(name string) float64 {
	resp, err := http.Get("http://" + w.addr + "/metrics")
	if err != nil {
		return math.NaN()
	}
	defer resp.Body.Close()
	sum, found := 0.0, false
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name+" ") && !strings.HasPrefix(line, name+"{") {
			continue
		}
		if v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64); err == nil {
			sum, found = sum+v, true
		}
	}
	if !found {
		return math.NaN()
	}
	return sum
}

// waitAdmin waits for an alert to the admin that contains text.
func (w *faultWorld) waitAdmin(t *testing.T, text string) {
	t.Helper()
	w.tg.WaitFor(t, 30*time.Second, func() bool {
		for _, m := range w.tg.Messages(faultAdmin.ID) {
			if strings.Contains(m.Plain, text) {
				return true
			}
		}
		return false
	}, "an alert to the admin saying "+text)
}

// faulted waits until /healthz fails with cond and the admins are told.
func (w *faultWorld) faulted(t *testing.T, cond func(healthReport) bool, what string) healthReport {
	t.Helper()
	rep := w.waitHealth(t, http.StatusServiceUnavailable, cond, "/healthz to say "+what)
	w.waitAdmin(t, "cannot keep what it writes")
	return rep
}

// recovers waits until /healthz is ok, the admins are told, and every
// subscriber has the article exactly once.
func (w *faultWorld) recovers(t *testing.T) {
	t.Helper()
	w.waitHealth(t, http.StatusOK, func(r healthReport) bool { return r.Status == "ok" }, "/healthz to be ok again")
	w.waitAdmin(t, "takes writes again")
	w.waitArticles(t, w.n, 60*time.Second)
	w.alive(t)
	w.assertEachOnce(t)
}

// alive checks that the bot answers a resident.
func (w *faultWorld) alive(t *testing.T) {
	t.Helper()
	u := faketelegram.User{ID: 888, FirstName: "Resident", LanguageCode: "en"}
	before := len(w.tg.Messages(u.ID))
	w.tg.SendMessage(faketelegram.PrivateChat(u), u, "/help")
	w.tg.WaitMessages(t, u.ID, before+1, 20*time.Second)
}

// assertNoSendsWhile checks that no article leaves while the outbox is
// paused: the count after the pause began, again after the bot has shown
// it is alive (an update round trip) and the check of the database ran.
func (w *faultWorld) assertNoSendsWhile(t *testing.T, paused string) int {
	t.Helper()
	_, before := w.articles()
	w.alive(t)
	w.tg.WaitFor(t, 20*time.Second, func() bool { return w.metric("newsbot_outbox_in_flight") == 0 }, "nothing in flight")
	w.alive(t)
	if _, after := w.articles(); after > before+maxInFlight {
		t.Errorf("articles sent while %s: %d, want at most the %d in flight when it began", paused, after-before, maxInFlight)
	}
	_, sent := w.articles()
	return sent
}

// logged reports whether a line of the program's log holds every part.
func logged(p *proc, parts ...string) bool {
	for _, line := range strings.Split(p.logs.String(), "\n") {
		all := true
		for _, part := range parts {
			all = all && strings.Contains(line, part)
		}
		if all {
			return true
		}
	}
	return false
}

// A full disk: the program may write nothing (its file size limit is set
// to 0, which fails every write as a full disk does). The outbox pauses at
// once, keeps the outcomes of what was in flight and records them when the
// disk takes writes again: not one message twice, none lost.
func TestDiskFullPausesTheOutbox(t *testing.T) {
	if testing.Short() {
		t.Skip("process test")
	}
	t.Parallel()
	w := newFaultWorld(t, 150, false)
	p := w.startFanOut(t)
	pid := p.cmd.Process.Pid
	var limit unix.Rlimit
	if err := unix.Prlimit(pid, unix.RLIMIT_FSIZE, nil, &limit); err != nil {
		t.Fatal(err)
	}
	full := unix.Rlimit{Cur: 0, Max: limit.Max}
	if err := unix.Prlimit(pid, unix.RLIMIT_FSIZE, &full, nil); err != nil {
		t.Skipf("cannot limit the program's file size here: %v", err)
	}
	rep := w.faulted(t, func(r healthReport) bool {
		return strings.Contains(r.Outbox, "paused (store)") || strings.Contains(r.Outbox, "paused (database)")
	}, "the outbox is paused")
	w.tg.WaitFor(t, 30*time.Second, func() bool { return w.metric("newsbot_outbox_record_failures_total") >= 3 },
		"three failed tries to record the outcomes")
	_, sent := w.articles()
	w.alive(t)
	if _, now := w.articles(); now != sent {
		t.Errorf("articles sent while the disk was full: %d more after three failed records", now-sent)
	}
	t.Logf("healthz while the disk was full: %+v", rep)

	if err := unix.Prlimit(pid, unix.RLIMIT_FSIZE, &limit, nil); err != nil {
		t.Fatal(err)
	}
	w.recovers(t)
	if !logged(p, "cannot record delivery outcomes") || !logged(p, `msg="outbox resumed"`, "cause=store") {
		t.Errorf("logs do not tell the fault and the recovery:\n%s", p.logs)
	}
}

// A database made read-only under the running bot: the watch notices
// (the file's mode), holds the outbox, tells the admins and /healthz; once
// writable again, everything goes on by itself.
func TestReadOnlyDatabaseHoldsTheOutbox(t *testing.T) {
	if testing.Short() {
		t.Skip("process test")
	}
	t.Parallel()
	w := newFaultWorld(t, 150, true)
	if os.Geteuid() == 0 && w.attr == nil {
		t.Skip("running as root without another user: file modes do not stop root")
	}
	p := w.startFanOut(t)
	db := w.env["NEWSBOT_DB"]
	if err := os.Chmod(db, 0o400); err != nil {
		t.Fatal(err)
	}
	rep := w.faulted(t, func(r healthReport) bool {
		return strings.Contains(r.Database, "read-only") && strings.Contains(r.Outbox, "paused")
	}, "the database is read-only")
	w.assertNoSendsWhile(t, "the database was read-only")
	t.Logf("healthz while read-only: database %q, outbox %q", rep.Database, rep.Outbox)

	if err := os.Chmod(db, 0o600); err != nil {
		t.Fatal(err)
	}
	w.recovers(t)
	if !logged(p, "the database takes writes again") {
		t.Errorf("the recovery was not logged:\n%s", p.logs)
	}
}

// The database folder deleted under the running bot: what it writes now
// would be lost at the next start. The watch notices (the file is gone),
// holds the outbox and alerts; on SIGTERM the bot writes its open copy
// back, and the restarted bot finishes the fan-out: nothing lost, nothing
// twice.
func TestDeletedDatabaseFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("process test")
	}
	t.Parallel()
	w := newFaultWorld(t, 150, true)
	p := w.startFanOut(t)
	if err := os.RemoveAll(w.dir); err != nil {
		t.Fatal(err)
	}
	w.faulted(t, func(r healthReport) bool {
		return strings.Contains(r.Database, "does not exist") && strings.Contains(r.Outbox, "paused (database)")
	}, "the database file is gone")
	w.assertNoSendsWhile(t, "the database was deleted")

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-p.done; err != nil {
		t.Fatalf("exit after SIGTERM: %v, want 0; logs:\n%s", err, p.logs)
	}
	p.done <- nil
	if !strings.Contains(p.logs.String(), "saved the open copy back") {
		t.Errorf("no word of the copy saved back:\n%s", p.logs)
	}
	for path, want := range map[string]os.FileMode{w.dir: 0o700, w.env["NEWSBOT_DB"]: 0o600} {
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s after the stop: %v, %v; want mode %o", path, fi, err, want)
		}
	}
	w.start(t)
	w.waitArticles(t, w.n, 60*time.Second)
	w.assertEachOnce(t)
}

// Telegram down (the Bot API answering nginx's 502 page to every message)
// for the time of three pauses of the outbox: it tries again with one
// message at a time, /healthz says degraded (200) meanwhile, and once
// Telegram is back every subscriber gets the article once.
func TestTelegramOutageOnTheRealBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("process test")
	}
	t.Parallel()
	w := newFaultWorld(t, 100, false)
	w.tg.FailMethod("sendMessage", faketelegram.BadGatewayHTML(), -1)
	p := w.start(t)
	w.waitHealth(t, http.StatusOK, func(r healthReport) bool {
		return r.Status == "degraded" && strings.Contains(r.Outbox, "paused (telegram)")
	}, "/healthz to say degraded: waiting for Telegram")
	// 5 s, then 10 s: the second "still paused" comes some 15 s into the outage.
	w.tg.WaitFor(t, 60*time.Second, func() bool { return strings.Count(p.logs.String(), "outbox still paused") >= 2 },
		"two more pauses")
	if got := w.metric(`newsbot_outbox_paused{cause="telegram"}`); got != 1 {
		t.Errorf("newsbot_outbox_paused{cause=telegram} = %v, want 1", got)
	}
	during := w.tg.Stats().Requests["sendMessage"]
	if during > maxInFlight+3 {
		t.Errorf("messages tried during the outage = %d, want the first ones and one per pause (at most %d)", during, maxInFlight+3)
	}
	w.tg.FailMethod("sendMessage", faketelegram.Failure{}, 0)
	w.waitArticles(t, w.n, 120*time.Second)
	w.waitHealth(t, http.StatusOK, func(r healthReport) bool { return r.Status == "ok" }, "/healthz to be ok again")
	w.alive(t)
	w.assertEachOnce(t)
	if !logged(p, `msg="outbox resumed"`, "cause=telegram") {
		t.Errorf("the recovery was not logged:\n%s", p.logs)
	}
	t.Logf("%d messages tried during the outage", during)
}
