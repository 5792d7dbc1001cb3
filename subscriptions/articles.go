package subscriptions

import (
	"slices"
	"time"

	"github.com/osipovichi/newsbot/subscriptions/analyser"
)

// Article is one news item, normalised from a feed.
type Article struct {
	ID         int64
	FeedID     int64
	Key        string // stable per feed: GUID, else link, else a content hash
	Title      string
	Summary    string // plain text, paragraphs separated by "\n"
	Link       string // absolute
	ImageURL   string // absolute, or empty
	Published  time.Time
	Categories []string
	Section    string
	Language   string
	FirstSeen  time.Time
	// StoryID is the ID of the first article of its story (see
	// identity.go); its own ID when it is the first. Residents get and see
	// a story once: deliveries and digest items refer to the story.
	StoryID int64
}

// Story is the ID residents know the article by: StoryID, or ID for an
// article not stored yet under a story.
func (a Article) Story() int64 {
	if a.StoryID != 0 {
		return a.StoryID
	}
	return a.ID
}

// Overflow is the "and N more on the portal" notice of a poll that found
// more new articles than may be announced at once: they are stored (in
// /latest, searchable) and this one message stands for them.
type Overflow struct {
	ID       int64
	FeedID   int64
	Section  string
	Language string
	Count    int    // new articles not announced one by one
	Link     string // the portal's page of the feed, for "on the portal"
	At       time.Time
}

// ArticleFilter narrows the latest articles.
type ArticleFilter struct {
	// Chat, when not 0, keeps what the chat would receive (as the audience
	// of a new article): the articles of its sections in its language, or
	// everything when it never chose its sections.
	Chat int64
	// Language, when not empty (and Chat is 0), keeps the articles in that
	// language and those whose language is not known.
	Language string
}

// PostPriority puts posted articles ahead of the feeds' articles, behind notices.
const PostPriority = 5

// PostResult says what posting an article (/post) did.
type PostResult struct {
	Article Article
	Known   bool // the article was stored before (from a feed or an earlier post)
	// Enqueued is the number of chats it is being sent to now; Digest of the
	// chats that will find it in their next daily digest.
	Enqueued, Digest int
}

// Fields of an article's analysed text (see Article.Analyse): the title,
// the summary, then each category.
const (
	FieldTitle      = 0
	FieldSummary    = 1
	FieldCategories = 2 // the first category; the others follow
)

// Analyse analyses the text of an article that keywords and searches look
// at: its title, summary and categories, each a field of its own, so that
// a phrase never runs from one into the next, and the hashtags of its
// categories.
func (a Article) Analyse() *analyser.Doc {
	return analyser.Analyse(append([]string{a.Title, a.Summary}, a.Categories...)...).Tag(a.Categories...)
}

// maxHashtags bounds the hashtags shown under an article.
const maxHashtags = 5

// Hashtags are the hashtags of the article's categories, with their #
// (see analyser.Hashtag), each once, at most 5.
func (a Article) Hashtags() []string {
	var out []string
	for _, c := range a.Categories {
		if t := analyser.Hashtag(c); t != "" && !slices.Contains(out, "#"+t) && len(out) < maxHashtags {
			out = append(out, "#"+t)
		}
	}
	return out
}
