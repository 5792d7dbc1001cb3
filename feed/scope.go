package feed

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/net/publicsuffix"
)

// Sentinel errors of a Scope, to be matched with errors.Is.
var (
	// ErrOutsideScope: the address (asked for, or a redirect's target) is
	// on none of the hosts the fetcher may reach.
	ErrOutsideScope = errors.New("address outside the portal's hosts")
	// ErrLocalAddress: a host that is not a configured source resolved to a
	// loopback, private, link-local or otherwise non-public address.
	ErrLocalAddress = errors.New("address in a local or private network")
)

// Scope is where a Fetcher may go: the hosts of the configured sources,
// exactly (host and port), and the operator's extra allowances.
//
// A source's host matches with or without "www.", and a source on a
// default port (80, 443) also matches the other default port, so that the
// portal may move between http and https; any other port must be equal.
// Source hosts are trusted to resolve anywhere (a portal on the local
// network, the tests' loopback); every other host must resolve to public
// addresses only, which is checked when connecting, after DNS, so that a
// name cannot smuggle a request into the local network.
//
// An allowance is "host", "host:port" (the same matching as a source) or
// "*.domain": any subdomain of domain, on the default ports.
type Scope struct {
	sources []hostPort
	allowed []hostPort
	domains []string // of the "*.domain" allowances, without "*."
}

type hostPort struct {
	host string // lower-case, without a trailing dot or "www."
	port string // "" for the default ports (80 and 443)
}

// NewScope returns the scope of the configured sources (absolute http(s)
// URLs) and allowances (see Scope). It fails on a malformed entry,
// naming it, and on a wildcard over a top-level domain ("*.by").
func NewScope(sources, allow []string) (*Scope, error) {
	s := &Scope{}
	for _, raw := range sources {
		u, err := url.Parse(raw)
		if err != nil || u.Hostname() == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, fmt.Errorf("source %q is not an absolute http(s) URL", raw)
		}
		s.sources = append(s.sources, hostPortOf(u.Hostname(), u.Port()))
	}
	for _, a := range allow {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		if d, ok := strings.CutPrefix(a, "*."); ok {
			d = canonicalHost(d)
			if !strings.Contains(d, ".") || strings.ContainsAny(d, "*:/") || !validHost(d) {
				return nil, fmt.Errorf("%q is not a domain wildcard: use *.domain with at least two labels, e.g. *.osipovichi.gov.by", a)
			}
			s.domains = append(s.domains, d)
			continue
		}
		host, port := a, ""
		if h, p, err := net.SplitHostPort(a); err == nil {
			host, port = h, p
		}
		if n, err := strconv.ParseUint(port, 10, 16); port != "" && (err != nil || n == 0) ||
			!validHost(canonicalHost(host)) || strings.ContainsAny(host, "*/") {
			return nil, fmt.Errorf("%q is not a host: use host, host:port or *.domain, e.g. news.osipovichi.gov.by", a)
		}
		s.allowed = append(s.allowed, hostPortOf(host, port))
	}
	return s, nil
}

func validHost(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	if _, err := netip.ParseAddr(h); err == nil {
		return true
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return true
}

// canonicalHost is a host name as compared: lower-case, without brackets,
// a trailing dot or a leading "www.".
func canonicalHost(h string) string {
	h = strings.ToLower(strings.TrimSuffix(strings.Trim(h, "[]"), "."))
	return strings.TrimPrefix(h, "www.")
}

func hostPortOf(host, port string) hostPort {
	if port == "80" || port == "443" {
		port = ""
	}
	return hostPort{host: canonicalHost(host), port: port}
}

// SameHost reports whether two absolute URLs are on the same host in the
// sense of Scope: equal host names, "www." aside, and equal ports, the
// default ports of http and https counting as one.
func SameHost(a, b *url.URL) bool {
	return a != nil && b != nil && a.Hostname() != "" && hostPortOf(a.Hostname(), a.Port()) == hostPortOf(b.Hostname(), b.Port())
}

// Allows reports whether u may be fetched: an http(s) URL on a source host
// or an allowance.
func (s *Scope) Allows(u *url.URL) bool {
	if s == nil {
		return true
	}
	if u == nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return false
	}
	hp := hostPortOf(u.Hostname(), u.Port())
	if s.isSource(hp) {
		return true
	}
	for _, a := range s.allowed {
		if a == hp {
			return true
		}
	}
	if hp.port == "" {
		for _, d := range s.domains {
			if strings.HasSuffix(hp.host, "."+d) {
				return true
			}
		}
	}
	return false
}

func (s *Scope) isSource(hp hostPort) bool {
	for _, src := range s.sources {
		if src == hp {
			return true
		}
	}
	return false
}

// dialer returns the DialContext of a transport: d's, refusing a
// connection to a non-public address unless the host dialled is a source.
// The check runs on the address about to be connected, after DNS.
func (s *Scope) dialer(d *net.Dialer) func(ctx context.Context, network, addr string) (net.Conn, error) {
	if s == nil {
		return d.DialContext
	}
	guarded := *d
	guarded.Control = func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return fmt.Errorf("%w: cannot read the address %q", ErrLocalAddress, address)
		}
		if !isPublic(ap.Addr()) {
			return ErrLocalAddress
		}
		return nil
	}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(addr)
		if err == nil && s.isSource(hostPortOf(host, port)) {
			return d.DialContext(ctx, network, addr)
		}
		return guarded.DialContext(ctx, network, addr)
	}
}

// nonPublic are the ranges that no public web site uses, beyond what
// netip's predicates name: "this network", shared address space (CGNAT),
// IETF protocol assignments, benchmarking, reserved, NAT64 and 6to4
// (which embed IPv4 addresses), and the discard prefix.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2002::/16"),
	netip.MustParsePrefix("100::/64"),
}

// isPublic reports whether a is an address a public web site may have.
func isPublic(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// SameSite reports whether two host names belong to the same registrable
// domain (one organisation's site: "www.osipovichi.gov.by" and
// "news.osipovichi.gov.by"), by the public suffix list: "gov.by" and "by"
// are suffixes, not sites, so they are the same site as nothing else. IP
// addresses and single-label names ("localhost") must be equal.
func SameSite(a, b string) bool {
	a, b = canonicalHost(a), canonicalHost(b)
	if a == "" || b == "" {
		return false
	}
	if _, err := netip.ParseAddr(a); err == nil {
		return a == b
	}
	ea, errA := publicsuffix.EffectiveTLDPlusOne(a)
	eb, errB := publicsuffix.EffectiveTLDPlusOne(b)
	if errA != nil || errB != nil {
		_, icann := publicsuffix.PublicSuffix(a)
		return errA != nil && errB != nil && a == b && !strings.Contains(a, ".") && !icann
	}
	return ea == eb
}
