package feed

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Error is a failed fetch or parse of a feed, told in plain words first and
// the technical detail after, each cause once:
//
//	the portal did not answer: no such host osipovichi.gov.by (GET https://osipovichi.gov.by/ru/rss-ru/: dial tcp: lookup osipovichi.gov.by: no such host)
//
// Operators read it in the log, in preview and in /stats; errors.Is and
// errors.As see the sentinel (Kind) and the technical error (Err).
type Error struct {
	// Plain says what happened in words an operator understands.
	Plain string
	// Op is what failed: "GET" or "parse".
	Op string
	// URL is the address fetched or parsed; empty when it is not to be
	// shown (an address the scope refused may name a local host).
	URL string
	// Via is the configured page on which the feed URL was discovered, if any.
	Via string
	// Detail is the technical cause, "" when Plain says it all.
	Detail string
	// Kind is the package's sentinel the error matches (ErrTimeout, ErrNotFeed, ...), or nil.
	Kind error
	// Err is the underlying error, for errors.As; its text is in Detail when it adds anything.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Plain)
	b.WriteString(" (")
	b.WriteString(e.Op)
	switch {
	case e.URL != "" && e.Via != "":
		b.WriteString(" " + e.URL + ", the feed of " + e.Via)
	case e.URL != "":
		b.WriteString(" " + e.URL)
	case e.Via != "":
		b.WriteString(" the feed of " + e.Via)
	}
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	b.WriteByte(')')
	return b.String()
}

// Unwrap gives the underlying error to errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, e.Kind) true.
func (e *Error) Is(target error) bool { return e.Kind != nil && target == e.Kind }

// foundOn marks err as concerning a feed discovered on the configured page.
func foundOn(err error, configured string) error {
	if fe, ok := errors.AsType[*Error](err); ok {
		c := *fe
		c.Via = configured
		return &c
	}
	return fmt.Errorf("the feed of %s: %w", configured, err)
}

// transportError explains an error of the http.Client in plain words.
func (f *Fetcher) transportError(ctx context.Context, rawURL string, err error) error {
	e := &Error{Op: "GET", URL: rawURL, Err: err}
	inner := err
	if ue, ok := errors.AsType[*url.Error](err); ok {
		inner = ue.Err // without the *url.Error's repetition of the method and URL
	}
	e.Detail = inner.Error()
	host := hostOf(rawURL)

	var (
		ne      net.Error
		dnsErr  *net.DNSError
		certErr *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		hostErr x509.HostnameError
		invalid x509.CertificateInvalidError
	)
	switch {
	case errors.Is(ctx.Err(), context.Canceled):
		e.Plain, e.Kind, e.Detail = "the fetch was cancelled", ctx.Err(), ""
		e.Err = ctx.Err()
	case errors.Is(err, ErrTooManyRedirects):
		e.Plain, e.Kind, e.Detail = fmt.Sprintf("the portal redirected more than %d times", f.maxRedir), ErrTooManyRedirects, ""
	case errors.Is(err, ErrOutsideScope):
		e.Plain, e.Kind, e.Detail = "the portal redirected to an address outside its hosts; the redirect was not followed", ErrOutsideScope, ""
	case errors.Is(err, ErrLocalAddress):
		// The address is not shown: it names a host of the local network.
		e.Plain, e.Kind, e.Detail, e.URL = "the address leads into a local or private network, which only a configured source may; it was not fetched", ErrLocalAddress, "", ""
	case errors.As(err, &dnsErr):
		switch {
		case dnsErr.IsNotFound:
			e.Plain = "the portal did not answer: no such host " + dnsErr.Name
		case dnsErr.IsTimeout:
			e.Plain, e.Kind = "the portal did not answer: looking up "+dnsErr.Name+" timed out", ErrTimeout
		default:
			e.Plain = "the portal did not answer: the name " + dnsErr.Name + " could not be looked up"
		}
	case errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded):
		e.Plain, e.Kind = "the portal did not answer in time", ErrTimeout
	case errors.Is(err, syscall.ECONNREFUSED):
		e.Plain = "the portal did not answer: connection refused by " + host
	case errors.Is(err, syscall.ENETUNREACH) || errors.Is(err, syscall.EHOSTUNREACH):
		e.Plain = "the portal did not answer: " + host + " is unreachable from here"
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		e.Plain = "the portal closed the connection before the answer was complete"
	case errors.As(err, &certErr) || errors.As(err, &unknown) || errors.As(err, &hostErr) || errors.As(err, &invalid):
		e.Plain = "the portal's certificate is not valid for " + host
	default:
		e.Plain = "the portal could not be reached"
	}
	return e
}

// statusError explains an answer with a status the fetcher does not accept.
func statusError(rawURL string, he *HTTPError) error {
	return &Error{Plain: he.Error(), Op: "GET", URL: rawURL, Err: he}
}

// bodyTooLargeError explains a body over the limit.
func bodyTooLargeError(rawURL string, limit int64) error {
	return &Error{Plain: "the feed is larger than the " + formatBytes(limit) + " limit", Op: "GET", URL: rawURL,
		Kind: ErrBodyTooLarge, Err: ErrBodyTooLarge}
}

// parseError explains a body that cannot be read as a feed.
func parseError(fetchURL, plain string, kind, err error) error {
	e := &Error{Plain: plain, Op: "parse", URL: fetchURL, Kind: kind, Err: err}
	if err != nil && err != kind {
		e.Detail = err.Error()
	}
	if e.Err == nil {
		e.Err = kind
	}
	return e
}

func hostOf(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil && u.Host != "" {
		return u.Host
	}
	return rawURL
}

// HTTPError is an answer with a status the fetcher does not accept.
// RetryAfter is set from the Retry-After header of 429 and 503 answers.
type HTTPError struct {
	Status     int
	RetryAfter time.Duration
}

func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("the portal answered %d", e.Status)
	if t := http.StatusText(e.Status); t != "" {
		msg += " " + strings.ToLower(t)
	}
	if e.RetryAfter > 0 {
		msg += retryAfterWords + e.RetryAfter.String()
	}
	return msg
}
