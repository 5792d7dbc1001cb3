package faketelegram

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// article is an InlineQueryResultArticle as a bot sends it.
func article(id, text string) map[string]any {
	return map[string]any{"type": "article", "id": id, "title": "Title " + id, "description": "About " + id,
		"thumbnail_url": "https://osipovichi.gov.by/t.jpg",
		"input_message_content": map[string]any{"message_text": text, "parse_mode": "HTML",
			"link_preview_options": map[string]any{"url": "https://osipovichi.gov.by/a.jpg", "show_above_text": true}},
		"reply_markup": map[string]any{"inline_keyboard": [][]map[string]string{{{"text": "📖", "url": "https://t.me/bot?start=read_1"}}}}}
}

func answer(bot *tgbotapi.BotAPI, queryID string, results []map[string]any, extra tgbotapi.Params) error {
	raw, _ := json.Marshal(results)
	p := tgbotapi.Params{"inline_query_id": queryID, "results": string(raw)}
	for k, v := range extra {
		p[k] = v
	}
	_, err := bot.MakeRequest("answerInlineQuery", p)
	return err
}

func TestInlineQueries(t *testing.T) {
	tg, bot := start(t, Options{InlineMode: true})
	if !bot.Self.SupportsInlineQueries {
		t.Error("getMe: supports_inline_queries false with InlineMode")
	}
	long := strings.Repeat("дорога ", 60) // 420 characters
	_, id := tg.InlineQuery(alice, long, "20")
	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{AllowedUpdates: []string{"inline_query"}})
	if err != nil || len(updates) != 1 || updates[0].InlineQuery == nil {
		t.Fatalf("getUpdates: %v %+v", err, updates)
	}
	q := updates[0].InlineQuery
	if q.ID != id || q.Offset != "20" || q.From.ID != alice.ID || utf8.RuneCountInString(q.Query) != 256 {
		t.Errorf("inline query %+v: want id %s, offset 20, from Alice, the query cut to 256 characters", q, id)
	}

	results := []map[string]any{article("a1", "<b>First</b> news"), article("a2", "Second")}
	if err := answer(bot, id, results, tgbotapi.Params{"cache_time": "30", "is_personal": "true", "next_offset": "40"}); err != nil {
		t.Fatal(err)
	}
	a := tg.WaitInlineAnswer(t, id, time.Second)
	if len(a.Results) != 2 || a.CacheTime != 30 || !a.Personal || a.NextOffset != "40" || a.Offset != "20" {
		t.Errorf("recorded answer %+v", a)
	}
	if r := a.Results[0]; r.Plain != "First news" || r.Thumb == "" || r.ReplyMarkup == nil || !strings.Contains(r.LinkPreviewOptions, "a.jpg") {
		t.Errorf("first result %+v", r)
	}
	apiError(t, answer(bot, id, results, nil), 400, "Bad Request: query is too old and response timeout expired or query ID is invalid")

	posted, ok := tg.ChooseInlineResult(group, id, "a2")
	if !ok || posted.ChatID != group.ID || posted.Plain != "Second" || posted.ReplyMarkup == nil {
		t.Errorf("chosen result: %+v, %t", posted, ok)
	}
	if _, ok := tg.ChooseInlineResult(group, id, "nope"); ok {
		t.Error("chose a result the answer did not have")
	}
}

func TestAnswerInlineQueryValidation(t *testing.T) {
	tg, bot := start(t, Options{InlineMode: true})
	many := make([]map[string]any, 51)
	for i := range many {
		many[i] = article(fmt.Sprint("r", i), "text")
	}
	noTitle := article("t", "text")
	noTitle["title"] = ""
	photo := map[string]any{"type": "photo", "id": "p", "photo_url": "https://x/a.jpg", "caption": strings.Repeat("x", 1025)}
	photo["thumbnail_url"] = "https://x/t.jpg"
	tests := []struct {
		name    string
		results []map[string]any
		extra   tgbotapi.Params
		want    string
	}{
		{"51 results", many, nil, "RESULTS_TOO_MUCH"},
		{"an id of 65 bytes", []map[string]any{article(strings.Repeat("i", 65), "t")}, nil, "RESULT_ID_INVALID"},
		{"an empty id", []map[string]any{article("", "t")}, nil, "RESULT_ID_INVALID"},
		{"the same id twice", []map[string]any{article("a", "t"), article("a", "u")}, nil, "RESULT_ID_DUPLICATE"},
		{"an article without a title", []map[string]any{noTitle}, nil, "RESULT_TITLE_EMPTY"},
		{"a text over 4096", []map[string]any{article("a", strings.Repeat("я", 4097))}, nil, "message is too long"},
		{"broken HTML", []map[string]any{article("a", "<b>open")}, nil, "can't parse entities"},
		{"a caption over 1024", []map[string]any{photo}, nil, "message caption is too long"},
		{"a next offset of 65 bytes", nil, tgbotapi.Params{"next_offset": strings.Repeat("9", 65)}, "NEXT_OFFSET_INVALID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, id := tg.InlineQuery(bob, "q", "")
			err := answer(bot, id, tt.results, tt.extra)
			var tgErr *tgbotapi.Error
			if err == nil || !errors.As(err, &tgErr) || tgErr.Code != 400 || !strings.Contains(tgErr.Message, tt.want) {
				t.Fatalf("got %v, want 400 %q", err, tt.want)
			}
			// A refused answer leaves the query open: a valid answer is accepted.
			if err := answer(bot, id, []map[string]any{article("ok", "fine")}, nil); err != nil {
				t.Errorf("a valid answer after a refused one: %v", err)
			}
		})
	}
}

func TestInlineQueryNeedsInlineMode(t *testing.T) {
	tg, _ := start(t, Options{})
	defer func() {
		if recover() == nil {
			t.Error("InlineQuery without InlineMode did not panic")
		}
	}()
	tg.InlineQuery(alice, "q", "")
}
