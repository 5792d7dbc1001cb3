package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/osipovichi/newsbot/internal/fakeportal"
)

// diag is a diagnostics line of the preview.
func diag(key, value string) string { return fmt.Sprintf("%-20s %s", key+":", value) }

// TestPreviewListing runs "newsbot preview" on html: listing sources: the
// articles as subscribers would read them, then the diagnostics; a page
// whose layout changed is a clear failure.
func TestPreviewListing(t *testing.T) {
	t.Parallel()
	portal := fakeportal.New(os.DirFS("../../feed/testdata"),
		fakeportal.Route{Path: "/ru/news-rayon-ru/", File: "listing-ru.html", ContentType: "text/html; charset=utf-8"},
		fakeportal.Route{Path: "/en/news-rayon-en/", File: "listing-en.html", ContentType: "text/html; charset=utf-8"},
		fakeportal.Route{Path: "/ru/news-changed/", File: "listing-changed.html", ContentType: "text/html; charset=utf-8"},
	)
	t.Cleanup(portal.Close)
	env := map[string]string{
		envFeeds: "district/ru=html:" + portal.URL("/ru/news-rayon-ru/") + ",district/en=HTML:" + portal.URL("/en/news-rayon-en/"),
		envDB:    "/nonexistent/dir/newsbot.db",
	}
	var out bytes.Buffer
	err := run(context.Background(), []string{"newsbot", "preview", "-n", "2"}, mapEnv(env), &out, &out)
	if err != nil {
		t.Fatalf("preview: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{
		"=== district  html:" + portal.URL("/ru/news-rayon-ru/"),
		"--- article 1 of 5",
		"Хозяйства района готовятся к весеннему севу",
		"К севу готовы 96 % тракторов.",
		"[photo: " + portal.URL("/files/news/thumbs/12352.jpg") + "]",
		"Расширенное заседание райисполкома по итогам работы АПК прошло 3 марта.",
		diag("read as", "listing"),
		diag("item selector", ".news_block, .news-block"),
		diag("items", "6"),
		diag("items without date", "0"),
		"=== district  html:" + portal.URL("/en/news-rayon-en/"),
		"Belarus, Russia approve Union State information security concept",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("preview output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "--- article 3 of 5") || strings.Contains(got, "items without GUID") {
		t.Errorf("preview output: more than -n articles, or a GUID count for a listing:\n%s", got)
	}

	out.Reset()
	err = run(context.Background(), []string{"newsbot", "preview", "html:" + portal.URL("/ru/news-changed/")}, mapEnv(env), &out, &out)
	if err == nil {
		t.Fatalf("preview of a changed layout: got nil error; output:\n%s", out.String())
	}
	want := `ERROR: no news items found on ` + portal.URL("/ru/news-changed/") + ` with selector ".news_block, .news-block`
	if !strings.Contains(out.String(), want) || !strings.Contains(out.String(), "the page layout may have changed") {
		t.Errorf("preview output lacks %q:\n%s", want, out.String())
	}

	// Overrides from NEWSBOT_LISTING_SELECTORS reach the preview.
	env[envFeeds] = "district=html:" + portal.URL("/ru/news-changed/")
	env[envListingSel] = `{"` + portal.URL("/ru/news-changed/") + `": {"item": ".card", "title": ".card__caption", "date": ".card__when"}}`
	out.Reset()
	if err := run(context.Background(), []string{"newsbot", "preview"}, mapEnv(env), &out, &out); err != nil {
		t.Fatalf("preview with overrides: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), diag("item selector", ".card\n")) || !strings.Contains(out.String(), "--- article 2 of 2") {
		t.Errorf("preview with overrides:\n%s", out.String())
	}
}
