package bot

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/osipovichi/newsbot/bot/render"
)

// message is one outgoing Bot API call that Telegram counts as a message.
type message struct {
	chatID      int64
	group       bool // group, supergroup or channel: 20 a minute
	method      string
	params      tgbotapi.Params
	interactive bool // a reply to a person: goes ahead of bulk deliveries
}

// sender is the one way out to Telegram: it paces every message, reads
// every answer through classify and counts outcomes. Handlers and the outbox
// never call the Client for messages themselves.
type sender struct {
	client  *Client
	limiter *limiter
	metrics *metrics
	log     *slog.Logger
	now     func() time.Time
	// paidBroadcast adds allow_paid_broadcast to bulk messages.
	paidBroadcast bool
}

// send makes one attempt, after waiting for its turn. A 429 pauses the chat
// or the whole sender as the limiter decides.
func (s *sender) send(ctx context.Context, m message) (messageID int, c classification) {
	if err := s.limiter.wait(ctx, m.chatID, m.group, m.interactive); err != nil {
		return 0, classify(err)
	}
	if s.paidBroadcast && !m.interactive {
		m.params["allow_paid_broadcast"] = "true"
	}
	raw, err := s.client.Call(ctx, m.method, m.params)
	c = classify(err)
	s.metrics.messages.WithLabelValues(outcomeNames[c.verdict]).Inc()
	switch c.verdict {
	case verdictOK:
		var res struct {
			MessageID int `json:"message_id"`
		}
		_ = json.Unmarshal(raw, &res) // editMessageText may answer true
		return res.MessageID, c
	case verdictRetryAfter:
		scope := "chat"
		if c.global = s.limiter.tooMany(m.chatID, c.retryAfter); c.global {
			scope = "global"
		}
		s.metrics.rateLimited.WithLabelValues(scope).Inc()
		s.log.Warn("telegram rate limit", "chat_id", m.chatID, "retry_after", c.retryAfter, "scope", scope)
	}
	return 0, c
}

// maxReplyWait bounds how long a reply waits out a global 429: the update
// loop waits with it.
const maxReplyWait = 10 * time.Second

// reply sends a message to a person who is waiting for it: it waits out a
// short global 429 and retries a transient error twice before giving up. A
// 429 for the chat itself (it asks faster than Telegram lets the bot
// answer) drops that reply, so that one flooding chat cannot hold up the
// update loop for everyone.
func (s *sender) reply(ctx context.Context, m message) (int, classification) {
	m.interactive = true
	backoff := 500 * time.Millisecond
	for attempt := 0; ; attempt++ {
		id, c := s.send(ctx, m)
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
				s.log.Warn("reply not delivered", "chat_id", m.chatID, "method", m.method, "error", c.reason)
			}
			return id, c
		}
	}
}

// textParams are the parameters of a sendMessage with HTML text.
func textParams(chatID int64, html string, previews, silent bool) tgbotapi.Params {
	p := tgbotapi.Params{
		"chat_id":    strconv.FormatInt(chatID, 10),
		"text":       html,
		"parse_mode": "HTML",
	}
	if !previews {
		p["link_preview_options"] = `{"is_disabled":true}`
	}
	if silent {
		p["disable_notification"] = "true"
	}
	return p
}

// renderedMessage turns a rendered article into a sendPhoto or sendMessage.
func renderedMessage(chatID int64, r render.Message, previews, silent bool) (method string, p tgbotapi.Params) {
	if r.Photo == "" {
		return "sendMessage", textParams(chatID, r.Text, previews, silent)
	}
	p = tgbotapi.Params{
		"chat_id":    strconv.FormatInt(chatID, 10),
		"photo":      r.Photo,
		"caption":    r.Text,
		"parse_mode": "HTML",
	}
	if silent {
		p["disable_notification"] = "true"
	}
	return "sendPhoto", p
}

// withKeyboard adds an inline keyboard to params.
func withKeyboard(p tgbotapi.Params, kb tgbotapi.InlineKeyboardMarkup) tgbotapi.Params {
	b, err := json.Marshal(kb)
	if err == nil {
		p["reply_markup"] = string(b)
	}
	return p
}

// call makes a request that Telegram does not count as a message (answers
// to button presses, menus, webhook removal): no pacing, same classification.
func (s *sender) call(ctx context.Context, method string, params tgbotapi.Params) (json.RawMessage, error) {
	raw, err := s.client.Call(ctx, method, params)
	if c := classify(err); c.verdict == verdictRetryAfter {
		s.limiter.tooMany(0, c.retryAfter)
	}
	return raw, err
}
