package faketelegram

import (
	"context"
	"encoding/json"
	"io"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults for Options.
const (
	DefaultToken       = "123456:TEST-token-abcdefghijklmnop"
	DefaultBotUsername = "osipovichi_news_bot"
	// BotID is the user id of the bot itself (getMe, getChatMember).
	BotID int64 = 100
	// BotFirstName is the bot's first_name in getMe.
	BotFirstName = "Osipovichi News"
)

// Options configure a Server. The zero value is ready to use.
type Options struct {
	// Token the bot must use; DefaultToken if empty.
	Token string
	// BotUsername returned by getMe; DefaultBotUsername if empty.
	BotUsername string
	// Latency is waited before answering sendMessage, sendPhoto,
	// copyMessage, editMessageText and editMessageReplyMarkup. A request
	// whose client cancels during the wait is not processed or recorded.
	Latency time.Duration
	// RoundTrip adds a random answer time to sends, copies and edits,
	// after Latency.
	RoundTrip RoundTrip
	// EnforceLimits turns on Telegram's flood control (see the package doc).
	EnforceLimits bool
	// PrivateBurst is how many messages a private chat may get at once
	// under EnforceLimits before its one a second applies: 3 if 0 (what
	// Telegram tolerates in practice); 1 is exactly one in any sliding
	// second.
	PrivateBurst int
	// GlobalTooMany bans the bot now and then, whatever its pace.
	GlobalTooMany GlobalTooMany
	// Now is the clock for limits and message dates; time.Now if nil.
	Now func() time.Time
	// InlineMode is the bot's inline mode (/setinline in @BotFather): getMe
	// reports it, and only then may InlineQuery be used.
	InlineMode bool
}

// Chat is a Telegram chat. Type is "private", "group", "supergroup" or
// "channel"; if empty, AddChat infers it from the id (positive: private,
// below -1000000000000: supergroup, otherwise group).
type Chat struct {
	ID        int64
	Type      string
	Title     string
	Username  string
	FirstName string
}

// User is a Telegram user.
type User struct {
	ID           int64
	FirstName    string
	Username     string
	LanguageCode string
	IsBot        bool
}

// PrivateChat returns the private chat of u with the bot.
func PrivateChat(u User) Chat {
	return Chat{ID: u.ID, Type: "private", FirstName: u.FirstName, Username: u.Username}
}

// Sent is one accepted request of the bot.
type Sent struct {
	Method    string // sendMessage, sendPhoto, copyMessage, copyMessages, editMessageText, editMessageReplyMarkup, answerCallbackQuery
	ChatID    int64
	MessageID int
	// Text is the text parameter as sent (the HTML source with
	// parse_mode=HTML); for copies, the source message's text; for edits of
	// the reply markup, the message's current text; for
	// answerCallbackQuery, the notification text.
	Text string
	// Caption is the caption parameter as sent.
	Caption string
	// Plain is the visible text (or caption) after entity parsing.
	Plain string
	// Photo is the photo parameter (URL or file_id), or "upload:NAME" for a
	// multipart upload.
	Photo               string
	Upload              []byte // the content of a multipart upload of the photo
	ParseMode           string
	ReplyMarkup         *InlineKeyboard // nil unless an inline keyboard with buttons was sent
	DisableNotification bool
	LinkPreviewDisabled bool   // disable_web_page_preview=true or link_preview_options {"is_disabled":true}
	LinkPreviewOptions  string // raw JSON
	FromChatID          int64  // copyMessage, copyMessages
	SourceMessageID     int    // copyMessage, copyMessages (one Sent per message copied)
	// Media is the kind of a copied message injected with SendMessageUpdate
	// ("video", "poll", "location", …; "photo" for a photo); empty for text.
	Media              string
	AllowPaidBroadcast bool
	CallbackQueryID    string // answerCallbackQuery
	At                 time.Time
	Params             url.Values // every parameter as received
	InlineMessageID    string     // edits of inline messages
	ReplyToMessageID   int
	ShowAlert          bool // answerCallbackQuery
}

// InlineKeyboard is an inline keyboard as the bot sent it.
type InlineKeyboard struct {
	Rows [][]Button
}

// Button is one inline keyboard button.
type Button struct {
	Text, CallbackData, URL string
}

// Stats counts what the server saw.
type Stats struct {
	// Requests by method name (canonical spelling, e.g. "sendMessage";
	// unknown methods as requested).
	Requests map[string]int
	// Errors counts error answers by description (HTML failures by
	// "HTTP <code>").
	Errors map[string]int
	// TooManyRequests is the number of 429 answers, scripted or not.
	TooManyRequests int
	// Cancelled counts requests abandoned by their client during Latency,
	// the way there of a RoundTrip, a Failure.Delay or a hanging Outage:
	// they were not processed.
	Cancelled int
	// LostAnswers counts requests processed whose client gave up while the
	// answer travelled back (RoundTrip): Telegram acted, the bot never knew.
	LostAnswers int
	// Violations counts requests that arrived inside a retry_after the bot
	// had been told about (see Violations).
	Violations int
	// MaxInFlight is the highest number of requests other than getUpdates
	// being served at once.
	MaxInFlight int
	// Messages is the number of accepted sendMessage, sendPhoto and
	// copyMessage requests; Edits of accepted edits.
	Messages, Edits int
}

// Server is the fake Bot API. Create it with New.
type Server struct {
	opts      Options
	srv       *httptest.Server
	done      chan struct{}
	closeOnce sync.Once

	inFlight    atomic.Int64
	maxInFlight atomic.Int64

	mu        sync.Mutex
	chats     map[int64]*chatState
	usernames map[string]int64
	users     map[int64]User

	updates      []storedUpdate // pending, ascending ids
	nextUpdateID int
	confirmed    int
	newUpdate    chan struct{} // closed and replaced when an update is added
	pollStop     chan struct{} // closed to terminate the running getUpdates
	allowed      map[string]bool

	changed chan struct{} // closed and replaced on every recorded change

	all        []Sent
	answers    []Sent
	callbacks  map[string]*callbackState
	nextCallID int
	inline     map[string]*inlineState // inline queries by id

	inlineAnswers []InlineAnswer
	commands      map[string]map[string][]map[string]string // scope -> language -> commands

	failChat   map[int64][]*script
	failMethod map[string][]*script

	global      timeQueue // accepted counted messages in the last second
	sinceGlobal int       // accepted unpaid messages since the last GlobalTooMany
	pauses      []*pause  // retry_afters answered and not yet over
	tooMany     []TooManyAnswer
	violations  []Violation
	rnd         *rand.Rand // RoundTrip and Outage draws

	outage        *Outage
	outageChanged chan struct{} // closed and replaced by SetOutage

	stats Stats
}

type chatState struct {
	chat      Chat
	nextMsgID int
	messages  []Sent
	edits     []Sent
	deleted   []int
	msgs      map[int]*message
	admins    map[int64]string // user id -> "creator" | "administrator"
	botStatus string           // "" (member), "kicked", "left", "administrator", ...

	tokens     float64 // private chats: token bucket
	tokensAt   time.Time
	tokensInit bool
	window     timeQueue // groups: accepted messages in the last 60 s
}

type message struct {
	fromBot   bool
	text      string // raw, as sent
	plain     string
	parseMode string
	caption   string
	photo     string
	media     string // the kind of a message injected with SendMessageUpdate: "video", "poll", …
	markup    *InlineKeyboard
	markupKey string
	date      int64
	deleted   bool
}

type callbackState struct {
	chatID    int64
	messageID int
	answered  bool
}

// New starts a fake Bot API server. Close it when done.
func New(opts Options) *Server {
	if opts.Token == "" {
		opts.Token = DefaultToken
	}
	if opts.BotUsername == "" {
		opts.BotUsername = DefaultBotUsername
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		opts:       opts,
		done:       make(chan struct{}),
		chats:      make(map[int64]*chatState),
		usernames:  make(map[string]int64),
		users:      make(map[int64]User),
		newUpdate:  make(chan struct{}),
		changed:    make(chan struct{}),
		callbacks:  make(map[string]*callbackState),
		inline:     make(map[string]*inlineState),
		commands:   make(map[string]map[string][]map[string]string),
		failChat:   make(map[int64][]*script),
		failMethod: make(map[string][]*script),
		stats:      Stats{Requests: make(map[string]int), Errors: make(map[string]int)},
		rnd:        rand.New(rand.NewPCG(opts.RoundTrip.Seed, 0x5eed)),

		outageChanged: make(chan struct{}),
	}
	s.srv = httptest.NewServer(s)
	return s
}

// Close stops the server. Pending long polls answer an empty list.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.srv.Close()
	})
}

// URL is the server's base URL, e.g. "http://127.0.0.1:12345".
func (s *Server) URL() string { return s.srv.URL }

// Endpoint is the API endpoint format for tgbotapi: URL()+"/bot%s/%s".
func (s *Server) Endpoint() string { return s.srv.URL + "/bot%s/%s" }

// Token is the token the bot must use.
func (s *Server) Token() string { return s.opts.Token }

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

func (s *Server) now() time.Time { return s.opts.Now() }

// notifyLocked wakes everything waiting for a change. s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

type methodKind int

const (
	kindOther methodKind = iota
	kindSend             // counted in limits, subject to Latency and FailChat
	kindEdit             // subject to Latency and FailChat
)

type handler func(s *Server, w http.ResponseWriter, r *http.Request, p *params)

type methodInfo struct {
	name string
	kind methodKind
	h    handler
}

var methods = map[string]methodInfo{}

func init() {
	for _, m := range []methodInfo{
		{"getMe", kindOther, (*Server).getMe},
		{"getUpdates", kindOther, (*Server).getUpdates},
		{"deleteWebhook", kindOther, (*Server).deleteWebhook},
		{"getWebhookInfo", kindOther, (*Server).getWebhookInfo},
		{"setMyCommands", kindOther, (*Server).setMyCommands},
		{"deleteMyCommands", kindOther, (*Server).deleteMyCommands},
		{"getMyCommands", kindOther, (*Server).getMyCommands},
		{"sendMessage", kindSend, (*Server).sendMessage},
		{"sendPhoto", kindSend, (*Server).sendPhoto},
		{"copyMessage", kindSend, (*Server).copyMessage},
		{"copyMessages", kindSend, (*Server).copyMessages},
		{"editMessageText", kindEdit, (*Server).editMessageText},
		{"editMessageReplyMarkup", kindEdit, (*Server).editMessageReplyMarkup},
		{"deleteMessage", kindOther, (*Server).deleteMessage},
		{"answerCallbackQuery", kindOther, (*Server).answerCallbackQuery},
		{"answerInlineQuery", kindOther, (*Server).answerInlineQuery},
		{"getChatMember", kindOther, (*Server).getChatMember},
		{"getChat", kindOther, (*Server).getChat},
		{"sendChatAction", kindOther, (*Server).sendChatAction},
	} {
		methods[strings.ToLower(m.name)] = m
	}
}

// ServeHTTP serves the Bot API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	if !ok {
		s.reply(w, nil, &Failure{Code: 404, Description: "Not Found"})
		return
	}
	token, name, ok := strings.Cut(rest, "/")
	if !ok || name == "" || strings.Contains(name, "/") {
		s.reply(w, nil, &Failure{Code: 404, Description: "Not Found"})
		return
	}
	if token != s.opts.Token {
		s.reply(w, nil, Unauthorized().ptr())
		return
	}
	m, known := methods[strings.ToLower(name)]
	if !known {
		m.name = name
	}
	s.mu.Lock()
	s.stats.Requests[m.name]++
	s.mu.Unlock()
	if !known {
		s.reply(w, nil, &Failure{Code: 404, Description: "Not Found"})
		return
	}
	if !s.sufferOutage(w, r) {
		return
	}
	if m.name != "getUpdates" {
		n := s.inFlight.Add(1)
		defer s.inFlight.Add(-1)
		for {
			max := s.maxInFlight.Load()
			if n <= max || s.maxInFlight.CompareAndSwap(max, n) {
				break
			}
		}
	}
	p, err := parseParams(r)
	if err != nil {
		s.reply(w, nil, badRequest(err.Error()))
		return
	}
	left := s.now()
	if m.kind == kindOther {
		s.handle(w, r, m, p, left)
		return
	}
	back, ok := s.travel(r.Context())
	if !ok {
		return
	}
	if back == 0 {
		s.handle(w, r, m, p, left)
		return
	}
	h := &heldAnswer{}
	s.handle(h, r, m, p, left)
	s.deliver(w, r, h, back)
}

// handle answers a request that has arrived, having left the bot at left:
// bans first, then scripted failures, then the method itself.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, m methodInfo, p *params, left time.Time) {
	if m.kind != kindOther {
		if f := s.arrive(m.name, m.kind, p, left); f != nil {
			s.reply(w, nil, f)
			return
		}
	}
	if f, ok := s.takeMethodFailure(m.name); ok {
		s.fail(w, r, f)
		return
	}
	m.h(s, w, r, p)
}

// sufferOutage plays the current outage on a request. It reports whether
// the request should be served.
func (s *Server) sufferOutage(w http.ResponseWriter, r *http.Request) bool {
	for {
		f, hang := s.outageFor()
		switch {
		case f != nil:
			s.reply(w, nil, f)
			return false
		case hang == nil:
			return true
		}
		select {
		case <-hang: // the outage changed: look again
		case <-r.Context().Done():
			s.mu.Lock()
			s.stats.Cancelled++
			s.mu.Unlock()
			return false
		case <-s.done:
			return false
		}
	}
}

// wait waits for d, or until the client or the server goes away. It
// reports whether the request should be processed, counting it cancelled
// if not.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	if s.pass(ctx, d) {
		return true
	}
	s.mu.Lock()
	s.stats.Cancelled++
	s.mu.Unlock()
	return false
}

// pass waits for d, or until the client or the server goes away, and
// reports whether d passed.
func (s *Server) pass(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.done:
	}
	return false
}

// params are a request's parameters, from the query string and a form,
// multipart or JSON body.
type params struct {
	v       url.Values
	files   map[string]string // multipart field -> file name
	uploads map[string][]byte // multipart field -> file content
}

func (p *params) Get(k string) string { return p.v.Get(k) }

func (p *params) has(k string) bool { _, ok := p.v[k]; return ok }

func parseParams(r *http.Request) (*params, error) {
	p := &params{v: url.Values{}, files: map[string]string{}, uploads: map[string][]byte{}}
	for k, vs := range r.URL.Query() {
		p.v[k] = vs
	}
	if r.Body == nil || r.Method == http.MethodGet {
		return p, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		if len(strings.TrimSpace(string(body))) == 0 {
			return p, nil
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(body, &m); err != nil {
			return nil, errString("can't parse JSON encoded request parameters")
		}
		for k, raw := range m {
			var str string
			if json.Unmarshal(raw, &str) == nil {
				p.v.Set(k, str)
			} else if string(raw) != "null" {
				p.v.Set(k, string(raw))
			}
		}
	case "multipart/form-data":
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return nil, errString("can't parse multipart request")
		}
		for k, vs := range r.MultipartForm.Value {
			p.v[k] = vs
		}
		for k, fhs := range r.MultipartForm.File {
			if len(fhs) == 0 {
				continue
			}
			p.files[k] = fhs[0].Filename
			f, err := fhs[0].Open()
			if err != nil {
				return nil, errString("can't read the uploaded file")
			}
			p.uploads[k], err = io.ReadAll(f)
			f.Close()
			if err != nil {
				return nil, errString("can't read the uploaded file")
			}
		}
	default:
		if err := r.ParseForm(); err != nil {
			return nil, errString("can't parse request parameters")
		}
		for k, vs := range r.PostForm {
			p.v[k] = vs
		}
	}
	return p, nil
}

type errString string

func (e errString) Error() string { return string(e) }

// apiResponse is Telegram's response envelope.
type apiResponse struct {
	OK          bool           `json:"ok"`
	Result      any            `json:"result,omitempty"`
	ErrorCode   int            `json:"error_code,omitempty"`
	Description string         `json:"description,omitempty"`
	Parameters  *apiParameters `json:"parameters,omitempty"`
}

type apiParameters struct {
	MigrateToChatID int64 `json:"migrate_to_chat_id,omitempty"`
	RetryAfter      int   `json:"retry_after,omitempty"`
}

// reply answers result, or f if it is not nil.
func (s *Server) reply(w http.ResponseWriter, result any, f *Failure) {
	if f == nil {
		writeJSON(w, http.StatusOK, apiResponse{OK: true, Result: result})
		return
	}
	s.mu.Lock()
	if f.HTML != "" {
		s.stats.Errors["HTTP "+strconv.Itoa(f.Code)]++
	} else {
		s.stats.Errors[f.Description]++
	}
	if f.Code == http.StatusTooManyRequests {
		s.stats.TooManyRequests++
	}
	s.mu.Unlock()
	if f.pause != nil {
		s.announce(w, f.pause)
	}
	if f.HTML != "" {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.Code)
		io.WriteString(w, f.HTML)
		return
	}
	resp := apiResponse{OK: false, ErrorCode: f.Code, Description: f.Description}
	if f.RetryAfter != 0 || f.MigrateTo != 0 {
		resp.Parameters = &apiParameters{RetryAfter: f.RetryAfter, MigrateToChatID: f.MigrateTo}
	}
	writeJSON(w, f.Code, resp)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}
