package faketelegram

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/osipovichi/newsbot/internal/tghtml"
)

const (
	maxTextLen    = 4096
	maxCaptionLen = 1024
)

func (s *Server) getMe(w http.ResponseWriter, r *http.Request, p *params) {
	u := userJSON(s.botUser())
	u["can_join_groups"] = true
	u["can_read_all_group_messages"] = false
	u["supports_inline_queries"] = s.opts.InlineMode
	s.reply(w, u, nil)
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request, p *params) {
	s.reply(w, true, nil)
}

func (s *Server) getWebhookInfo(w http.ResponseWriter, r *http.Request, p *params) {
	s.mu.Lock()
	n := len(s.updates)
	s.mu.Unlock()
	s.reply(w, map[string]any{"url": "", "has_custom_certificate": false, "pending_update_count": n}, nil)
}

var commandRE = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

func scopeOf(p *params) (string, *Failure) {
	raw := p.Get("scope")
	if raw == "" {
		return "default", nil
	}
	var sc struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal([]byte(raw), &sc); err != nil || sc.Type == "" {
		return "", badRequest("can't parse BotCommandScope JSON object")
	}
	return sc.Type, nil
}

func (s *Server) setMyCommands(w http.ResponseWriter, r *http.Request, p *params) {
	var cmds []map[string]any
	if err := json.Unmarshal([]byte(p.Get("commands")), &cmds); err != nil {
		s.reply(w, nil, badRequest("can't parse commands JSON object"))
		return
	}
	if len(cmds) > 100 {
		s.reply(w, nil, badRequest("too many commands specified"))
		return
	}
	list := make([]map[string]string, 0, len(cmds))
	for _, c := range cmds {
		cmd, _ := c["command"].(string)
		desc, _ := c["description"].(string)
		if !commandRE.MatchString(cmd) {
			s.reply(w, nil, badRequest("BOT_COMMAND_INVALID"))
			return
		}
		if n := utf8.RuneCountInString(strings.TrimSpace(desc)); n == 0 || n > 256 {
			s.reply(w, nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID"))
			return
		}
		list = append(list, map[string]string{"command": cmd, "description": desc})
	}
	scope, f := scopeOf(p)
	if f != nil {
		s.reply(w, nil, f)
		return
	}
	s.mu.Lock()
	if s.commands[scope] == nil {
		s.commands[scope] = make(map[string][]map[string]string)
	}
	if len(list) == 0 {
		delete(s.commands[scope], p.Get("language_code"))
	} else {
		s.commands[scope][p.Get("language_code")] = list
	}
	s.notifyLocked()
	s.mu.Unlock()
	s.reply(w, true, nil)
}

func (s *Server) deleteMyCommands(w http.ResponseWriter, r *http.Request, p *params) {
	scope, f := scopeOf(p)
	if f != nil {
		s.reply(w, nil, f)
		return
	}
	s.mu.Lock()
	delete(s.commands[scope], p.Get("language_code"))
	s.notifyLocked()
	s.mu.Unlock()
	s.reply(w, true, nil)
}

func (s *Server) getMyCommands(w http.ResponseWriter, r *http.Request, p *params) {
	scope, f := scopeOf(p)
	if f != nil {
		s.reply(w, nil, f)
		return
	}
	s.mu.Lock()
	list := s.commands[scope][p.Get("language_code")]
	s.mu.Unlock()
	if list == nil {
		list = []map[string]string{}
	}
	s.reply(w, list, nil)
}

// resolveChatLocked turns a chat_id parameter into a chat id.
func (s *Server) resolveChatLocked(v string) (int64, *Failure) {
	if v == "" {
		return 0, badRequest("chat_id is empty")
	}
	if name, ok := strings.CutPrefix(v, "@"); ok {
		if id, ok := s.usernames[lower(name)]; ok {
			return id, nil
		}
		return 0, ChatNotFound().ptr()
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id == 0 {
		return 0, ChatNotFound().ptr()
	}
	return id, nil
}

func (s *Server) resolveChat(v string) (int64, *Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.resolveChatLocked(v)
}

// chatLocked returns the known chat, or "chat not found".
func (s *Server) chatLocked(id int64) (*chatState, *Failure) {
	cs := s.chats[id]
	if cs == nil {
		return nil, ChatNotFound().ptr()
	}
	return cs, nil
}

// membershipFailure is the 403 for a chat the bot may not write to.
func (cs *chatState) membershipFailure() *Failure {
	switch cs.botStatus {
	case "kicked", "banned":
		if cs.chat.Type == "private" {
			return Blocked().ptr()
		}
		return &Failure{Code: 403, Description: "Forbidden: bot was kicked from the " + cs.chat.Type + " chat"}
	case "left":
		if cs.chat.Type == "private" {
			return Blocked().ptr()
		}
		return &Failure{Code: 403, Description: "Forbidden: bot is not a member of the " + cs.chat.Type + " chat"}
	}
	return nil
}

// checkText validates a text or caption the way Telegram does and returns
// the visible text.
func checkText(text, parseMode string, caption bool) (string, *Failure) {
	what := "text"
	if caption {
		what = "caption"
	}
	if !utf8.ValidString(text) {
		return "", badRequest(what + " must be encoded in UTF-8")
	}
	plain := text
	switch lower(parseMode) {
	case "":
	case "html":
		var err error
		plain, err = tghtml.Parse(text)
		if err != nil {
			return "", badRequest(err.Error())
		}
	case "markdown", "markdownv2":
		// Not validated; the text counts as it is.
	default:
		return "", badRequest("unsupported parse_mode")
	}
	trimmed := strings.TrimSpace(plain)
	switch {
	case !caption && trimmed == "":
		return "", badRequest("message text is empty")
	case !caption && tghtml.Len(trimmed) > maxTextLen:
		return "", badRequest("message is too long")
	case caption && tghtml.Len(trimmed) > maxCaptionLen:
		return "", badRequest("message caption is too long")
	}
	return plain, nil
}

var errMarkup = errors.New("can't parse reply keyboard markup JSON object")

// parseMarkup validates a reply_markup parameter. It returns the inline
// keyboard (nil if none or empty) and a key to compare keyboards by.
func parseMarkup(raw string) (*InlineKeyboard, string, *Failure) {
	if raw == "" {
		return nil, "", nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &obj); err != nil || obj == nil {
		return nil, "", badRequest(errMarkup.Error())
	}
	rawKB, ok := obj["inline_keyboard"]
	if !ok {
		for _, k := range []string{"keyboard", "remove_keyboard", "force_reply"} {
			if _, ok := obj[k]; ok {
				return nil, "", nil
			}
		}
		return nil, "", badRequest(errMarkup.Error())
	}
	var rows [][]map[string]json.RawMessage
	if err := json.Unmarshal(rawKB, &rows); err != nil || rows == nil {
		return nil, "", badRequest(errMarkup.Error())
	}
	kb := &InlineKeyboard{}
	for _, row := range rows {
		var out []Button
		for _, b := range row {
			var btn Button
			if err := json.Unmarshal(b["text"], &btn.Text); err != nil {
				return nil, "", badRequest(`can't parse inline keyboard button: Field "text" must be of type String`)
			}
			actions := 0
			for k := range b {
				if k != "text" {
					actions++
				}
			}
			if actions == 0 {
				return nil, "", badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
			}
			if rawData, ok := b["callback_data"]; ok {
				if err := json.Unmarshal(rawData, &btn.CallbackData); err != nil {
					return nil, "", badRequest(`can't parse inline keyboard button: Field "callback_data" must be of type String`)
				}
				if n := len(btn.CallbackData); n == 0 || n > 64 {
					return nil, "", badRequest("BUTTON_DATA_INVALID")
				}
			}
			if rawURL, ok := b["url"]; ok {
				if err := json.Unmarshal(rawURL, &btn.URL); err != nil {
					return nil, "", badRequest(`can't parse inline keyboard button: Field "url" must be of type String`)
				}
				u, err := url.Parse(btn.URL)
				if err != nil || u.Host == "" && u.Scheme != "tg" || u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "tg" {
					return nil, "", badRequest("BUTTON_URL_INVALID")
				}
			}
			out = append(out, btn)
		}
		if len(out) > 0 {
			kb.Rows = append(kb.Rows, out)
		}
	}
	if len(kb.Rows) == 0 {
		return nil, "", nil
	}
	key, _ := json.Marshal(kb.Rows)
	return kb, string(key), nil
}

type apiButton struct {
	Text         string `json:"text"`
	CallbackData string `json:"callback_data,omitempty"`
	URL          string `json:"url,omitempty"`
}

func markupJSON(kb *InlineKeyboard) map[string]any {
	rows := make([][]apiButton, len(kb.Rows))
	for i, row := range kb.Rows {
		rows[i] = make([]apiButton, len(row))
		for j, b := range row {
			rows[i][j] = apiButton(b)
		}
	}
	return map[string]any{"inline_keyboard": rows}
}

func parseBool(v string) bool {
	b, _ := strconv.ParseBool(v)
	return b
}

// linkPreview reads disable_web_page_preview and link_preview_options.
func linkPreview(p *params) (disabled bool, raw string, f *Failure) {
	disabled = parseBool(p.Get("disable_web_page_preview"))
	raw = p.Get("link_preview_options")
	if raw != "" {
		var o struct {
			IsDisabled bool `json:"is_disabled"`
		}
		if err := json.Unmarshal([]byte(raw), &o); err != nil {
			return false, raw, badRequest("can't parse link preview options JSON object")
		}
		disabled = disabled || o.IsDisabled
	}
	return disabled, raw, nil
}

// messageJSON is the Message object Telegram returns for a bot's message.
func (s *Server) messageJSON(cs *chatState, id int, m *message, editDate int64) map[string]any {
	out := map[string]any{"message_id": id, "date": m.date, "chat": chatJSON(cs.chat)}
	if cs.chat.Type == "channel" {
		out["sender_chat"] = chatJSON(cs.chat)
	} else {
		out["from"] = userJSON(s.botUser())
	}
	if editDate != 0 {
		out["edit_date"] = editDate
	}
	if m.photo != "" {
		out["photo"] = []map[string]any{
			{"file_id": fmt.Sprintf("AgACAgIAAxkBAAI%d_%d_s", cs.chat.ID, id), "file_unique_id": fmt.Sprintf("AQAD%ds", id), "width": 90, "height": 60, "file_size": 1200},
			{"file_id": fmt.Sprintf("AgACAgIAAxkBAAI%d_%d_m", cs.chat.ID, id), "file_unique_id": fmt.Sprintf("AQAD%dm", id), "width": 800, "height": 533, "file_size": 52000},
		}
		if m.caption != "" {
			out["caption"] = m.plain
		}
	} else {
		out["text"] = m.plain
	}
	if m.markup != nil {
		out["reply_markup"] = markupJSON(m.markup)
	}
	return out
}

// send is the part common to sendMessage, sendPhoto and copyMessage: under
// the lock, check the chat, the message, the limits, then record.
func (s *Server) send(w http.ResponseWriter, r *http.Request, chatParam string, prepare func(cs *chatState) (*message, *Sent, *Failure), copyResult bool) {
	s.inChat(w, r, chatParam, func(cs *chatState, chatID int64) (any, *Failure) {
		m, sent, f := prepare(cs)
		if f != nil {
			return nil, f
		}
		now := s.now()
		if f := s.countLocked(cs, sent, now, 1); f != nil {
			return nil, f
		}
		cs.nextMsgID++
		id := cs.nextMsgID
		m.fromBot = true
		m.date = now.Unix()
		cs.msgs[id] = m
		sent.ChatID, sent.MessageID, sent.At = chatID, id, now
		cs.messages = append(cs.messages, *sent)
		s.all = append(s.all, *sent)
		s.stats.Messages++
		s.notifyLocked()
		if copyResult {
			return map[string]any{"message_id": id}, nil
		}
		return s.messageJSON(cs, id, m, 0), nil
	})
}

// inChat is the part common to the methods that act on one chat's
// messages: it resolves chat_id, plays a failure scripted for the chat, and
// runs fn under the lock once the chat is known and the bot is a member of
// it; it answers with fn's result or failure.
func (s *Server) inChat(w http.ResponseWriter, r *http.Request, chatParam string, fn func(cs *chatState, chatID int64) (any, *Failure)) {
	chatID, f := s.resolveChat(chatParam)
	if f != nil {
		s.reply(w, nil, f)
		return
	}
	if sf, ok := s.takeChatFailure(chatID); ok {
		s.fail(w, r, sf)
		return
	}
	result, f := func() (any, *Failure) {
		s.mu.Lock()
		defer s.mu.Unlock()
		cs, f := s.chatLocked(chatID)
		if f != nil {
			return nil, f
		}
		if f := cs.membershipFailure(); f != nil {
			return nil, f
		}
		return fn(cs, chatID)
	}()
	s.reply(w, result, f)
}

// common fills the fields shared by the send methods.
func common(method string, p *params) (*Sent, string, *Failure) {
	disabled, rawLP, f := linkPreview(p)
	if f != nil {
		return nil, "", f
	}
	kb, key, f := parseMarkup(p.Get("reply_markup"))
	if f != nil {
		return nil, "", f
	}
	reply, _ := strconv.Atoi(p.Get("reply_to_message_id"))
	return &Sent{
		Method:              method,
		ParseMode:           p.Get("parse_mode"),
		ReplyMarkup:         kb,
		DisableNotification: parseBool(p.Get("disable_notification")),
		LinkPreviewDisabled: disabled,
		LinkPreviewOptions:  rawLP,
		AllowPaidBroadcast:  parseBool(p.Get("allow_paid_broadcast")),
		ReplyToMessageID:    reply,
		Params:              p.v,
	}, key, nil
}

// sendMessage validates outside the lock; failures are reported after
// the chat checks, as Telegram does.
func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request, p *params) {
	m, sent, f := func() (*message, *Sent, *Failure) {
		text := p.Get("text")
		plain, f := checkText(text, p.Get("parse_mode"), false)
		if f != nil {
			return nil, nil, f
		}
		sent, key, f := common("sendMessage", p)
		if f != nil {
			return nil, nil, f
		}
		sent.Text, sent.Plain = text, plain
		return &message{text: text, plain: plain, parseMode: lower(sent.ParseMode), markup: sent.ReplyMarkup, markupKey: key}, sent, nil
	}()
	s.send(w, r, p.Get("chat_id"), func(*chatState) (*message, *Sent, *Failure) { return m, sent, f }, false)
}

func (s *Server) sendPhoto(w http.ResponseWriter, r *http.Request, p *params) {
	photo := p.Get("photo")
	if name, ok := p.files["photo"]; ok {
		photo = "upload:" + name
	}
	caption := p.Get("caption")
	m, sent, f := func() (*message, *Sent, *Failure) {
		if photo == "" {
			return nil, nil, badRequest("there is no photo in the request")
		}
		plain, f := checkText(caption, p.Get("parse_mode"), true)
		if f != nil {
			return nil, nil, f
		}
		sent, key, f := common("sendPhoto", p)
		if f != nil {
			return nil, nil, f
		}
		sent.Photo, sent.Caption, sent.Plain, sent.Upload = photo, caption, plain, p.uploads["photo"]
		return &message{photo: photo, caption: caption, plain: plain, parseMode: lower(sent.ParseMode), markup: sent.ReplyMarkup, markupKey: key}, sent, nil
	}()
	s.send(w, r, p.Get("chat_id"), func(*chatState) (*message, *Sent, *Failure) { return m, sent, f }, false)
}

func (s *Server) copyMessage(w http.ResponseWriter, r *http.Request, p *params) {
	s.send(w, r, p.Get("chat_id"), func(cs *chatState) (*message, *Sent, *Failure) {
		from, f := s.resolveChatLocked(p.Get("from_chat_id"))
		if f != nil {
			return nil, nil, f
		}
		src, f := s.chatLocked(from)
		if f != nil {
			return nil, nil, f
		}
		msgID, _ := strconv.Atoi(p.Get("message_id"))
		if msgID == 0 {
			return nil, nil, badRequest("message identifier is not specified")
		}
		orig := src.msgs[msgID]
		if orig == nil || orig.deleted {
			return nil, nil, badRequest("message to copy not found")
		}
		sent, key, f := common("copyMessage", p)
		if f != nil {
			return nil, nil, f
		}
		m := *orig
		m.markup, m.markupKey = sent.ReplyMarkup, key
		if p.has("caption") {
			plain, f := checkText(p.Get("caption"), p.Get("parse_mode"), true)
			if f != nil {
				return nil, nil, f
			}
			m.caption, m.plain = p.Get("caption"), plain
		}
		sent.Text, sent.Caption, sent.Photo, sent.Plain, sent.Media = m.text, m.caption, m.photo, m.plain, m.media
		sent.FromChatID, sent.SourceMessageID = from, msgID
		return &m, sent, nil
	}, true)
}

// copyMessages copies several messages at once, an album staying an album:
// message_ids is a JSON list of 1 to 100 ids in strictly increasing order;
// messages that cannot be found are skipped. It answers with the ids of the
// copies and records one Sent per copy; the flood limits count each copy.
func (s *Server) copyMessages(w http.ResponseWriter, r *http.Request, p *params) {
	var ids []int
	if err := json.Unmarshal([]byte(p.Get("message_ids")), &ids); err != nil {
		s.reply(w, nil, badRequest("can't parse message identifiers JSON object"))
		return
	}
	switch {
	case len(ids) == 0:
		s.reply(w, nil, badRequest("message identifiers are not specified"))
		return
	case len(ids) > 100:
		s.reply(w, nil, badRequest("too many messages to copy"))
		return
	}
	for i := 1; i < len(ids); i++ {
		if ids[i] <= ids[i-1] {
			s.reply(w, nil, badRequest("message identifiers must be in a strictly increasing order"))
			return
		}
	}
	s.inChat(w, r, p.Get("chat_id"), func(cs *chatState, chatID int64) (any, *Failure) {
		from, f := s.resolveChatLocked(p.Get("from_chat_id"))
		if f != nil {
			return nil, f
		}
		src, f := s.chatLocked(from)
		if f != nil {
			return nil, f
		}
		base, _, f := common("copyMessages", p)
		if f != nil {
			return nil, f
		}
		var found []int
		for _, id := range ids {
			if m := src.msgs[id]; m != nil && !m.deleted {
				found = append(found, id)
			}
		}
		if len(found) == 0 {
			return nil, badRequest("messages to copy not found")
		}
		now := s.now()
		if f := s.countLocked(cs, base, now, len(found)); f != nil {
			return nil, f
		}
		var result []map[string]any
		for _, id := range found {
			m := *src.msgs[id]
			m.fromBot, m.date, m.markup, m.markupKey = true, now.Unix(), nil, ""
			cs.nextMsgID++
			cs.msgs[cs.nextMsgID] = &m
			sent := *base
			sent.Text, sent.Caption, sent.Photo, sent.Plain, sent.Media = m.text, m.caption, m.photo, m.plain, m.media
			sent.FromChatID, sent.SourceMessageID = from, id
			sent.ChatID, sent.MessageID, sent.At = chatID, cs.nextMsgID, now
			cs.messages = append(cs.messages, sent)
			s.all = append(s.all, sent)
			s.stats.Messages++
			result = append(result, map[string]any{"message_id": cs.nextMsgID})
		}
		s.notifyLocked()
		return result, nil
	})
}

// edit is the part common to the edit methods.
func (s *Server) edit(w http.ResponseWriter, r *http.Request, p *params, method string, apply func(cs *chatState, m *message, sent *Sent) (*message, *Failure)) {
	if inline := p.Get("inline_message_id"); inline != "" {
		sent, _, f := common(method, p)
		if f == nil && method == "editMessageText" {
			sent.Text = p.Get("text")
			sent.Plain, f = checkText(sent.Text, sent.ParseMode, false)
		}
		if f != nil {
			s.reply(w, nil, f)
			return
		}
		sent.InlineMessageID, sent.At = inline, s.now()
		s.mu.Lock()
		s.stats.Edits++
		s.notifyLocked()
		s.mu.Unlock()
		s.reply(w, true, nil)
		return
	}
	s.inChat(w, r, p.Get("chat_id"), func(cs *chatState, chatID int64) (any, *Failure) {
		id, _ := strconv.Atoi(p.Get("message_id"))
		if id == 0 {
			return nil, badRequest("message identifier is not specified")
		}
		m := cs.msgs[id]
		if m == nil || m.deleted {
			return nil, badRequest("message to edit not found")
		}
		if !m.fromBot {
			return nil, badRequest("message can't be edited")
		}
		sent, key, f := common(method, p)
		if f != nil {
			return nil, f
		}
		next, f := apply(cs, m, sent)
		if f != nil {
			return nil, f
		}
		next.markup, next.markupKey = sent.ReplyMarkup, key
		if next.text == m.text && next.caption == m.caption && next.parseMode == m.parseMode && next.markupKey == m.markupKey {
			return nil, badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
		}
		now := s.now()
		cs.msgs[id] = next
		sent.ChatID, sent.MessageID, sent.At = chatID, id, now
		cs.edits = append(cs.edits, *sent)
		s.stats.Edits++
		s.notifyLocked()
		return s.messageJSON(cs, id, next, now.Unix()), nil
	})
}

func (s *Server) editMessageText(w http.ResponseWriter, r *http.Request, p *params) {
	s.edit(w, r, p, "editMessageText", func(cs *chatState, m *message, sent *Sent) (*message, *Failure) {
		if m.photo != "" {
			return nil, badRequest("there is no text in the message to edit")
		}
		text := p.Get("text")
		plain, f := checkText(text, sent.ParseMode, false)
		if f != nil {
			return nil, f
		}
		sent.Text, sent.Plain = text, plain
		next := *m
		next.text, next.plain, next.parseMode = text, plain, lower(sent.ParseMode)
		return &next, nil
	})
}

func (s *Server) editMessageReplyMarkup(w http.ResponseWriter, r *http.Request, p *params) {
	s.edit(w, r, p, "editMessageReplyMarkup", func(cs *chatState, m *message, sent *Sent) (*message, *Failure) {
		next := *m
		sent.Text, sent.Caption, sent.Photo, sent.Plain, sent.ParseMode = m.text, m.caption, m.photo, m.plain, m.parseMode
		return &next, nil
	})
}

func (s *Server) deleteMessage(w http.ResponseWriter, r *http.Request, p *params) {
	result, f := func() (any, *Failure) {
		s.mu.Lock()
		defer s.mu.Unlock()
		chatID, f := s.resolveChatLocked(p.Get("chat_id"))
		if f != nil {
			return nil, f
		}
		cs, f := s.chatLocked(chatID)
		if f != nil {
			return nil, f
		}
		id, _ := strconv.Atoi(p.Get("message_id"))
		if id == 0 {
			return nil, badRequest("message identifier is not specified")
		}
		m := cs.msgs[id]
		if m == nil || m.deleted {
			return nil, badRequest("message to delete not found")
		}
		if !m.fromBot && cs.chat.Type != "private" && cs.admins[BotID] == "" && cs.botStatus != "administrator" {
			return nil, badRequest("message can't be deleted")
		}
		m.deleted = true
		cs.deleted = append(cs.deleted, id)
		s.notifyLocked()
		return true, nil
	}()
	s.reply(w, result, f)
}

func (s *Server) answerCallbackQuery(w http.ResponseWriter, r *http.Request, p *params) {
	result, f := func() (any, *Failure) {
		s.mu.Lock()
		defer s.mu.Unlock()
		id := p.Get("callback_query_id")
		cb := s.callbacks[id]
		if cb == nil || cb.answered {
			return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
		}
		text := p.Get("text")
		if utf8.RuneCountInString(text) > 200 {
			return nil, badRequest("MESSAGE_TOO_LONG")
		}
		cb.answered = true
		s.answers = append(s.answers, Sent{
			Method:          "answerCallbackQuery",
			ChatID:          cb.chatID,
			MessageID:       cb.messageID,
			Text:            text,
			Plain:           text,
			CallbackQueryID: id,
			ShowAlert:       parseBool(p.Get("show_alert")),
			At:              s.now(),
			Params:          p.v,
		})
		s.notifyLocked()
		return true, nil
	}()
	s.reply(w, result, f)
}

func (s *Server) getChatMember(w http.ResponseWriter, r *http.Request, p *params) {
	result, f := func() (any, *Failure) {
		s.mu.Lock()
		defer s.mu.Unlock()
		chatID, f := s.resolveChatLocked(p.Get("chat_id"))
		if f != nil {
			return nil, f
		}
		cs, f := s.chatLocked(chatID)
		if f != nil {
			return nil, f
		}
		userID, err := strconv.ParseInt(p.Get("user_id"), 10, 64)
		if err != nil || userID <= 0 {
			return nil, badRequest("invalid user_id specified")
		}
		var u User
		status := "member"
		if userID == BotID {
			u = s.botUser()
			if cs.botStatus != "" {
				status = cs.botStatus
			}
		} else if known, ok := s.users[userID]; ok {
			u = known
		} else {
			u = User{ID: userID, FirstName: "User " + strconv.FormatInt(userID, 10)}
		}
		if a := cs.admins[userID]; a != "" && (userID != BotID || cs.botStatus == "" || cs.botStatus == "member" || cs.botStatus == "administrator") {
			status = a
		}
		m := map[string]any{"user": userJSON(u), "status": status}
		switch status {
		case "creator":
			m["is_anonymous"] = false
		case "administrator":
			m["is_anonymous"] = false
			m["can_be_edited"] = false
			m["can_manage_chat"] = true
			m["can_delete_messages"] = true
			m["can_restrict_members"] = true
			m["can_post_messages"] = true
		case "kicked", "restricted":
			m["until_date"] = 0
		}
		return m, nil
	}()
	s.reply(w, result, f)
}

func (s *Server) getChat(w http.ResponseWriter, r *http.Request, p *params) {
	result, f := func() (any, *Failure) {
		s.mu.Lock()
		defer s.mu.Unlock()
		chatID, f := s.resolveChatLocked(p.Get("chat_id"))
		if f != nil {
			return nil, f
		}
		cs, f := s.chatLocked(chatID)
		if f != nil {
			return nil, f
		}
		return chatJSON(cs.chat), nil
	}()
	s.reply(w, result, f)
}

var chatActions = map[string]bool{
	"typing": true, "upload_photo": true, "record_video": true, "upload_video": true,
	"record_voice": true, "upload_voice": true, "upload_document": true, "choose_sticker": true,
	"find_location": true, "record_video_note": true, "upload_video_note": true,
}

func (s *Server) sendChatAction(w http.ResponseWriter, r *http.Request, p *params) {
	result, f := func() (any, *Failure) {
		s.mu.Lock()
		defer s.mu.Unlock()
		chatID, f := s.resolveChatLocked(p.Get("chat_id"))
		if f != nil {
			return nil, f
		}
		cs, f := s.chatLocked(chatID)
		if f != nil {
			return nil, f
		}
		if f := cs.membershipFailure(); f != nil {
			return nil, f
		}
		if !chatActions[p.Get("action")] {
			return nil, badRequest("wrong parameter action in request")
		}
		return true, nil
	}()
	s.reply(w, result, f)
}
