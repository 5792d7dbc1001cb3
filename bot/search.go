package bot

import (
	"context"
	"sort"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/subscriptions"
	"github.com/osipovichi/newsbot/subscriptions/analyser"
)

const (
	searchResults  = 10
	maxSearchQuery = 100 // characters
	// searchesPerWindow searches a person may make per searchWindow.
	searchesPerWindow = 10
	searchWindow      = time.Minute
)

// searchStore is what /search needs from the store.
type searchStore interface {
	SearchArticles(ctx context.Context, q analyser.Query, limit int) ([]subscriptions.Article, error)
}

// search is /search over the whole archive.
type search struct {
	*base
	store  searchStore
	limits *searchLimiter
}

func (b *search) register(r *Bot) {
	r.addCommands(command{name: "search", aliases: []string{"find"}, menu: true, run: b.cmdSearch})
}

func (b *search) cmdSearch(ctx context.Context, req request, args string) {
	if args == "" {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "search.hint"))
		return
	}
	if utf8.RuneCountInString(args) > maxSearchQuery {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "search.too_long", maxSearchQuery))
		return
	}
	q, err := analyser.ParseQuery(args)
	if err != nil {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "search.hint"))
		return
	}
	if !b.allowed(ctx, req) {
		return
	}
	found, partial, err := b.find(ctx, q)
	if err != nil {
		b.log.Error("search", "chat_id", req.chat.ID, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	b.reply(ctx, req.chat, delivery.Message{Text: render.Search(args, found, partial, b.renderOptions(req))})
}

// allowed counts a search by the person behind req, and says so and
// returns false when they searched too often.
func (b *search) allowed(ctx context.Context, req request) bool {
	who := req.chat.ID
	if req.user != nil {
		who = req.user.ID
	}
	if wait := b.limits.allow(who); wait > 0 {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "search.slow_down", int(wait.Seconds()+0.999)))
		return false
	}
	return true
}

// find runs a search (see articles) and marks where it matched each article.
func (b *search) find(ctx context.Context, q analyser.Query) (found []render.Found, partial bool, err error) {
	articles, partial, err := b.articles(ctx, q, searchResults)
	if err != nil {
		return nil, false, err
	}
	found = make([]render.Found, len(articles))
	for i, a := range articles {
		found[i].Article = a
		for _, sp := range q.Spans(a.Analyse()) {
			m := render.Mark{Start: sp.Start, End: sp.End}
			switch sp.Field {
			case subscriptions.FieldTitle:
				found[i].Title = append(found[i].Title, m)
			case subscriptions.FieldSummary:
				found[i].Summary = append(found[i].Summary, m)
			}
		}
	}
	return found, partial, nil
}

// articles returns up to limit articles that have every term of q, the
// most relevant first. When none has them all, it returns those with the
// most of them (see some), and partial is true. /search, plain questions
// and inline mode search through it.
func (b *search) articles(ctx context.Context, q analyser.Query, limit int) (articles []subscriptions.Article, partial bool, err error) {
	articles, err = b.store.SearchArticles(ctx, q, limit)
	if err != nil || len(articles) > 0 || len(q.Terms()) < 2 {
		return articles, false, err
	}
	articles, err = b.some(ctx, q, limit)
	return articles, len(articles) > 0, err
}

// some finds up to limit articles that hold at least half of the terms of
// q (rounded up): those with the most terms first, then the newest. It
// serves questions such as "горячая вода на Сумченко" when no article
// names the street.
func (b *search) some(ctx context.Context, q analyser.Query, limit int) ([]subscriptions.Article, error) {
	terms := q.Terms()
	type candidate struct {
		a     subscriptions.Article
		terms int
	}
	var cands []candidate
	seen := map[string]bool{}
	for _, t := range terms {
		as, err := b.store.SearchArticles(ctx, t, 2*limit)
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			key := a.Link
			if key == "" {
				key = strconv.FormatInt(a.ID, 10)
			}
			if seen[key] {
				continue
			}
			seen[key] = true
			d, n := a.Analyse(), 0
			for _, t := range terms {
				if t.Match(d) {
					n++
				}
			}
			if 2*n >= len(terms) {
				cands = append(cands, candidate{a, n})
			}
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].terms != cands[j].terms {
			return cands[i].terms > cands[j].terms
		}
		return cands[i].a.Published.After(cands[j].a.Published)
	})
	out := make([]subscriptions.Article, 0, min(len(cands), limit))
	for _, c := range cands[:min(len(cands), limit)] {
		out = append(out, c.a)
	}
	return out, nil
}

// searchLimiter allows each person searchesPerWindow searches in any searchWindow.
type searchLimiter struct {
	mu   sync.Mutex
	now  func() time.Time
	hits map[int64][]time.Time
}

func newSearchLimiter(now func() time.Time) *searchLimiter {
	return &searchLimiter{now: now, hits: map[int64][]time.Time{}}
}

// allow records a search by who and returns 0, or how long to wait when
// there were too many.
func (l *searchLimiter) allow(who int64) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.hits) > 10000 {
		for k, v := range l.hits {
			if len(v) == 0 || now.Sub(v[len(v)-1]) >= searchWindow {
				delete(l.hits, k)
			}
		}
	}
	recent := l.hits[who][:0:0]
	for _, t := range l.hits[who] {
		if now.Sub(t) < searchWindow {
			recent = append(recent, t)
		}
	}
	if len(recent) >= searchesPerWindow {
		l.hits[who] = recent
		return searchWindow - now.Sub(recent[0])
	}
	l.hits[who] = append(recent, now)
	return 0
}
