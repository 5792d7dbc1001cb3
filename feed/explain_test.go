package feed

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

// TestExplain builds the errors of this package as the poller meets them
// and reads each back from its text: a new or reworded error fails here
// until Explain knows it.
func TestExplain(t *testing.T) {
	const feedURL = "https://osipovichi.gov.by/ru/rss-ru/"
	ctx := context.Background()
	f := NewFetcher(FetcherOptions{})
	dial := func(err error) error {
		return &url.Error{Op: "Get", URL: feedURL, Err: &net.OpError{Op: "dial", Net: "tcp", Err: err}}
	}
	parsed := func(body string) error {
		_, err := Parse([]byte(body), "application/rss+xml", feedURL)
		if err == nil {
			t.Fatalf("Parse(%q) succeeded", body)
		}
		return err
	}
	deep := ""
	for range MaxDepth + 1 {
		deep += "<x>"
	}
	tests := []struct {
		name    string
		err     error
		problem Problem
		status  int
		detail  string
	}{
		{"no such host", f.transportError(ctx, feedURL, dial(&net.DNSError{Err: "no such host", Name: "osipovichi.gov.by", IsNotFound: true})),
			ProblemNoHost, 0, "dial tcp: lookup osipovichi.gov.by: no such host"},
		{"dns timeout", f.transportError(ctx, feedURL, dial(&net.DNSError{Err: "i/o timeout", Name: "osipovichi.gov.by", IsTimeout: true})),
			ProblemLookup, 0, "dial tcp: lookup osipovichi.gov.by: i/o timeout"},
		{"dns failure", f.transportError(ctx, feedURL, dial(&net.DNSError{Err: "server misbehaving", Name: "osipovichi.gov.by"})),
			ProblemLookup, 0, "dial tcp: lookup osipovichi.gov.by: server misbehaving"},
		{"timeout", f.transportError(ctx, feedURL, &url.Error{Op: "Get", URL: feedURL, Err: context.DeadlineExceeded}),
			ProblemTimeout, 0, "context deadline exceeded"},
		{"refused", f.transportError(ctx, feedURL, dial(os.NewSyscallError("connect", syscall.ECONNREFUSED))),
			ProblemRefused, 0, "dial tcp: connect: connection refused"},
		{"unreachable", f.transportError(ctx, feedURL, dial(os.NewSyscallError("connect", syscall.ENETUNREACH))),
			ProblemUnreachable, 0, "dial tcp: connect: network is unreachable"},
		{"closed", f.transportError(ctx, feedURL, &url.Error{Op: "Get", URL: feedURL, Err: io.ErrUnexpectedEOF}),
			ProblemClosed, 0, "unexpected EOF"},
		{"certificate", f.transportError(ctx, feedURL, &url.Error{Op: "Get", URL: feedURL, Err: x509.UnknownAuthorityError{}}),
			ProblemCertificate, 0, "x509: certificate signed by unknown authority"},
		{"other transport", f.transportError(ctx, feedURL, &url.Error{Op: "Get", URL: feedURL, Err: fmt.Errorf("proxyconnect tcp: odd")}),
			ProblemUnreachable, 0, "proxyconnect tcp: odd"},
		{"redirects", f.transportError(ctx, feedURL, &url.Error{Op: "Get", URL: feedURL, Err: ErrTooManyRedirects}),
			ProblemRedirects, 0, ""},
		{"503", statusError(feedURL, &HTTPError{Status: 503, RetryAfter: 2 * time.Minute}), ProblemStatus, 503, ""},
		{"404 of a discovered feed", foundOn(statusError(feedURL, &HTTPError{Status: 404}), "https://osipovichi.gov.by/"), ProblemStatus, 404, ""},
		{"too large", bodyTooLargeError(feedURL, 10<<20), ProblemTooLarge, 0, ""},
		{"not a URL", func() error { _, err := f.Fetch(ctx, "ftp://osipovichi.gov.by/rss", Validators{}); return err }(), ProblemAddress, 0, ""},
		{"empty", parsed("  "), ProblemNotFeed, 0, ""},
		{"not a feed", parsed(`<?xml version="1.0"?><catalog><book/></catalog>`), ProblemNotFeed, 0, ""},
		{"too deep", parsed(`<?xml version="1.0"?><rss>` + deep), ProblemBroken, 0, ""},
		{"cut off", parsed(`<?xml version="1.0"?><rss version="2.0"><channel><item><title>x`), ProblemBroken, 0, ""},
		{"malformed", parseError(feedURL, "the feed is not well-formed and could not be read", nil, fmt.Errorf("XML syntax error on line 1")),
			ProblemBroken, 0, "XML syntax error on line 1"},
		{"an HTML page links the feed", func() error {
			_, _, err := ParseArticles([]byte(`<html><head><link rel="alternate" type="application/rss+xml" href="/rss/"></head></html>`),
				"text/html", "https://osipovichi.gov.by/", subscriptions.Feed{}, time.Now())
			return err
		}(), ProblemNotFeed, 0, ""},
		{"no feed link", func() error {
			_, err := Discover([]byte(`<html><body>hello</body></html>`), &url.URL{Scheme: "https", Host: "osipovichi.gov.by", Path: "/"}, "")
			return err
		}(), ProblemNotFeed, 0, ""},
		{"no listing items", &NoListingItemsError{URL: "https://osipovichi.gov.by/ru/news/", Selector: ".news"}, ProblemNoItems, 0, ""},
		{"listing empty body", fmt.Errorf("read listing %s: %w: empty body", "https://osipovichi.gov.by/ru/news/", ErrNoListingItems), ProblemNoItems, 0, ""},
		{"a store error", fmt.Errorf("store 3 articles of %s: database is locked", feedURL), ProblemUnknown, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Explain(tt.err.Error())
			if got.Problem != tt.problem || got.Status != tt.status {
				t.Errorf("Explain(%q) = %q %d, want %q %d", tt.err, got.Problem, got.Status, tt.problem, tt.status)
			}
			if got.Detail != tt.detail {
				t.Errorf("Explain(%q).Detail = %q, want %q", tt.err, got.Detail, tt.detail)
			}
			var status *HTTPError
			if errors.As(tt.err, &status) && got.RetryAfter != status.RetryAfter {
				t.Errorf("Explain(%q).RetryAfter = %v, want %v", tt.err, got.RetryAfter, status.RetryAfter)
			}
			if tt.problem == ProblemUnknown && got.Plain != tt.err.Error() {
				t.Errorf("Explain(%q).Plain = %q, want the whole text", tt.err, got.Plain)
			}
		})
	}
}
