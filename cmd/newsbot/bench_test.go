package main

import (
	"bufio"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/internal/faketelegram"
)

// BenchmarkFanOut runs the real program (this test binary as a child
// process) through a fan-out of one article to NEWSBOT_BENCH_CHATS private
// chats (default 10,000) against the fake Telegram with ~50 ms latency:
//
//   - limited: the fake enforces Telegram's limits, NEWSBOT_RATE=25;
//   - ceiling: the fake's limits off, paid broadcast, NEWSBOT_RATE=1000.
//
// Run with: go test ./cmd/newsbot -run '^$' -bench FanOut -benchtime 1x -timeout 30m
func BenchmarkFanOut(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("NEWSBOT_BENCH_CHATS")); err == nil && v > 0 {
		n = v
	}
	cases := []struct {
		name   string
		limits bool
		env    map[string]string
		rate   float64
	}{
		{"limited", true, map[string]string{"NEWSBOT_RATE": "25"}, 25},
		{"ceiling", false, map[string]string{"NEWSBOT_RATE": "1000", "NEWSBOT_PAID_BROADCAST": "true"}, 1000},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for range b.N {
				fanOutOnce(b, n, c.limits, c.rate, c.env)
			}
		})
	}
}

func fanOutOnce(b *testing.B, n int, limits bool, rate float64, env map[string]string) {
	b.StopTimer()
	w := newFanOutWorld(b, n, faketelegram.Options{Latency: 50 * time.Millisecond, EnforceLimits: limits})
	for k, v := range env {
		w.env[k] = v
	}
	addr := freeAddr(b)
	w.env["NEWSBOT_HTTP_ADDR"] = addr
	// A poll is what starts the fan-out: the feed is empty until the idle figures are read.
	w.portal.Set(enFeedPath, emptyFeed(), rssType)
	w.env["NEWSBOT_POLL_INTERVAL"] = "10s"
	p := startProcess(b, w.env, "run")
	w.tg.WaitFor(b, 30*time.Second, func() bool { return len(w.portal.Requests(enFeedPath)) > 0 }, "the first poll")
	w.tg.WaitFor(b, 30*time.Second, func() bool { return w.tg.Stats().Requests["getUpdates"] > 0 }, "the bot to start")
	idleRSS := p.status("VmRSS")
	cpu0 := p.cpuTime()
	w.portal.Set(enFeedPath, oneItemFeed(), rssType)
	w.tg.WaitFor(b, time.Minute, func() bool { _, m := w.delivered(); return m > 0 }, "the fan-out to start")
	b.StartTimer()
	// A resident asks for the latest news in the middle of the fan-out: the
	// reply must not queue behind the bulk deliveries.
	asker := faketelegram.User{ID: 42, FirstName: "Resident", LanguageCode: "ru"}
	w.tg.WaitFor(b, time.Minute, func() bool { _, m := w.delivered(); return m >= min(n/4, 500) }, "the fan-out under way")
	asked := time.Now()
	w.tg.SendMessage(faketelegram.PrivateChat(asker), asker, "/latest")
	reply := w.tg.WaitMessages(b, asker.ID, 1, 30*time.Second)[0].At.Sub(asked)
	start := firstMessageTime(w)
	w.tg.WaitFor(b, time.Duration((float64(n)/rate*1.5+60)*float64(time.Second)), func() bool { c, _ := w.delivered(); return c == n+1 }, "every chat and the asker")
	b.StopTimer()
	end := lastMessageTime(w)
	peakRSS := p.status("VmHWM")
	cpu := p.cpuTime() - cpu0
	commits := scrape(b, addr, "newsbot_outbox_commits_total")
	p.kill()
	chats, messages := w.delivered()
	chats, messages = chats-1, messages-1 // the reply to /latest
	elapsed := end.Sub(start)
	achieved := float64(messages-1) / elapsed.Seconds()
	stats := w.tg.Stats()
	b.ReportMetric(elapsed.Seconds(), "s/fanout")
	b.ReportMetric(achieved, "msg/s")
	b.ReportMetric(achieved/rate, "rate_ratio")
	b.ReportMetric(float64(stats.TooManyRequests), "429s")
	b.ReportMetric(float64(messages-chats), "duplicates")
	b.ReportMetric(float64(idleRSS)/1024, "idle_RSS_MB")
	b.ReportMetric(float64(peakRSS)/1024, "peak_RSS_MB")
	b.ReportMetric(float64(cpu.Microseconds())/float64(messages), "cpu_us/msg")
	b.ReportMetric(commits/float64(messages), "commits/msg")
	b.ReportMetric(float64(reply.Milliseconds()), "latest_reply_ms")
	if chats != n {
		b.Fatalf("chats reached = %d, want %d", chats, n)
	}
}

func firstMessageTime(w *fanOutWorld) time.Time {
	msgs := w.tg.AllMessages()
	t := msgs[0].At
	for _, m := range msgs {
		if m.At.Before(t) {
			t = m.At
		}
	}
	return t
}

func lastMessageTime(w *fanOutWorld) time.Time {
	var t time.Time
	for _, m := range w.tg.AllMessages() {
		if m.At.After(t) {
			t = m.At
		}
	}
	return t
}

// scrape reads one counter from the program's /metrics.
func scrape(b *testing.B, addr, name string) float64 {
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			v, _ := strconv.ParseFloat(rest, 64)
			return v
		}
	}
	return 0
}
