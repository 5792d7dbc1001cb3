package delivery

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// AnswerInline answers an inline query. Telegram does not count answers as
// messages: they wait only for the bot's pauses, bounded by the wait of a
// person who asked, with the same classification as every request.
func (e *Engine) AnswerInline(ctx context.Context, a InlineAnswer) error {
	p, err := a.params()
	if err != nil {
		return err
	}
	_, c := e.sender.call(ctx, e.sender.pacer.now(), "answerInlineQuery", p)
	if err := c.err(); err != nil {
		return fmt.Errorf("answer inline query: %w", err)
	}
	return nil
}

// inlineArticle is InlineQueryResultArticle with the fields of Bot API 7
// (thumbnail_url, link_preview_options), which v5.5.1 of the library lacks.
type inlineArticle struct {
	Type         string                         `json:"type"`
	ID           string                         `json:"id"`
	Title        string                         `json:"title"`
	Description  string                         `json:"description,omitempty"`
	ThumbnailURL string                         `json:"thumbnail_url,omitempty"`
	Content      inputText                      `json:"input_message_content"`
	ReplyMarkup  *tgbotapi.InlineKeyboardMarkup `json:"reply_markup,omitempty"`
}

type inputText struct {
	Text      string          `json:"message_text"`
	ParseMode string          `json:"parse_mode"`
	Preview   json.RawMessage `json:"link_preview_options,omitempty"`
}

// params are the parameters of answerInlineQuery.
func (a InlineAnswer) params() (tgbotapi.Params, error) {
	results := make([]inlineArticle, len(a.Results))
	for i, r := range a.Results {
		results[i] = inlineArticle{Type: "article", ID: r.ID, Title: r.Title, Description: r.Description, ThumbnailURL: r.Thumb,
			Content:     inputText{Text: r.Text, ParseMode: "HTML", Preview: json.RawMessage(linkPreview(r.Preview, false))},
			ReplyMarkup: markup(r.Keyboard)}
	}
	raw, err := json.Marshal(results)
	if err != nil {
		return nil, fmt.Errorf("encode inline results: %w", err)
	}
	p := tgbotapi.Params{
		"inline_query_id": a.QueryID,
		"results":         string(raw),
		"cache_time":      strconv.Itoa(int(a.CacheTime.Seconds())),
	}
	if a.Personal {
		p["is_personal"] = "true"
	}
	if a.NextOffset != "" {
		p["next_offset"] = a.NextOffset
	}
	return p, nil
}
