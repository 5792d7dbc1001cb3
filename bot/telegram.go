package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func init() {
	// The library logs only in debug mode and from GetUpdatesChan, neither of
	// which newsbot uses; silence it so that nothing it prints can carry the token.
	_ = tgbotapi.SetLogger(log.New(io.Discard, "", 0))
}

// Client is the bot's connection to the Bot API. Every call takes a context
// (the library has none: each call runs on a shallow copy of the library's
// client whose HTTP requests carry the context) and every error it returns
// has the token redacted (the library's network errors quote the full URL).
type Client struct {
	api   *tgbotapi.BotAPI
	http  *http.Client
	token string
}

// NewClient connects to the Bot API at endpoint (a format with two %s: token
// and method) and checks the token with getMe.
func NewClient(ctx context.Context, token, endpoint string, httpClient *http.Client) (*Client, error) {
	if httpClient == nil {
		httpClient = &http.Client{}
	}
	c := &Client{http: httpClient, token: token}
	api, err := tgbotapi.NewBotAPIWithClient(token, endpoint, ctxDoer{ctx: ctx, client: httpClient})
	if err != nil {
		return nil, fmt.Errorf("connect to the Bot API: %w", c.redact(err))
	}
	c.api = api
	return c, nil
}

// Username is the bot's @username, without the @.
func (c *Client) Username() string { return c.api.Self.UserName }

// UserID is the bot's own user id.
func (c *Client) UserID() int64 { return c.api.Self.ID }

// with returns a copy of the library client whose requests carry ctx.
func (c *Client) with(ctx context.Context) *tgbotapi.BotAPI {
	b := *c.api
	b.Client = ctxDoer{ctx: ctx, client: c.http}
	return &b
}

// GetUpdates long-polls for updates from offset, waiting up to timeout seconds.
func (c *Client) GetUpdates(ctx context.Context, offset, timeout int, allowed []string) ([]tgbotapi.Update, error) {
	cfg := tgbotapi.NewUpdate(offset)
	cfg.Timeout = timeout
	cfg.Limit = 100
	cfg.AllowedUpdates = allowed
	u, err := c.with(ctx).GetUpdates(cfg)
	return u, c.redact(err)
}

// Call makes a Bot API request with raw parameters and returns its result.
// Raw parameters reach what v5.5.1 has no field for (link_preview_options,
// allow_paid_broadcast).
func (c *Client) Call(ctx context.Context, method string, params tgbotapi.Params) (json.RawMessage, error) {
	resp, err := c.with(ctx).MakeRequest(method, params)
	if err != nil {
		return nil, c.redact(err)
	}
	return resp.Result, nil
}

// Request sends a library config and returns its raw result.
func (c *Client) Request(ctx context.Context, cfg tgbotapi.Chattable) (json.RawMessage, error) {
	resp, err := c.with(ctx).Request(cfg)
	if err != nil {
		return nil, c.redact(err)
	}
	return resp.Result, nil
}

// ChatMember returns a user's membership of a chat (chatRef: an id, or "@username").
func (c *Client) ChatMember(ctx context.Context, chatRef string, userID int64) (tgbotapi.ChatMember, error) {
	var m tgbotapi.ChatMember
	raw, err := c.Call(ctx, "getChatMember", tgbotapi.Params{"chat_id": chatRef, "user_id": fmt.Sprint(userID)})
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return m, fmt.Errorf("decode getChatMember: %w", err)
	}
	return m, nil
}

// redact replaces the token in err's text. A *tgbotapi.Error carries only
// Telegram's description and is returned as it is, so errors.As still works.
func (c *Client) redact(err error) error {
	if err == nil || c.token == "" {
		return err
	}
	var tgErr *tgbotapi.Error
	if errors.As(err, &tgErr) && !strings.Contains(tgErr.Message, c.token) {
		return err
	}
	if !strings.Contains(err.Error(), c.token) {
		return err
	}
	return &redactedError{msg: strings.ReplaceAll(err.Error(), c.token, "[REDACTED]"), cause: err}
}

// redactedError hides its cause's text but keeps it reachable for errors.Is
// (context.Canceled, timeouts) through Unwrap. The cause must never be printed.
type redactedError struct {
	msg   string
	cause error
}

func (e *redactedError) Error() string { return e.msg }

// Is lets errors.Is see through to the cause without exposing it to %v.
func (e *redactedError) Is(target error) bool { return errors.Is(e.cause, target) }

// Timeout reports whether the cause was a timeout.
func (e *redactedError) Timeout() bool {
	var t interface{ Timeout() bool }
	return errors.As(e.cause, &t) && t.Timeout()
}

// ctxDoer is the library's HTTPClient with a context attached to every request.
type ctxDoer struct {
	ctx    context.Context
	client *http.Client
}

func (d ctxDoer) Do(req *http.Request) (*http.Response, error) {
	return d.client.Do(req.WithContext(d.ctx))
}
