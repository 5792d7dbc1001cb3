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
	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/feed"
	"github.com/osipovichi/newsbot/subscriptions"
	"github.com/osipovichi/newsbot/subscriptions/store"
)

// runBot runs the bot until ctx is done: the update loop, the outbox, the
// feed poller and the HTTP endpoints. The store closes last.
func runBot(ctx context.Context, cfg Config, logger *slog.Logger, stdout io.Writer) error {
	started := time.Now()
	logger.Info("starting newsbot", "version", versionLabel(), "config", cfg)
	store, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return permissionHint(err, cfg.DB)
	}
	defer store.Close()
	m, err := store.MigrateKeywords(ctx)
	if err != nil {
		return err
	}
	if m.Checked > 0 {
		logger.Info("keywords brought to the text analyser's rules", "checked", m.Checked, "rewritten", m.Rewritten,
			"merged", m.Merged, "dropped", m.Dropped)
	}
	enableIncrementalVacuum(ctx, store, logger)

	// The engine connects to Telegram when it runs: the HTTP server and the
	// poller do not wait for it.
	client := delivery.Dial(cfg.Token, cfg.APIEndpoint, delivery.NewHTTPClient(delivery.DefaultPollTimeout+20*time.Second))

	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	registerStoreMetrics(reg, store, logger)

	// One fetcher reads the portal for the poller, /post and reading in Telegram.
	fetcher := feed.NewFetcher(feed.FetcherOptions{Version: version, ContactURL: cfg.ContactURL, Scope: cfg.fetchScope(cfg.Feeds)})
	engine, err := delivery.New(delivery.Config{
		Client: client, Store: store, Logger: logger.With("component", "delivery"), Location: cfg.Timezone,
		Rate: cfg.Rate, PaidBroadcast: cfg.PaidBroadcast, Registerer: reg, Horizon: cfg.Horizon, Retention: cfg.Retention,
	})
	if err != nil {
		return err
	}
	b, err := bot.New(bot.Config{
		Telegram: engine, Store: store, Logger: logger.With("component", "bot"),
		Admins: cfg.Admins, DefaultLang: cfg.Lang, Location: cfg.Timezone, Sections: i18n.NewSections(cfg.SectionNames),
		Registerer: reg, Version: versionLabel(), Pages: fetcher, Contacts: cfg.Contacts,
		Texts: fetcher, TextSelectors: textSelectors(cfg.ListingSelectors),
	})
	if err != nil {
		return err
	}
	poller, err := feed.NewPoller(feed.PollerOptions{
		Store: store, Feeds: cfg.Feeds, Interval: cfg.PollInterval, AlertAfter: cfg.FeedAlertAfter, MaxNew: cfg.MaxNewPerPoll,
		Location: cfg.Timezone, Selectors: cfg.ListingSelectors,
		Fetcher: fetcher,
		Logger:  logger.With("component", "feed"),
		OnNew:   func(context.Context, subscriptions.IngestResult) { engine.Wake() },
		Alerter: b, Registerer: reg,
	})
	if err != nil {
		return err
	}

	watch := &dbWatch{store: store, outbox: engine, alerter: b, log: logger.With("component", "database"), every: dbCheckEvery}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return engine.Run(gctx, b, b) }) // b handles the updates and renders the deliveries
	// The command menu and the notices' progress need Telegram.
	g.Go(func() error {
		select {
		case <-engine.Connected():
			return b.Run(gctx)
		case <-gctx.Done():
			return nil
		}
	})
	g.Go(func() error { return poller.Run(gctx) })
	g.Go(func() error { rebuildSearchIndex(gctx, store, logger); return nil })
	g.Go(func() error { return watch.run(gctx) })
	if cfg.HTTPAddr != "" {
		h := &health{store: store, updates: engine, outbox: engine, telegram: engine, db: watch, poller: poller, started: started}
		if err := serveHTTP(gctx, g, cfg.HTTPAddr, inviteRoutes(h.routes(reg), cfg, engine, logger), logger); err != nil {
			return err
		}
	}
	err = g.Wait()
	saveOpenCopy(store, cfg.DB, logger)
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

// searchIndexBatch is how many articles one transaction of a rebuild of
// the search index writes: about a quarter of a second of other writers
// waiting.
const searchIndexBatch = 500

// rebuildSearchIndex fills the search index again when the text analyser
// changed (see store.RebuildSearchIndex), while the bot runs: a search
// meanwhile finds the articles indexed so far. A failure is logged: the
// bot works on, and the next start goes on with the rebuild.
func rebuildSearchIndex(ctx context.Context, st *store.Store, logger *slog.Logger) {
	started := time.Now()
	n, err := st.RebuildSearchIndex(ctx, searchIndexBatch)
	switch {
	case err != nil && ctx.Err() != nil:
		logger.Info("search index rebuild interrupted: it goes on at the next start", "articles", n)
	case err != nil:
		logger.Error("rebuild the search index: searches miss the articles not indexed yet", "articles", n, "error", err)
	case n > 0:
		logger.Info("search index rebuilt", "articles", n, "duration", time.Since(started).Round(time.Millisecond))
	}
}

// enableIncrementalVacuum switches a database made before retention to
// incremental vacuum, once: SQLite rewrites it (VACUUM). On failure (not
// enough disk space for the copy) the bot runs on and retention still
// frees pages for new rows; the next start tries again.
func enableIncrementalVacuum(ctx context.Context, s *store.Store, logger *slog.Logger) {
	size, _ := s.SizeBytes(ctx)
	start := time.Now()
	changed, err := s.EnableIncrementalVacuum(ctx)
	switch {
	case err != nil:
		logger.Warn("cannot switch the database to incremental vacuum; it keeps its size after retention (free pages are reused)",
			"error", err, "size_bytes", size)
	case changed:
		logger.Info("switched the database to incremental vacuum (a one-time rewrite)", "size_bytes", size,
			"took", time.Since(start).Round(time.Millisecond))
	}
}

// saveOpenCopy writes the database back to its path when it was deleted
// while the bot ran, so that the next start finds everything written since.
func saveOpenCopy(s *store.Store, path string, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	saved, err := s.SaveOpenCopy(ctx)
	switch {
	case err != nil:
		logger.Error("the database file was deleted while the bot ran, and saving the open copy back failed: what was written since is lost",
			"db", path, "error", err)
	case saved:
		logger.Warn("the database file was deleted while the bot ran: saved the open copy back", "db", path)
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
		Name: "newsbot_database_bytes", Help: "Size of the database (its pages, free ones included; the WAL aside).",
	}, func() float64 {
		n, err := store.SizeBytes(context.Background())
		if err != nil {
			logger.Warn("metrics: database size", "error", err)
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
