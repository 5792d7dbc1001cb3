package feed

import (
	"context"
	"errors"
	"testing"

	"github.com/osipovichi/newsbot/internal/fakeportal"
	"github.com/osipovichi/newsbot/subscriptions"
)

func TestPreview(t *testing.T) {
	p := testPortal(t)
	p.Set("/down/", []byte("x"), "text/plain")
	p.Fault("/down/", fakeportal.Fault503)
	edge, _ := readFixture("edge-rss.xml")
	p.Set("/ru/rss-edge/", edge, "application/rss+xml")
	cfgs := []subscriptions.FeedConfig{
		{Section: "news", URL: p.URL("/")},
		{Section: "news", Language: "ru", URL: p.URL("/ru/rss-cp1251/")},
		{Section: "edge", URL: p.URL("/ru/rss-edge/")},
		{Section: "contacts", URL: p.URL("/ru/contacts-ru/")},
		{Section: "down", URL: p.URL("/down/")},
	}
	res := Preview(context.Background(), testFetcher(), cfgs, testNow)
	if len(res) != len(cfgs) {
		t.Fatalf("got %d results, want %d", len(res), len(cfgs))
	}

	home := res[0]
	if home.Err != nil || home.DiscoveredURL != p.URL("/ru/rss-ru/") || home.FinalURL != p.URL("/ru/rss-ru/") ||
		home.Status != 200 || home.Items != 5 || len(home.Articles) != 5 || home.ETag == "" || home.LastModified == "" ||
		home.Encoding != "utf-8 (xml prolog)" || home.ConfiguredURL != p.URL("/") || home.Articles[0].Language != "ru" {
		t.Errorf("home: got %+v", home)
	}
	cp := res[1]
	if cp.Err != nil || cp.Encoding != "windows-1251 (content-type header)" || cp.Items != 2 ||
		cp.Articles[0].Title != "Ёлочный базар откроется в центре Осиповичей" || cp.DiscoveredURL != "" || cp.Language != "ru" {
		t.Errorf("cp1251: got %+v", cp)
	}
	if len(cp.Evidence) != 2 || cp.Evidence[0].String() != "content-type header: windows-1251: used" ||
		cp.Evidence[1].String() != "sniffed: windows-1251: the most plausible reading of the text" {
		t.Errorf("cp1251 evidence: got %q", cp.Evidence)
	}
	e := res[2]
	if e.Err != nil || e.Items != 12 || e.NoGUID != 3 || e.NoLink != 2 || e.NoDate != 2 || len(e.Articles) != 11 {
		t.Errorf("edge: got items %d, no guid %d, no link %d, no date %d, %d articles; want 12, 3, 2, 2, 11 (err %v)",
			e.Items, e.NoGUID, e.NoLink, e.NoDate, len(e.Articles), e.Err)
	}
	if !errors.Is(res[3].Err, ErrNoFeedLink) || res[3].Articles != nil {
		t.Errorf("contacts: got %+v, want ErrNoFeedLink", res[3])
	}
	var he *HTTPError
	if !errors.As(res[4].Err, &he) || res[4].Status != 503 {
		t.Errorf("down: got status %d, %v; want 503", res[4].Status, res[4].Err)
	}
}
