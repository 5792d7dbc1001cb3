package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/feed"
	"github.com/osipovichi/newsbot/subscriptions"
)

// Config is the effective configuration, parsed once by parseConfig from the
// environment and the flags. Token is a secret: never log or print it; log
// the Config itself, whose String and LogValue leave the token out.
type Config struct {
	Token         string                     // TELEGRAM_BOT_TOKEN; empty unless set (required to run)
	APIEndpoint   string                     // TELEGRAM_API_ENDPOINT: fmt pattern with two %s, token then method
	DB            string                     // NEWSBOT_DB: SQLite file path
	Feeds         []subscriptions.FeedConfig // NEWSBOT_FEEDS: at least one, URLs unique
	PollInterval  time.Duration              // NEWSBOT_POLL_INTERVAL: at least 10s
	Admins        []int64                    // NEWSBOT_ADMINS: Telegram user IDs, may be empty
	HTTPAddr      string                     // NEWSBOT_HTTP_ADDR: host:port of /healthz and /metrics; empty: disabled
	Lang          string                     // NEWSBOT_LANG: ru, be or en
	Timezone      *time.Location             // NEWSBOT_TIMEZONE
	Rate          float64                    // NEWSBOT_RATE: messages per second overall
	PaidBroadcast bool                       // NEWSBOT_PAID_BROADCAST
	LogFormat     string                     // NEWSBOT_LOG_FORMAT: text or json
	LogLevel      slog.Level                 // NEWSBOT_LOG_LEVEL
	ContactURL    string                     // NEWSBOT_CONTACT_URL: for the User-Agent of requests to the portal
	// ListingSelectors (NEWSBOT_LISTING_SELECTORS) override the CSS selectors of
	// listing sources, by configured URL; nil when unset.
	ListingSelectors map[string]feed.Selectors
}

// Names of the environment variables.
const (
	envToken         = "TELEGRAM_BOT_TOKEN"
	envTokenFile     = "TELEGRAM_BOT_TOKEN_FILE"
	envAPIEndpoint   = "TELEGRAM_API_ENDPOINT"
	envDB            = "NEWSBOT_DB"
	envFeeds         = "NEWSBOT_FEEDS"
	envPollInterval  = "NEWSBOT_POLL_INTERVAL"
	envAdmins        = "NEWSBOT_ADMINS"
	envHTTPAddr      = "NEWSBOT_HTTP_ADDR"
	envLang          = "NEWSBOT_LANG"
	envTimezone      = "NEWSBOT_TIMEZONE"
	envRate          = "NEWSBOT_RATE"
	envPaidBroadcast = "NEWSBOT_PAID_BROADCAST"
	envLogFormat     = "NEWSBOT_LOG_FORMAT"
	envLogLevel      = "NEWSBOT_LOG_LEVEL"
	envContactURL    = "NEWSBOT_CONTACT_URL"
	envListingSel    = "NEWSBOT_LISTING_SELECTORS"
)

// Defaults and limits.
const (
	defaultAPIEndpoint  = "https://api.telegram.org/bot%s/%s"
	defaultDB           = "newsbot.db"
	defaultFeeds        = "news=https://osipovichi.gov.by/"
	defaultPollInterval = feed.DefaultInterval
	defaultHTTPAddr     = "127.0.0.1:8080"
	defaultLang         = subscriptions.LangRU
	defaultTimezone     = feed.DefaultTimezone
	defaultContactURL   = "https://osipovichi.gov.by/"
	defaultSection      = "news"

	minPollInterval  = 10 * time.Second
	minRate          = 1.0
	maxRate          = 30.0   // Telegram's broadcast limit
	maxPaidRate      = 1000.0 // with paid broadcasts
	maxTokenFileSize = 4096
	maxSelectorsFile = 64 << 10

	// httpAddrOff disables the HTTP server; an empty -http-addr does too.
	httpAddrOff = "off"
)

// A setting is one environment variable and its flag.
type setting struct {
	env, flag string
	def       string // the default, as text
	usage     string // for PrintDefaults; a `word` in backquotes names the value
	isBool    bool
}

// name is how messages name a setting: "NEWSBOT_DB (-db)".
func (s setting) name() string { return fmt.Sprintf("%s (-%s)", s.env, s.flag) }

// errorf returns the one-line usage error for a bad value of s.
func (s setting) errorf(format string, args ...any) error {
	return usageErrorf("%s: %s", s.name(), fmt.Sprintf(format, args...))
}

// Settings, in the order of the usage text.
var (
	setToken         = setting{env: envToken, flag: "token", usage: "bot `token` from @BotFather, required to run; prefer " + envTokenFile}
	setTokenFile     = setting{env: envTokenFile, flag: "token-file", usage: "read the bot token from the file at `path` (Docker secrets)"}
	setAPIEndpoint   = setting{env: envAPIEndpoint, flag: "api-endpoint", def: defaultAPIEndpoint, usage: "Bot API `URL` pattern, with %s for the token and %s for the method"}
	setDB            = setting{env: envDB, flag: "db", def: defaultDB, usage: "SQLite database `path`"}
	setFeeds         = setting{env: envFeeds, flag: "feeds", def: defaultFeeds, usage: "comma-separated `list` of [section[/lang]=][html:]URL (html: for a news listing page without a feed), e.g. news/ru=https://osipovichi.gov.by/ru/rss-ru/"}
	setPollInterval  = setting{env: envPollInterval, flag: "poll-interval", def: durationText(defaultPollInterval), usage: "poll the feeds every `duration`, at least " + durationText(minPollInterval)}
	setAdmins        = setting{env: envAdmins, flag: "admins", usage: "comma-separated Telegram user `IDs` of the administrators"}
	setHTTPAddr      = setting{env: envHTTPAddr, flag: "http-addr", def: defaultHTTPAddr, usage: "`host:port` to serve /healthz and /metrics on; off (or an empty flag) disables"}
	setLang          = setting{env: envLang, flag: "lang", def: defaultLang, usage: "default interface `language`: ru, be or en"}
	setTimezone      = setting{env: envTimezone, flag: "timezone", def: defaultTimezone, usage: "IANA time `zone` for quiet hours and digests"}
	setRate          = setting{env: envRate, flag: "rate", def: strconv.Itoa(delivery.DefaultRate), usage: "send at most `N` messages per second overall, 1 to 30 (1000 with paid broadcast)"}
	setPaidBroadcast = setting{env: envPaidBroadcast, flag: "paid-broadcast", def: "false", usage: "use Telegram's paid broadcasts (allow_paid_broadcast) to send faster than 30/s", isBool: true}
	setLogFormat     = setting{env: envLogFormat, flag: "log-format", def: "text", usage: "log `format`: text or json"}
	setLogLevel      = setting{env: envLogLevel, flag: "log-level", def: "info", usage: "log `level`: debug, info, warn or error"}
	setContactURL    = setting{env: envContactURL, flag: "contact-url", def: defaultContactURL, usage: "contact `URL` in the User-Agent of every request to the portal"}
	setListingSel    = setting{env: envListingSel, flag: "listing-selectors", usage: "CSS selectors of sources: `JSON` {\"URL\":{\"item\":…,\"title\":…,\"link\":…,\"date\":…,\"teaser\":…,\"image\":…,\"text\":…}} (text: the text block of the source's article pages), or the path of a file holding it"}
)

func allSettings() []setting {
	return []setting{
		setToken, setTokenFile, setAPIEndpoint, setDB, setFeeds, setPollInterval, setAdmins, setHTTPAddr,
		setLang, setTimezone, setRate, setPaidBroadcast, setLogFormat, setLogLevel, setContactURL, setListingSel,
	}
}

// rawFlag is a flag that keeps its text: parseConfig validates it together
// with the environment variable, so both get the same messages.
type rawFlag struct {
	value  string
	isBool bool
}

func (f *rawFlag) String() string {
	if f == nil {
		return ""
	}
	return f.value
}
func (f *rawFlag) Set(s string) error { f.value = s; return nil }
func (f *rawFlag) IsBoolFlag() bool   { return f.isBool }

// values looks settings up: a flag given on the command line wins over the
// environment variable, which wins over the default. An empty variable
// counts as unset. Values are trimmed of surrounding white space.
type values struct {
	flags  map[string]*rawFlag
	set    map[string]bool
	getenv func(string) string
}

func (v values) get(s setting) string {
	if v.set[s.flag] {
		return strings.TrimSpace(v.flags[s.flag].value)
	}
	if e := strings.TrimSpace(v.getenv(s.env)); e != "" {
		return e
	}
	return s.def
}

// parseConfig registers the settings' flags on fs (which may already hold
// the command's own flags), parses args and reads the environment through
// getenv. It returns flag.ErrHelp for -h, the flag package's error for a
// malformed command line, and otherwise an *exitError (code 2) whose one
// line names the bad setting. The token is not required here (see
// Config.requireToken), only checked when given, and never echoed.
// Arguments after the flags are left in fs.Args().
func parseConfig(fs *flag.FlagSet, args []string, getenv func(string) string) (Config, error) {
	v := values{flags: map[string]*rawFlag{}, set: map[string]bool{}, getenv: getenv}
	for _, s := range allSettings() {
		f := &rawFlag{value: s.def, isBool: s.isBool}
		v.flags[s.flag] = f
		fs.Var(f, s.flag, s.usage+" ($"+s.env+")")
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	fs.Visit(func(f *flag.Flag) { v.set[f.Name] = true })

	cfg, err := v.config()
	if err != nil {
		// Safety net: no message may carry the token, even one that echoes
		// another setting into which the token was pasted by mistake.
		secrets := []string{v.flags[setToken.flag].value, getenv(envToken)}
		var ee *exitError
		if errors.As(err, &ee) {
			ee.msg = delivery.NewRedactor(longEnough(secrets)...).Replace(ee.msg)
		}
		return Config{}, err
	}
	return cfg, nil
}

// longEnough keeps the strings that can be told apart from ordinary text.
func longEnough(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); len(s) >= 8 {
			out = append(out, s)
		}
	}
	return out
}

func (v values) config() (Config, error) {
	var cfg Config
	var err error
	if cfg.Token, err = v.token(); err != nil {
		return Config{}, err
	}
	if cfg.APIEndpoint, err = parseAPIEndpoint(setAPIEndpoint, v.get(setAPIEndpoint)); err != nil {
		return Config{}, err
	}
	if cfg.DB = v.get(setDB); cfg.DB == "" {
		return Config{}, setDB.errorf("empty: use the path of the SQLite file, e.g. /data/newsbot.db")
	}
	if cfg.Feeds, err = parseFeeds(setFeeds, v.get(setFeeds)); err != nil {
		return Config{}, err
	}
	if cfg.PollInterval, err = parsePollInterval(setPollInterval, v.get(setPollInterval)); err != nil {
		return Config{}, err
	}
	if cfg.Admins, err = parseAdmins(setAdmins, v.get(setAdmins)); err != nil {
		return Config{}, err
	}
	if cfg.HTTPAddr, err = parseHTTPAddr(setHTTPAddr, v.get(setHTTPAddr)); err != nil {
		return Config{}, err
	}
	if cfg.Lang = strings.ToLower(v.get(setLang)); !subscriptions.ValidLanguage(cfg.Lang) {
		return Config{}, setLang.errorf("%q is not a language: use ru, be or en", v.get(setLang))
	}
	if cfg.Timezone, err = parseTimezone(setTimezone, v.get(setTimezone)); err != nil {
		return Config{}, err
	}
	paid := v.get(setPaidBroadcast)
	if cfg.PaidBroadcast, err = strconv.ParseBool(paid); err != nil {
		return Config{}, setPaidBroadcast.errorf("%q is not a boolean: use true or false", paid)
	}
	if cfg.Rate, err = parseRate(setRate, v.get(setRate), cfg.PaidBroadcast); err != nil {
		return Config{}, err
	}
	switch cfg.LogFormat = strings.ToLower(v.get(setLogFormat)); cfg.LogFormat {
	case "text", "json":
	default:
		return Config{}, setLogFormat.errorf("%q is not a log format: use text or json", v.get(setLogFormat))
	}
	if cfg.LogLevel, err = parseLogLevel(setLogLevel, v.get(setLogLevel)); err != nil {
		return Config{}, err
	}
	if cfg.ContactURL, err = parseContactURL(setContactURL, v.get(setContactURL)); err != nil {
		return Config{}, err
	}
	if cfg.ListingSelectors, err = parseListingSelectors(setListingSel, v.get(setListingSel), cfg.Feeds); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// tokenRE is the shape of a bot token: the bot's ID, a colon, a secret.
var tokenRE = regexp.MustCompile(`^[0-9]+:[A-Za-z0-9_-]{20,}$`)

const tokenShape = "want the token from @BotFather: digits, a colon, then at least 20 letters, digits, - or _ (the value is not shown)"

// token reads the token from -token, -token-file, TELEGRAM_BOT_TOKEN or
// TELEGRAM_BOT_TOKEN_FILE. Its messages never contain the token.
func (v values) token() (string, error) {
	var tok, file string
	switch {
	case v.set[setToken.flag] && v.set[setTokenFile.flag]:
		return "", usageErrorf("-token and -token-file are both set: use one of them")
	case v.set[setToken.flag]:
		tok = v.get(setToken)
	case v.set[setTokenFile.flag]:
		if file = v.get(setTokenFile); file == "" {
			return "", setTokenFile.errorf("empty: use the path of a file that holds the bot token")
		}
	default:
		tok, file = v.get(setToken), v.get(setTokenFile)
		if tok != "" && file != "" {
			return "", usageErrorf("%s and %s are both set: use one of them", setToken.name(), setTokenFile.name())
		}
	}
	if file != "" {
		t, err := readTokenFile(file)
		if err != nil {
			return "", setTokenFile.errorf("%v", err)
		}
		if !tokenRE.MatchString(t) {
			return "", setTokenFile.errorf("file %q does not hold a bot token: %s", file, tokenShape)
		}
		return t, nil
	}
	if tok != "" && !tokenRE.MatchString(tok) {
		return "", setToken.errorf("not a bot token: %s", tokenShape)
	}
	return tok, nil
}

// readTokenFile returns the trimmed content of a token file. Its errors
// name the file but never show its content.
func readTokenFile(path string) (string, error) {
	b, err := readSmallFile(path, maxTokenFileSize)
	if err != nil {
		return "", err
	}
	t := strings.TrimSpace(string(b))
	if t == "" {
		return "", fmt.Errorf("file %q is empty: put the token from @BotFather in it", path)
	}
	return t, nil
}

// pathErrReason drops the operation and path that an *os.PathError repeats.
func pathErrReason(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// requireToken reports a missing token: the bot cannot run without one.
func (c Config) requireToken() error {
	if c.Token == "" {
		return usageErrorf("%s is not set: set it to the token from @BotFather, or set %s to a file that holds it",
			setToken.name(), setTokenFile.name())
	}
	return nil
}

func parseAPIEndpoint(s setting, v string) (string, error) {
	const want = "use an http(s) URL pattern with %s for the token and %s for the method, e.g. " + defaultAPIEndpoint
	if strings.Count(v, "%s") != 2 || strings.Count(v, "%") != 2 {
		return "", s.errorf("%q must contain %%s exactly twice and no other %%: %s", v, want)
	}
	u, err := url.Parse(strings.ReplaceAll(v, "%s", "x"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(v, " \t\r\n") {
		return "", s.errorf("%q is not an http or https URL: %s", v, want)
	}
	return v, nil
}

// sectionRE is the shape of a section name.
var sectionRE = regexp.MustCompile(`^[a-z0-9_-]{1,32}$`)

const feedsWant = "use a comma-separated list of [section[/lang]=]URL, e.g. news/ru=https://osipovichi.gov.by/ru/rss-ru/,news/en=https://osipovichi.gov.by/en/rss-en/"

// parseFeeds parses NEWSBOT_FEEDS: comma-separated items [section[/lang]=]URL.
// Empty items (a trailing comma) are skipped; items are numbered from 1 as written.
func parseFeeds(s setting, v string) ([]subscriptions.FeedConfig, error) {
	var feeds []subscriptions.FeedConfig
	seen := map[string]int{}
	for i, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		n := i + 1
		fc := subscriptions.FeedConfig{Section: defaultSection, URL: item}
		if label, rest, ok := strings.Cut(item, "="); ok && !looksLikeURL(label) {
			section, lang, hasLang := strings.Cut(strings.TrimSpace(label), "/")
			if !sectionRE.MatchString(section) {
				return nil, s.errorf("item %d %q: section %q is not valid: use up to 32 lowercase latin letters, digits, - or _, e.g. news", n, item, section)
			}
			if hasLang && !subscriptions.ValidLanguage(lang) {
				return nil, s.errorf("item %d %q: language %q is not valid: use ru, be or en, e.g. news/ru=URL", n, item, lang)
			}
			fc.Section, fc.Language, fc.URL = section, lang, strings.TrimSpace(rest)
		}
		fc.URL, fc.Kind = splitSourceKind(fc.URL)
		if err := checkHTTPURL(fc.URL); err != nil {
			return nil, s.errorf("item %d %q: %q is not a feed URL: %s", n, item, fc.URL, feedsWant)
		}
		key := urlKey(fc.URL)
		if j, dup := seen[key]; dup {
			return nil, s.errorf("item %d %q repeats the URL of item %d: list each feed once", n, item, j)
		}
		seen[key] = n
		feeds = append(feeds, fc)
	}
	if len(feeds) == 0 {
		return nil, s.errorf("no feeds: %s", feedsWant)
	}
	return feeds, nil
}

// looksLikeURL tells a URL with "=" in its query from a labelled item.
func looksLikeURL(label string) bool {
	return strings.Contains(label, ":") || strings.Contains(label, ".")
}

// urlKey is the form of a URL under which duplicates are found: the scheme
// and host are case-insensitive.
func urlKey(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Scheme, u.Host = strings.ToLower(u.Scheme), strings.ToLower(u.Host)
	return u.String()
}

// durationText writes a duration as people write it: 5m, 1h30m, 10s.
func durationText(d time.Duration) string {
	t := d.String()
	if strings.HasSuffix(t, "m0s") {
		t = strings.TrimSuffix(t, "0s")
	}
	if strings.HasSuffix(t, "h0m") {
		t = strings.TrimSuffix(t, "0m")
	}
	return t
}

func parsePollInterval(s setting, v string) (time.Duration, error) {
	want := "use a duration of at least " + durationText(minPollInterval) + ", e.g. " + durationText(defaultPollInterval)
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, s.errorf("%q is not a duration: %s", v, want)
	}
	if d < minPollInterval {
		return 0, s.errorf("%q is too short: %s", v, want)
	}
	return d, nil
}

func parseAdmins(s setting, v string) ([]int64, error) {
	var ids []int64
	seen := map[int64]bool{}
	for _, item := range strings.Split(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		id, err := strconv.ParseInt(item, 10, 64)
		if err != nil || id <= 0 || item[0] == '+' {
			return nil, s.errorf("%q is not a Telegram user ID: use comma-separated positive integers, e.g. 12345678,87654321", item)
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, nil
}

// hostRE is the shape of a host name.
var hostRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$`)

// parseHTTPAddr checks host:port. "off" (or an empty flag, which arrives
// here as "") disables the server: the result is "". Port 0 is accepted (a
// free port, for tests).
func parseHTTPAddr(s setting, v string) (string, error) {
	if v == "" || strings.EqualFold(v, httpAddrOff) {
		return "", nil
	}
	if err := checkHostPort(v); err != nil {
		return "", s.errorf("%q is not a listen address: %v: use host:port, e.g. 127.0.0.1:8080 or :8080, or off to disable", v, err)
	}
	return v, nil
}

// checkHostPort reports why v is not host:port with a numeric port.
func checkHostPort(v string) error {
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		return errors.New("not host:port")
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("port %q is not a number from 0 to 65535", port)
	}
	if host != "" && net.ParseIP(host) == nil && !hostRE.MatchString(host) {
		return fmt.Errorf("host %q is not an IP address or host name", host)
	}
	return nil
}

func parseTimezone(s setting, v string) (*time.Location, error) {
	loc, err := time.LoadLocation(v)
	if err != nil || v == "" || strings.EqualFold(v, "local") {
		return nil, s.errorf("%q is not a known time zone: use an IANA name, e.g. %s", v, defaultTimezone)
	}
	return loc, nil
}

func parseRate(s setting, v string, paid bool) (float64, error) {
	maxR, hint := maxRate, fmt.Sprintf("use %g to %g messages per second (up to %g with %s=true)", minRate, maxRate, maxPaidRate, envPaidBroadcast)
	if paid {
		maxR, hint = maxPaidRate, fmt.Sprintf("use %g to %g messages per second with paid broadcast", minRate, maxPaidRate)
	}
	r, err := strconv.ParseFloat(v, 64)
	switch {
	case err != nil || math.IsNaN(r) || math.IsInf(r, 0):
		return 0, s.errorf("%q is not a number: %s", v, hint)
	case r < minRate:
		return 0, s.errorf("%q is too low: %s", v, hint)
	case r > maxR:
		return 0, s.errorf("%q is too high: %s", v, hint)
	}
	return r, nil
}

func parseLogLevel(s setting, v string) (slog.Level, error) {
	switch strings.ToLower(v) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, s.errorf("%q is not a log level: use debug, info, warn or error", v)
}

func parseContactURL(s setting, v string) (string, error) {
	u, err := url.Parse(v)
	if err != nil || strings.ContainsAny(v, " \t\r\n") || !(((u.Scheme == "http" || u.Scheme == "https") && u.Host != "") || (u.Scheme == "mailto" && u.Opaque != "")) {
		return "", s.errorf("%q is not a contact URL: use an absolute http(s) or mailto URL, e.g. https://osipovichi.gov.by/", v)
	}
	return v, nil
}

// htmlPrefix marks a listing source in NEWSBOT_FEEDS: news=html:https://….
const htmlPrefix = "html:"

// splitSourceKind strips the html: prefix (any case) of a source.
func splitSourceKind(v string) (string, subscriptions.SourceKind) {
	if len(v) >= len(htmlPrefix) && strings.EqualFold(v[:len(htmlPrefix)], htmlPrefix) {
		return strings.TrimSpace(v[len(htmlPrefix):]), subscriptions.SourceListing
	}
	return v, subscriptions.SourceFeed
}

// sourceURL is a source's URL without its html: prefix.
func sourceURL(v string) string {
	u, _ := splitSourceKind(v)
	return u
}

// sourceString is a source as written in NEWSBOT_FEEDS, html: prefix included.
func sourceString(f subscriptions.FeedConfig) string {
	if f.Kind == subscriptions.SourceListing {
		return htmlPrefix + f.URL
	}
	return f.URL
}

const listingSelWant = `use a JSON object of source URLs to selectors, e.g. {"https://osipovichi.gov.by/ru/news-rayon-ru/":{"item":".news_block","title":".news_title a"}}, or the path of a file that holds one`

// parseListingSelectors parses NEWSBOT_LISTING_SELECTORS: a JSON object (or
// the path of a file holding one) whose keys are configured source URLs
// (html: prefix optional) and values objects of CSS selectors (item, title,
// link, date, teaser, image of a listing; text of the source's article
// pages; empty ones keep the defaults). Keys are returned
// as configured in NEWSBOT_FEEDS.
func parseListingSelectors(s setting, v string, feeds []subscriptions.FeedConfig) (map[string]feed.Selectors, error) {
	if v == "" {
		return nil, nil
	}
	data := []byte(v)
	if !strings.HasPrefix(v, "{") {
		b, err := readSmallFile(v, maxSelectorsFile)
		if err != nil {
			return nil, s.errorf("%v: %s", err, listingSelWant)
		}
		data = b
	}
	var raw map[string]map[string]string
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		return nil, s.errorf("not valid JSON (%v): %s", err, listingSelWant)
	}
	if dec.More() {
		return nil, s.errorf("not valid JSON (more than one value): %s", listingSelWant)
	}
	if len(raw) == 0 {
		return nil, nil
	}
	configured := map[string]string{}
	for _, f := range feeds {
		configured[urlKey(f.URL)] = f.URL
	}
	out := make(map[string]feed.Selectors, len(raw))
	for key, fields := range raw {
		u, _ := splitSourceKind(strings.TrimSpace(key))
		src, ok := configured[urlKey(u)]
		if !ok {
			return nil, s.errorf("%q is not a source of %s: use a URL as written there", key, envFeeds)
		}
		if _, dup := out[src]; dup {
			return nil, s.errorf("%q is given twice", src)
		}
		var sel feed.Selectors
		for name, value := range fields {
			if !sel.Set(name, strings.TrimSpace(value)) {
				return nil, s.errorf("%q: unknown field %q: use %s", key, name, strings.Join(feed.SelectorFields, ", "))
			}
		}
		if err := sel.Validate(); err != nil {
			return nil, s.errorf("%q: %v", key, err)
		}
		out[src] = sel
	}
	return out, nil
}

// readSmallFile reads a file of at most limit bytes; errors name it.
func readSmallFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %q: %v", path, pathErrReason(err))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %q: %v", path, pathErrReason(err))
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("file %q is larger than %d KiB", path, limit>>10)
	}
	return b, nil
}

// String describes the configuration for people and logs; it never shows the token.
func (c Config) String() string {
	var b strings.Builder
	for i, a := range c.attrs() {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s=%v", a.Key, a.Value)
	}
	return b.String()
}

// GoString keeps %#v from printing the token.
func (c Config) GoString() string { return "main.Config{" + c.String() + "}" }

// LogValue lets slog log the configuration without the token.
func (c Config) LogValue() slog.Value { return slog.GroupValue(c.attrs()...) }

func (c Config) attrs() []slog.Attr {
	feeds := make([]string, len(c.Feeds))
	for i, f := range c.Feeds {
		label := f.Section
		if f.Language != "" {
			label += "/" + f.Language
		}
		feeds[i] = label + "=" + sourceString(f)
	}
	admins := make([]string, len(c.Admins))
	for i, id := range c.Admins {
		admins[i] = strconv.FormatInt(id, 10)
	}
	tz := ""
	if c.Timezone != nil {
		tz = c.Timezone.String()
	}
	httpAddr := c.HTTPAddr
	if httpAddr == "" {
		httpAddr = httpAddrOff
	}
	attrs := []slog.Attr{
		slog.Bool("token_set", c.Token != ""),
		slog.String("api_endpoint", c.APIEndpoint),
		slog.String("db", c.DB),
		slog.String("feeds", strings.Join(feeds, ",")),
		slog.Duration("poll_interval", c.PollInterval),
		slog.String("admins", strings.Join(admins, ",")),
		slog.String("http_addr", httpAddr),
		slog.String("lang", c.Lang),
		slog.String("timezone", tz),
		slog.Float64("rate", c.Rate),
		slog.Bool("paid_broadcast", c.PaidBroadcast),
		slog.String("log_format", c.LogFormat),
		slog.String("log_level", strings.ToLower(c.LogLevel.String())),
		slog.String("contact_url", c.ContactURL),
	}
	if len(c.ListingSelectors) > 0 {
		urls := make([]string, 0, len(c.ListingSelectors))
		for _, f := range c.Feeds {
			if _, ok := c.ListingSelectors[f.URL]; ok {
				urls = append(urls, f.URL)
			}
		}
		attrs = append(attrs, slog.String("listing_selectors", strings.Join(urls, ",")))
	}
	return attrs
}
