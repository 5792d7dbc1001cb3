package faketelegram

import (
	"fmt"
	"net/http"
	"time"
)

// Failure is a scripted error answer.
type Failure struct {
	// Code is the HTTP status and error_code.
	Code int
	// Description is Telegram's description, e.g. "Forbidden: bot was
	// blocked by the user".
	Description string
	// RetryAfter sets parameters.retry_after.
	RetryAfter int
	// MigrateTo sets parameters.migrate_to_chat_id. When served, the target
	// chat becomes known as a supergroup if it was not.
	MigrateTo int64
	// HTML, if set, is answered as a raw text/html body with status Code,
	// as a proxy in front of Telegram does.
	HTML string
	// Delay hangs this long before answering; if the client gives up
	// meanwhile, nothing is answered.
	Delay time.Duration

	chat  int64  // the chat a FailChat script was for
	pause *pause // the retry_after this 429 announces, if any
}

func (f Failure) ptr() *Failure { return &f }

func badRequest(desc string) *Failure {
	return &Failure{Code: http.StatusBadRequest, Description: "Bad Request: " + desc}
}

// Blocked is 403 "Forbidden: bot was blocked by the user".
func Blocked() Failure {
	return Failure{Code: 403, Description: "Forbidden: bot was blocked by the user"}
}

// Kicked is 403 "Forbidden: bot was kicked from the group chat".
func Kicked() Failure {
	return Failure{Code: 403, Description: "Forbidden: bot was kicked from the group chat"}
}

// Deactivated is 403 "Forbidden: user is deactivated".
func Deactivated() Failure {
	return Failure{Code: 403, Description: "Forbidden: user is deactivated"}
}

// ChatNotFound is 400 "Bad Request: chat not found".
func ChatNotFound() Failure { return *badRequest("chat not found") }

// Migrated is 400 "Bad Request: group chat was upgraded to a supergroup
// chat" with parameters.migrate_to_chat_id newID.
func Migrated(newID int64) Failure {
	return Failure{Code: 400, Description: "Bad Request: group chat was upgraded to a supergroup chat", MigrateTo: newID}
}

// TooMany is 429 "Too Many Requests: retry after N" with
// parameters.retry_after N.
func TooMany(seconds int) Failure {
	return Failure{Code: 429, Description: fmt.Sprintf("Too Many Requests: retry after %d", seconds), RetryAfter: seconds}
}

// Conflict is 409, what getUpdates answers when another instance polls.
func Conflict() Failure {
	return Failure{Code: 409, Description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
}

// Unauthorized is 401 "Unauthorized", the answer to a revoked token.
func Unauthorized() Failure { return Failure{Code: 401, Description: "Unauthorized"} }

// BadGatewayHTML is a 502 with nginx's HTML page, which is not JSON.
func BadGatewayHTML() Failure {
	return Failure{Code: 502, HTML: "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n"}
}

// ServerError is 500 "Internal Server Error".
func ServerError() Failure { return Failure{Code: 500, Description: "Internal Server Error"} }

type script struct {
	f    Failure
	left int // <0: forever
}

// FailChat makes the next times sendMessage, sendPhoto, copyMessage,
// editMessageText and editMessageReplyMarkup requests to chatID answer f
// (times < 0: all of them). Calls queue up in order; times == 0 removes
// the chat's scripted failures.
func (s *Server) FailChat(chatID int64, f Failure, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if times == 0 {
		delete(s.failChat, chatID)
		return
	}
	s.failChat[chatID] = append(s.failChat[chatID], &script{f: f, left: times})
}

// FailMethod makes the next times calls of method (any chat; the
// canonical spelling, e.g. "getUpdates") answer f (times < 0: all of them).
// Calls queue up in order; times == 0 removes the method's scripted
// failures.
func (s *Server) FailMethod(method string, f Failure, times int) {
	if m, ok := methods[lower(method)]; ok {
		method = m.name
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if times == 0 {
		delete(s.failMethod, method)
		return
	}
	s.failMethod[method] = append(s.failMethod[method], &script{f: f, left: times})
}

func take[K comparable](m map[K][]*script, k K) (Failure, bool) {
	q := m[k]
	if len(q) == 0 {
		return Failure{}, false
	}
	sc := q[0]
	if sc.left > 0 {
		sc.left--
		if sc.left == 0 {
			if len(q) == 1 {
				delete(m, k)
			} else {
				m[k] = q[1:]
			}
		}
	}
	return sc.f, true
}

func (s *Server) takeMethodFailure(method string) (Failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return take(s.failMethod, method)
}

func (s *Server) takeChatFailure(chatID int64) (Failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := take(s.failChat, chatID)
	f.chat = chatID
	return f, ok
}

// fail answers a scripted failure after its delay. A scripted 429 is
// recorded like any other, and requests inside its retry_after (the
// chat's for FailChat, the bot's for FailMethod) count as violations.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, f Failure) {
	if f.Delay > 0 && !s.wait(r.Context(), f.Delay) {
		return
	}
	s.mu.Lock()
	if f.MigrateTo != 0 && s.chats[f.MigrateTo] == nil {
		s.addChatLocked(Chat{ID: f.MigrateTo, Type: "supergroup"})
	}
	if f.Code == http.StatusTooManyRequests {
		f.pause = s.tooManyLocked(methodName(r), f.chat, f.chat == 0, f.RetryAfter, "script", s.now()).pause
	}
	s.mu.Unlock()
	s.reply(w, nil, &f)
}

// Outage is Telegram failing as a whole: a storm of 5xx, or no answer at
// all. It applies to every method, getUpdates included.
type Outage struct {
	// Failure answers the requests it hits, e.g. ServerError() or
	// BadGatewayHTML().
	Failure Failure
	// Share is the part of requests it hits, drawn per request with
	// RoundTrip.Seed; 0 means all of them.
	Share float64
	// Hang leaves the requests it hits unanswered until their client gives
	// up, the server closes or the outage changes (then they are served
	// as usual); Failure is not used.
	Hang bool
}

// SetOutage starts an outage, replaces the current one, or ends it (nil).
func (s *Server) SetOutage(o *Outage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o != nil {
		c := *o
		o = &c
	}
	s.outage = o
	close(s.outageChanged)
	s.outageChanged = make(chan struct{})
}

// outageFor says what the current outage does to one request: a failure
// to answer, a channel to hang on until the outage changes, or neither.
func (s *Server) outageFor() (*Failure, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.outage
	if o == nil || (o.Share > 0 && s.rnd.Float64() >= o.Share) {
		return nil, nil
	}
	if o.Hang {
		return nil, s.outageChanged
	}
	f := o.Failure
	return &f, nil
}
