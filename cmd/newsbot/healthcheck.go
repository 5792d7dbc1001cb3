package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// healthcheckTimeout bounds the whole request to /healthz.
const healthcheckTimeout = 3 * time.Second

const healthcheckUsage = `Usage: newsbot healthcheck [-addr host:port]

Asks the running bot's /healthz (on NEWSBOT_HTTP_ADDR unless -addr is given;
:8080" means 127.0.0.1:8080) and exits 0 if it answers 200 with
{"status":"ok"} or {"status":"degraded"} (waiting out a Telegram outage),
else prints the reason and exits 1. Docker's HEALTHCHECK
runs it. It never exits 2, which Docker reserves.
`

// cmdHealthcheck runs "newsbot healthcheck". Every failure, a bad address
// included, exits 1: Docker reserves exit code 2.
func cmdHealthcheck(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := newFlagSet("healthcheck")
	addr := fs.String("addr", "", "`host:port` of the bot's HTTP server (default $"+envHTTPAddr+", else "+defaultHTTPAddr+")")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout, healthcheckUsage, fs)
			return nil
		}
		return &exitError{code: 1, msg: fmt.Sprintf("healthcheck: %v (see 'newsbot healthcheck -h')", err)}
	}
	if fs.NArg() > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("healthcheck: unexpected argument %q", fs.Arg(0))}
	}
	a, name := *addr, "-addr"
	if !isFlagSet(fs, "addr") {
		a, name = strings.TrimSpace(getenv(envHTTPAddr)), envHTTPAddr
		if a == "" {
			a = defaultHTTPAddr
		}
	}
	target, err := healthcheckTarget(a)
	if err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("healthcheck: %s: %v", name, err)}
	}
	rt := http.DefaultTransport.(*http.Transport).Clone()
	rt.Proxy = nil // never ask the bot's health through a proxy
	defer rt.CloseIdleConnections()
	if err := checkHealth(ctx, rt, target, healthcheckTimeout); err != nil {
		return &exitError{code: 1, msg: "healthcheck: " + err.Error()}
	}
	fmt.Fprintln(stdout, "ok")
	return nil
}

func isFlagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// healthcheckTarget turns a listen address into one to dial: an empty or
// unspecified host (":8080", "0.0.0.0:8080", "[::]:8080") becomes 127.0.0.1.
func healthcheckTarget(addr string) (string, error) {
	if addr == "" || strings.EqualFold(addr, httpAddrOff) {
		return "", errors.New("the HTTP server is disabled: set " + envHTTPAddr + " to host:port, e.g. :8080")
	}
	if err := checkHostPort(addr); err != nil {
		return "", fmt.Errorf("%q is not host:port: %v", addr, err)
	}
	host, port, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), nil
}

// checkHealth GETs http://addr/healthz within timeout and returns nil iff
// the answer is 200 with a JSON object whose "status" is "ok" or
// "degraded" (the bot runs and waits out something outside it).
func checkHealth(ctx context.Context, rt http.RoundTripper, addr string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	u := "http://" + addr + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("%s: %v", u, err)
	}
	req.Header.Set("Accept", "application/json")
	client := &http.Client{
		Transport:     rt,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("GET %s: no answer within %s", u, timeout)
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the *url.Error's repetition of the URL
		}
		return fmt.Errorf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return fmt.Errorf("GET %s: reading the answer: %v", u, err)
	}
	var health struct {
		Status string `json:"status"`
	}
	jsonErr := json.Unmarshal(body, &health)
	switch {
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("GET %s: %s: %s", u, resp.Status, snippet(body))
	case jsonErr != nil:
		return fmt.Errorf("GET %s: the answer is not JSON: %s", u, snippet(body))
	case health.Status != statusOK && health.Status != statusDegraded:
		return fmt.Errorf("GET %s: status %q, want \"ok\" or \"degraded\": %s", u, health.Status, snippet(body))
	}
	return nil
}

// snippet is the start of a body, on one line.
func snippet(b []byte) string {
	const max = 200
	s := oneLine(string(bytes.ToValidUTF8(b, []byte("?"))))
	if s == "" {
		return "empty body"
	}
	if len(s) > max {
		s = strings.ToValidUTF8(s[:max], "") + "…"
	}
	return s
}
