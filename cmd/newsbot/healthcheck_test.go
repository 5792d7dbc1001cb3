package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// healthServer serves /healthz with the given status code and body.
func healthServer(t *testing.T, code int, body string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" || r.Method != http.MethodGet {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestCheckHealth(t *testing.T) {
	tests := []struct {
		name    string
		code    int
		body    string
		wantErr string // a part of the error; empty: healthy
	}{
		{"ok", 200, `{"status":"ok","feeds":2}`, ""},
		{"ok with newline", 200, "{\"status\": \"ok\"}\n", ""},
		{"degraded", 200, `{"status":"degraded","outbox":"paused (telegram)"}`, ""},
		{"unknown status", 200, `{"status":"fine"}`, `status "fine", want "ok" or "degraded": {"status":"fine"}`},
		{"unavailable", 503, `{"status":"ok"}`, `503 Service Unavailable: {"status":"ok"}`},
		{"not json", 200, "ok", "the answer is not JSON: ok"},
		{"empty", 200, "", "the answer is not JSON: empty body"},
		{"no status", 200, `{}`, `status "", want "ok" or "degraded": {}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := healthServer(t, tt.code, tt.body)
			addr := srv.Listener.Addr().String()
			err := checkHealth(context.Background(), srv.Client().Transport, addr, healthcheckTimeout)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("got %v, want nil", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("got nil, want an error with %q", tt.wantErr)
			case tt.wantErr != "":
				want := "GET http://" + addr + "/healthz: " + tt.wantErr
				if err.Error() != want {
					t.Errorf("got %q, want %q", err, want)
				}
			}
		})
	}
}

func TestCheckHealthTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	addr := srv.Listener.Addr().String()
	err := checkHealth(context.Background(), srv.Client().Transport, addr, 50*time.Millisecond)
	if want := "GET http://" + addr + "/healthz: no answer within 50ms"; err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

func TestCheckHealthRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	err = checkHealth(context.Background(), http.DefaultTransport, addr, healthcheckTimeout)
	if err == nil || !strings.HasPrefix(err.Error(), "GET http://"+addr+"/healthz: ") || !strings.Contains(err.Error(), "refused") {
		t.Errorf("got %v, want connection refused", err)
	}
}

func TestHealthcheckTarget(t *testing.T) {
	tests := []struct{ addr, want, wantErr string }{
		{":8080", "127.0.0.1:8080", ""},
		{"0.0.0.0:8080", "127.0.0.1:8080", ""},
		{"[::]:8080", "127.0.0.1:8080", ""},
		{"127.0.0.1:9090", "127.0.0.1:9090", ""},
		{"[::1]:9090", "[::1]:9090", ""},
		{"bot:8080", "bot:8080", ""},
		{"", "", "the HTTP server is disabled: set NEWSBOT_HTTP_ADDR to host:port, e.g. :8080"},
		{"off", "", "the HTTP server is disabled: set NEWSBOT_HTTP_ADDR to host:port, e.g. :8080"},
		{"8080", "", `"8080" is not host:port: not host:port`},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			got, err := healthcheckTarget(tt.addr)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if got != tt.want || gotErr != tt.wantErr {
				t.Errorf("got %q, %q; want %q, %q", got, gotErr, tt.want, tt.wantErr)
			}
		})
	}
}

// TestRunHealthcheck runs "newsbot healthcheck" through run, as Docker does.
func TestRunHealthcheck(t *testing.T) {
	healthy := healthServer(t, 200, `{"status":"ok"}`)
	sick := healthServer(t, 500, `{"status":"error"}`)
	_, healthyPort, _ := net.SplitHostPort(healthy.Listener.Addr().String())
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		code    int
		stdout  string
		wantErr string // a part of the stderr line
	}{
		{"flag", nil, []string{"-addr", healthy.Listener.Addr().String()}, 0, "ok\n", ""},
		{"env with no host", map[string]string{envHTTPAddr: ":" + healthyPort}, nil, 0, "ok\n", ""},
		{"flag beats env", map[string]string{envHTTPAddr: sick.Listener.Addr().String()}, []string{"-addr", healthy.Listener.Addr().String()}, 0, "ok\n", ""},
		{"sick", map[string]string{envHTTPAddr: sick.Listener.Addr().String()}, nil, 1, "", "newsbot: healthcheck: GET http://" + sick.Listener.Addr().String() + "/healthz: 500 Internal Server Error: {\"status\":\"error\"}\n"},
		{"disabled", map[string]string{envHTTPAddr: "off"}, nil, 1, "", "newsbot: healthcheck: NEWSBOT_HTTP_ADDR: the HTTP server is disabled"},
		{"bad flag value", nil, []string{"-addr", "nope"}, 1, "", `newsbot: healthcheck: -addr: "nope" is not host:port`},
		{"unknown flag", nil, []string{"-x"}, 1, "", "newsbot: healthcheck: flag provided but not defined: -x"},
		{"argument", nil, []string{"extra"}, 1, "", `newsbot: healthcheck: unexpected argument "extra"`},
		{"help", nil, []string{"-h"}, 0, "Usage: newsbot healthcheck [-addr host:port]", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append([]string{"newsbot", "healthcheck"}, tt.args...)
			err := run(context.Background(), args, mapEnv(tt.env), &stdout, &stderr)
			if got := exitCode(err, &stderr); got != tt.code {
				t.Errorf("exit code: got %d, want %d (stderr %q)", got, tt.code, stderr.String())
			}
			if !strings.HasPrefix(stdout.String(), tt.stdout) {
				t.Errorf("stdout: got %q, want %q", stdout.String(), tt.stdout)
			}
			if !strings.Contains(stderr.String(), tt.wantErr) || strings.Count(stderr.String(), "\n") > 1 {
				t.Errorf("stderr: got %q, want one line with %q", stderr.String(), tt.wantErr)
			}
		})
	}
}
