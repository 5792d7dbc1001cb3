//go:build !race

package subscriptions

const raceEnabled = false
