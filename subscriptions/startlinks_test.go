package subscriptions

import (
	"strings"
	"testing"
)

func TestSubscribeLink(t *testing.T) {
	for _, tc := range []struct {
		payload string
		want    bool
	}{
		{"subscribe", true},
		{"subscribe-poster1", true},
		{"subscribe-Portal_banner-2", true},
		{"subscribe-" + strings.Repeat("x", 54), true}, // 64 in all
		{"subscribe-" + strings.Repeat("x", 55), false},
		{"subscribe-", false},
		{"subscribe1", false},
		{"Subscribe", false},
		{"subscribe-плакат", false},
		{"subscribe-a b", false},
		{"subscribe-a=b", false},
		{"", false},
		{"poster1", false},
	} {
		if got := SubscribeLink(tc.payload); got != tc.want {
			t.Errorf("SubscribeLink(%q) = %t, want %t", tc.payload, got, tc.want)
		}
	}
}
