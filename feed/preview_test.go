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
	if len(res) != len(cfgs)+3 {
		t.Fatalf("got %d results, want %d: the home page's three language versions after it", len(res), len(cfgs)+3)
	}

	// The home page without a language: its feeds in ru, be and en are its versions.
	home := res[0]
	if home.Err != nil || home.ReadAs != ReadAsVersions || len(home.Versions) != 3 || home.ConfiguredURL != p.URL("/") || len(home.Articles) != 0 {
		t.Errorf("home: got %+v", home)
	}
	for i, lang := range []string{"ru", "be", "en"} {
		v := res[1+i]
		if v.VersionOf != p.URL("/") || v.Config.Language != lang || v.Config.Section != "news" || v.Err != nil || v.Items == 0 ||
			v.Articles[0].Language != lang || v.FinalURL != p.URL("/"+lang+"/rss-"+lang+"/") {
			t.Errorf("version %s: got %+v", lang, v)
		}
		if hv := home.Versions[i]; hv.Language != lang || hv.Hint != "path" || hv.URL != v.FinalURL {
			t.Errorf("home version %d: got %+v", i, hv)
		}
	}
	res = append(res[:1], res[4:]...)
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
