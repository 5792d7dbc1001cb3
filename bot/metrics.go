package bot

import "github.com/prometheus/client_golang/prometheus"

// metrics of the Telegram side of the bot.
type metrics struct {
	updates     prometheus.Counter
	commands    *prometheus.CounterVec
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
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsbot_commands_total", Help: "Commands received, by command.",
		}, []string{"command"}),
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
		reg.MustRegister(m.updates, m.commands, m.messages, m.rateLimited, m.panics, m.commits)
	}
	return m
}

var outcomeNames = map[verdict]string{
	verdictOK: "sent", verdictRetryAfter: "rate_limited", verdictChatGone: "chat_gone", verdictMigrated: "migrated",
	verdictBug: "bug", verdictTransient: "transient_error", verdictRejected: "rejected",
	verdictUnauthorized: "unauthorized", verdictConflict: "conflict", verdictCanceled: "canceled",
}
