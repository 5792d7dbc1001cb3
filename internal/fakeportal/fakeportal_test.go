package fakeportal

import (
	"fmt"
	"io"
	"net/http"
	"testing"
	"testing/fstest"
	"time"
)

func get(t *testing.T, url string, h http.Header) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	c := &http.Client{Timeout: 2 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func TestConditionalGET(t *testing.T) {
	files := fstest.MapFS{"ru.xml": {Data: []byte("<rss/>")}}
	p := New(files, Route{Path: "/ru/rss-ru/", File: "ru.xml", ContentType: "application/rss+xml; charset=utf-8"})
	defer p.Close()

	resp := get(t, p.URL("/ru/rss-ru/"), nil)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(body) != "<rss/>" || resp.Header.Get("Content-Type") != "application/rss+xml; charset=utf-8" {
		t.Fatalf("got %d %q %q", resp.StatusCode, body, resp.Header.Get("Content-Type"))
	}
	etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	if etag == "" || lm == "" {
		t.Fatalf("got ETag %q, Last-Modified %q; want both", etag, lm)
	}
	if got := get(t, p.URL("/ru/rss-ru/"), http.Header{"If-None-Match": {etag}}).StatusCode; got != 304 {
		t.Errorf("If-None-Match: got %d, want 304", got)
	}
	if got := get(t, p.URL("/ru/rss-ru/"), http.Header{"If-Modified-Since": {lm}}).StatusCode; got != 304 {
		t.Errorf("If-Modified-Since: got %d, want 304", got)
	}
	p.Set("/ru/rss-ru/", []byte("<rss>new</rss>"), "application/rss+xml")
	if got := get(t, p.URL("/ru/rss-ru/"), http.Header{"If-None-Match": {etag}}).StatusCode; got != 200 {
		t.Errorf("after Set, old ETag: got %d, want 200", got)
	}
	reqs := p.Requests("/ru/rss-ru/")
	if len(reqs) != 4 || reqs[1].Header.Get("If-None-Match") != etag {
		t.Errorf("got %d requests (second If-None-Match %q), want 4 with the ETag recorded", len(reqs), reqs[1].Header.Get("If-None-Match"))
	}
	if got := get(t, p.URL("/missing"), nil).StatusCode; got != 404 {
		t.Errorf("unknown path: got %d, want 404", got)
	}
}

func TestFaults(t *testing.T) {
	p := New(nil)
	defer p.Close()
	p.Set("/f", []byte("<rss><channel><title>t</title></channel></rss>"), "application/rss+xml")
	tests := []struct {
		fault  Fault
		status int
		header string
		value  string
	}{
		{Fault500, 500, "", ""},
		{Fault404, 404, "", ""},
		{Fault503, 503, "Retry-After", "120"},
		{Fault503Day, 503, "Retry-After", "86400"},
		{Fault429, 429, "Retry-After", ""},
		{FaultHTML, 200, "Content-Type", "text/html; charset=utf-8"},
		{FaultRedirectLoop, 302, "Location", "/f"},
		{FaultEmpty, 200, "", ""},
		{FaultTruncated, 200, "", ""},
		{FaultRandom, 200, "", ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.fault), func(t *testing.T) {
			p.Fault("/f", tt.fault)
			resp := get(t, p.URL("/f"), nil)
			if resp.StatusCode != tt.status {
				t.Errorf("status: got %d, want %d", resp.StatusCode, tt.status)
			}
			if tt.header != "" && tt.value != "" && resp.Header.Get(tt.header) != tt.value {
				t.Errorf("%s: got %q, want %q", tt.header, resp.Header.Get(tt.header), tt.value)
			}
			if tt.header == "Retry-After" && resp.Header.Get(tt.header) == "" {
				t.Error("no Retry-After")
			}
		})
	}
	p.Fault("/f", FaultHang)
	c := &http.Client{Timeout: 50 * time.Millisecond}
	if _, err := c.Get(p.URL("/f")); err == nil {
		t.Error("hang: got an answer, want a client timeout")
	}
	p.Fault("/f", FaultNone)
	if got := get(t, p.URL("/f"), nil).StatusCode; got != 200 {
		t.Errorf("fault cleared: got %d, want 200", got)
	}
}

func TestRedirectAndGenerate(t *testing.T) {
	p := New(nil)
	defer p.Close()
	p.Redirect("/old/", "http://127.0.0.1:1/elsewhere/")
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(p.URL("/old/"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "http://127.0.0.1:1/elsewhere/" {
		t.Errorf("redirect: got %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	p.Generate("/gen/", "text/plain", func(n int) []byte { return []byte(fmt.Sprint("request ", n)) })
	for n := 1; n <= 2; n++ {
		resp := get(t, p.URL("/gen/"), nil)
		b, _ := io.ReadAll(resp.Body)
		if want := fmt.Sprint("request ", n); string(b) != want || resp.Header.Get("ETag") != "" {
			t.Errorf("request %d: got %q (ETag %q), want %q without an ETag", n, b, resp.Header.Get("ETag"), want)
		}
	}
}
