package subscriptions

import "time"

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
