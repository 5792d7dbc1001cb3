package feed

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/internal/fakeportal"
)

// testPortal serves the fixtures at the portal's paths.
func testPortal(t testing.TB) *fakeportal.Portal {
	t.Helper()
	p := fakeportal.New(os.DirFS("testdata"),
		fakeportal.Route{Path: "/", File: "home.html", ContentType: "text/html; charset=utf-8"},
		fakeportal.Route{Path: "/ru/rss-ru/", File: "ru-rss.xml", ContentType: "application/rss+xml; charset=utf-8"},
		fakeportal.Route{Path: "/be/rss-be/", File: "be-rss.xml", ContentType: "application/rss+xml; charset=utf-8"},
		fakeportal.Route{Path: "/en/rss-en/", File: "en-rss.xml", ContentType: "application/rss+xml; charset=utf-8"},
		fakeportal.Route{Path: "/ru/atom-ru/", File: "atom.xml", ContentType: "application/atom+xml"},
		fakeportal.Route{Path: "/ru/contacts-ru/", File: "page-nofeed.html", ContentType: "text/html; charset=utf-8"},
		fakeportal.Route{Path: "/ru/rss-cp1251/", File: "news-cp1251-noprolog.xml", ContentType: "application/rss+xml; charset=windows-1251"},
	)
	t.Cleanup(p.Close)
	return p
}

func testFetcher() *Fetcher {
	return NewFetcher(FetcherOptions{
		Version: "1.2.3", ContactURL: "https://github.com/osipovichi/newsbot",
		Timeout: 300 * time.Millisecond, ResponseHeaderTimeout: 300 * time.Millisecond,
		MaxBodyBytes: 1 << 20,
	})
}

func TestFetchConditional(t *testing.T) {
	p := testPortal(t)
	f := testFetcher()
	ctx := context.Background()
	r, err := f.Fetch(ctx, p.URL("/ru/rss-ru/"), Validators{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != 200 || r.NotModified || len(r.Body) == 0 || r.ETag == "" || r.LastModified == "" ||
		r.ContentType != "application/rss+xml; charset=utf-8" || r.URL != p.URL("/ru/rss-ru/") {
		t.Fatalf("got %+v", r)
	}
	r2, err := f.Fetch(ctx, p.URL("/ru/rss-ru/"), Validators{ETag: r.ETag, LastModified: r.LastModified})
	if err != nil {
		t.Fatal(err)
	}
	if !r2.NotModified || r2.Body != nil || r2.Status != 304 || r2.ETag != r.ETag {
		t.Errorf("second fetch: got %+v, want 304 without body", r2)
	}
	reqs := p.Requests("/ru/rss-ru/")
	h := reqs[1].Header
	if h.Get("If-None-Match") != r.ETag || h.Get("If-Modified-Since") != r.LastModified {
		t.Errorf("validators sent: got %q / %q, want %q / %q", h.Get("If-None-Match"), h.Get("If-Modified-Since"), r.ETag, r.LastModified)
	}
	if got, want := h.Get("User-Agent"), "newsbot/1.2.3 (+https://github.com/osipovichi/newsbot)"; got != want {
		t.Errorf("User-Agent: got %q, want %q", got, want)
	}
	if reqs[0].Header.Get("If-None-Match") != "" {
		t.Error("first fetch sent If-None-Match without validators")
	}
}

func TestFetchGzip(t *testing.T) {
	body := strings.Repeat("<rss><channel><title>Новости</title></channel></rss>", 10)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			t.Errorf("Accept-Encoding: got %q, want gzip", r.Header.Get("Accept-Encoding"))
		}
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gzipBytes(t, []byte(body)))
	}))
	defer srv.Close()
	r, err := testFetcher().Fetch(context.Background(), srv.URL, Validators{})
	if err != nil {
		t.Fatal(err)
	}
	if string(r.Body) != body {
		t.Errorf("got %d bytes, want the %d decompressed", len(r.Body), len(body))
	}
}

func TestFetchErrors(t *testing.T) {
	p := testPortal(t)
	p.Set("/f", []byte("<rss/>"), "application/rss+xml")
	now := time.Now().Truncate(time.Second)
	f := NewFetcher(FetcherOptions{Timeout: 200 * time.Millisecond, MaxBodyBytes: 10 << 20, Now: func() time.Time { return now }})
	tests := []struct {
		fault   fakeportal.Fault
		is      error
		status  int
		retry   time.Duration
		message string
	}{
		{fault: fakeportal.Fault500, status: 500, message: "the portal answered 500 internal server error (GET URL)"},
		{fault: fakeportal.Fault404, status: 404, message: "the portal answered 404 not found (GET URL)"},
		{fault: fakeportal.Fault503, status: 503, retry: 120 * time.Second, message: "the portal answered 503 service unavailable and asked to retry after 2m0s (GET URL)"},
		{fault: fakeportal.Fault429, status: 429, retry: 90 * time.Second, message: "the portal answered 429 too many requests and asked to retry after 1m30s (GET URL)"},
		{fault: fakeportal.FaultHang, is: ErrTimeout, message: "the portal did not answer in time (GET URL: "},
		{fault: fakeportal.FaultSlowBody, is: ErrTimeout, message: "the portal did not answer in time (GET URL: "},
		{fault: fakeportal.FaultHuge, is: ErrBodyTooLarge, message: "the feed is larger than the 10 MiB limit (GET URL)"},
		{fault: fakeportal.FaultRedirectLoop, is: ErrTooManyRedirects, message: "the portal redirected more than 5 times (GET URL)"},
	}
	for _, tt := range tests {
		t.Run(string(tt.fault), func(t *testing.T) {
			p.SetClock(func() time.Time { return now })
			p.Fault("/f", tt.fault)
			fetcher := f
			if tt.fault == fakeportal.FaultHuge { // 10 MiB must arrive before the timeout, even under -race
				fetcher = NewFetcher(FetcherOptions{Timeout: 20 * time.Second})
			}
			_, err := fetcher.Fetch(context.Background(), p.URL("/f"), Validators{})
			if err == nil {
				t.Fatal("got no error")
			}
			// The whole message, or its start when the detail varies with timing.
			if msg, want := err.Error(), strings.Replace(tt.message, "URL", p.URL("/f"), 1); !strings.HasPrefix(msg, want) || strings.Count(msg, "timeout") > 1 {
				t.Errorf("message: got %q, want %q (the technical detail once)", msg, want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
			if tt.status != 0 {
				var he *HTTPError
				if !errors.As(err, &he) || he.Status != tt.status || he.RetryAfter != tt.retry {
					t.Errorf("got %#v, want *HTTPError{Status: %d, RetryAfter: %s}", err, tt.status, tt.retry)
				}
			}
		})
	}
	if reqs := len(p.Requests("/f")); reqs < len(tests)+5 {
		t.Errorf("redirects: %d requests in all, want the loop followed 5 times", reqs)
	}
}

func TestFetchBodyCapByContentLength(t *testing.T) {
	p := testPortal(t)
	f := NewFetcher(FetcherOptions{MaxBodyBytes: 1000})
	_, err := f.Fetch(context.Background(), p.URL("/ru/rss-ru/"), Validators{})
	if !errors.Is(err, ErrBodyTooLarge) || !strings.Contains(err.Error(), "the feed is larger than the 1000 bytes limit") {
		t.Errorf("got %v, want the body limit error", err)
	}
}

func TestFetchCancelled(t *testing.T) {
	p := testPortal(t)
	p.Fault("/ru/rss-ru/", fakeportal.FaultHang)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		// Cancel once the request is in (or after 5 s, which fails the test anyway).
		deadline := time.Now().Add(5 * time.Second)
		for len(p.Requests("/ru/rss-ru/")) == 0 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	start := time.Now()
	_, err := NewFetcher(FetcherOptions{}).Fetch(ctx, p.URL("/ru/rss-ru/"), Validators{})
	// The hanging server would hold the request for the whole 30 s timeout.
	if time.Since(start) > 10*time.Second {
		t.Errorf("cancellation took %s", time.Since(start))
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestFetchBadURL(t *testing.T) {
	for _, u := range []string{"ftp://osipovichi.gov.by/", "::", "file:///etc/passwd"} {
		if _, err := testFetcher().Fetch(context.Background(), u, Validators{}); err == nil {
			t.Errorf("Fetch(%q): got no error", u)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2023, 3, 2, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"120", 2 * time.Minute},
		{" 5 ", 5 * time.Second},
		{"0", 0},
		{"-3", 0},
		{"Thu, 02 Mar 2023 10:01:30 GMT", 90 * time.Second},
		{"Thu, 02 Mar 2023 09:00:00 GMT", 0},
		{"soon", 0},
		{"", 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q): got %s, want %s", tt.in, got, tt.want)
		}
	}
}
