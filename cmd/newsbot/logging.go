package main

import (
	"context"
	"encoding"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"

	"github.com/osipovichi/newsbot/delivery"
)

// newLogger returns a slog logger writing text or JSON (format "json") at
// level to w. Keys follow the project's snake_case convention (the built-in
// ones are time, level and msg). As a safety net every secret (the bot
// token) found in the message, in an attribute's key, or in a string, error
// or other value, nested groups included, is replaced with [REDACTED].
// Empty secrets are ignored.
func newLogger(format string, level slog.Level, w io.Writer, secrets ...string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	if format == "json" {
		h = slog.NewJSONHandler(w, opts)
	} else {
		h = slog.NewTextHandler(w, opts)
	}
	if r := delivery.NewRedactor(secrets...); r != nil {
		h = &redactHandler{next: h, r: r}
	}
	return slog.New(h)
}

// redactHandler is the slog.Handler of newLogger's safety net.
type redactHandler struct {
	next slog.Handler
	r    *delivery.Redactor
}

func (h *redactHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h *redactHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, h.r.Replace(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *redactHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = h.attr(a)
	}
	return &redactHandler{next: h.next.WithAttrs(clean), r: h.r}
}

func (h *redactHandler) WithGroup(name string) slog.Handler {
	return &redactHandler{next: h.next.WithGroup(h.r.Replace(name)), r: h.r}
}

func (h *redactHandler) attr(a slog.Attr) slog.Attr {
	return slog.Attr{Key: h.r.Replace(a.Key), Value: h.value(a.Value)}
}

// value returns v, or a string with the secrets replaced when any of the
// forms a handler could print v in contains one.
func (h *redactHandler) value(v slog.Value) slog.Value {
	v = v.Resolve()
	switch v.Kind() {
	case slog.KindString:
		if s := v.String(); h.r.Contains(s) {
			return slog.StringValue(h.r.Replace(s))
		}
	case slog.KindGroup:
		group := v.Group()
		clean := make([]slog.Attr, len(group))
		for i, a := range group {
			clean[i] = h.attr(a)
		}
		return slog.GroupValue(clean...)
	case slog.KindAny:
		for _, s := range printedForms(v.Any()) {
			if h.r.Contains(s) {
				return slog.StringValue(h.r.Replace(s))
			}
		}
	}
	return v
}

// printedForms are the texts the text and JSON handlers may print for x.
func printedForms(x any) []string {
	var forms []string
	switch x := x.(type) {
	case nil:
		return nil
	case error:
		forms = append(forms, x.Error())
	case []byte:
		forms = append(forms, string(x))
	}
	if m, ok := x.(encoding.TextMarshaler); ok {
		if b, err := m.MarshalText(); err == nil {
			forms = append(forms, string(b))
		}
	}
	if m, ok := x.(json.Marshaler); ok {
		if b, err := m.MarshalJSON(); err == nil {
			forms = append(forms, string(b))
		}
	} else if b, err := json.Marshal(x); err == nil {
		forms = append(forms, string(b))
	}
	return append(forms, fmt.Sprintf("%+v", x))
}
