package subscriptions

import "github.com/osipovichi/newsbot/subscriptions/analyser"

// MaxKeywords is the most keywords a chat may have, include and exclude
// together; analyser.MaxKeywordLen bounds each.
const MaxKeywords = 20

// KeywordChange says what adding keywords to a chat did with each keyword given.
type KeywordChange struct {
	Added     []analyser.Keyword // new
	Switched  []analyser.Keyword // known with the other sign: now as given
	Already   []analyser.Keyword // known as given: nothing to do
	OverLimit []analyser.Keyword // not added: the chat has MaxKeywords
}

// KeywordMigration says what MigrateKeywords did with the stored keywords
// of a previous analyser: how many were rewritten as the analyser shows
// them now, merged into another of the chat's keywords with the same key,
// or dropped because the analyser refuses them (punctuation only, stop
// words, a single letter).
type KeywordMigration struct {
	Checked, Rewritten, Merged, Dropped int
}
