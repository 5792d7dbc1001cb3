package delivery

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/osipovichi/newsbot/delivery/pace"
)

// sender is the one way out to Telegram: every request leaves when the
// pacer allows it, right before it starts, and every answer is read
// through classify, reported to the pacer and counted.
type sender struct {
	client  *Client
	pacer   pacer
	metrics *metrics
	log     *slog.Logger

	mu       sync.Mutex
	unsaid   int       // 429s without retry_after in a row
	unsaidAt time.Time // when the last of them came back
}

// do makes one request (with the photo upload, if not nil) at the moment
// the pacer allows and reports Telegram's answer to it.
func (s *sender) do(ctx context.Context, r pace.Request, method string, params tgbotapi.Params, upload *Upload) (json.RawMessage, classification) {
	p, err := s.pacer.acquire(ctx, r)
	if err != nil {
		return nil, classify(err)
	}
	if p.Paid() {
		params["allow_paid_broadcast"] = "true"
	}
	left := time.Now()
	var raw json.RawMessage
	if upload != nil {
		raw, err = s.client.upload(ctx, method, params, "photo", *upload)
	} else {
		raw, err = s.client.call(ctx, method, params)
	}
	return raw, s.answer(p, r, method, left, err)
}

// getUpdates long-polls like any call: it waits out the bot's pause, and
// its 429 pauses the bot.
func (s *sender) getUpdates(ctx context.Context, offset, timeout int, allowed []string) ([]tgbotapi.Update, error) {
	r := pace.Request{Class: pace.Call}
	p, err := s.pacer.acquire(ctx, r)
	if err != nil {
		return nil, err
	}
	left := time.Now()
	u, err := s.client.getUpdates(ctx, offset, timeout, allowed)
	s.answer(p, r, "getUpdates", left, err)
	return u, err
}

// answer classifies the outcome of the request that left at left with
// permit p and reports it: a 429 pauses the chat or the whole bot, as the
// pacer takes it; any other answer tells the pacer the bot was not banned.
func (s *sender) answer(p permit, r pace.Request, method string, left time.Time, err error) classification {
	c := classify(err)
	c.took = time.Since(left)
	if r.Class != pace.Call {
		s.metrics.messages.WithLabelValues(outcomeNames[c.verdict]).Inc()
	}
	switch c.verdict {
	case verdictRetryAfter:
		pause := p.TooMany(s.retryWait(c.retryAfter, left))
		c.global, c.retryAfter = pause.Global, pause.Wait
		s.metrics.rateLimited.WithLabelValues(c.scope()).Inc()
		s.log.Warn("telegram rate limit", "method", method, "chat_id", r.Chat, "retry_after", pause.Wait, "scope", c.scope())
	case verdictTransient, verdictCanceled:
		// not an answer from Telegram
	default:
		p.Answered()
		s.mu.Lock()
		s.unsaid = 0
		s.mu.Unlock()
	}
	return c
}

// retryWait is the pause to report for a 429 to a request that left at
// left: retry_after when Telegram says it. When it does not (or says 0),
// pace.DefaultRetryAfter, doubling with each such 429 in a row to a
// request that left after the previous one came back (those on their way
// were part of it), up to maxOutagePause: a Telegram that keeps answering
// 429 without saying how long is backed off like an outage.
func (s *sender) retryWait(said time.Duration, left time.Time) time.Duration {
	if said > 0 {
		return said
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if left.After(s.unsaidAt) {
		s.unsaid++
		s.unsaidAt = time.Now()
	}
	return min(pace.DefaultRetryAfter<<min(max(s.unsaid-1, 0), 20), maxOutagePause)
}

// send makes one attempt at a bulk message (an outbox delivery) and
// returns its message id.
func (s *sender) send(ctx context.Context, m Message) (int, classification) {
	method, params := m.request()
	raw, c := s.do(ctx, m.paced(pace.Bulk), method, params, m.Upload)
	return messageID(raw), c
}

// messageID is the id of the message in a successful answer, or 0.
func messageID(raw json.RawMessage) int {
	var res struct {
		MessageID int `json:"message_id"`
	}
	_ = json.Unmarshal(raw, &res)
	return res.MessageID
}

// reply makes request r (a message, or an edit as a call) for a person who
// is waiting for it; replies go ahead of bulk messages. A 429 never drops
// it: it waits for its turn (the pacer holds it until the pause is over)
// and goes again, counted from the moment the person asked, until the
// pacer gives it up as too late. A transient error is retried twice.
func (s *sender) reply(ctx context.Context, r pace.Request, method string, params tgbotapi.Params, upload *Upload) (json.RawMessage, classification) {
	r.Asked = s.pacer.now()
	chat := r.Chat
	backoff := 500 * time.Millisecond
	for attempt := 0; ; {
		raw, c := s.do(ctx, r, method, params, upload)
		switch {
		case c.verdict == verdictRetryAfter:
		case c.verdict == verdictTransient && attempt < 2 && ctx.Err() == nil:
			attempt++
			if sleep(ctx, backoff) != nil {
				return nil, classify(ctx.Err())
			}
			backoff *= 2
		case c.verdict == verdictTooLate:
			s.log.Warn("reply given up: it waited too long for its turn", "chat_id", chat, "method", method,
				"asked", r.Asked.Format(time.RFC3339))
			return nil, c
		default:
			if c.verdict != verdictOK && c.verdict != verdictCanceled && c.verdict != verdictNotModified {
				s.log.Warn("reply not delivered", "chat_id", chat, "method", method, "error", c.reason)
			}
			return raw, c
		}
	}
}

// call makes a request that Telegram does not count as a message
// (answerCallbackQuery, getChatMember, setMyCommands, ...): held by the
// bot's pauses, with the same 429 bookkeeping as a message. asked bounds
// the wait of a call a person waits for (zero: no bound).
func (s *sender) call(ctx context.Context, asked time.Time, method string, params tgbotapi.Params) (json.RawMessage, classification) {
	return s.do(ctx, pace.Request{Class: pace.Call, Asked: asked}, method, params, nil)
}

// paced is how the pacer counts m, sent as class: each message of an album
// copied at once counts.
func (m Message) paced(class pace.Class) pace.Request {
	r := pace.Request{Class: class, Chat: m.ChatID, Group: m.Group}
	if m.Copy != nil {
		r.Messages = len(m.Copy.MessageIDs)
	}
	return r
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
