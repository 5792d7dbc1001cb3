package pace_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/delivery/pace"
	"github.com/osipovichi/newsbot/internal/faketelegram"
)

// BenchmarkFanOut drives the limiter with concurrent senders against the
// fake Bot API over loopback: PACE_BENCH_MESSAGES (default 3000) messages to
// distinct private chats, Telegram's limits counted at arrival (30 a
// second, one a second per chat), each request answered after a random
// 20–300 ms, a 429 answered by waiting as the limiter says. It reports
// achieved ÷ configured rate, 429s, violations (requests inside a
// retry_after the bot had been told about), the most messages that
// arrived in any one second, and the spread of the delays from permit to
// arrival (the margin the limiter needs: see pace.Config.Margin).
//
// Run with: go test ./delivery/pace -run '^$' -bench FanOut -benchtime 1x -timeout 60m
// (one case: -bench 'FanOut/realistic/rate29$').
func BenchmarkFanOut(b *testing.B) {
	n := 3000
	if v, err := strconv.Atoi(os.Getenv("PACE_BENCH_MESSAGES")); err == nil && v > 0 {
		n = v
	}
	type fanOut struct {
		name    string
		rate    float64
		margin  time.Duration // 0: the default
		arrival float64       // share of the round trip before Telegram counts
		every   int           // a global 429 (retry_after 3) every so many messages
		hog     bool          // both cores kept busy by two other processes
	}
	cases := []fanOut{
		{name: "realistic/rate25", rate: 25, arrival: 0.1},
		{name: "realistic/rate29", rate: 29, arrival: 0.1},
		{name: "realistic/rate30", rate: 30, arrival: 0.1},
		{name: "no_margin/rate29", rate: 29, margin: -1, arrival: 0.1},
		{name: "no_margin/rate30", rate: 30, margin: -1, arrival: 0.1},
		{name: "worst_case/rate29", rate: 29, arrival: 1},
		{name: "worst_case/rate25", rate: 25, arrival: 1},
		{name: "global429_every2000/rate29", rate: 29, arrival: 0.1, every: 2000},
		{name: "cpu_hog/rate29", rate: 29, arrival: 0.1, hog: true},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			if c.hog {
				defer hogCPU(b)()
			}
			for range b.N {
				tg := faketelegram.New(faketelegram.Options{
					EnforceLimits: true, PrivateBurst: 1,
					RoundTrip:     faketelegram.RoundTrip{Min: 20 * time.Millisecond, Max: 300 * time.Millisecond, Arrival: c.arrival, Seed: 1},
					GlobalTooMany: faketelegram.GlobalTooMany{Every: c.every, RetryAfter: 3},
				})
				l, err := pace.New(pace.Config{Rate: c.rate, Margin: c.margin})
				if err != nil {
					b.Fatal(err)
				}
				r := fanOutOnce(b, tg, l, n)
				tg.Close()
				b.ReportMetric(r.achieved/c.rate, "ratio")
				b.ReportMetric(r.achieved, "msg/s")
				b.ReportMetric(float64(r.tooMany), "429s")
				b.ReportMetric(float64(r.violations), "violations")
				b.ReportMetric(float64(r.peak), "peak/s")
				b.ReportMetric(float64(r.lost), "lost")
				b.ReportMetric(float64(r.duplicates), "duplicates")
				b.ReportMetric(r.pace, "final_pace")
				b.ReportMetric(float64(r.spread.Microseconds())/1000, "spread_ms")
			}
		})
	}
}

// hogCPU keeps every core busy with other processes until the returned
// function is called.
func hogCPU(b *testing.B) (stop func()) {
	b.Helper()
	var hogs []*exec.Cmd
	for range runtime.NumCPU() {
		c := exec.Command("sh", "-c", "while :; do :; done")
		if err := c.Start(); err != nil {
			b.Fatalf("start a CPU hog: %v", err)
		}
		hogs = append(hogs, c)
	}
	return func() {
		for _, c := range hogs {
			c.Process.Kill()
			c.Wait()
		}
	}
}

type fanOutResult struct {
	achieved                  float64
	tooMany, violations, peak int
	lost, duplicates          int
	pace                      float64
	spread                    time.Duration // of the delays from permit to arrival
}

// fanOutOnce sends one message to each of n chats through l with enough
// senders for 300 ms round trips, as the outbox will: a chat is taken
// only when the limiter says it is ready, a 429 puts it back.
func fanOutOnce(b *testing.B, tg *faketelegram.Server, l *pace.Limiter, n int) fanOutResult {
	b.Helper()
	chats := make([]faketelegram.Chat, n)
	for i := range chats {
		chats[i] = faketelegram.Chat{ID: int64(100000 + i), Type: "private"}
	}
	tg.AddChats(chats)
	const senders = 32
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: senders}, Timeout: time.Minute}
	todo := make(chan int64, n)
	for _, c := range chats {
		todo <- c.ID
	}
	var left atomic.Int64
	left.Store(int64(n))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	var grantMu sync.Mutex
	granted := make(map[int64]time.Time, n) // the last permit of each chat
	b.ResetTimer()
	for range senders {
		wg.Go(func() {
			for {
				var chat int64
				select {
				case chat = <-todo:
				case <-ctx.Done():
					return
				}
				if d := l.Delay(chat); d > 0 {
					// Not ready (a pause): wait out the shortest of it and
					// the chat will come round again.
					select {
					case <-time.After(min(d, 100*time.Millisecond)):
					case <-ctx.Done():
						return
					}
					todo <- chat
					continue
				}
				p, err := l.Acquire(ctx, pace.Request{Class: pace.Bulk, Chat: chat})
				if err != nil {
					return
				}
				grantMu.Lock()
				granted[chat] = time.Now()
				grantMu.Unlock()
				retryAfter, err := send(client, tg, chat)
				switch {
				case err != nil:
					b.Errorf("send to %d: %v", chat, err)
					todo <- chat
				case retryAfter >= 0:
					p.TooMany(time.Duration(retryAfter) * time.Second)
					todo <- chat
				default:
					p.Answered()
					if left.Add(-1) == 0 {
						cancel()
					}
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	causes := map[string]int{}
	for _, a := range tg.TooManyAnswers() {
		causes[a.Cause]++
	}
	if len(causes) > 0 {
		b.Logf("429s by cause: %v", causes)
	}
	for _, v := range tg.Violations() {
		b.Logf("violation %v", v)
	}
	msgs := tg.AllMessages()
	st := tg.Stats()
	r := fanOutResult{tooMany: st.TooManyRequests, violations: st.Violations, pace: l.Stats().Pace}
	seen := map[int64]int{}
	at := make([]time.Time, len(msgs))
	lo, hi := time.Hour, -time.Hour
	for i, m := range msgs {
		seen[m.ChatID]++
		at[i] = m.At
		lag := m.At.Sub(granted[m.ChatID])
		lo, hi = min(lo, lag), max(hi, lag)
	}
	r.spread = hi - lo
	r.lost = n - len(seen)
	r.duplicates = len(msgs) - len(seen)
	slices.SortFunc(at, time.Time.Compare)
	r.achieved = float64(len(at)-1) / at[len(at)-1].Sub(at[0]).Seconds()
	for i, j := 0, 0; j < len(at); j++ {
		for at[j].Sub(at[i]) >= time.Second {
			i++
		}
		r.peak = max(r.peak, j-i+1)
	}
	return r
}

// send makes one sendMessage and returns the retry_after of a 429 (0 if
// absent), or -1 if the message was accepted.
func send(client *http.Client, tg *faketelegram.Server, chat int64) (retryAfter int, err error) {
	resp, err := client.PostForm(fmt.Sprintf(tg.Endpoint(), tg.Token(), "sendMessage"),
		url.Values{"chat_id": {strconv.FormatInt(chat, 10)}, "text": {"Новости Осиповичей"}})
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var answer struct {
		OK          bool   `json:"ok"`
		Description string `json:"description"`
		Parameters  struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
		return 0, fmt.Errorf("decode the answer: %w", err)
	}
	switch {
	case answer.OK:
		return -1, nil
	case resp.StatusCode == http.StatusTooManyRequests:
		return answer.Parameters.RetryAfter, nil
	}
	return 0, fmt.Errorf("telegram: %s", answer.Description)
}
