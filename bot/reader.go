package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/feed"
	"github.com/osipovichi/newsbot/subscriptions"
)

// What reading in Telegram may cost the portal, and how long a read lasts.
const (
	// ReaderPagesPerMinute is how many article pages residents may have
	// the bot read from the portal in any minute, all together (N of issue
	// 15.2). Pages already read cost nothing: they come from the database.
	ReaderPagesPerMinute = 10
	// readerWorkers read pages from the portal at once; readerQueue reads
	// may wait for them. Beyond, a press is told to come back in a minute.
	readerWorkers = 2
	readerQueue   = 16
	// readerTimeout bounds the reading of one page.
	readerTimeout = 15 * time.Second
	// A read text is shown for textFresh before the page is read again (the
	// portal corrects articles now and then); a removed article is believed
	// removed for goneFresh, and a read that failed for failedFresh. Texts
	// older than textFresh are deleted as new ones are saved.
	textFresh   = 24 * time.Hour
	goneFresh   = 6 * time.Hour
	failedFresh = 15 * time.Minute
	// readStart starts the /start payload of a "📖 Read here" link: read_ID.
	readStart = "read_"
)

// TextReader reads the text block of an article page (feed.Fetcher
// implements it, with the fetcher's politeness and limits).
type TextReader interface {
	ReadPageText(ctx context.Context, url, selector string) (feed.PageText, error)
}

// readerStore is what reading in Telegram needs from the store.
type readerStore interface {
	Article(ctx context.Context, id int64) (subscriptions.Article, error)
	ArticleText(ctx context.Context, articleID int64) (subscriptions.ArticleText, error)
	SaveArticleText(ctx context.Context, t subscriptions.ArticleText, forgetBefore time.Time) error
	Feeds(ctx context.Context) ([]subscriptions.Feed, error)
}

// reader is reading in Telegram ("📖 Read here"): the full text of an
// article, read once from its page on the portal and kept in the database,
// shown in a private chat as pages of one message turned with Next and Back.
// Pages are read in the background by readerWorkers, at most
// ReaderPagesPerMinute a minute; presses for an article being read wait for
// that one read.
type reader struct {
	*base
	store     readerStore
	pages     TextReader
	selectors map[string]string // text selectors by configured source URL
	username  func() string     // the bot's, for links to its private chat
	budget    *pageBudget
	jobs      chan int64 // articles to read

	mu      sync.Mutex
	waiting map[int64][]readJob // presses waiting for the read of an article

	outcomes *prometheus.CounterVec
}

// readJob is a press (or a /start link) waiting for an article's text.
type readJob struct {
	article subscriptions.Article
	chatID  int64
	lang    string
	page    int // 1-based
	// messageID is the message to turn to the page, or 0 to send a new one.
	messageID int
}

func newReader(shared *base, store readerStore, pages TextReader, selectors map[string]string, username func() string) *reader {
	return &reader{
		base: shared, store: store, pages: pages, selectors: selectors, username: username,
		budget: &pageBudget{now: shared.now, per: ReaderPagesPerMinute, window: time.Minute},
		jobs:   make(chan int64, readerQueue), waiting: map[int64][]readJob{},
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsbot_reader_requests_total",
			Help: "Articles opened to read in Telegram, by where the text came from: cache, ok (read from the portal), gone, failed, busy.",
		}, []string{"result"}),
	}
}

func (b *reader) register(r *Bot) {
	r.addCallbacks(b.press, cbRead)
}

// run reads the pages asked for until ctx is done.
func (b *reader) run(ctx context.Context) error {
	var wg sync.WaitGroup
	for range readerWorkers {
		wg.Go(func() {
			for {
				select {
				case <-ctx.Done():
					return
				case id := <-b.jobs:
					b.read(ctx, id)
				}
			}
		})
	}
	wg.Wait()
	return nil
}

// press handles "📖 Read here" and the Next and Back buttons.
func (b *reader) press(ctx context.Context, req request, p *delivery.Press) string {
	d, ok := decodeRead(p.Data)
	if !ok {
		return i18n.T(req.lang, "button.outdated")
	}
	if req.group() {
		return i18n.T(req.lang, "read.private_only")
	}
	job := readJob{chatID: req.chat.ID, lang: req.lang, page: max(d.page, 1)}
	if d.page > 0 {
		job.messageID = p.MessageID
	}
	return b.open(ctx, d.article, job)
}

// startLink handles /start read_ID, the link of the button in groups,
// channels and shared messages; it reports whether args was such a link.
func (b *reader) startLink(ctx context.Context, req request, args string) bool {
	id, ok := decodeReadStart(args)
	if !ok {
		return false
	}
	if req.group() {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "read.private_only"))
		return true
	}
	if note := b.open(ctx, id, readJob{chatID: req.chat.ID, lang: req.lang, page: 1}); note != "" {
		b.replyText(ctx, req.chat, note)
	}
	return true
}

// open shows a page of an article's text, from the database when it was
// read lately, else after reading it in the background. It returns a short
// notice for the person ("opening…"), or "" when it answered already.
func (b *reader) open(ctx context.Context, articleID int64, job readJob) string {
	a, err := b.store.Article(ctx, articleID)
	if errors.Is(err, subscriptions.ErrNotFound) {
		b.show(ctx, job, render.Plain(i18n.T(job.lang, "read.missing")), "", nil)
		return ""
	}
	if err != nil {
		b.log.Error("read an article", "article_id", articleID, "error", err)
		return i18n.T(job.lang, "error.internal")
	}
	job.article = a
	t, err := b.store.ArticleText(ctx, articleID)
	switch {
	case err == nil && b.fresh(t):
		b.outcomes.WithLabelValues("cache").Inc()
		b.deliver(ctx, job, t)
		return ""
	case err != nil && !errors.Is(err, subscriptions.ErrNotFound):
		b.log.Error("read the kept text of an article", "article_id", articleID, "error", err)
	}
	if b.enqueue(job) {
		return i18n.T(job.lang, "read.loading")
	}
	b.outcomes.WithLabelValues("busy").Inc()
	b.log.Info("reading in Telegram is busy: the page is not read now", "article_id", articleID)
	b.show(ctx, job, render.PortalLink(i18n.T(job.lang, "read.busy"), a, render.Options{Lang: job.lang}), "", nil)
	return ""
}

// enqueue has the job wait for the read of its article: the read under
// way, or a new one when the budget and the queue allow; false when not.
func (b *reader) enqueue(job readJob) bool {
	id := job.article.ID
	b.mu.Lock()
	defer b.mu.Unlock()
	if waiting, ok := b.waiting[id]; ok {
		b.waiting[id] = append(waiting, job)
		return true
	}
	if !b.budget.take() {
		return false
	}
	select {
	case b.jobs <- id:
		b.waiting[id] = []readJob{job}
		return true
	default:
		b.budget.giveBack()
		return false
	}
}

// fresh reports whether a kept text (or failed read) still stands.
func (b *reader) fresh(t subscriptions.ArticleText) bool {
	age := b.now().Sub(t.FetchedAt)
	switch t.Status {
	case subscriptions.TextOK:
		return age < textFresh
	case subscriptions.TextGone:
		return age < goneFresh
	}
	return age < failedFresh
}

// read reads the page of an article, keeps what it gave and answers every
// press waiting for it. A panic is logged: the worker goes on, and presses
// for the article start a new read.
func (b *reader) read(ctx context.Context, articleID int64) {
	taken := false
	// Presses that come while the page is read wait with the first: they
	// are taken, and the article's wait ended, once the text is kept.
	take := func() []readJob {
		b.mu.Lock()
		defer b.mu.Unlock()
		jobs := b.waiting[articleID]
		delete(b.waiting, articleID)
		taken = true
		return jobs
	}
	defer func() {
		if r := recover(); r != nil {
			b.log.Error("panic while reading an article", "article_id", articleID, "panic", fmt.Sprint(r))
		}
		if !taken {
			take()
		}
	}()
	b.mu.Lock()
	first := b.waiting[articleID]
	b.mu.Unlock()
	if len(first) == 0 {
		return
	}
	a := first[0].article
	start := b.now()
	t := b.readText(ctx, a)
	if ctx.Err() != nil {
		return // stopping: nothing was learnt about the page
	}
	b.outcomes.WithLabelValues(string(t.Status)).Inc()
	if t.Status == subscriptions.TextOK {
		b.log.Info("article text read", "article_id", a.ID, "blocks", len(t.Blocks), "truncated", t.Truncated,
			"duration", b.now().Sub(start))
	} else {
		b.log.Warn("article text not read", "article_id", a.ID, "url", a.Link, "status", t.Status, "error", t.Reason)
	}
	if err := b.store.SaveArticleText(ctx, t, b.now().Add(-textFresh)); err != nil {
		b.log.Error("keep the text of an article", "article_id", a.ID, "error", err)
	}
	for _, job := range take() {
		b.deliver(ctx, job, t)
	}
}

// readText reads an article's page with its source's text selector. Only
// pages on the portal's sites are read.
func (b *reader) readText(ctx context.Context, a subscriptions.Article) subscriptions.ArticleText {
	t := subscriptions.ArticleText{ArticleID: a.ID, Status: subscriptions.TextFailed, FetchedAt: b.now()}
	selector, onPortal, err := b.source(ctx, a)
	if err != nil {
		t.Reason = "read the feeds: " + err.Error()
		return t
	}
	if !onPortal {
		t.Reason = "the article is not on the portal's sites"
		return t
	}
	rctx, cancel := context.WithTimeout(ctx, readerTimeout)
	defer cancel()
	pt, err := b.pages.ReadPageText(rctx, a.Link, selector)
	if he, ok := errors.AsType[*feed.HTTPError](err); ok && (he.Status == http.StatusNotFound || he.Status == http.StatusGone) {
		t.Status, t.Reason = subscriptions.TextGone, err.Error()
		return t
	}
	if err != nil {
		t.Reason = err.Error()
		return t
	}
	t.Status, t.Blocks, t.Truncated = subscriptions.TextOK, pt.Blocks, pt.Truncated
	return t
}

// source finds the text selector of an article's source, and whether its
// link is on a site of the configured sources.
func (b *reader) source(ctx context.Context, a subscriptions.Article) (selector string, onPortal bool, err error) {
	u, err := url.Parse(a.Link)
	if err != nil || u.Hostname() == "" || u.Scheme != "http" && u.Scheme != "https" {
		return "", false, nil
	}
	feeds, err := b.store.Feeds(ctx)
	if err != nil {
		return "", false, err
	}
	for _, f := range feeds {
		if f.ID == a.FeedID {
			selector = b.selectors[f.URL]
		}
		if f.IsPosted() {
			continue
		}
		for _, raw := range []string{f.URL, f.ResolvedURL} {
			if fu, err := url.Parse(raw); raw != "" && err == nil && feed.SameSite(u.Hostname(), fu.Hostname()) {
				onPortal = true
			}
		}
	}
	return selector, onPortal, nil
}

// deliver answers a press with what the read gave: the page asked for, a
// notice that the article was removed, or the link to it on the portal.
func (b *reader) deliver(ctx context.Context, job readJob, t subscriptions.ArticleText) {
	o := render.Options{Lang: job.lang, Loc: b.loc}
	switch t.Status {
	case subscriptions.TextOK:
		pages := render.Reading(job.article, t, o)
		n := min(max(job.page, 1), len(pages))
		p := pages[n-1]
		var kb keyboard
		var nav []key
		if n > 1 {
			nav = append(nav, key{i18n.T(job.lang, "read.back"), readData{article: job.article.ID, page: n - 1}})
		}
		if n < len(pages) {
			nav = append(nav, key{i18n.T(job.lang, "read.next"), readData{article: job.article.ID, page: n + 1}})
		}
		kb.row(nav...)
		b.show(ctx, job, p.Text, p.Picture, kb.rows)
	case subscriptions.TextGone:
		b.show(ctx, job, render.Plain(i18n.T(job.lang, "read.gone")), "", nil)
	default:
		b.show(ctx, job, render.PortalLink(i18n.T(job.lang, "read.failed"), job.article, o), "", nil)
	}
}

// show turns the job's message into html, or sends html as a new message.
func (b *reader) show(ctx context.Context, job readJob, html, picture string, kb delivery.Keyboard) {
	if job.messageID != 0 {
		if err := b.tg.Edit(ctx, delivery.Edit{ChatID: job.chatID, MessageID: job.messageID, Text: html, Preview: picture, Keyboard: kb}); err != nil {
			b.log.Warn("turn a page of an article", "chat_id", job.chatID, "error", err)
		}
		return
	}
	// The engine logs a failure and records what Telegram said about the chat.
	_ = b.tg.Reply(ctx, delivery.Message{ChatID: job.chatID, Text: html, Preview: picture, Keyboard: kb})
}

// anyChat is the chat type of a message that may be posted in any chat (inline mode).
const anyChat subscriptions.ChatType = ""

// button is the "📖 Read here" button of an article in a chat of a type:
// in a private chat it opens the reading view there; elsewhere (or anyChat)
// it is a link to the private chat with the bot, so that a group or a
// channel is not filled with pages. ok is false when there is no way to it
// (no username).
func (b *reader) button(label string, chatType subscriptions.ChatType, articleID int64) (delivery.Button, bool) {
	if chatType == subscriptions.ChatPrivate {
		data, err := encodeCallback(readData{article: articleID})
		return delivery.Button{Text: label, Data: data}, err == nil
	}
	link := readLink(b.username(), articleID)
	return delivery.Button{Text: label, URL: link}, link != ""
}

// articleKeyboard is the keyboard of a delivered article.
func (b *reader) articleKeyboard(lang string, chatType subscriptions.ChatType, articleID int64) delivery.Keyboard {
	if btn, ok := b.button(i18n.T(lang, "button.read"), chatType, articleID); ok {
		return delivery.Keyboard{{btn}}
	}
	return nil
}

// listKeyboard is the keyboard of a numbered list of articles: "📖 1",
// "📖 2", …, five to a row.
func (b *reader) listKeyboard(chatType subscriptions.ChatType, articles []subscriptions.Article) delivery.Keyboard {
	const perRow = 5
	var kb delivery.Keyboard
	for i, a := range articles {
		btn, ok := b.button("📖 "+strconv.Itoa(i+1), chatType, a.ID)
		if !ok {
			return nil
		}
		if i%perRow == 0 {
			kb = append(kb, nil)
		}
		kb[len(kb)-1] = append(kb[len(kb)-1], btn)
	}
	return kb
}

// readLink is the t.me link that opens the private chat with the bot and
// shows an article there, or "" without a username.
func readLink(username string, articleID int64) string {
	if username == "" {
		return ""
	}
	return "https://t.me/" + username + "?start=" + readStart + strconv.FormatInt(articleID, 10)
}

// decodeReadStart reads the /start payload of readLink.
func decodeReadStart(args string) (int64, bool) {
	rest, ok := strings.CutPrefix(args, readStart)
	if !ok {
		return 0, false
	}
	id, ok := parseID(rest)
	return id, ok && id > 0
}

// pageBudget allows per reads of the portal in any window, all residents together.
type pageBudget struct {
	mu     sync.Mutex
	now    func() time.Time
	per    int
	window time.Duration
	taken  []time.Time
}

// take takes one read from the budget; false when it is spent.
func (p *pageBudget) take() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	i := 0
	for i < len(p.taken) && now.Sub(p.taken[i]) >= p.window {
		i++
	}
	p.taken = p.taken[i:]
	if len(p.taken) >= p.per {
		return false
	}
	p.taken = append(p.taken, now)
	return true
}

// giveBack returns the read taken last, which did not happen.
func (p *pageBudget) giveBack() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.taken) > 0 {
		p.taken = p.taken[:len(p.taken)-1]
	}
}
