package render

import (
	"fmt"
	"strings"
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
	// Sections names the article's section; the zero value knows the built-in names.
	Sections i18n.Sections
	// Display is how the reader's news look; "" is DisplayFull. An article
	// shown compact (DisplayCompact, DisplayHeadlines) has its title, date
	// and link only; a digest shown so lists numbered titles.
	Display subscriptions.Display
	// Hashtags adds the hashtags of an article's categories under it.
	Hashtags bool
}

// compact reports whether articles are shown without photo and summary.
func (o Options) compact() bool {
	return o.Display == subscriptions.DisplayCompact || o.Display == subscriptions.DisplayHeadlines
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
// section and a link to the article on the portal; with o.Hashtags, the
// hashtags of its categories. Shown compact (o.Display), it has its
// title, date and link only (and the hashtags), and no photo.
//
// With o.WithPhoto and an absolute http(s) a.ImageURL, the message is a
// photo (Photo set) and Text is a caption of at most MaxCaption; otherwise
// Text is at most MaxText. To fit, the summary is cut at a word boundary
// (or left out), and only if that is not enough the title is cut too.
func Article(a subscriptions.Article, o Options) Message {
	lang := o.lang()
	var m Message
	limit := MaxText
	if o.WithPhoto && !o.compact() {
		if u, ok := linkURL(a.ImageURL); ok {
			m.Photo, limit = u, MaxCaption
		}
	}

	p := articleParts{title: oneLine(clean(a.Title)), compact: o.compact()}
	if !a.Published.IsZero() {
		p.date = i18n.DateTime(lang, a.Published.In(o.loc()))
	}
	if !p.compact {
		p.summary = paragraphs(clean(a.Summary))
		if name := Cut(oneLine(clean(o.Sections.Name(lang, a.Section))), maxSectionName); name != "" {
			p.section = i18n.T(lang, "article.section") + ": " + name
		}
	}
	if _, ok := linkURL(a.Link); ok {
		p.link, p.linkText = a.Link, i18n.T(lang, "article.read")
	}
	if o.Hashtags {
		p.hashtags = strings.Join(a.Hashtags(), " ")
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
	title, date, summary, section, link, linkText, hashtags string
	compact                                                 bool // the date and the link on one line
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
		switch {
		case p.compact && p.date != "":
			b.Text(" · ")
		case p.compact || p.section != "":
			if b.Len() > 0 {
				b.Line()
			}
		default:
			paragraph(b)
		}
		b.Link(p.linkText, p.link)
	}
	if p.hashtags != "" {
		if b.Len() > 0 {
			b.Line()
		}
		b.Text(p.hashtags)
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

// Overflow renders the notice of a poll that brought more new articles
// than are sent one by one: how many more there are, in which section,
// where to read them (the portal, /latest, /search), and a link to the
// section on the portal.
func Overflow(ov subscriptions.Overflow, o Options) Message {
	lang := o.lang()
	b := &Builder{}
	b.Bold(i18n.T(lang, "overflow.title", ov.Count))
	paragraph(b)
	b.Text(i18n.T(lang, "overflow.text", Cut(oneLine(clean(o.Sections.Name(lang, ov.Section))), maxSectionName)))
	if _, ok := linkURL(ov.Link); ok {
		paragraph(b)
		b.Link(i18n.T(lang, "overflow.open"), ov.Link)
	}
	return Message{Text: b.String()}
}

// Latest renders the list shown by /latest: a header, a note under it in
// italics unless note is empty, then one numbered line per article with its
// short date and its title linked to the portal (the numbers are those of
// its "📖 Read here" buttons). Articles that do not fit in MaxText are left
// out from the end; shown is how many are in. With no articles it renders
// the "latest.empty" text.
func Latest(articles []subscriptions.Article, note string, o Options) (html string, shown int) {
	lang := o.lang()
	if len(articles) == 0 {
		return Plain(i18n.T(lang, "latest.empty")), 0
	}
	return headlines(i18n.T(lang, "latest.header"), note, articles, o)
}

// headlines renders a bold header, the note in italics unless it is empty,
// then one numbered line per article with its short date and its title
// linked to the portal; articles that do not fit in MaxText are left out
// from the end. It returns the HTML and how many articles are in.
func headlines(header, note string, articles []subscriptions.Article, o Options) (string, int) {
	b := &Builder{}
	b.Bold(header)
	if note != "" {
		b.Line()
		b.Italic(Cut(note, MaxText/4))
	}
	shown := 0
	for i, a := range articles {
		item := &Builder{}
		item.Text(fmt.Sprintf("%d. ", i+1))
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

// Digest renders a digest: a header that says what it gathers (a day, a
// week, a batch of headlines) and when, then each article: with o.Display
// full, its linked title in bold and the start of its summary; otherwise a
// numbered list of linked titles. It returns one message per MaxText, in
// order, each article in exactly one of them and never split; when there
// are several, their headers are numbered "(1/2)", "(2/2)". With no
// articles it returns nil.
func Digest(d subscriptions.Digest, o Options) []string {
	if len(d.Articles) == 0 {
		return nil
	}
	lang := o.lang()
	slot := d.Slot.In(o.loc())
	var header string
	switch d.Form {
	case subscriptions.DigestWeekly:
		header = i18n.T(lang, "digest.weekly") + " · " + i18n.Date(lang, slot.AddDate(0, 0, -7)) + " – " + i18n.Date(lang, slot)
	case subscriptions.DigestHeadlines, subscriptions.DigestCatchUp:
		header = i18n.T(lang, "digest.headlines") + " · " + i18n.DateTime(lang, slot)
	default:
		header = i18n.T(lang, "digest.header") + " · " + i18n.Date(lang, slot)
	}

	list := o.Display != "" && o.Display != subscriptions.DisplayFull // numbered titles
	items := make([]*Builder, 0, len(d.Articles))
	for i, a := range d.Articles {
		b := &Builder{}
		title := Cut(oneLine(clean(a.Title)), maxListTitle)
		if title == "" {
			title = "…"
		}
		if list {
			b.Text(fmt.Sprintf("%d. ", i+1))
			b.Link(title, a.Link)
			items = append(items, b)
			continue
		}
		b.BoldLink(title, a.Link)
		if s := Cut(oneLine(clean(a.Summary)), digestSummary); s != "" {
			b.Line()
			b.Text(s)
		}
		items = append(items, b)
	}
	gap := 2 // a blank line between articles
	if list {
		gap = 1
	}

	// Each part has at least one item, so there are at most len(items) parts:
	// room for the widest possible numbering is kept in every part.
	reserve := length(fmt.Sprintf(" (%d/%d)", len(items), len(items)))
	headerLen := length(header) + reserve
	var groups [][]*Builder
	n := 0
	for _, it := range items {
		if len(groups) == 0 || n+gap+it.Len() > MaxText {
			groups = append(groups, nil)
			n = headerLen + 2 - gap // the first item is under a blank line
		}
		g := &groups[len(groups)-1]
		*g = append(*g, it)
		n += gap + it.Len()
	}

	parts := make([]string, len(groups))
	for i, g := range groups {
		b := &Builder{}
		h := header
		if len(groups) > 1 {
			h += fmt.Sprintf(" (%d/%d)", i+1, len(groups))
		}
		b.Bold(h)
		for j, it := range g {
			lines := gap
			if j == 0 {
				lines = 2
			}
			for range lines {
				b.Line()
			}
			b.Append(it)
		}
		parts[i] = b.String()
	}
	return parts
}
