package delivery

import (
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// metrics of the engine: updates handled, messages sent, 429s, outbox commits.
type metrics struct {
	updates     prometheus.Counter
	messages    *prometheus.CounterVec
	rateLimited *prometheus.CounterVec
	panics      prometheus.Counter
	commits     prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		updates: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsbot_updates_handled_total", Help: "Telegram updates handled.",
		}),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsbot_messages_sent_total", Help: "Messages sent to Telegram, by outcome.",
		}, []string{"outcome"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsbot_telegram_rate_limited_total", Help: "429 answers from Telegram, by scope (global or chat).",
		}, []string{"scope"}),
		panics: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsbot_handler_panics_total", Help: "Panics recovered while handling updates.",
		}),
		commits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsbot_outbox_commits_total", Help: "Transactions that recorded delivery outcomes (each holds a batch).",
		}),
	}
	if reg != nil {
		reg.MustRegister(m.updates, m.messages, m.rateLimited, m.panics, m.commits)
	}
	return m
}

var outcomeNames = map[verdict]string{
	verdictOK: "sent", verdictRetryAfter: "rate_limited", verdictChatGone: "chat_gone", verdictMigrated: "migrated",
	verdictBug: "bug", verdictTransient: "transient_error", verdictRejected: "rejected",
	verdictUnauthorized: "unauthorized", verdictConflict: "conflict", verdictCanceled: "canceled",
	verdictNotModified: "not_modified",
}

// counterSum is the total of a counter over all its labels.
func counterSum(c prometheus.Collector) float64 {
	ch := make(chan prometheus.Metric, 16)
	go func() {
		c.Collect(ch)
		close(ch)
	}()
	var sum float64
	for m := range ch {
		var d dto.Metric
		if m.Write(&d) == nil && d.Counter != nil {
			sum += d.Counter.GetValue()
		}
	}
	return sum
}
