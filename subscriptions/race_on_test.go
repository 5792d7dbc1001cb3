//go:build race

package subscriptions

// raceEnabled is true under the race detector, which makes SQLite (compiled
// from C to Go) around a hundred times slower: timing tests skip then.
const raceEnabled = true
