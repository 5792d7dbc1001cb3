// Package feed fetches, decodes, parses and normalises the portal's RSS and
// Atom feeds into subscriptions.Article values, and polls the configured feeds
// on a schedule. It knows nothing about Telegram.
package feed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Defaults of FetcherOptions.
const (
	DefaultDialTimeout           = 10 * time.Second
	DefaultTLSHandshakeTimeout   = 10 * time.Second
	DefaultResponseHeaderTimeout = 10 * time.Second
	DefaultRequestTimeout        = 30 * time.Second
	DefaultMaxBodyBytes          = 10 << 20 // 10 MiB
	DefaultMaxRedirects          = 5
)

// Sentinel errors, to be matched with errors.Is.
var (
	// ErrBodyTooLarge: the response body is larger than FetcherOptions.MaxBodyBytes.
	ErrBodyTooLarge = errors.New("feed body too large")
	// ErrTooManyRedirects: the server redirected more than FetcherOptions.MaxRedirects times.
	ErrTooManyRedirects = errors.New("too many redirects")
	// ErrTimeout: a timeout of the fetcher expired (dial, TLS, headers or the whole request).
	ErrTimeout = errors.New("request timed out")
	// ErrNoFeedLink: an HTML page has no RSS or Atom alternate link.
	ErrNoFeedLink = errors.New("no RSS or Atom feed link found")
	// ErrNotFeed: the body is neither a feed nor an HTML page that links to one.
	ErrNotFeed = errors.New("not an RSS, Atom or JSON feed")
)

func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}

// FetcherOptions configures a Fetcher. Zero durations and limits take the defaults.
type FetcherOptions struct {
	// Version and ContactURL make the User-Agent "newsbot/VERSION (+CONTACT_URL)".
	Version    string
	ContactURL string

	DialTimeout           time.Duration
	TLSHandshakeTimeout   time.Duration
	ResponseHeaderTimeout time.Duration
	// Timeout bounds the whole request, body included.
	Timeout time.Duration

	MaxBodyBytes int64
	MaxRedirects int

	// Now is used to interpret a Retry-After given as an HTTP date; time.Now when nil.
	Now func() time.Time

	// Scope, when set, bounds every request and redirect hop to its hosts
	// and refuses local addresses after DNS (see Scope); requests then go
	// directly, never through a proxy, so that the check sees the real
	// destination. Nil: anywhere, through the proxy of the environment.
	Scope *Scope
}

// Validators are the cache validators of the previous successful fetch.
type Validators struct {
	ETag         string
	LastModified string
}

// Response is the result of one fetch.
type Response struct {
	// URL is the final URL, after redirects.
	URL    string
	Status int
	// NotModified is true on a 304 answer; Body is then nil.
	NotModified  bool
	Body         []byte
	ETag         string
	LastModified string
	ContentType  string
}

// Fetcher downloads feeds with conditional GET, timeouts, a body cap and a
// redirect limit. It is safe for concurrent use.
type Fetcher struct {
	client    *http.Client
	scope     *Scope
	userAgent string
	maxBody   int64
	maxRedir  int
	now       func() time.Time
}

// NewFetcher returns a Fetcher with its own http.Client.
func NewFetcher(opts FetcherOptions) *Fetcher {
	opts.DialTimeout = positiveOr(opts.DialTimeout, DefaultDialTimeout)
	opts.TLSHandshakeTimeout = positiveOr(opts.TLSHandshakeTimeout, DefaultTLSHandshakeTimeout)
	opts.ResponseHeaderTimeout = positiveOr(opts.ResponseHeaderTimeout, DefaultResponseHeaderTimeout)
	opts.Timeout = positiveOr(opts.Timeout, DefaultRequestTimeout)
	opts.MaxBodyBytes = positiveOr(opts.MaxBodyBytes, DefaultMaxBodyBytes)
	opts.MaxRedirects = positiveOr(opts.MaxRedirects, DefaultMaxRedirects)
	if opts.Version == "" {
		opts.Version = "dev"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	ua := "newsbot/" + opts.Version
	if opts.ContactURL != "" {
		ua += " (+" + opts.ContactURL + ")"
	}

	dialer := &net.Dialer{Timeout: opts.DialTimeout, KeepAlive: 30 * time.Second}
	transport := &http.Transport{
		DialContext:           opts.Scope.dialer(dialer),
		TLSHandshakeTimeout:   opts.TLSHandshakeTimeout,
		ResponseHeaderTimeout: opts.ResponseHeaderTimeout,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConns:          10,
		MaxIdleConnsPerHost:   2,
		ForceAttemptHTTP2:     true,
	}
	if opts.Scope == nil {
		transport.Proxy = http.ProxyFromEnvironment
	}
	maxRedir, scope := opts.MaxRedirects, opts.Scope
	client := &http.Client{
		Transport: transport,
		Timeout:   opts.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRedir {
				return ErrTooManyRedirects
			}
			if !scope.Allows(req.URL) {
				return ErrOutsideScope
			}
			return nil
		},
	}
	return &Fetcher{
		client:    client,
		scope:     opts.Scope,
		userAgent: ua,
		maxBody:   opts.MaxBodyBytes,
		maxRedir:  maxRedir,
		now:       opts.Now,
	}
}

// positiveOr is v, or def when v is not positive: the defaults of options.
func positiveOr[T int | int64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// Fetch downloads rawURL. Non-empty validators are sent as If-None-Match and
// If-Modified-Since; a 304 answer gives a Response with NotModified set and no
// body. Errors are *Error (plain words first, see there), wrapping *HTTPError
// for unaccepted statuses, and matching ErrTimeout, ErrBodyTooLarge and
// ErrTooManyRedirects.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string, v Validators) (*Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, &Error{Plain: "the address is not a valid URL", Op: "GET", URL: rawURL, Detail: err.Error(), Err: err}
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, &Error{Plain: fmt.Sprintf("the address is not a web address (scheme %q)", u.Scheme), Op: "GET", URL: rawURL}
	}
	if !f.scope.Allows(u) {
		// The address is not shown: it may name a host of the local network.
		return nil, &Error{Plain: "the address is not on the portal's hosts, so it was not fetched", Op: "GET",
			Kind: ErrOutsideScope, Err: ErrOutsideScope}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, &Error{Plain: "the address is not a valid URL", Op: "GET", URL: rawURL, Detail: err.Error(), Err: err}
	}
	req.Header.Set("User-Agent", f.userAgent)
	req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.5, */*;q=0.1")
	if v.ETag != "" {
		req.Header.Set("If-None-Match", v.ETag)
	}
	if v.LastModified != "" {
		req.Header.Set("If-Modified-Since", v.LastModified)
	}

	resp, err := f.client.Do(req)
	if err != nil {
		return nil, f.transportError(ctx, rawURL, err)
	}
	defer resp.Body.Close()

	res := &Response{
		URL:          resp.Request.URL.String(),
		Status:       resp.StatusCode,
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		ContentType:  resp.Header.Get("Content-Type"),
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		res.NotModified = true
		if res.ETag == "" {
			res.ETag = v.ETag
		}
		if res.LastModified == "" {
			res.LastModified = v.LastModified
		}
		return res, nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable:
		return nil, statusError(rawURL, &HTTPError{Status: resp.StatusCode, RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), f.now())})
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return nil, statusError(rawURL, &HTTPError{Status: resp.StatusCode})
	}

	if resp.ContentLength > f.maxBody {
		return nil, bodyTooLargeError(rawURL, f.maxBody)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBody+1))
	if err != nil {
		return nil, f.transportError(ctx, rawURL, err)
	}
	if int64(len(body)) > f.maxBody {
		return nil, bodyTooLargeError(rawURL, f.maxBody)
	}
	res.Body = body
	return res, nil
}

// parseRetryAfter reads a Retry-After value: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		const maxSeconds = 7 * 24 * 3600
		if n > maxSeconds {
			n = maxSeconds
		}
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d.Round(time.Second)
		}
	}
	return 0
}
