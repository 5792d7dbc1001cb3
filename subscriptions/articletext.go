package subscriptions

import "time"

// ArticleText is the full text of an article as read from its page on the
// portal, for reading in Telegram ("📖 Read here"). It is kept so that a page
// is read at most once while it is fresh; a page that could not be read is
// kept too (Status), so that every press does not ask the portal again.
type ArticleText struct {
	ArticleID int64
	Status    TextStatus
	// Blocks are the paragraphs, headings, quotes, list items and photos of
	// the text, in page order (Status TextOK only).
	Blocks []TextBlock
	// Truncated says the text was longer than the reader keeps: the rest is
	// on the portal.
	Truncated bool
	// Reason says why the page could not be read, for the log (not for residents).
	Reason string
	// FetchedAt is when the page was read (or the read failed).
	FetchedAt time.Time
}

// TextStatus says what reading an article's page gave.
type TextStatus string

// Statuses of a read.
const (
	TextOK     TextStatus = "ok"     // the text was read
	TextGone   TextStatus = "gone"   // the portal answered 404 or 410: the article was removed
	TextFailed TextStatus = "failed" // anything else: no text block, too large, not a page, no answer
)

// TextBlock is one block of an article's text: plain text (Kind other than
// BlockImage) or a photo (URL).
type TextBlock struct {
	Kind BlockKind
	// Text is plain text, one paragraph; single line breaks (<br>) stay.
	Text string
	// URL is the absolute address of a photo (BlockImage).
	URL string
}

// BlockKind is the kind of a TextBlock.
type BlockKind string

// Kinds of blocks.
const (
	BlockParagraph BlockKind = "p"
	BlockHeading   BlockKind = "h"
	BlockQuote     BlockKind = "q"
	BlockItem      BlockKind = "li" // an item of a list
	BlockImage     BlockKind = "img"
)
