package faketelegram

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

func lower(s string) string { return strings.ToLower(s) }

func inferType(c Chat) Chat {
	if c.Type == "" {
		switch {
		case c.ID > 0:
			c.Type = "private"
		case c.ID < -1000000000000:
			c.Type = "supergroup"
		default:
			c.Type = "group"
		}
	}
	return c
}

// addChatLocked makes c known, or updates what is known about it. s.mu must be held.
func (s *Server) addChatLocked(c Chat) *chatState {
	c = inferType(c)
	cs := s.chats[c.ID]
	if cs == nil {
		cs = &chatState{msgs: make(map[int]*message)}
		s.chats[c.ID] = cs
	} else if cs.chat.Username != "" && cs.chat.Username != c.Username && s.usernames[lower(cs.chat.Username)] == c.ID {
		delete(s.usernames, lower(cs.chat.Username))
	}
	cs.chat = c
	if c.Username != "" && c.Type != "private" {
		s.usernames[lower(c.Username)] = c.ID
	}
	return cs
}

// AddChat makes c known to the server (or updates its title, type and
// username). A non-private chat with a username can be addressed as
// "@username".
func (s *Server) AddChat(c Chat) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addChatLocked(c)
}

// AddChats adds many chats at once.
func (s *Server) AddChats(cs []Chat) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range cs {
		s.addChatLocked(c)
	}
}

// SetUsernameChat makes chat_id "@username" resolve to chatID in getChat,
// getChatMember and sends.
func (s *Server) SetUsernameChat(username string, chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.usernames[lower(strings.TrimPrefix(username, "@"))] = chatID
}

// SetChatAdmins makes userIDs the chat's administrators for getChatMember:
// the first listed user other than the bot is the "creator", the others
// "administrator"; everyone else is a "member". Include BotID to make the
// bot an administrator. It replaces earlier calls; the chat becomes known.
func (s *Server) SetChatAdmins(chatID int64, userIDs ...int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := s.chats[chatID]
	if cs == nil {
		cs = s.addChatLocked(Chat{ID: chatID})
	}
	cs.admins = make(map[int64]string, len(userIDs))
	creator := false
	for _, id := range userIDs {
		if id != BotID && !creator {
			cs.admins[id] = "creator"
			creator = true
			continue
		}
		cs.admins[id] = "administrator"
	}
}

// Messages returns the sendMessage, sendPhoto and copyMessage requests
// accepted for the chat, in order.
func (s *Server) Messages(chatID int64) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cs := s.chats[chatID]; cs != nil {
		return slices.Clone(cs.messages)
	}
	return nil
}

// AllMessages returns every accepted sendMessage, sendPhoto and
// copyMessage, in order.
func (s *Server) AllMessages() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.all)
}

// Edits returns the accepted editMessageText and editMessageReplyMarkup
// requests for the chat, in order.
func (s *Server) Edits(chatID int64) []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cs := s.chats[chatID]; cs != nil {
		return slices.Clone(cs.edits)
	}
	return nil
}

// Deleted returns the ids of the chat's messages deleted by deleteMessage.
func (s *Server) Deleted(chatID int64) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cs := s.chats[chatID]; cs != nil {
		return slices.Clone(cs.deleted)
	}
	return nil
}

// CallbackAnswers returns the accepted answerCallbackQuery requests (Text
// is the notification text), in order.
func (s *Server) CallbackAnswers() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.answers)
}

// Commands returns the commands set with setMyCommands for the default
// scope, by language_code ("" for the default language), each as
// {"command": ..., "description": ...}.
func (s *Server) Commands() map[string][]map[string]string {
	return s.CommandsForScope("default")
}

// CommandsForScope is Commands for a scope type, e.g. "all_private_chats".
func (s *Server) CommandsForScope(scope string) map[string][]map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string][]map[string]string)
	for lang, cmds := range s.commands[scope] {
		c := make([]map[string]string, len(cmds))
		for i, m := range cmds {
			c[i] = maps.Clone(m)
		}
		out[lang] = c
	}
	return out
}

// MessageText returns the current text (or caption) of a message, as sent,
// after edits; "" if there is no such message.
func (s *Server) MessageText(chatID int64, messageID int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cs := s.chats[chatID]; cs != nil {
		if m := cs.msgs[messageID]; m != nil {
			if m.photo != "" {
				return m.caption
			}
			return m.text
		}
	}
	return ""
}

// MessageMarkup returns the current inline keyboard of a message, or nil.
func (s *Server) MessageMarkup(chatID int64, messageID int) *InlineKeyboard {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cs := s.chats[chatID]; cs != nil {
		if m := cs.msgs[messageID]; m != nil {
			return m.markup
		}
	}
	return nil
}

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Requests = maps.Clone(s.stats.Requests)
	st.Errors = maps.Clone(s.stats.Errors)
	st.MaxInFlight = int(s.maxInFlight.Load())
	return st
}

// Confirmed returns the highest offset the bot has passed to getUpdates:
// every update with a lower id is confirmed.
func (s *Server) Confirmed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.confirmed
}

// TB is the part of testing.TB the waits use to fail a test: *testing.T
// and *testing.B satisfy it. The package does not import testing, so that
// a program built on it (cmd/tgsandbox) does not link it.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
}

// WaitMessages waits until the chat has at least n accepted messages and
// returns them all. On timeout it fails the test with what it got. Call it
// from the test goroutine.
func (s *Server) WaitMessages(t TB, chatID int64, n int, timeout time.Duration) []Sent {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		var got []Sent
		if cs := s.chats[chatID]; cs != nil {
			got = slices.Clone(cs.messages)
		}
		changed := s.changed
		s.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("waiting %v for %d messages in chat %d: got %d%s", timeout, n, chatID, len(got), describe(got))
			return got
		}
	}
}

// WaitFor waits until cond returns true, checking it after every change
// recorded by the server and every few milliseconds. On timeout it fails
// the test with "waiting for <what>". Call it from the test goroutine.
func (s *Server) WaitFor(t TB, timeout time.Duration, cond func() bool, what string) {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		if cond() {
			return
		}
		select {
		case <-changed:
		case <-tick.C:
		case <-deadline.C:
			if cond() {
				return
			}
			t.Fatalf("waiting %v for %s: timed out", timeout, what)
			return
		}
	}
}

func describe(msgs []Sent) string {
	var b strings.Builder
	for i, m := range msgs {
		if i == 10 {
			fmt.Fprintf(&b, "\n\t... and %d more", len(msgs)-i)
			break
		}
		text := m.Text
		if m.Method == "sendPhoto" {
			text = m.Photo + " " + m.Caption
		}
		if len(text) > 120 {
			text = text[:120] + "..."
		}
		fmt.Fprintf(&b, "\n\t#%d %s %q", m.MessageID, m.Method, text)
	}
	return b.String()
}
