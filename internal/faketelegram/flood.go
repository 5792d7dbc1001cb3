package faketelegram

import (
	"net/http"
	"slices"
	"strconv"
	"time"
)

// GlobalTooMany scripts Telegram's bot-wide flood control kicking in now
// and then, whatever the pace.
type GlobalTooMany struct {
	// Every: after every Every accepted messages (sendMessage, sendPhoto,
	// copyMessage without allow_paid_broadcast), the next one is answered
	// 429 and the bot is banned for RetryAfter seconds. 0 turns it off.
	Every int
	// RetryAfter is the ban in seconds (0: a 429 without retry_after and
	// no ban).
	RetryAfter int
}

// TooManyAnswer is one 429 the server answered.
type TooManyAnswer struct {
	// At is when the refused request arrived.
	At     time.Time
	Method string
	ChatID int64
	// RetryAfter is parameters.retry_after (0: absent).
	RetryAfter int
	// Global is true for a ban of the whole bot, false for one chat's.
	Global bool
	// Cause is "limit" (30 a second, a chat's own limit), "ban" (the
	// request arrived inside a ban the flood control had started), "every"
	// (Options.GlobalTooMany) or "script" (FailChat, FailMethod).
	Cause string
}

// Violation is a request the bot sent after a 429 had reached it and that
// arrived inside that 429's retry_after: the bot had been told to wait and
// did not. Requests already on their way when the 429 reached the bot are
// refused too (see TooManyAnswers) but are not violations: the bot could
// not have known.
type Violation struct {
	// Left is when the request left the bot, At when it arrived (later by
	// Options.Latency and the way there of a RoundTrip).
	Left, At time.Time
	Method   string
	ChatID   int64
	// Global is true inside a ban of the whole bot, false inside the
	// chat's own.
	Global bool
	// Told is when the 429 reached the bot, Until the end of its retry_after.
	Told, Until time.Time
}

// pause is a retry_after the server answered.
type pause struct {
	chat int64 // 0: the whole bot
	// told is when the answer reached the bot (zero until then).
	told, until time.Time
	// enforced pauses refuse requests inside them, as Telegram does;
	// scripted 429s are only watched for violations.
	enforced bool
}

// tooManyLocked answers a 429 to a request for method and chat with
// retry_after seconds, for the chat or the whole bot (global), records it,
// and starts the pause it announces unless it is a refusal inside one.
func (s *Server) tooManyLocked(method string, chat int64, global bool, retryAfter int, cause string, now time.Time) *Failure {
	f := TooMany(retryAfter)
	if retryAfter == 0 {
		f = Failure{Code: http.StatusTooManyRequests, Description: "Too Many Requests"}
	}
	s.tooMany = append(s.tooMany, TooManyAnswer{At: now, Method: method, ChatID: chat, RetryAfter: retryAfter, Global: global, Cause: cause})
	if cause != "ban" && retryAfter > 0 {
		f.pause = &pause{chat: chat, until: now.Add(time.Duration(retryAfter) * time.Second), enforced: cause != "script"}
		if global {
			f.pause.chat = 0
		}
		s.pauses = append(s.pauses, f.pause)
	}
	return &f
}

// told marks a 429's pause as known to the bot: its answer is leaving now.
func (s *Server) told(p *pause) {
	if p == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p.told = s.now()
}

// arrive applies the bot's bans to a request of a send or edit method the
// moment it arrives, having left the bot at left: it records a violation
// if the request comes inside a retry_after the bot had been told about
// before it left, and answers the refusal if a ban holds; it also plays
// Options.GlobalTooMany.
func (s *Server) arrive(method string, kind methodKind, p *params, left time.Time) *Failure {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	chat, _ := s.resolveChatLocked(p.Get("chat_id")) // a wrong chat is answered later
	paid := kind == kindSend && parseBool(p.Get("allow_paid_broadcast"))
	s.pauses = slices.DeleteFunc(s.pauses, func(ps *pause) bool { return !now.Before(ps.until) })
	violated := false
	var ban *pause
	for _, ps := range s.pauses {
		if ps.chat != 0 && ps.chat != chat || ps.chat == 0 && paid {
			continue // paid broadcasts are outside the bot's 30 a second
		}
		if !violated && !ps.told.IsZero() && !left.Before(ps.told) {
			violated = true
			s.violations = append(s.violations, Violation{Left: left, At: now, Method: method, ChatID: chat, Global: ps.chat == 0, Told: ps.told, Until: ps.until})
			s.stats.Violations++
		}
		if ps.enforced && (ban == nil || ps.until.After(ban.until)) {
			ban = ps
		}
	}
	if ban != nil {
		return s.tooManyLocked(method, chat, ban.chat == 0, ceilSeconds(ban.until.Sub(now)), "ban", now)
	}
	if g := s.opts.GlobalTooMany; g.Every > 0 && kind == kindSend && !paid && s.sinceGlobal >= g.Every {
		s.sinceGlobal = 0
		return s.tooManyLocked(method, chat, true, g.RetryAfter, "every", now)
	}
	return nil
}

// TooManyAnswers returns every 429 the server answered, in order.
func (s *Server) TooManyAnswers() []TooManyAnswer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.tooMany)
}

// Violations returns every request that arrived inside a retry_after the
// bot had been told about, in order.
func (s *Server) Violations() []Violation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.violations)
}

// String describes a violation for test failures.
func (v Violation) String() string {
	scope := "chat " + strconv.FormatInt(v.ChatID, 10)
	if v.Global {
		scope = "the bot"
	}
	return v.Method + " to " + strconv.FormatInt(v.ChatID, 10) + " sent at " + v.Left.Format("15:04:05.000") +
		", " + v.Left.Sub(v.Told).String() + " after a 429 for " + scope + " until " + v.Until.Format("15:04:05.000")
}
