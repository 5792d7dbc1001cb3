package bot

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/feed"
	"github.com/osipovichi/newsbot/subscriptions"
)

// pageTimeout bounds the reading of a page for /post (the handler has handlerTimeout in all).
const pageTimeout = 8 * time.Second

// PageReader reads an article page: its title, description, picture, date
// and address (feed.Fetcher implements it, with the fetcher's politeness).
type PageReader interface {
	ReadPage(ctx context.Context, url string) (feed.Page, error)
}

// postStore is what /post needs from the store.
type postStore interface {
	ArticleByLink(ctx context.Context, links ...string) (subscriptions.Article, error)
	Feeds(ctx context.Context) ([]subscriptions.Feed, error)
	PreviewPost(ctx context.Context, a subscriptions.Article, now time.Time) (subscriptions.PostResult, error)
	CreatePost(ctx context.Context, adminID int64, a subscriptions.Article, now time.Time) (subscriptions.Notice, error)
}

// posts is /post: an admin sends an article of the portal to the
// subscribers who have not had it, after a preview and Send, as a notice
// (the notices' controls, progress and report).
type posts struct {
	*base
	store   postStore
	notices *notices
	pages   PageReader
}

func (b *posts) register(r *Bot) {
	r.addCommands(command{name: "post", admin: true, run: b.cmdPost})
}

// cmdPost prepares a portal article for the subscribers who have not had
// it: a stored one, else the page is read (PageReader) for its title,
// description, image and date (stored when it is sent).
func (b *posts) cmdPost(ctx context.Context, req request, args string) {
	if req.group() {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "admin.private_only"))
		return
	}
	if args == "" {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "post.usage"))
		return
	}
	u, ok := postURL(args)
	if !ok {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "post.bad_url"))
		return
	}
	link := u.String()
	a, err := b.store.ArticleByLink(ctx, link)
	if err == nil {
		b.postArticle(ctx, req, a)
		return
	}
	if !errors.Is(err, subscriptions.ErrNotFound) {
		b.log.Error("find an article by link", "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	f, hosts, err := b.portalFeed(ctx, u)
	if err != nil {
		b.log.Error("read feeds", "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	if f == nil {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "post.not_portal", strings.Join(hosts, ", ")))
		return
	}
	pctx, cancel := context.WithTimeout(ctx, pageTimeout)
	pg, err := b.pages.ReadPage(pctx, link)
	cancel()
	if err != nil {
		b.log.Info("post: page not read", "url", link, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "post.fetch_failed", pageFailure(err)))
		return
	}
	if pg.Title == "" {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "post.no_title"))
		return
	}
	// The page may call itself by another address (a redirect, a canonical link).
	if a, err := b.store.ArticleByLink(ctx, pg.Canonical, pg.URL); err == nil {
		b.postArticle(ctx, req, a)
		return
	}
	a = subscriptions.Article{Title: pg.Title, Summary: pg.Description, Link: pg.URL, ImageURL: pg.Image,
		Published: pg.Published, Section: f.Section, Language: f.Language}
	if pg.Canonical != "" {
		a.Link = pg.Canonical
	}
	if a.Language == "" && subscriptions.ValidLanguage(pg.Language) {
		a.Language = pg.Language
	}
	b.postArticle(ctx, req, a)
}

// postArticle shows a preview of the article, as residents will get it,
// and the controls of a post: how many will get it, and Send. An article
// everyone has had already gets no draft.
func (b *posts) postArticle(ctx context.Context, req request, a subscriptions.Article) {
	res, err := b.store.PreviewPost(ctx, a, b.now())
	if err != nil {
		b.log.Error("preview a post", "url", a.Link, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	if res.Enqueued+res.Digest == 0 {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "post.everyone", res.Article.Title))
		return
	}
	n, err := b.store.CreatePost(ctx, req.user.ID, a, b.now())
	if err != nil {
		b.log.Error("draft a post", "url", a.Link, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	b.log.Info("post drafted", "notice_id", n.ID, "user_id", req.user.ID, "known", res.Known)
	opts := render.Options{Lang: req.lang, Loc: b.loc}
	for _, withPhoto := range []bool{true, false} {
		opts.WithPhoto = withPhoto
		r := render.Article(res.Article, opts)
		if b.reply(ctx, req.chat, delivery.Message{Text: r.Text, Photo: r.Photo, Previews: true}) == nil || r.Photo == "" {
			break // sent, or failed without a photo to blame
		}
	}
	b.notices.showControls(ctx, req.chat, req.lang, n)
}

// postURL parses the argument of /post: an absolute http(s) URL, without its fragment.
func postURL(s string) (*url.URL, bool) {
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, " \n\t") || len(s) > 2048 {
		return nil, false
	}
	u, err := url.Parse(s)
	if err != nil || u.User != nil || u.Hostname() == "" {
		return nil, false
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, false
	}
	u.Fragment, u.RawFragment = "", ""
	return u, true
}

// portalFeed finds the configured feed a portal page belongs to: one on the
// same host (feed.SameHost: the same name, "www." aside, and port) with the
// longest path in common. It returns nil (and the hosts of the portal)
// when the page is on no host of the configured feeds: another site, a
// sibling under a shared suffix such as gov.by, another port.
func (b *posts) portalFeed(ctx context.Context, u *url.URL) (*subscriptions.Feed, []string, error) {
	feeds, err := b.store.Feeds(ctx)
	if err != nil {
		return nil, nil, err
	}
	var best *subscriptions.Feed
	bestScore := -1
	var hosts []string
	for i := range feeds {
		f := &feeds[i]
		if f.IsPosted() {
			continue
		}
		for _, raw := range []string{f.URL, f.ResolvedURL} {
			fu, err := url.Parse(raw)
			if raw == "" || err != nil || fu.Hostname() == "" {
				continue
			}
			if !slices.Contains(hosts, fu.Host) {
				hosts = append(hosts, fu.Host)
			}
			if !feed.SameHost(u, fu) {
				continue
			}
			if score := commonPrefix(u.Path, fu.Path); score > bestScore {
				best, bestScore = f, score
			}
		}
	}
	return best, hosts, nil
}

// commonPrefix is the length of the path segments two paths share.
func commonPrefix(a, b string) int {
	n := 0
	as, bs := strings.Split(strings.Trim(a, "/"), "/"), strings.Split(strings.Trim(b, "/"), "/")
	for i := 0; i < len(as) && i < len(bs) && as[i] == bs[i] && as[i] != ""; i++ {
		n++
	}
	return n
}

// pageFailure says in a few words why a page could not be read, for the
// admin who asked: not a page, the status, a timeout, or the fetcher's plain words.
func pageFailure(err error) string {
	if np, ok := errors.AsType[*feed.NotPageError](err); ok {
		return "not a web page (" + np.ContentType + ")"
	}
	if he, ok := errors.AsType[*feed.HTTPError](err); ok {
		return "HTTP " + strconv.Itoa(he.Status) // the same in every language
	}
	if errors.Is(err, feed.ErrTimeout) || errors.Is(err, context.DeadlineExceeded) {
		return "no answer in time"
	}
	if fe, ok := errors.AsType[*feed.Error](err); ok {
		return fe.Plain
	}
	return err.Error()
}
