package delivery

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// sender is the one way out to Telegram: it paces every message, reads
// every answer through classify and counts outcomes. Requests that Telegram
// does not count as messages (edits, answers to presses, look-ups) go
// through call: no pacing, but the same 429 bookkeeping.
type sender struct {
	client  *Client
	pacer   pacer
	metrics *metrics
	log     *slog.Logger
	// paidBroadcast adds allow_paid_broadcast to bulk messages.
	paidBroadcast bool
}

// send makes one attempt, after waiting for its turn. A 429 pauses the chat
// or the whole sender as the pacer decides. interactive marks a reply to a
// person: it goes ahead of bulk deliveries.
func (s *sender) send(ctx context.Context, m Message, interactive bool) (messageID int, c classification) {
	if err := s.pacer.wait(ctx, m.ChatID, m.Group, interactive); err != nil {
		return 0, classify(err)
	}
	method, params := m.request()
	if s.paidBroadcast && !interactive {
		params["allow_paid_broadcast"] = "true"
	}
	start := time.Now()
	var raw json.RawMessage
	var err error
	if m.Upload != nil {
		raw, err = s.client.upload(ctx, method, params, "photo", *m.Upload)
	} else {
		raw, err = s.client.call(ctx, method, params)
	}
	c = classify(err)
	c.took = time.Since(start)
	s.metrics.messages.WithLabelValues(outcomeNames[c.verdict]).Inc()
	switch c.verdict {
	case verdictOK:
		var res struct {
			MessageID int `json:"message_id"`
		}
		_ = json.Unmarshal(raw, &res)
		return res.MessageID, c
	case verdictRetryAfter:
		s.tooMany(m.ChatID, &c)
		s.log.Warn("telegram rate limit", "chat_id", m.ChatID, "retry_after", c.retryAfter, "scope", c.scope())
	}
	return 0, c
}

// tooMany tells the pacer about a 429 and counts it.
func (s *sender) tooMany(chatID int64, c *classification) {
	c.global = s.pacer.tooMany(chatID, c.retryAfter)
	s.metrics.rateLimited.WithLabelValues(c.scope()).Inc()
}

// maxReplyWait bounds how long a reply waits out a global 429: the update
// loop waits with it.
const maxReplyWait = 10 * time.Second

// reply sends a message to a person who is waiting for it: it waits out a
// short global 429 and retries a transient error twice before giving up. A
// 429 for the chat itself (it asks faster than Telegram lets the bot
// answer) drops that reply, so that one flooding chat cannot hold up the
// update loop for everyone. It returns the id of the message sent.
func (s *sender) reply(ctx context.Context, m Message) (int, classification) {
	backoff := 500 * time.Millisecond
	for attempt := 0; ; attempt++ {
		id, c := s.send(ctx, m, true)
		switch {
		case c.verdict == verdictRetryAfter && c.global && c.retryAfter <= maxReplyWait:
			if sleep(ctx, c.retryAfter) != nil {
				return 0, classify(ctx.Err())
			}
		case c.verdict == verdictTransient && attempt < 2:
			if sleep(ctx, backoff) != nil {
				return 0, classify(ctx.Err())
			}
			backoff *= 2
		default:
			if c.verdict != verdictOK && c.verdict != verdictCanceled {
				s.log.Warn("reply not delivered", "chat_id", m.ChatID, "method", m.method(), "error", c.reason)
			}
			return id, c
		}
	}
}

// call makes a request that Telegram does not count as a message: no
// pacing, the same classification and 429 bookkeeping as a message.
func (s *sender) call(ctx context.Context, method string, params tgbotapi.Params) (json.RawMessage, classification) {
	raw, err := s.client.call(ctx, method, params)
	c := classify(err)
	if c.verdict == verdictRetryAfter {
		s.tooMany(0, &c)
		s.log.Warn("telegram rate limit", "method", method, "retry_after", c.retryAfter, "scope", c.scope())
	}
	return raw, c
}

// method is the Bot API method that sends m.
func (m Message) method() string {
	switch {
	case m.Copy != nil && len(m.Copy.MessageIDs) > 1:
		return "copyMessages"
	case m.Copy != nil:
		return "copyMessage"
	case m.Photo != "" || m.Upload != nil:
		return "sendPhoto"
	}
	return "sendMessage"
}

// request is the Bot API method and parameters that send m.
func (m Message) request() (method string, p tgbotapi.Params) {
	method = m.method()
	p = tgbotapi.Params{"chat_id": strconv.FormatInt(m.ChatID, 10)}
	switch method {
	case "copyMessage":
		p["from_chat_id"] = strconv.FormatInt(m.Copy.ChatID, 10)
		p["message_id"] = strconv.Itoa(m.Copy.MessageIDs[0])
	case "copyMessages":
		p["from_chat_id"] = strconv.FormatInt(m.Copy.ChatID, 10)
		ids, _ := json.Marshal(m.Copy.MessageIDs) // []int always encodes
		p["message_ids"] = string(ids)
	case "sendPhoto":
		p["caption"], p["parse_mode"] = m.Text, "HTML"
		if m.Upload == nil {
			p["photo"] = m.Photo
		}
	default:
		p["text"], p["parse_mode"] = m.Text, "HTML"
		if lp := linkPreview(m.Preview, m.Previews); lp != "" {
			p["link_preview_options"] = lp
		}
	}
	if m.Silent {
		p["disable_notification"] = "true"
	}
	addKeyboard(p, m.Keyboard)
	return method, p
}

// noPreviews turns link previews off.
const noPreviews = `{"is_disabled":true}`

// linkPreview is the link_preview_options of a text: a picture shown large
// above it, else the preview of its first link (on) or none; "" keeps
// Telegram's default (the first link's preview).
func linkPreview(picture string, on bool) string {
	if picture != "" {
		raw, _ := json.Marshal(map[string]any{"url": picture, "prefer_large_media": true, "show_above_text": true})
		return string(raw)
	}
	if !on {
		return noPreviews
	}
	return ""
}

// request is the Bot API method and parameters of an edit.
func (e Edit) request() (method string, p tgbotapi.Params) {
	p = tgbotapi.Params{
		"chat_id":    strconv.FormatInt(e.ChatID, 10),
		"message_id": strconv.Itoa(e.MessageID),
	}
	addKeyboard(p, e.Keyboard)
	if e.Text == "" {
		return "editMessageReplyMarkup", p
	}
	p["text"], p["parse_mode"], p["link_preview_options"] = e.Text, "HTML", linkPreview(e.Preview, false)
	return "editMessageText", p
}

// addKeyboard adds an inline keyboard to p, unless it is empty.
func addKeyboard(p tgbotapi.Params, kb Keyboard) {
	if m := markup(kb); m != nil {
		if raw, err := json.Marshal(m); err == nil {
			p["reply_markup"] = string(raw)
		}
	}
}

// markup is the reply markup of an inline keyboard, or nil for none.
func markup(kb Keyboard) *tgbotapi.InlineKeyboardMarkup {
	if len(kb) == 0 {
		return nil
	}
	rows := make([][]tgbotapi.InlineKeyboardButton, len(kb))
	for i, row := range kb {
		for _, b := range row {
			if b.URL != "" {
				rows[i] = append(rows[i], tgbotapi.NewInlineKeyboardButtonURL(b.Text, b.URL))
			} else {
				rows[i] = append(rows[i], tgbotapi.NewInlineKeyboardButtonData(b.Text, b.Data))
			}
		}
	}
	m := tgbotapi.NewInlineKeyboardMarkup(rows...)
	return &m
}
