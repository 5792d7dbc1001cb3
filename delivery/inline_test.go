package delivery

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func TestInlineAnswerParams(t *testing.T) {
	a := InlineAnswer{QueryID: "q1", CacheTime: 30 * time.Second, Personal: true, NextOffset: "20", Results: []InlineResult{
		{ID: "a1", Title: "Title", Description: "Summary", Thumb: "https://x/t.jpg", Text: "<b>Title</b>", Preview: "https://x/a.jpg",
			Keyboard: Keyboard{{{Text: "📖", URL: "https://t.me/bot?start=read_1"}}}},
		{ID: "a2", Title: "No picture", Text: "<b>No picture</b>"},
	}}
	p, err := a.params()
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"inline_query_id": "q1", "cache_time": "30", "is_personal": "true", "next_offset": "20"} {
		if p[k] != want {
			t.Errorf("%s = %q, want %q", k, p[k], want)
		}
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(p["results"]), &got); err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"type": "article", "id": "a1", "title": "Title", "description": "Summary", "thumbnail_url": "https://x/t.jpg",
			"input_message_content": map[string]any{"message_text": "<b>Title</b>", "parse_mode": "HTML",
				"link_preview_options": map[string]any{"url": "https://x/a.jpg", "prefer_large_media": true, "show_above_text": true}},
			"reply_markup": map[string]any{"inline_keyboard": []any{[]any{map[string]any{"text": "📖", "url": "https://t.me/bot?start=read_1"}}}}},
		{"type": "article", "id": "a2", "title": "No picture",
			"input_message_content": map[string]any{"message_text": "<b>No picture</b>", "parse_mode": "HTML",
				"link_preview_options": map[string]any{"is_disabled": true}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("results:\ngot  %v\nwant %v", got, want)
	}
	p, _ = InlineAnswer{QueryID: "q2"}.params()
	if _, ok := p["is_personal"]; ok || p["results"] != "[]" || p["cache_time"] != "0" {
		t.Errorf("an empty answer: %v", p)
	}
}
