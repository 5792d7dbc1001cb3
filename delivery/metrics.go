package delivery

import (
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/osipovichi/newsbot/delivery/pace"
)

// metrics of the engine: updates handled, messages sent, 429s, the pace,
// the outbox's commits, pauses and faults, retention.
type metrics struct {
	updates        prometheus.Counter
	handling       prometheus.Gauge
	messages       *prometheus.CounterVec
	rateLimited    *prometheus.CounterVec
	panics         prometheus.Counter
	commits        prometheus.Counter
	paused         *prometheus.GaugeVec
	pauses         *prometheus.CounterVec
	inFlight       prometheus.Gauge
	unrecorded     prometheus.Gauge
	recordFailures prometheus.Counter
	givenUp        prometheus.Counter
	pruned         prometheus.Counter
}

func newMetrics(reg prometheus.Registerer, p pacer) *metrics {
	m := &metrics{
		updates: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsbot_updates_handled_total", Help: "Telegram updates handled.",
		}),
		handling: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "newsbot_updates_in_flight", Help: "Telegram updates being handled or waiting for their chat's turn.",
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
		paused: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "newsbot_outbox_paused", Help: "1 while the outbox is paused, by cause (store, database, telegram, rate_limit).",
		}, []string{"cause"}),
		pauses: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsbot_outbox_pauses_total", Help: "Pauses of the outbox, by cause.",
		}, []string{"cause"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "newsbot_outbox_in_flight", Help: "Deliveries being sent or whose outcome is not recorded yet.",
		}),
		unrecorded: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "newsbot_outbox_unrecorded", Help: "Outcomes of sends not recorded yet: they pile up while the store refuses writes.",
		}),
		recordFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsbot_outbox_record_failures_total", Help: "Failed attempts to record delivery outcomes (each is retried).",
		}),
		givenUp: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsbot_outbox_given_up_total", Help: "Deliveries given up after failing for longer than the delivery horizon.",
		}),
		pruned: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsbot_retention_deleted_total", Help: "Settled deliveries and digest items deleted by retention.",
		}),
	}
	for _, cause := range pauseCauses {
		m.paused.WithLabelValues(cause)
		m.pauses.WithLabelValues(cause)
	}
	if reg != nil {
		reg.MustRegister(m.updates, m.handling, m.messages, m.rateLimited, m.panics, m.commits,
			m.paused, m.pauses, m.inFlight, m.unrecorded, m.recordFailures, m.givenUp, m.pruned)
		reg.MustRegister(paceMetrics(p)...)
	}
	return m
}

var outcomeNames = map[verdict]string{
	verdictOK: "sent", verdictRetryAfter: "rate_limited", verdictChatGone: "chat_gone", verdictMigrated: "migrated",
	verdictBug: "bug", verdictTransient: "transient_error", verdictRejected: "rejected",
	verdictUnauthorized: "unauthorized", verdictConflict: "conflict", verdictCanceled: "canceled",
	verdictNotModified: "not_modified", verdictTooLate: "too_late",
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

// paceMetrics read the pacer's figures when scraped.
func paceMetrics(p pacer) []prometheus.Collector {
	paceOf := func(lane string, read func(pace.Stats) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "newsbot_delivery_pace", Help: "The pace the bot keeps now, messages a second, by lane (ordinary, paid): " +
				"the configured rate (ordinary messages at most 30), lower for a while after a 429.",
			ConstLabels: prometheus.Labels{"lane": lane},
		}, func() float64 { return read(p.stats()) })
	}
	return []prometheus.Collector{
		paceOf("ordinary", func(s pace.Stats) float64 { return s.Pace }),
		paceOf("paid", func(s pace.Stats) float64 { return s.PaidPace }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "newsbot_delivery_waiting", Help: "Requests waiting for their turn to go to Telegram.",
		}, func() float64 { return float64(p.stats().Waiting) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "newsbot_replies_too_late_total", Help: "Replies given up because they could not leave in time for the person who asked.",
		}, func() float64 { return float64(p.stats().TooLate) }),
	}
}
