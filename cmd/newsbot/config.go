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
	"unicode"
	"unicode/utf8"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/feed"
	"github.com/osipovichi/newsbot/subscriptions"
)

// Config is the effective configuration, parsed once by parseConfig from the
// environment and the flags. Token is a secret: never log or print it; log
// the Config itself, whose String and LogValue leave the token out.
type Config struct {
	Token          string                     // TELEGRAM_BOT_TOKEN; empty unless set (required to run)
	APIEndpoint    string                     // TELEGRAM_API_ENDPOINT: fmt pattern with two %s, token then method
	DB             string                     // NEWSBOT_DB: SQLite file path
	Feeds          []subscriptions.FeedConfig // NEWSBOT_FEEDS: at least one, URLs unique
	PollInterval   time.Duration              // NEWSBOT_POLL_INTERVAL: at least 10s
	FeedAlertAfter time.Duration              // NEWSBOT_FEED_ALERT_AFTER: at least 10s
	MaxNewPerPoll  int                        // NEWSBOT_MAX_NEW_PER_POLL: 1 to maxMaxNew
	Admins         []int64                    // NEWSBOT_ADMINS: Telegram user IDs, may be empty
	HTTPAddr       string                     // NEWSBOT_HTTP_ADDR: host:port of /healthz and /metrics; empty: disabled
	Lang           string                     // NEWSBOT_LANG: ru, be or en
	Timezone       *time.Location             // NEWSBOT_TIMEZONE
	Rate           float64                    // NEWSBOT_RATE: messages per second overall
	PaidBroadcast  bool                       // NEWSBOT_PAID_BROADCAST
	LogFormat      string                     // NEWSBOT_LOG_FORMAT: text or json
	LogLevel       slog.Level                 // NEWSBOT_LOG_LEVEL
	ContactURL     string                     // NEWSBOT_CONTACT_URL: for the User-Agent of requests to the portal
	Horizon        time.Duration              // NEWSBOT_DELIVERY_HORIZON: how long a failing delivery is retried
	Retention      time.Duration              // NEWSBOT_RETENTION: how long settled deliveries are kept; 0: for ever
	// ListingSelectors (NEWSBOT_LISTING_SELECTORS) override the CSS selectors of
	// listing sources, by configured URL; nil when unset.
	ListingSelectors map[string]feed.Selectors
	// SectionNames (NEWSBOT_SECTION_NAMES) name sections for residents: by
	// section, then by language; nil when unset (the built-in names).
	SectionNames map[string]map[string]string
	// AllowedHosts (NEWSBOT_ALLOWED_HOSTS) are hosts besides those of Feeds
	// that fetches may reach (see feed.Scope); checked by parseConfig.
	AllowedHosts []string
	// Contacts (NEWSBOT_CONTACTS) are the committee's contacts that /contacts
	// shows, as the operator wrote them (see render.Contacts); "" when unset.
	Contacts string
	// InvitePayload (NEWSBOT_INVITE_PAYLOAD) is the subscribe deep link's
	// payload of the QR code and snippet the HTTP server serves for the
	// portal under /invite/; empty: off.
	InvitePayload string
}

// Names of the environment variables.
const (
	envToken         = "TELEGRAM_BOT_TOKEN"
	envTokenFile     = "TELEGRAM_BOT_TOKEN_FILE"
	envAPIEndpoint   = "TELEGRAM_API_ENDPOINT"
	envDB            = "NEWSBOT_DB"
	envFeeds         = "NEWSBOT_FEEDS"
	envPollInterval  = "NEWSBOT_POLL_INTERVAL"
	envFeedAlert     = "NEWSBOT_FEED_ALERT_AFTER"
	envMaxNew        = "NEWSBOT_MAX_NEW_PER_POLL"
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
	envSectionNames  = "NEWSBOT_SECTION_NAMES"
	envAllowedHosts  = "NEWSBOT_ALLOWED_HOSTS"
	envHorizon       = "NEWSBOT_DELIVERY_HORIZON"
	envRetention     = "NEWSBOT_RETENTION"
	envContacts      = "NEWSBOT_CONTACTS"
	envInvitePayload = "NEWSBOT_INVITE_PAYLOAD"
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

	defaultRetention = 90 * day

	day              = 24 * time.Hour
	minPollInterval  = 10 * time.Second
	minHorizon       = time.Minute
	maxHorizon       = 30 * day
	minRetention     = day
	minRate          = 1.0
	maxRate          = 30.0   // Telegram's broadcast limit
	maxPaidRate      = 1000.0 // with paid broadcasts
	maxTokenFileSize = 4096
	maxMaxNew        = 100
	maxSelectorsFile = 64 << 10
	maxContactsFile  = 16 << 10
	maxSectionName   = 64 // characters: what a message shows of a section's name

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
	setFeedAlert     = setting{env: envFeedAlert, flag: "feed-alert-after", def: durationText(feed.DefaultAlertAfter), usage: "tell the admins when a feed has had no successful poll (or has arrived cut off) for `duration`, and at least two poll intervals"}
	setMaxNew        = setting{env: envMaxNew, flag: "max-new-per-poll", def: strconv.Itoa(feed.DefaultMaxNew), usage: "announce at most `N` new articles of a feed per poll one by one (1 to 100); the others in one \"and N more on the portal\" message"}
	setAdmins        = setting{env: envAdmins, flag: "admins", usage: "comma-separated Telegram user `IDs` of the administrators"}
	setHTTPAddr      = setting{env: envHTTPAddr, flag: "http-addr", def: defaultHTTPAddr, usage: "`host:port` to serve /healthz and /metrics on; off (or an empty flag) disables"}
	setLang          = setting{env: envLang, flag: "lang", def: defaultLang, usage: "default interface `language`: ru, be or en"}
	setTimezone      = setting{env: envTimezone, flag: "timezone", def: defaultTimezone, usage: "IANA time `zone` for quiet hours, digests and scheduled notices"}
	setRate          = setting{env: envRate, flag: "rate", def: strconv.Itoa(delivery.DefaultRate), usage: "send at most `N` messages per second overall, 1 to 30 (1000 with paid broadcast)"}
	setPaidBroadcast = setting{env: envPaidBroadcast, flag: "paid-broadcast", def: "false", usage: "use Telegram's paid broadcasts (allow_paid_broadcast) to send faster than 30/s", isBool: true}
	setLogFormat     = setting{env: envLogFormat, flag: "log-format", def: "text", usage: "log `format`: text or json"}
	setLogLevel      = setting{env: envLogLevel, flag: "log-level", def: "info", usage: "log `level`: debug, info, warn or error"}
	setContactURL    = setting{env: envContactURL, flag: "contact-url", def: defaultContactURL, usage: "contact `URL` in the User-Agent of every request to the portal"}
	setHorizon       = setting{env: envHorizon, flag: "delivery-horizon", def: durationText(delivery.DefaultHorizon), usage: "give a delivery up once it has been failing for `duration` (Telegram down, timeouts), " + durationText(minHorizon) + " to " + durationText(maxHorizon)}
	setRetention     = setting{env: envRetention, flag: "retention", def: durationText(defaultRetention), usage: "delete deliveries settled more than `duration` ago (e.g. 90d, 720h), at least " + durationText(minRetention) + "; 0 keeps everything"}
	setListingSel    = setting{env: envListingSel, flag: "listing-selectors", usage: "CSS selectors of sources: `JSON` {\"URL\":{\"item\":…,\"title\":…,\"link\":…,\"date\":…,\"teaser\":…,\"image\":…,\"text\":…}} (text: the text block of the source's article pages), or the path of a file holding it"}
	setSectionNames  = setting{env: envSectionNames, flag: "section-names", usage: "names of sections for residents: `list` of section=Русский|Беларуская|English separated by ;, e.g. district=Районные новости|Навіны раёна|District news"}
	setAllowedHosts  = setting{env: envAllowedHosts, flag: "allowed-hosts", usage: "comma-separated `hosts` that feeds, listings and /post may reach besides those of " + envFeeds + ": host, host:port or *.domain; they must resolve to public addresses"}
	setContacts      = setting{env: envContacts, flag: "contacts", usage: "the committee's contacts that /contacts shows: `text` with links written [text](https://…) and \\n for a new line, or the path of a UTF-8 file holding it (starting with / or ./)"}
	setInvitePayload = setting{env: envInvitePayload, flag: "invite-payload", usage: "serve the subscribe QR code (/invite/qr.png) and the portal's HTML snippet (/invite/snippet.html) for the deep link with this `payload`, e.g. subscribe-portal; empty: off"}
)

func allSettings() []setting {
	return []setting{
		setToken, setTokenFile, setAPIEndpoint, setDB, setFeeds, setPollInterval, setFeedAlert, setMaxNew, setAdmins, setHTTPAddr,
		setLang, setTimezone, setRate, setPaidBroadcast, setHorizon, setRetention, setLogFormat, setLogLevel, setContactURL,
		setListingSel, setSectionNames, setAllowedHosts, setContacts, setInvitePayload,
	}
}

// commandSettings are the settings each command reads, as its -h lists
// them; a command not listed (run) reads them all.
var commandSettings = map[string][]setting{
	"backup":  {setDB, setLogFormat, setLogLevel},
	"preview": {setFeeds, setLang, setTimezone, setContactURL, setListingSel, setSectionNames, setAllowedHosts},
	"invite":  {setToken, setTokenFile, setAPIEndpoint, setLang},
}

// settingsOf returns the settings that cmd reads.
func settingsOf(cmd string) []setting {
	if s, ok := commandSettings[cmd]; ok {
		return s
	}
	return allSettings()
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
// counts as unset. Values are trimmed of surrounding white space. A setting
// the command does not read (no flag registered) has its default.
type values struct {
	flags  map[string]*rawFlag
	set    map[string]bool
	getenv func(string) string
}

func (v values) get(s setting) string {
	if v.flags[s.flag] == nil {
		return s.def
	}
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
	return parseSettings(fs, args, getenv, allSettings())
}

// parseSettings is parseConfig for a command that reads only settings: the
// others keep their defaults, and its -h lists only these.
func parseSettings(fs *flag.FlagSet, args []string, getenv func(string) string, settings []setting) (Config, error) {
	v := values{flags: map[string]*rawFlag{}, set: map[string]bool{}, getenv: getenv}
	for _, s := range settings {
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
		secrets := []string{v.get(setToken), getenv(envToken)}
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
	if cfg.FeedAlertAfter, err = parsePollInterval(setFeedAlert, v.get(setFeedAlert)); err != nil {
		return Config{}, err
	}
	if cfg.MaxNewPerPoll, err = parseMaxNew(setMaxNew, v.get(setMaxNew)); err != nil {
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
	if cfg.Horizon, err = parseHorizon(setHorizon, v.get(setHorizon)); err != nil {
		return Config{}, err
	}
	if cfg.Retention, err = parseRetention(setRetention, v.get(setRetention)); err != nil {
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
	if cfg.SectionNames, err = parseSectionNames(setSectionNames, v.get(setSectionNames), cfg.Feeds); err != nil {
		return Config{}, err
	}
	if cfg.AllowedHosts, err = parseAllowedHosts(setAllowedHosts, v.get(setAllowedHosts)); err != nil {
		return Config{}, err
	}
	if cfg.Contacts, err = parseContacts(setContacts, v.get(setContacts)); err != nil {
		return Config{}, err
	}
	if cfg.InvitePayload, err = parseInvitePayload(setInvitePayload, v.get(setInvitePayload), cfg.HTTPAddr); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// parseAllowedHosts parses NEWSBOT_ALLOWED_HOSTS: comma-separated host,
// host:port or *.domain (see feed.Scope).
func parseAllowedHosts(s setting, v string) ([]string, error) {
	var hosts []string
	for _, h := range strings.Split(v, ",") {
		if h = strings.TrimSpace(h); h != "" {
			hosts = append(hosts, h)
		}
	}
	if _, err := feed.NewScope(nil, hosts); err != nil {
		return nil, s.errorf("%v", err)
	}
	return hosts, nil
}

// fetchScope is where the bot's fetches may go: the hosts of sources and
// the allowed hosts.
func (c Config) fetchScope(sources []subscriptions.FeedConfig) *feed.Scope {
	urls := make([]string, len(sources))
	for i, f := range sources {
		urls[i] = f.URL
	}
	scope, err := feed.NewScope(urls, c.AllowedHosts)
	if err != nil { // parseConfig checked both
		panic("fetch scope of a checked configuration: " + err.Error())
	}
	return scope
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
		if sep := joinedSources(item); sep != "" {
			return nil, s.errorf("item %d %q holds several sources separated by %s: separate sources with commas, e.g. %s", n, item, sep,
				"news/ru=https://osipovichi.gov.by/ru/rss-ru/,news/be=https://osipovichi.gov.by/be/rss-be/")
		}
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

// joinedSources names the separator (";", "|", white space) when item
// holds several sources joined by it instead of commas, else "". Only
// pieces that look like sources count: a URL may hold a ";" of its own.
func joinedSources(item string) string {
	for _, sep := range []struct {
		name  string
		split func(string) []string
	}{
		{`";"`, func(s string) []string { return strings.Split(s, ";") }},
		{`"|"`, func(s string) []string { return strings.Split(s, "|") }},
		{"spaces or new lines", strings.Fields},
	} {
		sources := 0
		for _, piece := range sep.split(item) {
			if strings.Contains(piece, "://") {
				sources++
			}
		}
		if sources > 1 {
			return sep.name
		}
	}
	return ""
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

// durationText writes a duration as people write it: 5m, 1h30m, 10s, 90d.
func durationText(d time.Duration) string {
	if d > day && d%day == 0 {
		return strconv.FormatInt(int64(d/day), 10) + "d"
	}
	t := d.String()
	if strings.HasSuffix(t, "m0s") {
		t = strings.TrimSuffix(t, "0s")
	}
	if strings.HasSuffix(t, "h0m") {
		t = strings.TrimSuffix(t, "0m")
	}
	return t
}

// parsePollInterval parses a duration of the poller: at least minPollInterval.
func parsePollInterval(s setting, v string) (time.Duration, error) {
	want := "use a duration of at least " + durationText(minPollInterval) + ", e.g. " + s.def
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, s.errorf("%q is not a duration: %s", v, want)
	}
	if d < minPollInterval {
		return 0, s.errorf("%q is too short: %s", v, want)
	}
	return d, nil
}

func parseMaxNew(s setting, v string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxMaxNew {
		return 0, s.errorf("%q is not a number from 1 to %d: use e.g. %s", v, maxMaxNew, s.def)
	}
	return n, nil
}

// parseLongDuration reads a Go duration (36h, 90m) or a number of days (90d).
func parseLongDuration(v string) (time.Duration, bool) {
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.ParseUint(days, 10, 16)
		return time.Duration(n) * day, err == nil
	}
	d, err := time.ParseDuration(v)
	return d, err == nil
}

func parseHorizon(s setting, v string) (time.Duration, error) {
	want := "use a duration from " + durationText(minHorizon) + " to " + durationText(maxHorizon) + ", e.g. " + durationText(delivery.DefaultHorizon) + " or 3d"
	d, ok := parseLongDuration(v)
	switch {
	case !ok:
		return 0, s.errorf("%q is not a duration: %s", v, want)
	case d < minHorizon:
		return 0, s.errorf("%q is too short: %s", v, want)
	case d > maxHorizon:
		return 0, s.errorf("%q is too long: %s", v, want)
	}
	return d, nil
}

func parseRetention(s setting, v string) (time.Duration, error) {
	want := "use a duration of at least " + durationText(minRetention) + ", e.g. " + durationText(defaultRetention) + " or 2160h, or 0 to keep everything"
	d, ok := parseLongDuration(v)
	switch {
	case !ok:
		return 0, s.errorf("%q is not a duration: %s", v, want)
	case d != 0 && d < minRetention:
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

const sectionNamesWant = "use section=Русский|Беларуская|English items separated by ;, e.g. district=Районные новости|Навіны раёна|District news;kids=Детям (one name for every language)"

// parseSectionNames parses NEWSBOT_SECTION_NAMES: items section=names
// separated by semicolons (names may hold commas), the names in the order
// ru|be|en; one name without | is for every language, an empty one leaves
// that language its built-in name (or another language's). Every section
// named must be one of NEWSBOT_FEEDS, and every section of NEWSBOT_FEEDS
// must have a name, built in or given here: residents never see a slug.
func parseSectionNames(s setting, v string, feeds []subscriptions.FeedConfig) (map[string]map[string]string, error) {
	configured := map[string]bool{}
	var sections []string
	for _, f := range feeds {
		if !configured[f.Section] {
			configured[f.Section] = true
			sections = append(sections, f.Section)
		}
	}
	var out map[string]map[string]string
	for i, item := range strings.Split(v, ";") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		n := i + 1
		slug, names, ok := strings.Cut(item, "=")
		slug = strings.TrimSpace(slug)
		switch {
		case !ok:
			return nil, s.errorf("item %d %q has no '=': %s", n, item, sectionNamesWant)
		case !configured[slug]:
			return nil, s.errorf("item %d: %q is not a section of %s (%s): %s", n, slug, envFeeds, strings.Join(sections, ", "), sectionNamesWant)
		case out[slug] != nil:
			return nil, s.errorf("item %d names section %q again: name each section once", n, slug)
		}
		parts := strings.Split(names, "|")
		langs := subscriptions.Languages()
		if len(parts) > len(langs) {
			return nil, s.errorf("item %d %q has %d names: give at most %d, in the order ru|be|en", n, item, len(parts), len(langs))
		}
		byLang := map[string]string{}
		for j, name := range parts {
			name = strings.TrimSpace(name)
			if err := checkSectionName(name); err != nil {
				return nil, s.errorf("item %d %q: name %q %v", n, item, name, err)
			}
			if name == "" {
				continue
			}
			if len(parts) == 1 {
				for _, l := range langs {
					byLang[l] = name
				}
				continue
			}
			byLang[langs[j]] = name
		}
		if len(byLang) == 0 {
			return nil, s.errorf("item %d %q gives no name: %s", n, item, sectionNamesWant)
		}
		if out == nil {
			out = map[string]map[string]string{}
		}
		out[slug] = byLang
	}
	named := i18n.NewSections(out)
	for _, sec := range sections {
		if !named.Named(sec) {
			return nil, s.errorf("section %q of %s has no name that residents could read: add %s=Русский|Беларуская|English (built-in names: %s)",
				sec, envFeeds, sec, strings.Join(i18n.BuiltinSections(), ", "))
		}
	}
	return out, nil
}

// checkSectionName reports what is wrong with a section's name, if anything.
func checkSectionName(name string) error {
	switch {
	case !utf8.ValidString(name):
		return errors.New("is not valid UTF-8 text")
	case utf8.RuneCountInString(name) > maxSectionName:
		return fmt.Errorf("is longer than %d characters", maxSectionName)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return errors.New("holds a control character")
	}
	return nil
}

const contactsWant = `write the text with links as [text](https://…), e.g. Горячая линия: +375 2235 5-55-55\nОбращения: [portal.gov.by](https://portal.gov.by/), or give the path of a file that holds it`

// parseContacts reads NEWSBOT_CONTACTS: the text itself, in which \n
// (backslash, n) starts a new line, or, when it starts with / or ./, the
// path of a UTF-8 file holding it. The text is checked as /contacts will
// render it.
func parseContacts(s setting, v string) (string, error) {
	if v == "" {
		return "", nil
	}
	text := strings.ReplaceAll(v, `\n`, "\n")
	if strings.HasPrefix(v, "/") || strings.HasPrefix(v, "./") || strings.HasPrefix(v, "../") {
		b, err := readSmallFile(v, maxContactsFile)
		if err != nil {
			return "", s.errorf("%v: %s", err, contactsWant)
		}
		text = string(b)
	}
	if _, err := render.Contacts("", text); err != nil {
		return "", s.errorf("the contacts cannot be shown: %v: %s", err, contactsWant)
	}
	return strings.TrimSpace(text), nil
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
		slog.Duration("feed_alert_after", c.FeedAlertAfter),
		slog.Int("max_new_per_poll", c.MaxNewPerPoll),
		slog.String("admins", strings.Join(admins, ",")),
		slog.String("http_addr", httpAddr),
		slog.String("lang", c.Lang),
		slog.String("timezone", tz),
		slog.Float64("rate", c.Rate),
		slog.Bool("paid_broadcast", c.PaidBroadcast),
		slog.String("delivery_horizon", durationText(c.Horizon)),
		slog.String("retention", durationText(c.Retention)),
		slog.String("log_format", c.LogFormat),
		slog.String("log_level", strings.ToLower(c.LogLevel.String())),
		slog.String("contact_url", c.ContactURL),
	}
	if len(c.AllowedHosts) > 0 {
		attrs = append(attrs, slog.String("allowed_hosts", strings.Join(c.AllowedHosts, ",")))
	}
	if c.Contacts != "" {
		attrs = append(attrs, slog.Bool("contacts_set", true))
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
	if len(c.SectionNames) > 0 {
		var items []string
		seen := map[string]bool{}
		for _, f := range c.Feeds {
			byLang, ok := c.SectionNames[f.Section]
			if !ok || seen[f.Section] {
				continue
			}
			seen[f.Section] = true
			names := make([]string, 0, 3)
			for _, l := range subscriptions.Languages() {
				names = append(names, byLang[l])
			}
			items = append(items, f.Section+"="+strings.Join(names, "|"))
		}
		attrs = append(attrs, slog.String("section_names", strings.Join(items, ";")))
	}
	if c.InvitePayload != "" {
		attrs = append(attrs, slog.String("invite_payload", c.InvitePayload))
	}
	return attrs
}
