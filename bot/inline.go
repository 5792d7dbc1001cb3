package bot

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/subscriptions"
	"github.com/osipovichi/newsbot/subscriptions/analyser"
)

// Inline mode: what each answer holds and how long Telegram may keep it.
const (
	// inlinePage results per answer (Telegram allows 50: a page of 20
	// comes fast on a slow phone); the next page comes as the person scrolls.
	inlinePage = 20
	// inlineDepth bounds the results of one query over all its pages.
	inlineDepth = 100
	// The latest news changes more often than what a search finds.
	inlineLatestCache = 30 * time.Second
	inlineSearchCache = 2 * time.Minute
)

// inlineStore is what inline mode needs from the store (it searches
// through search).
type inlineStore interface {
	LatestArticles(ctx context.Context, n int, filter ...subscriptions.ArticleFilter) ([]subscriptions.Article, error)
}

// inlineAnswerer answers inline queries: the delivery engine.
type inlineAnswerer interface {
	AnswerInline(ctx context.Context, a delivery.InlineAnswer) error
}

// inline is inline mode: "@bot" in any chat lists the latest articles in
// the person's language, "@bot words" the articles that /search finds;
// choosing one posts the article (title, date, summary, photo, the portal
// link and a "📖 Read here" link) in that chat. Answers come from the
// database alone: the portal is never asked on an inline query.
type inline struct {
	*base
	store  inlineStore
	search *search
	engine inlineAnswerer
	reader *reader
}

// answer answers an inline query. Its text and offset come from anyone:
// an offset that is not one of ours gets no results.
func (b *inline) answer(ctx context.Context, q *delivery.InlineQuery) {
	lang := b.language(ctx, q.From)
	a := delivery.InlineAnswer{QueryID: q.ID, Personal: true, CacheTime: inlineLatestCache}
	query := inlineQuery(q.Query)
	if query != "" {
		a.CacheTime = inlineSearchCache
	}
	offset, ok := parseInlineOffset(q.Offset)
	if ok {
		articles, err := b.find(ctx, query, lang, offset+inlinePage+1)
		if err != nil {
			b.log.Error("inline query", "user_id", q.From.ID, "error", err)
			a.CacheTime = 0
		}
		if len(articles) > offset+inlinePage && offset+inlinePage < inlineDepth {
			a.NextOffset = strconv.Itoa(offset + inlinePage)
		}
		opts := render.Options{Lang: lang, Loc: b.loc}
		for _, art := range articles[min(offset, len(articles)):min(offset+inlinePage, len(articles))] {
			r := render.Inline(art, opts)
			a.Results = append(a.Results, delivery.InlineResult{ID: "a" + strconv.FormatInt(art.ID, 10), Title: r.Title,
				Description: r.Description, Thumb: r.Picture, Text: r.Text, Preview: r.Picture,
				Keyboard: b.reader.articleKeyboard(lang, anyChat, art.ID)})
		}
	}
	if err := b.engine.AnswerInline(ctx, a); err != nil {
		b.log.Warn("answer an inline query", "user_id", q.From.ID, "error", err)
	}
}

// find reads the articles of a query: the latest in the person's language
// for an empty one, else what /search finds (the same analyser and search,
// partial matches included). A query without words lists the latest.
func (b *inline) find(ctx context.Context, query, lang string, n int) ([]subscriptions.Article, error) {
	if q, err := analyser.ParseQuery(query); err == nil {
		articles, _, err := b.search.articles(ctx, q, n)
		return articles, err
	}
	return b.store.LatestArticles(ctx, n, subscriptions.ArticleFilter{Language: lang})
}

// language is the person's: their chat's with the bot when they chose one,
// else their Telegram app's, else the default.
func (b *inline) language(ctx context.Context, u delivery.User) string {
	if c, err := b.chats.Chat(ctx, u.ID); err == nil && c.Language != "" {
		return i18n.Pick(b.defaultLang, c.Language)
	}
	return i18n.Pick(b.defaultLang, u.LanguageCode)
}

// inlineQuery trims an inline query and cuts it, at a word, to what
// /search accepts (Telegram sends up to 256 characters).
func inlineQuery(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= maxSearchQuery {
		return s
	}
	r := []rune(s)[:maxSearchQuery]
	if i := strings.LastIndexFunc(string(r), unicode.IsSpace); i > 0 {
		return strings.TrimSpace(string(r)[:i])
	}
	return string(r)
}

// parseInlineOffset reads the offset of an inline query: empty for the
// first page, else a NextOffset of ours (a multiple of inlinePage below
// inlineDepth, written as strconv.Itoa writes it).
func parseInlineOffset(s string) (int, bool) {
	if s == "" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && strconv.Itoa(n) == s && n > 0 && n < inlineDepth && n%inlinePage == 0
}
