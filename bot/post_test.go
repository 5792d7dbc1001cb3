package bot

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/feed"
)

func TestPageFailure(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{&feed.Error{Plain: "the portal answered 404 not found", Op: "GET", URL: "https://osipovichi.gov.by/x", Err: &feed.HTTPError{Status: 404}}, "HTTP 404"},
		{&feed.NotPageError{URL: "https://osipovichi.gov.by/x.pdf", ContentType: "application/pdf"}, "not a web page (application/pdf)"},
		{fmt.Errorf("fetch https://osipovichi.gov.by/x: %w: i/o timeout", feed.ErrTimeout), "no answer in time"},
		{fmt.Errorf("fetch https://osipovichi.gov.by/x: %w", context.DeadlineExceeded), "no answer in time"},
		{errors.New("fetch https://osipovichi.gov.by/x: connection refused"), "fetch https://osipovichi.gov.by/x: connection refused"},
	} {
		if got := pageFailure(tt.err); got != tt.want {
			t.Errorf("pageFailure(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

func TestPostURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://osipovichi.gov.by/ru/news-ru/view/1/#comments": "https://osipovichi.gov.by/ru/news-ru/view/1/",
		"HTTP://osipovichi.gov.by/a?b=c":                        "http://osipovichi.gov.by/a?b=c",
		"ftp://osipovichi.gov.by/":                              "",
		"osipovichi.gov.by/news":                                "",
		"https://user:pw@osipovichi.gov.by/":                    "",
		"https://osipovichi.gov.by/a b":                         "",
		"javascript:alert(1)":                                   "",
	} {
		got := ""
		if u, ok := postURL(in); ok {
			got = u.String()
		}
		if got != want {
			t.Errorf("postURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAdminDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-time.Second:                    "0 s",
		1400 * time.Millisecond:         "1 s",
		83 * time.Second:                "1 min 23 s",
		2*time.Hour + 5*time.Minute + 9: "2 h 5 min",
	} {
		if got := adminDuration("en", d); got != want {
			t.Errorf("adminDuration(%v) = %q, want %q", d, got, want)
		}
	}
	if got := adminDuration("ru", 83*time.Second); got != "1 мин 23 с" {
		t.Errorf("adminDuration(ru) = %q", got)
	}
}
