package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/sync/errgroup"

	"github.com/osipovichi/newsbot/bot"
	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/feed"
	"github.com/osipovichi/newsbot/subscriptions"
	"github.com/osipovichi/newsbot/subscriptions/store"
)

// runBot runs the bot until ctx is done: the update loop, the outbox, the
// feed poller and the HTTP endpoints. The store closes last.
func runBot(ctx context.Context, cfg Config, logger *slog.Logger, stdout io.Writer) error {
	started := time.Now()
	logger.Info("starting newsbot", "version", version, "config", cfg)
	store, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer store.Close()

	client, err := connect(ctx, cfg, logger)
	if err != nil {
		return err
	}
	if client == nil {
		return nil // stopped while waiting for Telegram
	}
	logger.Info("connected to Telegram", "bot_username", client.Username(), "inline_mode", client.InlineMode())
	if !client.InlineMode() {
		logger.Info("inline mode is off: turn it on in @BotFather (/setinline) to let residents share news with @" + client.Username() + " in any chat")
	}

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	registerStoreMetrics(reg, store, logger)

	// One fetcher reads the portal for the poller, /post and reading in Telegram.
	fetcher := feed.NewFetcher(feed.FetcherOptions{Version: version, ContactURL: cfg.ContactURL})
	engine, err := delivery.New(delivery.Config{
		Client: client, Store: store, Logger: logger.With("component", "delivery"), Location: cfg.Timezone,
		Rate: cfg.Rate, PaidBroadcast: cfg.PaidBroadcast, Registerer: reg,
	})
	if err != nil {
		return err
	}
	b, err := bot.New(bot.Config{
		Telegram: engine, Store: store, Logger: logger.With("component", "bot"),
		Admins: cfg.Admins, DefaultLang: cfg.Lang, Location: cfg.Timezone, Registerer: reg, Version: version,
		Pages: fetcher, Texts: fetcher, TextSelectors: textSelectors(cfg.ListingSelectors),
	})
	if err != nil {
		return err
	}
	poller, err := feed.NewPoller(feed.PollerOptions{
		Store: store, Feeds: cfg.Feeds, Interval: cfg.PollInterval, Location: cfg.Timezone, Selectors: cfg.ListingSelectors,
		Fetcher: fetcher,
		Logger:  logger.With("component", "feed"),
		OnNew:   func(context.Context, subscriptions.IngestResult) { engine.Wake() },
		Alerter: b, Registerer: reg,
	})
	if err != nil {
		return err
	}

	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return engine.Run(gctx, b, b) }) // b handles the updates and renders the deliveries
	g.Go(func() error { return b.Run(gctx) })
	g.Go(func() error { return poller.Run(gctx) })
	if cfg.HTTPAddr != "" {
		h := &health{store: store, updates: engine, poller: poller, started: started}
		if err := serveHTTP(gctx, g, cfg.HTTPAddr, h.routes(reg), logger); err != nil {
			return err
		}
	}
	err = g.Wait()
	if errors.Is(err, delivery.ErrUnauthorized) {
		return err
	}
	if err != nil && ctx.Err() == nil {
		return err
	}
	logger.Info("newsbot stopped")
	return nil
}

// textSelectors are the "text" selectors of NEWSBOT_LISTING_SELECTORS, by source.
func textSelectors(sel map[string]feed.Selectors) map[string]string {
	out := map[string]string{}
	for src, s := range sel {
		if s.Text != "" {
			out[src] = s.Text
		}
	}
	return out
}

// connect checks the token with getMe, retrying while Telegram cannot be
// reached. A refused token is fatal. It returns nil, nil if ctx ends first.
func connect(ctx context.Context, cfg Config, logger *slog.Logger) (*delivery.Client, error) {
	httpClient := &http.Client{Timeout: delivery.DefaultPollTimeout + 20*time.Second}
	wait := time.Second
	for {
		client, err := delivery.NewClient(ctx, cfg.Token, cfg.APIEndpoint, httpClient)
		if err == nil {
			return client, nil
		}
		if ctx.Err() != nil {
			return nil, nil
		}
		if delivery.IsUnauthorized(err) {
			return nil, delivery.ErrUnauthorized
		}
		logger.Warn("cannot reach Telegram; retrying", "error", err, "retry_in", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, nil
		case <-t.C:
		}
		wait = min(wait*2, time.Minute)
	}
}

// registerStoreMetrics exposes figures read from the database at scrape time.
func registerStoreMetrics(reg prometheus.Registerer, store *store.Store, logger *slog.Logger) {
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "newsbot_active_subscribers", Help: "Subscribed chats the bot can write to.",
	}, func() float64 {
		n, err := store.CountSubscribers(context.Background())
		if err != nil {
			logger.Warn("metrics: count subscribers", "error", err)
		}
		return float64(n)
	}))
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "newsbot_outbox_pending", Help: "Deliveries waiting to be sent.",
	}, func() float64 {
		n, err := store.PendingDeliveries(context.Background())
		if err != nil {
			logger.Warn("metrics: count pending deliveries", "error", err)
		}
		return float64(n)
	}))
}

// serveHTTP listens on addr and serves h until ctx is done.
func serveHTTP(ctx context.Context, g *errgroup.Group, addr string, h http.Handler, logger *slog.Logger) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("NEWSBOT_HTTP_ADDR: cannot listen on %s: %w", addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	logger.Info("serving /healthz and /metrics", "addr", ln.Addr().String())
	g.Go(func() error {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("http server: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	})
	return nil
}
