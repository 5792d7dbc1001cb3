package delivery

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"

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
}

// NewClient connects to the Bot API at endpoint (a format with two %s: token
// and method) and checks the token with getMe.
func NewClient(ctx context.Context, token, endpoint string, httpClient *http.Client) (*Client, error) {
	if httpClient == nil {
		httpClient = &http.Client{}
	}
	c := &Client{http: httpClient, redactor: NewRedactor(token)}
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

// InlineMode reports whether inline mode is on for the bot (@BotFather, /setinline).
func (c *Client) InlineMode() bool { return c.api.Self.SupportsInlineQueries }

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
