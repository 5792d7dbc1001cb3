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
	html, _ := headlines(i18n.T(lang, "search.header", q), articles, o, false)
	return html
}
