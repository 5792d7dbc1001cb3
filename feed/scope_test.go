package feed

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

func TestSameSite(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"osipovichi.gov.by", "osipovichi.gov.by", true},
		{"www.osipovichi.gov.by", "osipovichi.gov.by.", true},
		{"news.osipovichi.gov.by", "OSIPOVICHI.gov.by", true},
		{"osipovichi.gov.by", "evil.example", false},
		{"notosipovichi.gov.by", "osipovichi.gov.by", false},
		// Public suffixes are nobody's site (issue 16.5).
		{"gov.by", "osipovichi.gov.by", false},
		{"osipovichi.gov.by", "gov.by", false},
		{"by", "osipovichi.gov.by", false},
		{"by", "by", false},
		{"gov.by", "gov.by", false},
		{"minsk.gov.by", "osipovichi.gov.by", false},
		{"127.0.0.1", "127.0.0.1", true},
		{"127.0.0.1", "127.0.0.2", false},
		{"localhost", "localhost", true},
		{"", "", false},
	} {
		if got := SameSite(tt.a, tt.b); got != tt.want {
			t.Errorf("SameSite(%q, %q) = %t, want %t", tt.a, tt.b, got, tt.want)
		}
	}
}

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestScopeAllows(t *testing.T) {
	s, err := NewScope([]string{"https://osipovichi.gov.by/", "http://127.0.0.1:8081/feed/"},
		[]string{"cdn.example.by:8443", "*.osipovichi.gov.by", "static.example.by"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		url  string
		want bool
	}{
		{"https://osipovichi.gov.by/ru/news-ru/view/1/", true},
		{"http://osipovichi.gov.by/", true},        // http on the portal: the other default port
		{"https://www.osipovichi.gov.by/", true},   // www. either way
		{"https://OSIPOVICHI.GOV.BY./x", true},     // case, trailing dot
		{"https://osipovichi.gov.by:443/", true},   // the explicit default port
		{"https://osipovichi.gov.by:8443/", false}, // another port
		{"https://gov.by/", false},
		{"https://minsk.gov.by/", false},
		{"https://osipovichi.gov.by.evil.example/", false},
		{"https://news.osipovichi.gov.by/", true}, // the *. allowance
		{"https://news.osipovichi.gov.by:8080/", false},
		{"http://127.0.0.1:8081/other/", true},
		{"http://127.0.0.1:8082/", false},
		{"http://127.0.0.1/", false},
		{"http://localhost:8081/", false}, // another name of the same address is another host
		{"https://cdn.example.by:8443/a.xml", true},
		{"https://cdn.example.by/a.xml", false},
		{"https://static.example.by/a.xml", true},
		{"ftp://osipovichi.gov.by/", false},
		{"/relative", false},
	} {
		if got := s.Allows(mustURL(t, tt.url)); got != tt.want {
			t.Errorf("Allows(%s) = %t, want %t", tt.url, got, tt.want)
		}
	}
	var unrestricted *Scope
	if !unrestricted.Allows(mustURL(t, "http://10.0.0.1/")) {
		t.Error("a nil Scope refuses an address, want everything allowed")
	}
}

func TestNewScopeRefuses(t *testing.T) {
	for _, allow := range []string{"*.by", "*", "*.", "exa mple.by", "*.gov.by/x", "http://x.by/", "a*b.by"} {
		if _, err := NewScope([]string{"https://osipovichi.gov.by/"}, []string{allow}); err == nil {
			t.Errorf("NewScope allows %q, want an error", allow)
		}
	}
	if _, err := NewScope([]string{"https://osipovichi.gov.by/"}, []string{"*.gov.by", " ", "news.osipovichi.gov.by:8080"}); err != nil {
		t.Errorf("a documented allowance refused: %v", err)
	}
	if _, err := NewScope([]string{"/ru/rss-ru/"}, nil); err == nil {
		t.Error("a relative source accepted")
	}
}

func TestIsPublic(t *testing.T) {
	for addr, want := range map[string]bool{
		"93.125.0.1": true, "2a00:1450::1": true,
		"127.0.0.1": false, "127.1.2.3": false, "::1": false, "10.1.2.3": false, "172.16.0.1": false,
		"192.168.1.1": false, "169.254.169.254": false, "fe80::1": false, "fc00::1": false, "0.0.0.0": false,
		"::": false, "100.64.0.1": false, "224.0.0.1": false, "::ffff:127.0.0.1": false, "::ffff:10.0.0.1": false,
		"64:ff9b::7f00:1": false, "2002:7f00:1::": false, "255.255.255.255": false, "198.18.0.1": false,
	} {
		if got := isPublic(netip.MustParseAddr(addr)); got != want {
			t.Errorf("isPublic(%s) = %t, want %t", addr, got, want)
		}
	}
}

// TestFetcherStaysInScope: a redirect to another port or host is not
// followed, a name that resolves to loopback is refused after DNS, and the
// refused address is not shown; the portal itself, on loopback, is read.
func TestFetcherStaysInScope(t *testing.T) {
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the internal server was reached: %s", r.URL)
		w.Write([]byte(`<rss version="2.0"><channel><title>t</title></channel></rss>`))
	}))
	defer internal.Close()
	internalURL := mustURL(t, internal.URL)
	viaName := "http://localhost:" + internalURL.Port() + "/secret/"
	portal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/feed/":
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Write([]byte(`<rss version="2.0"><channel><title>t</title></channel></rss>`))
		case "/to-port/":
			http.Redirect(w, r, internal.URL+"/secret/", http.StatusFound)
		case "/to-name/":
			http.Redirect(w, r, viaName, http.StatusFound)
		case "/to-self/":
			http.Redirect(w, r, "/feed/", http.StatusMovedPermanently)
		}
	}))
	defer portal.Close()
	// localhost at the internal port is allowed by name, but it resolves to
	// loopback, which only a configured source may.
	scope, err := NewScope([]string{portal.URL + "/feed/"}, []string{"localhost:" + internalURL.Port()})
	if err != nil {
		t.Fatal(err)
	}
	f := NewFetcher(FetcherOptions{Scope: scope})
	ctx := context.Background()

	if r, err := f.Fetch(ctx, portal.URL+"/to-self/", Validators{}); err != nil || r.URL != portal.URL+"/feed/" {
		t.Fatalf("a redirect on the portal: %v, %v; want the feed", r, err)
	}
	for _, tt := range []struct {
		name, url string
		want      error
	}{
		{"redirect to another port", portal.URL + "/to-port/", ErrOutsideScope},
		{"redirect to a name of loopback", portal.URL + "/to-name/", ErrLocalAddress},
		{"another port asked for", internal.URL + "/secret/", ErrOutsideScope},
		{"a name of loopback asked for", viaName, ErrLocalAddress},
		{"a shared suffix", "https://gov.by/", ErrOutsideScope},
	} {
		_, err := f.Fetch(ctx, tt.url, Validators{})
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, internalURL.Port()) || strings.Contains(msg, "secret") {
			t.Errorf("%s: the error shows the refused address: %s", tt.name, msg)
		}
	}
}
