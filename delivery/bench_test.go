package delivery

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/subscriptions"
)

// benchChats is NEWSBOT_BENCH_CHATS, or def.
func benchChats(def int) int {
	if v, err := strconv.Atoi(os.Getenv("NEWSBOT_BENCH_CHATS")); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkOutage6h runs the outbox through a six-hour Telegram outage (the
// Bot API answering nginx's 502 page) on a fake clock, with one article
// queued for every chat, and reports the requests made during the outage,
// the attempts recorded, what was delivered and given up, and how long the
// queue took to drain once Telegram was back (fake time).
func BenchmarkOutage6h(b *testing.B) {
	n := benchChats(1000)
	for range b.N {
		w := newOutboxWorld(b, worldOptions{chats: n})
		w.tg.FailMethod("sendMessage", faketelegram.BadGatewayHTML(), -1)
		w.run()
		end := start.Add(6 * time.Hour)
		w.advance(end)
		during := w.requests()
		w.tg.FailMethod("sendMessage", faketelegram.Failure{}, 0)
		w.drain(24 * time.Hour)
		drained := w.clock.Now().Sub(end)
		counts, err := w.store.DeliveryCounts(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		chats := map[int64]int{}
		for _, m := range w.tg.AllMessages() {
			chats[m.ChatID]++
		}
		w.stop()
		b.ReportMetric(float64(n), "deliveries")
		b.ReportMetric(float64(during), "requests_during_outage")
		b.ReportMetric(float64(w.attempts()), "attempts")
		b.ReportMetric(float64(len(chats)), "chats_delivered")
		b.ReportMetric(float64(len(w.tg.AllMessages())-len(chats)), "duplicates")
		b.ReportMetric(float64(counts[subscriptions.DeliveryFailed]), "given_up")
		b.ReportMetric(drained.Minutes(), "drain_min")
	}
}
