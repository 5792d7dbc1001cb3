package render

import (
	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/subscriptions"
)

// Lengths of an inline result in the list, in UTF-16 units: Telegram shows
// a line or two of each; longer ones only cost bytes of the answer.
const (
	maxInlineTitle       = 120
	maxInlineDescription = 160
)

// InlineArticle is an article as a result of inline mode: what the list
// shows, and the message that choosing it posts.
type InlineArticle struct {
	Title       string // plain text, one line, never empty
	Description string // plain text: the date and the start of the summary
	// Picture is the article's picture: the thumbnail in the list and the
	// photo shown large above the message; or empty.
	Picture string
	Text    string // HTML of the message, as Article renders it (within MaxText)
}

// Inline renders an article for inline mode.
func Inline(a subscriptions.Article, o Options) InlineArticle {
	r := InlineArticle{Title: Cut(oneLine(clean(a.Title)), maxInlineTitle)}
	if r.Title == "" {
		r.Title = "…"
	}
	desc := oneLine(clean(a.Summary))
	if !a.Published.IsZero() {
		date := i18n.ShortDate(a.Published.In(o.loc()))
		if desc != "" {
			date += " — "
		}
		desc = date + desc
	}
	r.Description = Cut(desc, maxInlineDescription)
	if u, ok := linkURL(a.ImageURL); ok {
		r.Picture = u
	}
	o.WithPhoto = false
	r.Text = Article(a, o).Text
	return r
}
