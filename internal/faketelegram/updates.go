package faketelegram

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

type storedUpdate struct {
	id  int
	typ string
	raw []byte
}

// Update types getUpdates returns unless allowed_updates says otherwise.
var defaultExcluded = map[string]bool{"chat_member": true, "message_reaction": true, "message_reaction_count": true}

func userJSON(u User) map[string]any {
	m := map[string]any{"id": u.ID, "is_bot": u.IsBot, "first_name": u.FirstName}
	if u.Username != "" {
		m["username"] = u.Username
	}
	if u.LanguageCode != "" {
		m["language_code"] = u.LanguageCode
	}
	return m
}

func (s *Server) botUser() User {
	return User{ID: BotID, IsBot: true, FirstName: BotFirstName, Username: s.opts.BotUsername}
}

func chatJSON(c Chat) map[string]any {
	m := map[string]any{"id": c.ID, "type": c.Type}
	if c.Title != "" {
		m["title"] = c.Title
	}
	if c.Username != "" {
		m["username"] = c.Username
	}
	if c.FirstName != "" {
		m["first_name"] = c.FirstName
	}
	return m
}

// addUpdateLocked queues an update of type typ. s.mu must be held.
func (s *Server) addUpdateLocked(typ string, obj any) int {
	s.nextUpdateID++
	id := s.nextUpdateID
	raw, err := json.Marshal(map[string]any{"update_id": id, typ: obj})
	if err != nil {
		panic(fmt.Sprintf("faketelegram: update %d: %v", id, err))
	}
	s.updates = append(s.updates, storedUpdate{id: id, typ: typ, raw: raw})
	close(s.newUpdate)
	s.newUpdate = make(chan struct{})
	return id
}

func (s *Server) rememberUser(u User) {
	if u.ID != 0 {
		s.users[u.ID] = u
	}
}

// commandLength is the length in UTF-16 units of a leading bot command
// ("/cmd" or "/cmd@bot"), or 0.
func commandLength(text string) int {
	if !strings.HasPrefix(text, "/") {
		return 0
	}
	isWord := func(c byte) bool {
		return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
	}
	i := 1
	for i < len(text) && i <= 64 && isWord(text[i]) {
		i++
	}
	if i == 1 {
		return 0
	}
	if i < len(text) && text[i] == '@' {
		j := i + 1
		for j < len(text) && isWord(text[j]) {
			j++
		}
		if j > i+1 {
			i = j
		}
	}
	return len(utf16.Encode([]rune(text[:i])))
}

// SendMessage injects a text message from a user in chat and returns the
// update id. The chat becomes known (its details are updated unless
// chat.Type is empty and it is already known). A channel's message arrives as a channel_post without from.
// If from is zero in a private chat, the chat's user sends it.
func (s *Server) SendMessage(chat Chat, from User, text string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, from := s.injectLocked(chat, from, true)
	chat = cs.chat
	cs.nextMsgID++
	date := s.now().Unix()
	msg := map[string]any{"message_id": cs.nextMsgID, "date": date, "chat": chatJSON(chat), "text": text}
	if n := commandLength(text); n > 0 {
		msg["entities"] = []map[string]any{{"type": "bot_command", "offset": 0, "length": n}}
	}
	cs.msgs[cs.nextMsgID] = &message{text: text, plain: text, date: date}
	typ := "message"
	if chat.Type == "channel" {
		typ = "channel_post"
		msg["sender_chat"] = chatJSON(chat)
	} else {
		msg["from"] = userJSON(from)
	}
	return s.addUpdateLocked(typ, msg)
}

// SendMessageUpdate injects a raw message object (photos, forwards, ...)
// as a "message" update and returns the update id. It must have a "chat"
// with an "id"; the chat becomes known. A missing message_id gets the
// chat's next one, a missing date the current time.
func (s *Server) SendMessageUpdate(m map[string]any) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	chatMap, _ := m["chat"].(map[string]any)
	chat := chatFromMap(chatMap)
	if chat.ID == 0 {
		panic("faketelegram: SendMessageUpdate: message without chat.id")
	}
	cs := s.chats[chat.ID]
	if cs == nil {
		cs = s.addChatLocked(chat)
	}
	msg := make(map[string]any, len(m)+2)
	for k, v := range m {
		msg[k] = v
	}
	id, ok := toInt64(msg["message_id"])
	if !ok {
		cs.nextMsgID++
		id = int64(cs.nextMsgID)
		msg["message_id"] = id
	} else if int(id) > cs.nextMsgID {
		cs.nextMsgID = int(id)
	}
	if _, ok := msg["date"]; !ok {
		msg["date"] = s.now().Unix()
	}
	text, _ := msg["text"].(string)
	caption, _ := msg["caption"].(string)
	st := &message{text: text, plain: text, caption: caption}
	if _, ok := msg["photo"]; ok {
		st.photo = "photo"
	}
	for _, kind := range mediaKinds {
		if _, ok := msg[kind]; ok {
			st.media = kind
			break
		}
	}
	cs.msgs[int(id)] = st
	if from, ok := msg["from"].(map[string]any); ok {
		uid, _ := toInt64(from["id"])
		name, _ := from["first_name"].(string)
		uname, _ := from["username"].(string)
		lang, _ := from["language_code"].(string)
		isBot, _ := from["is_bot"].(bool)
		s.rememberUser(User{ID: uid, FirstName: name, Username: uname, LanguageCode: lang, IsBot: isBot})
	}
	return s.addUpdateLocked("message", msg)
}

// mediaKinds are the fields of a message that say what it holds, in the
// order that decides (a venue has a location, an animation a document).
var mediaKinds = []string{"animation", "photo", "video", "document", "audio", "voice", "video_note", "sticker",
	"venue", "location", "contact", "poll", "dice", "game", "invoice"}

func chatFromMap(m map[string]any) Chat {
	var c Chat
	c.ID, _ = toInt64(m["id"])
	c.Type, _ = m["type"].(string)
	c.Title, _ = m["title"].(string)
	c.Username, _ = m["username"].(string)
	c.FirstName, _ = m["first_name"].(string)
	return c
}

func toInt64(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int64:
		return n, true
	case int32:
		return int64(n), true
	case float64:
		return int64(n), true
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	case string:
		i, err := strconv.ParseInt(n, 10, 64)
		return i, err == nil
	}
	return 0, false
}

// injectLocked makes chat known for an injected update (refreshing its
// details when refresh is set and chat.Type is given) and fills in the
// sender of a private chat when from is zero: the chat's own user.
func (s *Server) injectLocked(chat Chat, from User, refresh bool) (*chatState, User) {
	cs := s.chats[chat.ID]
	if cs == nil || refresh && chat.Type != "" {
		cs = s.addChatLocked(chat)
	}
	if from.ID == 0 && cs.chat.Type == "private" {
		from = User{ID: cs.chat.ID, FirstName: cs.chat.FirstName, Username: cs.chat.Username}
	}
	s.rememberUser(from)
	return cs, from
}

// PressButton injects a callback_query: from presses the inline button with
// data under the bot's message messageID in chat. It returns the update id
// and the callback query id, which answerCallbackQuery must use once.
func (s *Server) PressButton(chat Chat, from User, messageID int, data string) (updateID int, callbackID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, from := s.injectLocked(chat, from, false)
	chat = cs.chat
	s.nextCallID++
	callbackID = strconv.FormatInt(int64(4382000000000000000)+int64(s.nextCallID), 10)
	s.callbacks[callbackID] = &callbackState{chatID: chat.ID, messageID: messageID}
	msg := map[string]any{"message_id": messageID, "chat": chatJSON(chat), "from": userJSON(s.botUser()), "date": s.now().Unix()}
	if m := cs.msgs[messageID]; m != nil {
		msg["date"] = m.date
		if m.photo != "" {
			msg["caption"] = m.caption
		} else {
			msg["text"] = m.plain
		}
		if m.markup != nil {
			msg["reply_markup"] = markupJSON(m.markup)
		}
	}
	cq := map[string]any{
		"id":            callbackID,
		"from":          userJSON(from),
		"message":       msg,
		"chat_instance": strconv.FormatInt(-chat.ID*7919, 10),
		"data":          data,
	}
	return s.addUpdateLocked("callback_query", cq), callbackID
}

// ChatMemberUpdate injects a my_chat_member update: the bot's status in
// chat changed from oldStatus to newStatus ("member", "kicked", "left",
// "administrator", ...) by from. The bot's status also governs sends:
// after "kicked" or "left" they answer 403 until it is a member again.
func (s *Server) ChatMemberUpdate(chat Chat, from User, oldStatus, newStatus string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, from := s.injectLocked(chat, from, false)
	chat = cs.chat
	cs.botStatus = newStatus
	bot := userJSON(s.botUser())
	member := func(status string) map[string]any {
		m := map[string]any{"user": bot, "status": status}
		switch status {
		case "kicked", "restricted":
			m["until_date"] = 0
		case "administrator":
			m["can_be_edited"] = false
			m["is_anonymous"] = false
			m["can_manage_chat"] = true
			m["can_delete_messages"] = true
			m["can_post_messages"] = true
		}
		return m
	}
	upd := map[string]any{
		"chat":            chatJSON(chat),
		"from":            userJSON(from),
		"date":            s.now().Unix(),
		"old_chat_member": member(oldStatus),
		"new_chat_member": member(newStatus),
	}
	return s.addUpdateLocked("my_chat_member", upd)
}

// AddRawUpdate injects an update object as given; its update_id is
// replaced by the next one, which is returned. Its type is its first key
// other than update_id.
func (s *Server) AddRawUpdate(u map[string]any) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	typ, obj := "", any(nil)
	for k, v := range u {
		if k != "update_id" && (typ == "" || k < typ) {
			typ, obj = k, v
		}
	}
	if typ == "" {
		panic("faketelegram: AddRawUpdate: update without content")
	}
	if m, ok := obj.(map[string]any); ok {
		if c, ok := m["chat"].(map[string]any); ok {
			if chat := chatFromMap(c); chat.ID != 0 && s.chats[chat.ID] == nil {
				s.addChatLocked(chat)
			}
		}
	}
	return s.addUpdateLocked(typ, obj)
}

// confirmLocked forgets the updates below offset, as getUpdates does.
func (s *Server) confirmLocked(offset int) {
	if offset < 0 {
		if keep := -offset; len(s.updates) > keep {
			s.updates = s.updates[len(s.updates)-keep:]
		}
		return
	}
	i := 0
	for i < len(s.updates) && s.updates[i].id < offset {
		i++
	}
	if i > 0 {
		s.updates = append(s.updates[:0:0], s.updates[i:]...)
	}
	if offset > s.confirmed {
		s.confirmed = offset
		s.notifyLocked()
	}
}

func (s *Server) pendingLocked(limit int) [][]byte {
	var out [][]byte
	for _, u := range s.updates {
		if len(out) == limit {
			break
		}
		if s.allowed != nil && !s.allowed[u.typ] || s.allowed == nil && defaultExcluded[u.typ] {
			continue
		}
		out = append(out, u.raw)
	}
	return out
}

func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, p *params) {
	offset, _ := strconv.Atoi(p.Get("offset"))
	limit, err := strconv.Atoi(p.Get("limit"))
	if err != nil || limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(p.Get("timeout"))
	var allowed []string
	if a := p.Get("allowed_updates"); a != "" {
		if err := json.Unmarshal([]byte(a), &allowed); err != nil {
			s.reply(w, nil, badRequest("can't parse allowed updates JSON object"))
			return
		}
	}

	s.mu.Lock()
	if offset != 0 {
		s.confirmLocked(offset)
	}
	if p.has("allowed_updates") {
		if len(allowed) == 0 {
			s.allowed = nil
		} else {
			s.allowed = make(map[string]bool, len(allowed))
			for _, a := range allowed {
				s.allowed[a] = true
			}
		}
	}
	if s.pollStop != nil {
		close(s.pollStop) // the older request answers 409
	}
	stop := make(chan struct{})
	s.pollStop = stop
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		if s.pollStop == stop {
			s.pollStop = nil
		}
		s.mu.Unlock()
	}()

	var expire <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(time.Duration(timeout) * time.Second)
		defer t.Stop()
		expire = t.C
	}
	for {
		s.mu.Lock()
		batch := s.pendingLocked(limit)
		wake := s.newUpdate
		s.mu.Unlock()
		if len(batch) > 0 || timeout <= 0 {
			writeUpdates(w, batch)
			return
		}
		select {
		case <-wake:
		case <-expire:
			writeUpdates(w, nil)
			return
		case <-stop:
			s.reply(w, nil, Conflict().ptr())
			return
		case <-r.Context().Done():
			return
		case <-s.done:
			writeUpdates(w, nil)
			return
		}
	}
}

func writeUpdates(w http.ResponseWriter, batch [][]byte) {
	var b bytes.Buffer
	b.WriteString(`{"ok":true,"result":[`)
	b.Write(bytes.Join(batch, []byte{','}))
	b.WriteString("]}")
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.Write(b.Bytes())
}
