package delivery

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func init() {
	// The library logs only in debug mode and from GetUpdatesChan, neither of
	// which newsbot uses; silence it so that nothing it prints can carry the token.
	_ = tgbotapi.SetLogger(log.New(io.Discard, "", 0))
}

// Client is the connection to the Bot API. Every call takes a context (the
// library has none: each call runs on a shallow copy of the library's client
// whose HTTP requests carry the context) and every error it returns has the
// token redacted (the library's network errors quote the full URL).
type Client struct {
	api      *tgbotapi.BotAPI
	http     *http.Client
	redactor *Redactor
	self     atomic.Pointer[tgbotapi.User] // set by Connect
}

// idleConns is how many connections to the Bot API stay open between
// requests: more than the requests ever in flight at once, so that they
// reuse connections rather than open and close one each (Go's default
// keeps 2).
const idleConns = 128

// NewHTTPClient is the HTTP client for the Bot API: each request times out
// after timeout, and connections are kept for reuse.
func NewHTTPClient(timeout time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = idleConns, idleConns
	return &http.Client{Timeout: timeout, Transport: t}
}

// Dial returns a client of the Bot API at endpoint (a format with two %s:
// token and method) without asking Telegram anything yet: Connect does,
// and the Engine connects when it runs, so that the program is up before
// Telegram answers.
func Dial(token, endpoint string, httpClient *http.Client) *Client {
	if httpClient == nil {
		httpClient = NewHTTPClient(0)
	}
	api := &tgbotapi.BotAPI{Token: token, Buffer: 100}
	api.SetAPIEndpoint(endpoint)
	return &Client{api: api, http: httpClient, redactor: NewRedactor(token)}
}

// NewClient dials the Bot API and connects (checks the token with getMe).
func NewClient(ctx context.Context, token, endpoint string, httpClient *http.Client) (*Client, error) {
	c := Dial(token, endpoint, httpClient)
	if err := c.Connect(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// Connect checks the token with getMe and learns who the bot is.
func (c *Client) Connect(ctx context.Context) error {
	me, err := c.with(ctx).GetMe()
	if err != nil {
		return fmt.Errorf("connect to the Bot API: %w", c.redact(err))
	}
	c.self.Store(&me)
	return nil
}

// Connected reports whether getMe has answered.
func (c *Client) Connected() bool { return c.self.Load() != nil }

// Username is the bot's @username, without the @ (empty before Connect).
func (c *Client) Username() string {
	if me := c.self.Load(); me != nil {
		return me.UserName
	}
	return ""
}

// UserID is the bot's own user id (0 before Connect).
func (c *Client) UserID() int64 {
	if me := c.self.Load(); me != nil {
		return me.ID
	}
	return 0
}

// InlineMode reports whether inline mode is on for the bot (@BotFather,
// /setinline); false before Connect.
func (c *Client) InlineMode() bool {
	me := c.self.Load()
	return me != nil && me.SupportsInlineQueries
}

// with returns a copy of the library client whose requests carry ctx.
func (c *Client) with(ctx context.Context) *tgbotapi.BotAPI {
	b := *c.api
	b.Client = ctxDoer{ctx: ctx, client: c.http}
	return &b
}

// getUpdates long-polls for updates from offset, waiting up to timeout seconds.
func (c *Client) getUpdates(ctx context.Context, offset, timeout int, allowed []string) ([]tgbotapi.Update, error) {
	cfg := tgbotapi.NewUpdate(offset)
	cfg.Timeout = timeout
	cfg.Limit = 100
	cfg.AllowedUpdates = allowed
	u, err := c.with(ctx).GetUpdates(cfg)
	return u, c.redact(err)
}

// call makes a Bot API request with raw parameters and returns its result.
// Raw parameters reach what v5.5.1 has no field for (link_preview_options,
// allow_paid_broadcast).
func (c *Client) call(ctx context.Context, method string, params tgbotapi.Params) (json.RawMessage, error) {
	resp, err := c.with(ctx).MakeRequest(method, params)
	if err != nil {
		return nil, c.redact(err)
	}
	return resp.Result, nil
}

// upload makes a Bot API request that sends a file as the parameter field
// (a multipart request).
func (c *Client) upload(ctx context.Context, method string, params tgbotapi.Params, field string, f Upload) (json.RawMessage, error) {
	file := tgbotapi.RequestFile{Name: field, Data: tgbotapi.FileBytes{Name: f.Name, Bytes: f.Data}}
	resp, err := c.with(ctx).UploadFiles(method, params, []tgbotapi.RequestFile{file})
	if err != nil {
		if tgErr, ok := errors.AsType[*tgbotapi.Error](err); ok && tgErr.Code == 0 && resp != nil {
			tgErr.Code = resp.ErrorCode // v5.5.1 leaves the code out of the errors of uploads
		}
		return nil, c.redact(err)
	}
	return resp.Result, nil
}

// redact takes the token out of err's text. A *tgbotapi.Error carries only
// Telegram's description: it stays a *tgbotapi.Error (errors.As still finds
// it, and classify reads its code), with the token cut from the description
// in the unlikely case that Telegram echoed it.
func (c *Client) redact(err error) error {
	var tgErr *tgbotapi.Error
	if errors.As(err, &tgErr) {
		if !c.redactor.Contains(tgErr.Message) {
			return err
		}
		clean := *tgErr
		clean.Message = c.redactor.Replace(tgErr.Message)
		return &clean
	}
	return c.redactor.Error(err)
}

// ctxDoer is the library's HTTPClient with a context attached to every request.
type ctxDoer struct {
	ctx    context.Context
	client *http.Client
}

func (d ctxDoer) Do(req *http.Request) (*http.Response, error) {
	return d.client.Do(req.WithContext(d.ctx))
}
