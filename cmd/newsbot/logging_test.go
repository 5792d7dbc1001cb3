package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/osipovichi/newsbot/delivery"
)

// secretStringer is a value whose printed form carries the secret.
type secretStringer struct{ s string }

func (s secretStringer) String() string { return "stringer " + s.s }

// secretText is a value whose text form carries the secret.
type secretText struct{ s string }

func (s secretText) MarshalText() ([]byte, error) { return []byte("text " + s.s), nil }

func TestNewLoggerRedacts(t *testing.T) {
	apiURL := "https://api.telegram.org/bot" + testToken + "/getUpdates"
	urlErr := &url.Error{Op: "Post", URL: apiURL, Err: errors.New("dial tcp: i/o timeout")}
	escaped := "https://example.org/?t=" + url.QueryEscape(testToken)
	logs := []struct {
		name string
		log  func(*slog.Logger)
	}{
		{"message", func(l *slog.Logger) { l.Info("token is " + testToken) }},
		{"string attr", func(l *slog.Logger) { l.Info("m", "url", apiURL) }},
		{"escaped in string", func(l *slog.Logger) { l.Info("m", "url", escaped) }},
		{"url error", func(l *slog.Logger) { l.Error("m", slog.Any("error", urlErr)) }},
		{"wrapped error", func(l *slog.Logger) { l.Error("m", "error", fmt.Errorf("poll updates: %w", urlErr)) }},
		{"nested group", func(l *slog.Logger) {
			l.Info("m", slog.Group("request", slog.Group("inner", slog.String("url", apiURL), slog.Any("error", urlErr))))
		}},
		{"with attrs", func(l *slog.Logger) { l.With("url", apiURL).Info("m") }},
		{"with group and attrs", func(l *slog.Logger) { l.WithGroup("bot").With(slog.Any("error", urlErr)).Info("m", "k", apiURL) }},
		{"stringer", func(l *slog.Logger) { l.Info("m", "v", secretStringer{testToken}) }},
		{"text marshaler", func(l *slog.Logger) { l.Info("m", "v", secretText{testToken}) }},
		{"bytes", func(l *slog.Logger) { l.Info("m", "v", []byte(apiURL)) }},
		{"struct", func(l *slog.Logger) { l.Info("m", "v", struct{ URL string }{apiURL}) }},
		{"pointer to url", func(l *slog.Logger) { u, _ := url.Parse(apiURL); l.Info("m", "v", u) }},
		{"request", func(l *slog.Logger) { r, _ := http.NewRequest("GET", apiURL, nil); l.Info("m", "v", r.URL) }},
		{"key", func(l *slog.Logger) { l.Info("m", testToken, 1) }},
		{"log valuer", func(l *slog.Logger) { l.Info("m", "v", valuer{apiURL}) }},
	}
	for _, format := range []string{"text", "json"} {
		for _, tt := range logs {
			t.Run(format+"/"+tt.name, func(t *testing.T) {
				var buf bytes.Buffer
				tt.log(newLogger(format, slog.LevelDebug, &buf, testToken, ""))
				out := buf.String()
				if strings.Contains(out, testToken) || strings.Contains(out, url.QueryEscape(testToken)) || strings.Contains(out, "AAH-test") {
					t.Errorf("got %s, want the token redacted", out)
				}
				if !strings.Contains(out, delivery.Redacted) {
					t.Errorf("got %s, want %s", out, delivery.Redacted)
				}
				if format == "json" && !json.Valid(buf.Bytes()) {
					t.Errorf("got invalid JSON %s", out)
				}
			})
		}
	}
}

type valuer struct{ s string }

func (v valuer) LogValue() slog.Value { return slog.StringValue(v.s) }

func TestNewLoggerKeepsOtherValues(t *testing.T) {
	var buf bytes.Buffer
	err := errors.New("feed https://osipovichi.gov.by/ru/rss-ru/: 503")
	l := newLogger("json", slog.LevelInfo, &buf, testToken)
	l.Debug("hidden")
	l.With("component", "feed").WithGroup("poll").Info("fetched", "feed_url", "https://osipovichi.gov.by/", "items", 3, slog.Any("error", err))
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("got %s: %v", buf.String(), err)
	}
	want := map[string]any{
		"level":     "INFO",
		"msg":       "fetched",
		"component": "feed",
		"poll": map[string]any{
			"feed_url": "https://osipovichi.gov.by/",
			"items":    3.0,
			"error":    "feed https://osipovichi.gov.by/ru/rss-ru/: 503",
		},
	}
	delete(got, "time")
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestNewLoggerFormatAndLevel(t *testing.T) {
	var text, js bytes.Buffer
	newLogger("text", slog.LevelWarn, &text).Info("no")
	newLogger("text", slog.LevelWarn, &text).Warn("yes", "chat_id", 42)
	newLogger("json", slog.LevelDebug, &js).Debug("yes")
	if got := text.String(); strings.Contains(got, "msg=no") || !strings.Contains(got, "level=WARN msg=yes chat_id=42") {
		t.Errorf("text: got %q, want only the warning", got)
	}
	if got := js.String(); !strings.Contains(got, `"level":"DEBUG","msg":"yes"`) {
		t.Errorf("json: got %q, want a JSON debug line", got)
	}
}

func TestRedactError(t *testing.T) {
	base := &url.Error{Op: "Post", URL: "https://api.telegram.org/bot" + testToken + "/getMe", Err: errors.New("timeout")}
	err := redactError(fmt.Errorf("get me: %w", base), testToken)
	if strings.Contains(err.Error(), testToken) {
		t.Errorf("got %q, want the token redacted", err)
	}
	var ue *url.Error
	if !errors.As(err, &ue) {
		t.Errorf("errors.As(%v, *url.Error): got false, want true", err)
	}
	plain := errors.New("plain")
	if got := redactError(plain, testToken); got != plain {
		t.Errorf("got %v, want the error unchanged", got)
	}
	if got := redactError(nil, testToken); got != nil {
		t.Errorf("got %v, want nil", got)
	}
	if got := redactError(plain, ""); got != plain {
		t.Errorf("empty secret: got %v, want the error unchanged", got)
	}
}
