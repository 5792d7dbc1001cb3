package subscriptions

import (
	"reflect"
	"testing"
)

func TestAuditFields(t *testing.T) {
	tests := []struct {
		details string
		want    map[string]string
	}{
		{"", map[string]string{}},
		{"audience=language:be recipients=120", map[string]string{"audience": "language:be", "recipients": "120"}},
		{"link=https://x/?a=1&b=2 known=true now=3 digest=0", map[string]string{"link": "https://x/?a=1&b=2", "known": "true", "now": "3", "digest": "0"}},
		{"url=https://x/rss section=news error=the portal did not answer: connection refused by x (GET https://x/rss: dial tcp: a=b)",
			map[string]string{"url": "https://x/rss", "section": "news", "error": "the portal did not answer: connection refused by x (GET https://x/rss: dial tcp: a=b)"}},
		{"free text", map[string]string{}},
	}
	for _, tt := range tests {
		if got := (AuditEntry{Details: tt.details}).Fields(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Fields(%q) = %q, want %q", tt.details, got, tt.want)
		}
	}
}
