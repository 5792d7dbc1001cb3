package feed

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	polls    *prometheus.CounterVec
	items    *prometheus.GaugeVec
	failures *prometheus.GaugeVec
}

// newMetrics creates the poller's metrics and registers them with reg, if
// any. Collectors already registered (a second poller on one registry) are reused.
func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		polls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsbot_feed_polls_total",
			Help: "Feed polls by feed and outcome (ok, not_modified, error).",
		}, []string{"feed", "outcome"}),
		items: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "newsbot_feed_items",
			Help: "Items in the latest successful fetch of the feed.",
		}, []string{"feed"}),
		failures: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "newsbot_feed_consecutive_failures",
			Help: "Consecutive failed polls of the feed.",
		}, []string{"feed"}),
	}
	if reg == nil {
		return m, nil
	}
	var err error
	if m.polls, err = register(reg, m.polls); err != nil {
		return nil, err
	}
	if m.items, err = register(reg, m.items); err != nil {
		return nil, err
	}
	if m.failures, err = register(reg, m.failures); err != nil {
		return nil, err
	}
	return m, nil
}

func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing, nil
			}
		}
		return c, err
	}
	return c, nil
}
