package bot

import (
	"context"
	"errors"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/subscriptions"
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
	SearchArticles(ctx context.Context, text string, limit int) ([]subscriptions.Article, error)
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
	who := req.chat.ID
	if req.user != nil {
		who = req.user.ID
	}
	if wait := b.limits.allow(who); wait > 0 {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "search.slow_down", int(wait.Seconds()+0.999)))
		return
	}
	articles, err := b.store.SearchArticles(ctx, args, searchResults)
	switch {
	case errors.Is(err, subscriptions.ErrEmptyQuery):
		b.replyText(ctx, req.chat, i18n.T(req.lang, "search.hint"))
		return
	case err != nil:
		b.log.Error("search", "chat_id", req.chat.ID, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	b.reply(ctx, req.chat, delivery.Message{Text: render.Search(args, articles, render.Options{Lang: req.lang, Loc: b.loc, Sections: b.sections})})
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
