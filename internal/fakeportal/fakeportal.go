// Package fakeportal is a fake of the district portal for tests: an
// httptest server that serves feed fixtures with ETag and Last-Modified,
// answers conditional requests with 304, records the requests it gets and
// can be told to misbehave in the ways real servers do.
package fakeportal

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Fault is a way for a path to misbehave.
type Fault string

// Faults.
const (
	// FaultNone serves the content normally.
	FaultNone Fault = ""
	// Fault500 answers 500 Internal Server Error.
	Fault500 Fault = "500"
	// Fault404 answers 404 Not Found.
	Fault404 Fault = "404"
	// Fault503 answers 503 with "Retry-After: 120".
	Fault503 Fault = "503"
	// Fault429 answers 429 with a Retry-After HTTP date 90 seconds after the portal's clock.
	Fault429 Fault = "429"
	// Fault503Day answers 503 with "Retry-After: 86400": come back tomorrow.
	Fault503Day Fault = "503-day"
	// FaultSlowBody sends the headers and the first bytes at once, then one
	// byte every 20 ms, for longer than any test timeout.
	FaultSlowBody Fault = "slow-body"
	// FaultHang accepts the request and never answers.
	FaultHang Fault = "hang"
	// FaultHTML answers 200 with an HTML maintenance page that has no feed link.
	FaultHTML Fault = "html"
	// FaultTruncated serves the first half of the content.
	FaultTruncated Fault = "truncated"
	// FaultRandom serves 4 KiB of random bytes as application/rss+xml.
	FaultRandom Fault = "random"
	// FaultHuge streams a 50 MB body, without Content-Length.
	FaultHuge Fault = "huge"
	// FaultRedirectLoop redirects the path to itself forever.
	FaultRedirectLoop Fault = "redirect-loop"
	// FaultEmpty answers 200 with an empty body.
	FaultEmpty Fault = "empty"
)

// Faults lists every fault but FaultNone, for table tests.
var Faults = []Fault{Fault500, Fault404, Fault503, Fault503Day, Fault429, FaultSlowBody, FaultHang, FaultHTML,
	FaultTruncated, FaultRandom, FaultHuge, FaultRedirectLoop, FaultEmpty}

// HugeSize is the size of the FaultHuge body.
const HugeSize = 50 << 20

// Route maps a path to a file of the portal's fs.FS.
type Route struct {
	Path        string // e.g. "/ru/rss-ru/"
	File        string // e.g. "ru-rss.xml"
	ContentType string // e.g. "application/rss+xml; charset=utf-8"
}

// Request is a request the portal received.
type Request struct {
	Method string
	Header http.Header
	At     time.Time
}

type resource struct {
	body        []byte
	contentType string
	etag        string
	modified    time.Time
	fault       Fault
	redirect    string             // Location of a 302 answer, if set
	generate    func(n int) []byte // the body of the n-th request (from 1), if set
}

// Portal is the fake portal. Its methods are safe for concurrent use.
type Portal struct {
	*httptest.Server

	files fs.FS
	done  chan struct{}

	mu        sync.Mutex
	now       func() time.Time
	version   int
	resources map[string]*resource
	requests  map[string][]Request
}

// New starts a portal serving the routes from files (may be nil if every
// path is filled with Set). It panics if a routed file is missing, as
// httptest does on setup errors. Close it when done.
func New(files fs.FS, routes ...Route) *Portal {
	p := &Portal{
		files:     files,
		done:      make(chan struct{}),
		now:       time.Now,
		resources: make(map[string]*resource),
		requests:  make(map[string][]Request),
	}
	for _, r := range routes {
		if err := p.Serve(r.Path, r.File, r.ContentType); err != nil {
			panic("fakeportal: " + err.Error())
		}
	}
	p.Server = httptest.NewServer(http.HandlerFunc(p.handle))
	return p
}

// Close stops the server, releasing hanging and slow handlers first.
func (p *Portal) Close() {
	select {
	case <-p.done:
	default:
		close(p.done)
	}
	p.Server.CloseClientConnections()
	p.Server.Close()
}

// SetClock sets the clock used for Last-Modified and Retry-After dates.
func (p *Portal) SetClock(now func() time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.now = now
}

// ServeHTTP answers as the portal does, for serving it on another listener
// too: the sandbox (cmd/tgsandbox) serves it on a fixed address.
func (p *Portal) ServeHTTP(w http.ResponseWriter, req *http.Request) { p.handle(w, req) }

// URL returns the absolute URL of path.
func (p *Portal) URL(path string) string { return p.Server.URL + path }

// Serve makes path serve a file of the portal's fs.FS.
func (p *Portal) Serve(path, file, contentType string) error {
	if p.files == nil {
		return fmt.Errorf("serve %s: no files", path)
	}
	b, err := fs.ReadFile(p.files, file)
	if err != nil {
		return fmt.Errorf("serve %s: %w", path, err)
	}
	p.Set(path, b, contentType)
	return nil
}

// Set replaces the content of path; it gets a new ETag and Last-Modified.
// A fault set on the path stays.
func (p *Portal) Set(path string, body []byte, contentType string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.version++
	sum := sha256.Sum256(body)
	r := p.resources[path]
	if r == nil {
		r = &resource{}
		p.resources[path] = r
	}
	r.body = bytes.Clone(body)
	r.contentType = contentType
	r.etag = fmt.Sprintf(`"%s-%d"`, hex.EncodeToString(sum[:8]), p.version)
	r.modified = p.now().UTC().Truncate(time.Second)
}

// Redirect makes path answer "302 Found" to location (absolute, or
// relative to the path), whatever it served before.
func (p *Portal) Redirect(path, location string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.resources[path] = &resource{redirect: location}
}

// Generate makes path serve body(n) to its n-th request (counted from 1):
// content that changes at every fetch, such as a CMS that invents new
// GUIDs each time. It has no validators, so every request gets a body.
func (p *Portal) Generate(path, contentType string, body func(n int) []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.resources[path] = &resource{contentType: contentType, generate: body, modified: p.now().UTC().Truncate(time.Second)}
}

// Remove makes path answer 404.
func (p *Portal) Remove(path string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.resources, path)
}

// Fault makes path misbehave; FaultNone restores normal service.
func (p *Portal) Fault(path string, kind Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.resources[path]
	if r == nil {
		r = &resource{}
		p.resources[path] = r
	}
	r.fault = kind
}

// Requests returns the requests received on path, oldest first; its length is the count.
func (p *Portal) Requests(path string) []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Request(nil), p.requests[path]...)
}

func (p *Portal) handle(w http.ResponseWriter, req *http.Request) {
	p.mu.Lock()
	now := p.now()
	p.requests[req.URL.Path] = append(p.requests[req.URL.Path], Request{Method: req.Method, Header: req.Header.Clone(), At: now})
	var res resource
	r, ok := p.resources[req.URL.Path]
	if ok {
		res = *r
	}
	n := len(p.requests[req.URL.Path])
	p.mu.Unlock()

	if !ok {
		http.NotFound(w, req)
		return
	}
	if res.redirect != "" && res.fault == FaultNone {
		http.Redirect(w, req, res.redirect, http.StatusFound)
		return
	}
	if res.generate != nil {
		res.body = res.generate(n)
	}
	switch res.fault {
	case FaultNone:
	case Fault500:
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	case Fault404:
		http.NotFound(w, req)
		return
	case Fault503:
		w.Header().Set("Retry-After", "120")
		http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
		return
	case Fault503Day:
		w.Header().Set("Retry-After", "86400")
		http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
		return
	case Fault429:
		w.Header().Set("Retry-After", now.Add(90*time.Second).UTC().Format(http.TimeFormat))
		http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
		return
	case FaultHang:
		select {
		case <-req.Context().Done():
		case <-p.done:
		}
		return
	case FaultSlowBody:
		p.slowBody(w, req, res)
		return
	case FaultHTML:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, maintenancePage)
		return
	case FaultTruncated:
		res.body = res.body[:len(res.body)/2]
		res.etag = ""
	case FaultRandom:
		rnd := rand.New(rand.NewPCG(1, 2))
		b := make([]byte, 4096)
		for i := range b {
			b[i] = byte(rnd.Uint32())
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(b)
		return
	case FaultHuge:
		p.hugeBody(w, req)
		return
	case FaultRedirectLoop:
		http.Redirect(w, req, req.URL.Path, http.StatusFound)
		return
	case FaultEmpty:
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		return
	}
	if res.body == nil {
		http.NotFound(w, req)
		return
	}

	h := w.Header()
	if res.etag != "" {
		h.Set("ETag", res.etag)
	}
	h.Set("Last-Modified", res.modified.Format(http.TimeFormat))
	if res.contentType != "" {
		h.Set("Content-Type", res.contentType)
	}
	if notModified(req, res) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", fmt.Sprint(len(res.body)))
	w.WriteHeader(http.StatusOK)
	if req.Method != http.MethodHead {
		w.Write(res.body)
	}
}

// notModified applies RFC 9110: If-None-Match wins over If-Modified-Since.
func notModified(req *http.Request, res resource) bool {
	if inm := req.Header.Get("If-None-Match"); inm != "" {
		if res.etag == "" {
			return false
		}
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == "*" || t == strings.TrimPrefix(res.etag, "W/") {
				return true
			}
		}
		return false
	}
	if ims := req.Header.Get("If-Modified-Since"); ims != "" {
		t, err := http.ParseTime(ims)
		return err == nil && !res.modified.After(t)
	}
	return false
}

func (p *Portal) slowBody(w http.ResponseWriter, req *http.Request, res resource) {
	w.Header().Set("Content-Type", res.contentType)
	w.WriteHeader(http.StatusOK)
	body := res.body
	if len(body) == 0 {
		body = []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>slow</title></channel></rss>`)
	}
	n := min(64, len(body))
	w.Write(body[:n])
	flush(w)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for i := n; ; i++ {
		select {
		case <-req.Context().Done():
			return
		case <-p.done:
			return
		case <-tick.C:
		}
		if _, err := w.Write([]byte{body[i%len(body)]}); err != nil {
			return
		}
		flush(w)
	}
}

func (p *Portal) hugeBody(w http.ResponseWriter, req *http.Request) {
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	chunk := bytes.Repeat([]byte("<item><title>padding</title></item>\n"), 1024)
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>`))
	for sent := 0; sent < HugeSize; sent += len(chunk) {
		select {
		case <-req.Context().Done():
			return
		case <-p.done:
			return
		default:
		}
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
}

func flush(w http.ResponseWriter) {
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}

const maintenancePage = `<!DOCTYPE html>
<html lang="ru">
<head><meta charset="utf-8"><title>Технические работы — Осиповичский районный исполнительный комитет</title></head>
<body><h1>Сайт временно недоступен</h1><p>На сайте проводятся технические работы. Приносим извинения за неудобства.</p></body>
</html>
`
