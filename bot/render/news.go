package render

import (
	"fmt"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/subscriptions"
)

// Options says for whom a message is rendered.
type Options struct {
	Lang string         // ru, be or en; anything else means i18n.Default
	Loc  *time.Location // the reader's time zone; nil means UTC
	// WithPhoto asks for a sendPhoto message when the article has an image.
	WithPhoto bool
}

func (o Options) lang() string {
	if subscriptions.ValidLanguage(o.Lang) {
		return o.Lang
	}
	return i18n.Default
}

func (o Options) loc() *time.Location {
	if o.Loc == nil {
		return time.UTC
	}
	return o.Loc
}

const (
	// minSummary is the least room, in UTF-16 units, worth giving a cut
	// summary; with less, the summary is left out.
	minSummary = 40
	// maxSectionName bounds the section name shown under an article.
	maxSectionName = 64
	// maxListTitle bounds a title in the latest list and the digest, so that
	// one odd item cannot crowd out the others.
	maxListTitle = 300
	// digestSummary is how much of each summary the digest shows.
	digestSummary = 200
)

// Article renders one article: its title in bold, the date and time of
// publication in the reader's language and time zone, the summary, the
// section and a link to the article on the portal.
//
// With o.WithPhoto and an absolute http(s) a.ImageURL, the message is a
// photo (Photo set) and Text is a caption of at most MaxCaption; otherwise
// Text is at most MaxText. To fit, the summary is cut at a word boundary
// (or left out), and only if that is not enough the title is cut too.
func Article(a subscriptions.Article, o Options) Message {
	lang := o.lang()
	var m Message
	limit := MaxText
	if o.WithPhoto {
		if u, ok := linkURL(a.ImageURL); ok {
			m.Photo, limit = u, MaxCaption
		}
	}

	p := articleParts{
		title:   oneLine(clean(a.Title)),
		summary: paragraphs(clean(a.Summary)),
	}
	if !a.Published.IsZero() {
		p.date = i18n.DateTime(lang, a.Published.In(o.loc()))
	}
	if name := Cut(oneLine(clean(i18n.Section(lang, a.Section))), maxSectionName); name != "" {
		p.section = i18n.T(lang, "article.section") + ": " + name
	}
	if _, ok := linkURL(a.Link); ok {
		p.link, p.linkText = a.Link, i18n.T(lang, "article.read")
	}

	summary := p.summary
	p.summary = ""
	b := p.render()
	if over := b.Len() - limit; over > 0 {
		p.title = Cut(p.title, length(p.title)-over)
	} else {
		room := limit - b.Len()
		if b.Len() > 0 {
			room -= 2 // the blank line before the summary
		}
		if length(summary) <= room {
			p.summary = summary
		} else if room >= minSummary {
			p.summary = Cut(summary, room)
		}
	}
	b = p.render()
	if b.Len() > limit || b.Len() == 0 {
		// An article with nothing to show (Telegram refuses an empty text),
		// or catalogue texts too long for the limit: plain text, cut.
		fb := &Builder{}
		fb.Text(Cut(visible(b.String()), limit))
		if fb.Len() == 0 {
			fb.Text("…")
		}
		b = fb
	}
	m.Text = b.String()
	return m
}

type articleParts struct {
	title, date, summary, section, link, linkText string
}

func (p articleParts) render() *Builder {
	b := &Builder{}
	b.Bold(p.title)
	if p.date != "" {
		if b.Len() > 0 {
			b.Line()
		}
		b.Text(p.date)
	}
	if p.summary != "" {
		paragraph(b)
		b.Text(p.summary)
	}
	if p.section != "" {
		paragraph(b)
		b.Text(p.section)
	}
	if p.linkText != "" {
		if p.section != "" {
			b.Line()
		} else {
			paragraph(b)
		}
		b.Link(p.linkText, p.link)
	}
	return b
}

// paragraph starts a new paragraph unless b is empty.
func paragraph(b *Builder) {
	if b.Len() > 0 {
		b.Line()
		b.Line()
	}
}

// Latest renders the list shown by /latest: a header, then one numbered
// line per article with its short date and its title linked to the portal
// (the numbers are those of its "📖 Read here" buttons). Articles that do
// not fit in MaxText are left out from the end; shown is how many are in.
// With no articles it renders the "latest.empty" text.
func Latest(articles []subscriptions.Article, o Options) (html string, shown int) {
	lang := o.lang()
	if len(articles) == 0 {
		return Plain(i18n.T(lang, "latest.empty")), 0
	}
	return headlines(i18n.T(lang, "latest.header"), articles, o, true)
}

// headlines renders a bold header, then one line per article (numbered from
// 1 if asked) with its short date and its title linked to the portal;
// articles that do not fit in MaxText are left out from the end. It
// returns the HTML and how many articles are in.
func headlines(header string, articles []subscriptions.Article, o Options, numbered bool) (string, int) {
	b := &Builder{}
	b.Bold(header)
	shown := 0
	for i, a := range articles {
		item := &Builder{}
		if numbered {
			item.Text(fmt.Sprintf("%d. ", i+1))
		}
		if !a.Published.IsZero() {
			item.Text(i18n.ShortDate(a.Published.In(o.loc())) + " — ")
		}
		title := Cut(oneLine(clean(a.Title)), maxListTitle)
		if title == "" {
			title = "…"
		}
		item.Link(title, a.Link)
		if b.Len()+2+item.Len() > MaxText {
			break
		}
		paragraph(b)
		b.Append(item)
		shown++
	}
	return b.String(), shown
}

// Digest renders the daily digest of articles for day (shown as a date in
// o.Loc): a header with the date, then each article's linked title in bold
// and the start of its summary. It returns one message per MaxText, in
// order, each article in exactly one of them and never split; when there
// are several, their headers are numbered "(1/2)", "(2/2)". With no
// articles it returns nil.
func Digest(articles []subscriptions.Article, o Options, day time.Time) []string {
	if len(articles) == 0 {
		return nil
	}
	lang := o.lang()
	header := i18n.T(lang, "digest.header") + " · " + i18n.Date(lang, day.In(o.loc()))

	items := make([]*Builder, 0, len(articles))
	for _, a := range articles {
		b := &Builder{}
		title := Cut(oneLine(clean(a.Title)), maxListTitle)
		if title == "" {
			title = "…"
		}
		b.BoldLink(title, a.Link)
		if s := Cut(oneLine(clean(a.Summary)), digestSummary); s != "" {
			b.Line()
			b.Text(s)
		}
		items = append(items, b)
	}

	// Each part has at least one item, so there are at most len(items) parts:
	// room for the widest possible numbering is kept in every part.
	reserve := length(fmt.Sprintf(" (%d/%d)", len(items), len(items)))
	headerLen := length(header) + reserve
	var groups [][]*Builder
	n := 0
	for _, it := range items {
		if len(groups) == 0 || n+2+it.Len() > MaxText {
			groups = append(groups, nil)
			n = headerLen
		}
		g := &groups[len(groups)-1]
		*g = append(*g, it)
		n += 2 + it.Len()
	}

	parts := make([]string, len(groups))
	for i, g := range groups {
		b := &Builder{}
		h := header
		if len(groups) > 1 {
			h += fmt.Sprintf(" (%d/%d)", i+1, len(groups))
		}
		b.Bold(h)
		for _, it := range g {
			paragraph(b)
			b.Append(it)
		}
		parts[i] = b.String()
	}
	return parts
}
