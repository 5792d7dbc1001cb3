package bot

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/subscriptions"
)

// composeStore is what rendering deliveries needs from the store.
type composeStore interface {
	Article(ctx context.Context, id int64) (subscriptions.Article, error)
	Digest(ctx context.Context, deliveryID int64) (subscriptions.Digest, error)
	Overflow(ctx context.Context, id int64) (subscriptions.Overflow, error)
	Notice(ctx context.Context, id int64) (subscriptions.Notice, error)
}

// composer renders the deliveries of the engine's outbox: an article, a
// digest (a day's, a week's, a batch of headlines) or a notice, in the
// chat's language and display, silent in its quiet hours.
type composer struct {
	*base
	store    composeStore
	reader   *reader // for the "📖 Read here" button
	articles articleCache
}

func newComposer(shared *base, store composeStore, r *reader) *composer {
	return &composer{base: shared, store: store, reader: r, articles: articleCache{m: map[int64]subscriptions.Article{}}}
}

// Compose renders a delivery for the engine's outbox. withPhoto=false
// renders an article as text even when it has an image.
func (b *Bot) Compose(ctx context.Context, d subscriptions.DueDelivery, withPhoto bool) ([]delivery.Message, error) {
	return b.composer.compose(ctx, d, withPhoto)
}

func (b *composer) compose(ctx context.Context, d subscriptions.DueDelivery, withPhoto bool) ([]delivery.Message, error) {
	lang := i18n.Pick(b.defaultLang, d.Chat.Language)
	silent := d.Chat.InQuietHours(b.now().In(b.loc))
	opts := render.Options{Lang: lang, Loc: b.loc, WithPhoto: withPhoto, Sections: b.sections,
		Display: d.Chat.Display, Hashtags: d.Chat.Hashtags}
	if id, ok := d.Overflow(); ok {
		ov, err := b.store.Overflow(ctx, id)
		if err != nil {
			return nil, err
		}
		return []delivery.Message{{Text: render.Overflow(ov, opts).Text, Silent: silent}}, nil
	}
	switch d.Kind {
	case subscriptions.KindArticle:
		a, err := b.articles.get(ctx, b.store, d.Ref)
		if err != nil {
			return nil, err
		}
		r := render.Article(a, opts)
		return []delivery.Message{{Text: r.Text, Photo: r.Photo, Previews: d.Chat.LinkPreviews, Silent: silent,
			Keyboard: b.reader.articleKeyboard(lang, d.Chat.Type, a.ID)}}, nil
	case subscriptions.KindDigest:
		dg, err := b.store.Digest(ctx, d.ID)
		if err != nil {
			return nil, err
		}
		var msgs []delivery.Message // none when its articles are gone: nothing to send
		for _, part := range render.Digest(dg, opts) {
			msgs = append(msgs, delivery.Message{Text: part, Silent: silent})
		}
		return msgs, nil
	case subscriptions.KindNotice:
		n, err := b.store.Notice(ctx, d.Ref)
		if errors.Is(err, subscriptions.ErrNotFound) {
			return nil, fmt.Errorf("notice %d no longer exists", d.Ref)
		}
		if err != nil {
			return nil, err
		}
		v, ok := n.Version(lang)
		if !ok {
			return nil, fmt.Errorf("notice %d has no message", d.Ref)
		}
		m := versionCopy(v)
		m.Silent = silent && !n.Urgent // an urgent notice rings even in quiet hours
		return []delivery.Message{m}, nil
	default:
		return nil, fmt.Errorf("delivery kind %q is not supported by this version", d.Kind)
	}
}

// articleCache keeps the articles of a fan-out in memory: one read for
// thousands of deliveries.
type articleCache struct {
	mu sync.Mutex
	m  map[int64]subscriptions.Article
}

func (c *articleCache) get(ctx context.Context, store composeStore, id int64) (subscriptions.Article, error) {
	c.mu.Lock()
	a, ok := c.m[id]
	c.mu.Unlock()
	if ok {
		return a, nil
	}
	a, err := store.Article(ctx, id)
	if errors.Is(err, subscriptions.ErrNotFound) {
		return a, fmt.Errorf("article %d no longer exists", id)
	}
	if err != nil {
		return a, err
	}
	c.mu.Lock()
	if len(c.m) >= 256 {
		clear(c.m)
	}
	c.m[id] = a
	c.mu.Unlock()
	return a, nil
}
