package faketelegram

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"
)

// Telegram's limits of inline mode.
const (
	maxInlineQuery   = 256 // characters of a query
	maxInlineResults = 50
	maxResultID      = 64 // bytes
	maxNextOffset    = 64 // bytes
)

// InlineAnswer is an accepted answerInlineQuery.
type InlineAnswer struct {
	QueryID    string
	From       User   // who asked
	Query      string // what they typed
	Offset     string // the offset of the query
	Results    []InlineResult
	CacheTime  int
	Personal   bool
	NextOffset string
	At         time.Time
}

// InlineResult is one result of an answer, as the bot sent it.
type InlineResult struct {
	Type, ID, Title, Description string
	Thumb                        string // thumbnail_url (or thumb_url)
	PhotoURL                     string // photo results
	// Text is the message text (or photo caption) as sent; Plain its
	// visible text after entity parsing.
	Text, Plain, ParseMode string
	// LinkPreviewOptions is the raw JSON of the message's preview options.
	LinkPreviewOptions string
	ReplyMarkup        *InlineKeyboard
}

type inlineState struct {
	from          User
	query, offset string
	answered      bool
	results       []InlineResult
}

// InlineQuery injects an inline query: from typed "@bot query" in some chat,
// scrolling to offset (empty for the first results). As in Telegram, a query
// longer than 256 characters is cut to 256. It returns the update id and
// the query id, which answerInlineQuery must use once. It panics unless
// Options.InlineMode is set: Telegram sends no inline queries to a bot whose
// inline mode is off in @BotFather.
func (s *Server) InlineQuery(from User, query, offset string) (updateID int, queryID string) {
	if !s.opts.InlineMode {
		panic("faketelegram: InlineQuery without Options.InlineMode: turn inline mode on, as /setinline in @BotFather does")
	}
	if utf8.RuneCountInString(query) > maxInlineQuery {
		query = string([]rune(query)[:maxInlineQuery])
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rememberUser(from)
	s.nextCallID++
	queryID = strconv.FormatInt(int64(7310000000000000000)+int64(s.nextCallID), 10)
	s.inline[queryID] = &inlineState{from: from, query: query, offset: offset}
	q := map[string]any{"id": queryID, "from": userJSON(from), "query": query, "offset": offset, "chat_type": "sender"}
	return s.addUpdateLocked("inline_query", q), queryID
}

// apiInlineResult is an InlineQueryResult as the bot sends it.
type apiInlineResult struct {
	Type         string          `json:"type"`
	ID           string          `json:"id"`
	Title        string          `json:"title"`
	Description  string          `json:"description"`
	ThumbnailURL string          `json:"thumbnail_url"`
	ThumbURL     string          `json:"thumb_url"`
	PhotoURL     string          `json:"photo_url"`
	Caption      string          `json:"caption"`
	ParseMode    string          `json:"parse_mode"`
	ReplyMarkup  json.RawMessage `json:"reply_markup"`
	Content      *struct {
		Text      string          `json:"message_text"`
		ParseMode string          `json:"parse_mode"`
		Preview   json.RawMessage `json:"link_preview_options"`
	} `json:"input_message_content"`
}

// checkInlineResults validates the results of an answer as Telegram does.
func checkInlineResults(raw string) ([]InlineResult, *Failure) {
	var in []apiInlineResult
	if err := json.Unmarshal([]byte(raw), &in); err != nil {
		return nil, badRequest("can't parse inline query results JSON object")
	}
	if len(in) > maxInlineResults {
		return nil, badRequest("RESULTS_TOO_MUCH")
	}
	out := make([]InlineResult, 0, len(in))
	ids := map[string]bool{}
	for _, r := range in {
		if r.ID == "" || len(r.ID) > maxResultID || !utf8.ValidString(r.ID) {
			return nil, badRequest("RESULT_ID_INVALID")
		}
		if ids[r.ID] {
			return nil, badRequest("RESULT_ID_DUPLICATE")
		}
		ids[r.ID] = true
		res := InlineResult{Type: r.Type, ID: r.ID, Title: r.Title, Description: r.Description, Thumb: r.ThumbnailURL, PhotoURL: r.PhotoURL}
		if res.Thumb == "" {
			res.Thumb = r.ThumbURL
		}
		switch r.Type {
		case "article":
			if r.Title == "" {
				return nil, badRequest("RESULT_TITLE_EMPTY")
			}
			if r.Content == nil {
				return nil, badRequest("input_message_content is required")
			}
		case "photo":
			if r.PhotoURL == "" || res.Thumb == "" {
				return nil, badRequest("PHOTO_INVALID")
			}
		default:
			return nil, badRequest("RESULT_TYPE_INVALID")
		}
		if r.Content != nil {
			plain, f := checkText(r.Content.Text, r.Content.ParseMode, false)
			if f != nil {
				return nil, f
			}
			res.Text, res.Plain, res.ParseMode = r.Content.Text, plain, r.Content.ParseMode
			if len(r.Content.Preview) > 0 {
				var o map[string]any
				if json.Unmarshal(r.Content.Preview, &o) != nil || o == nil {
					return nil, badRequest("can't parse link preview options JSON object")
				}
				res.LinkPreviewOptions = string(r.Content.Preview)
			}
		} else {
			plain, f := checkText(r.Caption, r.ParseMode, true)
			if f != nil {
				return nil, f
			}
			res.Text, res.Plain, res.ParseMode = r.Caption, plain, r.ParseMode
		}
		if len(r.ReplyMarkup) > 0 {
			kb, _, f := parseMarkup(string(r.ReplyMarkup))
			if f != nil {
				return nil, f
			}
			res.ReplyMarkup = kb
		}
		out = append(out, res)
	}
	return out, nil
}

func (s *Server) answerInlineQuery(w http.ResponseWriter, r *http.Request, p *params) {
	result, f := func() (any, *Failure) {
		results, f := checkInlineResults(p.Get("results"))
		if f != nil {
			return nil, f
		}
		next := p.Get("next_offset")
		if len(next) > maxNextOffset {
			return nil, badRequest("NEXT_OFFSET_INVALID")
		}
		cache := 300 // Telegram's default
		if v := p.Get("cache_time"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return nil, badRequest("CACHE_TIME_INVALID")
			}
			cache = n
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		id := p.Get("inline_query_id")
		q := s.inline[id]
		if q == nil || q.answered {
			return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
		}
		q.answered, q.results = true, results
		s.inlineAnswers = append(s.inlineAnswers, InlineAnswer{QueryID: id, From: q.from, Query: q.query, Offset: q.offset,
			Results: results, CacheTime: cache, Personal: parseBool(p.Get("is_personal")), NextOffset: next, At: s.now()})
		s.notifyLocked()
		return true, nil
	}()
	s.reply(w, result, f)
}

// InlineAnswers returns the accepted answers to inline queries, in order.
func (s *Server) InlineAnswers() []InlineAnswer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.inlineAnswers)
}

// WaitInlineAnswer waits for the answer to an inline query and returns it.
// On timeout it fails the test, naming the requests the bot got refused.
func (s *Server) WaitInlineAnswer(t TB, queryID string, timeout time.Duration) InlineAnswer {
	t.Helper()
	var got InlineAnswer
	s.WaitFor(t, timeout, func() bool {
		for _, a := range s.InlineAnswers() {
			if a.QueryID == queryID {
				got = a
				return true
			}
		}
		return false
	}, "the answer to inline query "+queryID+" (errors so far: "+s.errorsText()+")")
	return got
}

func (s *Server) errorsText() string {
	b, _ := json.Marshal(s.Stats().Errors)
	return string(b)
}

// ChooseInlineResult plays a person choosing a result of an answered inline
// query in chat: Telegram posts the result's message there, from the person
// "via" the bot. It returns the posted message (Method "inline"; Text,
// Plain, ParseMode, LinkPreviewOptions and ReplyMarkup as the result had
// them) and false when the query has no such result.
func (s *Server) ChooseInlineResult(chat Chat, queryID, resultID string) (Sent, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.inline[queryID]
	if q == nil || !q.answered {
		return Sent{}, false
	}
	i := slices.IndexFunc(q.results, func(r InlineResult) bool { return r.ID == resultID })
	if i < 0 {
		return Sent{}, false
	}
	r := q.results[i]
	cs, _ := s.injectLocked(chat, q.from, false)
	cs.nextMsgID++
	m := &message{text: r.Text, plain: r.Plain, parseMode: lower(r.ParseMode), markup: r.ReplyMarkup, date: s.now().Unix()}
	if r.Type == "photo" {
		m.text, m.caption, m.photo = "", r.Text, r.PhotoURL
	}
	cs.msgs[cs.nextMsgID] = m
	s.notifyLocked()
	return Sent{Method: "inline", ChatID: cs.chat.ID, MessageID: cs.nextMsgID, Text: r.Text, Plain: r.Plain, ParseMode: r.ParseMode,
		Photo: r.PhotoURL, ReplyMarkup: r.ReplyMarkup, LinkPreviewOptions: r.LinkPreviewOptions, At: s.now()}, true
}
