package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/subscriptions"
)

const (
	// pageTimeout bounds the fetch of a page for /post (the handler has handlerTimeout in all).
	pageTimeout = 8 * time.Second
	// maxPage is the most of a page read for /post: its head is at the start.
	maxPage = 2 << 20
	// maxRedirects followed when fetching a page.
	maxRedirects = 5
)

// postStore is what /post needs from the store.
type postStore interface {
	ArticleByLink(ctx context.Context, links ...string) (subscriptions.Article, error)
	Feeds(ctx context.Context) ([]subscriptions.Feed, error)
	PostArticle(ctx context.Context, a subscriptions.Article, by int64, now time.Time) (subscriptions.PostResult, error)
}

// posts is /post: an admin pushes an article of the portal to subscribers at once.
type posts struct {
	*base
	store   postStore
	engine  waker
	version string
	pages   *http.Client // fetches the pages of /post
}

func (b *posts) register(r *Bot) {
	r.addCommands(command{name: "post", admin: true, run: b.cmdPost})
}

// cmdPost pushes a portal article to subscribers at once: a stored one to
// those who have not had it, else the page is read for its title,
// description and image, stored, and sent.
func (b *posts) cmdPost(ctx context.Context, req request, args string) {
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
	pg, err := b.fetchPage(ctx, link)
	if err != nil {
		b.log.Info("post: page not fetched", "url", link, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "post.fetch_failed", err.Error()))
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
		Section: f.Section, Language: f.Language}
	if pg.Canonical != "" {
		a.Link = pg.Canonical
	}
	if a.Language == "" && subscriptions.ValidLanguage(pg.Lang) {
		a.Language = pg.Lang
	}
	b.postArticle(ctx, req, a)
}

// postArticle stores (if new) and enqueues an article, and says what happens.
func (b *posts) postArticle(ctx context.Context, req request, a subscriptions.Article) {
	res, err := b.store.PostArticle(ctx, a, req.user.ID, b.now())
	if err != nil {
		b.log.Error("post an article", "url", a.Link, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	b.log.Info("article posted", "article_id", res.Article.ID, "user_id", req.user.ID, "known", res.Known,
		"now", res.Enqueued, "digest", res.Digest)
	b.engine.Wake()
	title := res.Article.Title
	switch {
	case res.Enqueued == 0 && res.Digest == 0:
		b.replyText(ctx, req.chat, i18n.T(req.lang, "post.everyone", title))
	case res.Digest == 0:
		b.replyText(ctx, req.chat, i18n.T(req.lang, "post.sending", title, res.Enqueued))
	default:
		b.replyText(ctx, req.chat, i18n.T(req.lang, "post.sending_digest", title, res.Enqueued, res.Digest))
	}
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
// same site with the longest path in common. It returns nil (and the sites
// of the portal) when the page is on no site of the configured feeds.
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
			if !slices.Contains(hosts, fu.Hostname()) {
				hosts = append(hosts, fu.Hostname())
			}
			if !sameSite(u.Hostname(), fu.Hostname()) {
				continue
			}
			if score := commonPrefix(u.Path, fu.Path); score > bestScore {
				best, bestScore = f, score
			}
		}
	}
	return best, hosts, nil
}

// sameSite reports whether two host names are the same site: equal, or one
// a subdomain of the other, "www." aside.
func sameSite(a, b string) bool {
	a = strings.TrimPrefix(strings.ToLower(strings.TrimSuffix(a, ".")), "www.")
	b = strings.TrimPrefix(strings.ToLower(strings.TrimSuffix(b, ".")), "www.")
	return a == b || strings.HasSuffix(a, "."+b) || strings.HasSuffix(b, "."+a)
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

func checkPageRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return errors.New("too many redirects")
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("redirected to a %s address", req.URL.Scheme)
	}
	return nil
}

// page is what /post reads from an article's page.
type page struct {
	URL         string // after redirects
	Canonical   string // og:url or the canonical link, on the same site; or empty
	Title       string // og:title, else <title>
	Description string // og:description, else the description meta
	Image       string // og:image, absolute http(s)
	Lang        string // <html lang>, cut to its language
}

// fetchPage reads a page for /post, within pageTimeout and maxPage.
func (b *posts) fetchPage(ctx context.Context, link string) (page, error) {
	ctx, cancel := context.WithTimeout(ctx, pageTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return page{}, errors.New("bad address")
	}
	version := b.version
	if version == "" {
		version = "dev"
	}
	req.Header.Set("User-Agent", "newsbot/"+version+" (Telegram news bot of the portal)")
	req.Header.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5")
	resp, err := b.pages.Do(req)
	if err != nil {
		var ne net.Error
		if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
			return page{}, errors.New("no answer in time")
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return page{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return page{}, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	ct := resp.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); ct != "" && (err != nil || !strings.Contains(mt, "html")) {
		return page{}, fmt.Errorf("not a web page (%s)", ct)
	}
	r, err := charset.NewReader(io.LimitReader(resp.Body, maxPage), ct)
	if err != nil {
		return page{}, fmt.Errorf("unknown encoding: %w", err)
	}
	doc, err := html.Parse(r)
	if err != nil {
		return page{}, fmt.Errorf("unreadable page: %w", err)
	}
	return parsePage(doc, resp.Request.URL), nil
}

// parsePage takes the title, description, image, address and language of a page.
func parsePage(doc *html.Node, base *url.URL) page {
	u := *base
	u.Fragment, u.RawFragment = "", ""
	p := page{URL: u.String()}
	meta := map[string]string{}
	var title, canonical string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Html:
				p.Lang = pageAttr(n, "lang")
			case atom.Title:
				if title == "" {
					title = pageText(n)
				}
			case atom.Meta:
				key := strings.ToLower(pageAttr(n, "property"))
				if key == "" {
					key = strings.ToLower(pageAttr(n, "name"))
				}
				if v := strings.TrimSpace(pageAttr(n, "content")); key != "" && v != "" && meta[key] == "" {
					meta[key] = v
				}
			case atom.Link:
				if strings.EqualFold(pageAttr(n, "rel"), "canonical") && canonical == "" {
					canonical = pageAttr(n, "href")
				}
			case atom.Svg:
				return // an svg <title> is not the page's
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	p.Title = pageOneLine(pageFirst(meta["og:title"], meta["twitter:title"], title))
	p.Description = strings.TrimSpace(pageFirst(meta["og:description"], meta["description"], meta["twitter:description"]))
	if img, ok := resolveHTTP(base, pageFirst(meta["og:image:secure_url"], meta["og:image"], meta["og:image:url"], meta["twitter:image"])); ok {
		p.Image = img.String()
	}
	if c, ok := resolveHTTP(base, pageFirst(meta["og:url"], canonical)); ok && sameSite(c.Hostname(), base.Hostname()) {
		c.Fragment, c.RawFragment = "", ""
		p.Canonical = c.String()
	}
	if l, _, _ := strings.Cut(strings.ToLower(p.Lang), "-"); l != "" {
		p.Lang = l
	}
	return p
}

func pageAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

func pageText(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

func pageFirst(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

func pageOneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// resolveHTTP resolves ref against base and keeps it only if it is http(s).
func resolveHTTP(base *url.URL, ref string) (*url.URL, bool) {
	if strings.TrimSpace(ref) == "" {
		return nil, false
	}
	r, err := url.Parse(strings.TrimSpace(ref))
	if err != nil {
		return nil, false
	}
	u := base.ResolveReference(r)
	if (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return nil, false
	}
	return u, true
}
