package store

import (
	"strings"
	"testing"
)

func TestSearchQuery(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"дороги", `("дорог"* OR "дорож"* OR "дороз"*)`, true},
		{"Школа ШКОЛЫ", `"школ"*`, true},
		{"ёлка", `"елк"*`, true},
		{"ремонт дорог", `("ремонт"* OR "ремонч"*) AND ("дорог"* OR "дорож"* OR "дороз"*)`, true},
		{"вуліца", `("вулиц"* OR "вулич"*)`, true},
		{`"; DROP TABLE articles; -- NEAR( OR * ^col:x`, `"drop"* AND "table"* AND "article"* AND "near"* AND "or"* AND "col"*`, true},
		{`AND OR NOT`, `"and"* AND "or"* AND "not"*`, true},
		{"a", "", false},
		{"  ", "", false},
		{"* ( ) : ^ \"", "", false},
	}
	for _, tt := range tests {
		got, ok := searchQuery(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("searchQuery(%q) = %q, %t; want %q, %t", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// FuzzSearchQuery checks that no input makes an FTS5 query with unbalanced quotes.
func FuzzSearchQuery(f *testing.F) {
	f.Add("Ремонт дороги")
	f.Add(`"; DROP TABLE articles; -- NEAR( OR * ^col:x`)
	f.Fuzz(func(t *testing.T, text string) {
		if q, ok := searchQuery(text); ok && strings.Count(q, `"`)%2 != 0 {
			t.Fatalf("searchQuery(%q) = %q: unbalanced quotes", text, q)
		}
	})
}
