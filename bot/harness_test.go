package bot

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/delivery/pace"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/internal/testkit"
	"github.com/osipovichi/newsbot/subscriptions"
	"github.com/osipovichi/newsbot/subscriptions/store"
)

// harness runs a Bot and its delivery engine against the fake Telegram and
// a real store in a temp dir.
type harness struct {
	t      testing.TB
	tg     *faketelegram.Server
	store  *store.Store
	engine *delivery.Engine
	bot    *Bot
	clock  *testkit.Clock
	logs   *testkit.LogBuffer
	minsk  *time.Location

	cancel context.CancelFunc
	done   chan error
}

type harnessOptions struct {
	tg     faketelegram.Options
	admins []int64
	rate   float64
	lang   string
	// now starts the clock; default 2023-03-02 12:00 Minsk
	now time.Time
	// version is the program's version, for /stats.
	version string
	// noStart builds the bot without running it.
	noStart bool
	// sections are the operator's names of sections (NEWSBOT_SECTION_NAMES).
	sections map[string]map[string]string
	// zone is the time zone of the bot (NEWSBOT_TIMEZONE); Europe/Minsk when nil.
	zone *time.Location
	// contacts are the committee's contacts (NEWSBOT_CONTACTS).
	contacts string
	// texts reads article pages for reading in Telegram; a fetcher when nil.
	texts TextReader
	// realPace runs the pacer on the real clock, for tests of Telegram's
	// limits (the fake counts them in real time); otherwise it runs
	// fastPace times faster, so that one message a second per chat costs
	// the tests little.
	realPace bool
}

const fastPace = 20

func newHarness(t testing.TB, o harnessOptions) *harness {
	t.Helper()
	minsk, err := time.LoadLocation("Europe/Minsk")
	if err != nil {
		t.Fatal(err)
	}
	if o.now.IsZero() {
		o.now = time.Date(2023, 3, 2, 12, 0, 0, 0, minsk)
	}
	if o.lang == "" {
		o.lang = "ru"
	}
	tg := faketelegram.New(o.tg)
	t.Cleanup(tg.Close)
	store, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	h := &harness{t: t, tg: tg, store: store, clock: testkit.NewClock(o.now), logs: &testkit.LogBuffer{}, minsk: minsk}
	h.build(o)
	if !o.noStart {
		h.start()
	}
	return h
}

// build makes the engine and the bot, as cmd/newsbot does.
func (h *harness) build(o harnessOptions) {
	h.t.Helper()
	client, err := delivery.NewClient(context.Background(), h.tg.Token(), h.tg.Endpoint(), h.tg.Client())
	if err != nil {
		h.t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	zone := h.minsk
	if o.zone != nil {
		zone = o.zone
	}
	var paceClock pace.Clock
	if !o.realPace {
		paceClock = testkit.NewFastClock(fastPace)
	}
	h.engine, err = delivery.New(delivery.Config{Client: client, Store: h.store, Logger: logger, Location: zone, PaceClock: paceClock,
		Rate: o.rate, PaidBroadcast: o.rate > 30, // faster than Telegram allows ordinary messages
		PollTimeout: time.Second, Now: h.clock.Now})
	if err != nil {
		h.t.Fatal(err)
	}
	h.bot, err = New(Config{Telegram: h.engine, Store: h.store, Logger: logger, Admins: o.admins, DefaultLang: o.lang,
		Location: zone, Sections: i18n.NewSections(o.sections), Now: h.clock.Now, Version: o.version, Contacts: o.contacts,
		Texts: o.texts})
	if err != nil {
		h.t.Fatal(err)
	}
}

// run runs the engine and the bot until ctx is done, as cmd/newsbot does.
func (h *harness) run(ctx context.Context) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return h.engine.Run(gctx, h.bot, h.bot) })
	g.Go(func() error { return h.bot.Run(gctx) })
	return g.Wait()
}

func (h *harness) start() {
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel, h.done = cancel, make(chan error, 1)
	go func() { h.done <- h.run(ctx) }()
	h.t.Cleanup(h.stop)
}

// stop stops the bot and waits for it.
func (h *harness) stop() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	h.cancel = nil
	select {
	case err := <-h.done:
		if err != nil {
			h.t.Errorf("bot.Run: %v", err)
		}
	case <-time.After(15 * time.Second):
		h.t.Errorf("bot.Run did not return after a stop")
	}
}

// say sends text from u in its private chat and returns the bot's reply.
func (h *harness) say(u faketelegram.User, text string) faketelegram.Sent {
	h.t.Helper()
	return h.sayIn(faketelegram.PrivateChat(u), u, text)
}

// sayIn sends text from u in chat and returns the bot's next message there.
func (h *harness) sayIn(chat faketelegram.Chat, u faketelegram.User, text string) faketelegram.Sent {
	h.t.Helper()
	before := len(h.tg.Messages(chat.ID))
	h.tg.SendMessage(chat, u, text)
	return h.tg.WaitMessages(h.t, chat.ID, before+1, 10*time.Second)[before]
}

// press presses a button under message msgID and returns the answer to the press.
func (h *harness) press(chat faketelegram.Chat, u faketelegram.User, msgID int, data string) faketelegram.Sent {
	h.t.Helper()
	_, id := h.tg.PressButton(chat, u, msgID, data)
	var got faketelegram.Sent
	h.tg.WaitFor(h.t, 10*time.Second, func() bool {
		for _, a := range h.tg.CallbackAnswers() {
			if a.CallbackQueryID == id {
				got = a
				return true
			}
		}
		return false
	}, "the answer to button "+data)
	return got
}

// subscribe creates private chats that are subscribed (without Telegram).
func (h *harness) subscribe(ids ...int64) {
	h.t.Helper()
	ctx := context.Background()
	for _, id := range ids {
		h.tg.AddChat(faketelegram.Chat{ID: id, Type: "private", FirstName: fmt.Sprint("user", id)})
		if _, err := h.store.TouchChat(ctx, subscriptions.ChatInfo{ID: id, Type: subscriptions.ChatPrivate}, h.clock.Now()); err != nil {
			h.t.Fatal(err)
		}
		if _, err := h.store.SetSubscribed(ctx, id, true, h.clock.Now()); err != nil {
			h.t.Fatal(err)
		}
	}
}

// publish stores articles in a feed as new (the feed's first poll has happened)
// and wakes the outbox, as the poller does.
func (h *harness) publish(section, lang string, articles ...subscriptions.Article) subscriptions.IngestResult {
	h.t.Helper()
	return h.publishIn("https://osipovichi.gov.by/"+section+"/"+lang+"/rss/", section, lang, articles...)
}

// publishIn is publish in the feed at url.
func (h *harness) publishIn(url, section, lang string, articles ...subscriptions.Article) subscriptions.IngestResult {
	h.t.Helper()
	ctx := context.Background()
	feeds, err := h.store.EnsureFeeds(ctx, []subscriptions.FeedConfig{{Section: section, Language: lang, URL: url}})
	if err != nil {
		h.t.Fatal(err)
	}
	f := feeds[0]
	if !f.Initialized {
		if _, err := h.store.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: h.clock.Now()}, nil); err != nil {
			h.t.Fatal(err)
		}
	}
	for i := range articles {
		a := &articles[i]
		a.Section, a.Language = section, lang
		if a.Key == "" {
			a.Key = a.Link
		}
		if a.Published.IsZero() {
			a.Published = h.clock.Now()
		}
		a.FirstSeen = h.clock.Now()
	}
	res, err := h.store.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: h.clock.Now()}, articles)
	if err != nil {
		h.t.Fatal(err)
	}
	h.engine.Wake()
	return res
}

// waitDelivered waits until no delivery is pending.
func (h *harness) waitDelivered() {
	h.t.Helper()
	h.tg.WaitFor(h.t, 30*time.Second, func() bool {
		c, err := h.store.DeliveryCounts(context.Background())
		return err == nil && c[subscriptions.DeliveryPending] == 0
	}, "the outbox to drain")
}

func newsArticle(n int) subscriptions.Article {
	return subscriptions.Article{
		Title:   fmt.Sprintf("Новость номер %d: в Осиповичах открыли новый сквер", n),
		Summary: "Работы по благоустройству завершены в срок.\nЖители могут отдыхать в сквере уже в эти выходные.",
		Link:    fmt.Sprintf("https://osipovichi.gov.by/ru/news-ru/view/%d/", n),
	}
}

var (
	resident = faketelegram.User{ID: 5001, FirstName: "Ирина", LanguageCode: "ru"}
	admin    = faketelegram.User{ID: 9001, FirstName: "Staff", LanguageCode: "ru"}
)
