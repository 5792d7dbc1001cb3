package render

import (
	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/subscriptions"
)

// maxQueryShown bounds the query repeated in the header of search results.
const maxQueryShown = 100

// Search renders the results of /search: a header with the query, then one
// line per article with its short date and its title linked to the portal,
// as Latest does. With no articles it renders "search.none" with the query.
func Search(query string, articles []subscriptions.Article, o Options) string {
	lang := o.lang()
	q := Cut(oneLine(clean(query)), maxQueryShown)
	if len(articles) == 0 {
		return Plain(i18n.T(lang, "search.none", q))
	}
	b := &Builder{}
	b.Bold(i18n.T(lang, "search.header", q))
	for _, a := range articles {
		item := &Builder{}
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
	}
	return b.String()
}
