// Package subscriptions is the domain of newsbot, "who gets what": chats
// and their preferences (sections, language, quiet hours, digests,
// keywords), the configured sources and their health, articles, the
// deliveries of the outbox and what became of them, admin notices, the
// audit trail and the figures of /stats. Its package analyser is the one
// text analyser of keywords, search and the search index.
//
// It is plain Go without a database driver, so that the renderer, the
// feed reader and the features can use these types without linking
// SQLite. The SQLite store that keeps them (SQL, migrations, the outbox
// tables, full-text search) is the package subscriptions/store.
package subscriptions

import (
	"errors"
	"slices"
)

// ErrNotFound is returned when a looked-up row does not exist.
var ErrNotFound = errors.New("not found")

// Languages the bot speaks. The empty string means "not chosen".
const (
	LangRU = "ru"
	LangBE = "be"
	LangEN = "en"
)

// Languages are the languages the bot speaks, in menu order: the one list
// of them (each has its catalogue of texts in bot/i18n).
func Languages() []string { return []string{LangRU, LangBE, LangEN} }

// ValidLanguage reports whether l is one of the Languages.
func ValidLanguage(l string) bool { return slices.Contains(Languages(), l) }
