package feed

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strings"
	"testing"
)

// TestErrorsStateTheirCauseOnce: plain words first, the technical detail
// after, and no part of the cause twice.
func TestErrorsStateTheirCauseOnce(t *testing.T) {
	const feedURL = "https://osipovichi.gov.by/ru/rss-ru/"
	f := NewFetcher(FetcherOptions{})
	dial := func(err error) error {
		return &url.Error{Op: "Get", URL: feedURL, Err: &net.OpError{Op: "dial", Net: "tcp", Err: err}}
	}
	tests := []struct {
		name string
		err  error
		want string
		is   error
	}{
		{"no such host", dial(&net.DNSError{Err: "no such host", Name: "osipovichi.gov.by", IsNotFound: true}),
			"the portal did not answer: no such host osipovichi.gov.by (GET " + feedURL + ": dial tcp: lookup osipovichi.gov.by: no such host)", nil},
		{"dns timeout", dial(&net.DNSError{Err: "i/o timeout", Name: "osipovichi.gov.by", IsTimeout: true}),
			"the portal did not answer: looking up osipovichi.gov.by timed out (GET " + feedURL + ": dial tcp: lookup osipovichi.gov.by: i/o timeout)", ErrTimeout},
		{"redirects", &url.Error{Op: "Get", URL: feedURL, Err: ErrTooManyRedirects},
			"the portal redirected more than 5 times (GET " + feedURL + ")", ErrTooManyRedirects},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := f.transportError(context.Background(), feedURL, tt.err)
			if err.Error() != tt.want {
				t.Errorf("got %q, want %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
		})
	}

	// A real refused connection on loopback.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = f.Fetch(context.Background(), "http://"+addr+"/rss", Validators{})
	msg := err.Error()
	if want := "the portal did not answer: connection refused by " + addr + " (GET http://" + addr + "/rss: dial tcp "; !strings.HasPrefix(msg, want) {
		t.Errorf("got %q, want it to start with %q", msg, want)
	}
	if strings.Count(msg, "refused") != 2 || strings.Count(msg, "dial tcp") != 1 {
		t.Errorf("got %q, want the plain cause and the technical detail once each", msg)
	}

	// A feed discovered on a page names the page, still plain words first.
	found := foundOn(&Error{Plain: "the portal answered 404 not found", Op: "GET", URL: feedURL, Err: &HTTPError{Status: 404}}, "https://osipovichi.gov.by/")
	if want := "the portal answered 404 not found (GET " + feedURL + ", the feed of https://osipovichi.gov.by/)"; found.Error() != want {
		t.Errorf("got %q, want %q", found, want)
	}
	if he, ok := errors.AsType[*HTTPError](found); !ok || he.Status != 404 {
		t.Errorf("errors.As(*HTTPError) on %v: got %v", found, he)
	}
}
