package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/feed"
	"github.com/osipovichi/newsbot/subscriptions"
)

const testToken = "123456789:AAH-test_token_0123456789abcdefXYZ"

// mapEnv is a getenv backed by a map.
func mapEnv(env map[string]string) func(string) string {
	return func(k string) string { return env[k] }
}

// parseTest parses a configuration from env and command-line args.
func parseTest(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	return parseConfig(newFlagSet("test"), args, mapEnv(env))
}

func TestParseConfigDefaults(t *testing.T) {
	cfg, err := parseTest(t, nil)
	if err != nil {
		t.Fatalf("parseConfig: got error %v, want nil", err)
	}
	want := Config{
		APIEndpoint:  "https://api.telegram.org/bot%s/%s",
		DB:           "newsbot.db",
		Feeds:        []subscriptions.FeedConfig{{Section: "news", URL: "https://osipovichi.gov.by/"}},
		PollInterval: 5 * time.Minute,
		HTTPAddr:     "127.0.0.1:8080",
		Lang:         "ru",
		Rate:         25,
		LogFormat:    "text",
		LogLevel:     slog.LevelInfo,
		ContactURL:   "https://osipovichi.gov.by/",
	}
	if cfg.Timezone == nil || cfg.Timezone.String() != "Europe/Minsk" {
		t.Errorf("Timezone: got %v, want Europe/Minsk", cfg.Timezone)
	}
	cfg.Timezone = nil
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("got %s, want %s", cfg, want)
	}
}

// TestParseConfigSettings checks, for every setting, its default, the
// environment variable, and that the flag beats the variable.
func TestParseConfigSettings(t *testing.T) {
	tz := func(c Config) any { return c.Timezone.String() }
	tests := []struct {
		name string
		env  map[string]string
		args []string
		get  func(Config) any
		want any
	}{
		{"token default", nil, nil, func(c Config) any { return c.Token }, ""},
		{"token env", map[string]string{envToken: testToken}, nil, func(c Config) any { return c.Token }, testToken},
		{"token env trimmed", map[string]string{envToken: " " + testToken + "\n"}, nil, func(c Config) any { return c.Token }, testToken},
		{"token flag beats env", map[string]string{envToken: "1:" + strings.Repeat("e", 20)}, []string{"-token", testToken}, func(c Config) any { return c.Token }, testToken},

		{"api endpoint default", nil, nil, func(c Config) any { return c.APIEndpoint }, "https://api.telegram.org/bot%s/%s"},
		{"api endpoint env", map[string]string{envAPIEndpoint: "http://127.0.0.1:9/bot%s/%s"}, nil, func(c Config) any { return c.APIEndpoint }, "http://127.0.0.1:9/bot%s/%s"},
		{"api endpoint flag beats env", map[string]string{envAPIEndpoint: "http://a/bot%s/%s"}, []string{"-api-endpoint", "http://b/bot%s/%s"}, func(c Config) any { return c.APIEndpoint }, "http://b/bot%s/%s"},

		{"db default", nil, nil, func(c Config) any { return c.DB }, "newsbot.db"},
		{"db env", map[string]string{envDB: "/data/x.db"}, nil, func(c Config) any { return c.DB }, "/data/x.db"},
		{"db flag beats env", map[string]string{envDB: "/data/x.db"}, []string{"-db", "y.db"}, func(c Config) any { return c.DB }, "y.db"},

		{"feeds default", nil, nil, func(c Config) any { return c.Feeds }, []subscriptions.FeedConfig{{Section: "news", URL: "https://osipovichi.gov.by/"}}},
		{"feeds env", map[string]string{envFeeds: "news/ru=https://osipovichi.gov.by/ru/rss-ru/, news/en=https://osipovichi.gov.by/en/rss-en/,announcements=https://osipovichi.gov.by/ru/ann/,https://osipovichi.gov.by/be/rss-be/?a=b,"}, nil,
			func(c Config) any { return c.Feeds }, []subscriptions.FeedConfig{
				{Section: "news", Language: "ru", URL: "https://osipovichi.gov.by/ru/rss-ru/"},
				{Section: "news", Language: "en", URL: "https://osipovichi.gov.by/en/rss-en/"},
				{Section: "announcements", URL: "https://osipovichi.gov.by/ru/ann/"},
				{Section: "news", URL: "https://osipovichi.gov.by/be/rss-be/?a=b"},
			}},
		{"feeds with = in the query", map[string]string{envFeeds: "sport_2/be=http://example.org/feed?x=1&y=2"}, nil,
			func(c Config) any { return c.Feeds }, []subscriptions.FeedConfig{{Section: "sport_2", Language: "be", URL: "http://example.org/feed?x=1&y=2"}}},
		{"feeds flag beats env", map[string]string{envFeeds: "a=https://a.example/"}, []string{"-feeds", "b=https://b.example/"},
			func(c Config) any { return c.Feeds }, []subscriptions.FeedConfig{{Section: "b", URL: "https://b.example/"}}},
		{"feeds html listings", map[string]string{envFeeds: "district/ru=html:https://osipovichi.gov.by/ru/news-rayon-ru/,HTML:https://osipovichi.gov.by/be/news-rayon-be/,news=https://osipovichi.gov.by/"}, nil,
			func(c Config) any { return c.Feeds }, []subscriptions.FeedConfig{
				{Section: "district", Language: "ru", URL: "https://osipovichi.gov.by/ru/news-rayon-ru/", Kind: subscriptions.SourceListing},
				{Section: "news", URL: "https://osipovichi.gov.by/be/news-rayon-be/", Kind: subscriptions.SourceListing},
				{Section: "news", URL: "https://osipovichi.gov.by/"},
			}},
		{"listing selectors default", nil, nil, func(c Config) any { return c.ListingSelectors }, map[string]feed.Selectors(nil)},
		{"listing selectors env", map[string]string{
			envFeeds:      "district=html:https://osipovichi.gov.by/ru/news-rayon-ru/,news=https://osipovichi.gov.by/",
			envListingSel: `{"html:HTTPS://osipovichi.gov.by/ru/news-rayon-ru/": {"item": ".cards > .card", "title": " .card__caption ", "link": "a.card__link", "date": "time, .when", "teaser": "p:not(.meta)", "image": "img[data-src]"}, "https://osipovichi.gov.by/": {}}`,
		}, nil, func(c Config) any { return c.ListingSelectors }, map[string]feed.Selectors{
			"https://osipovichi.gov.by/ru/news-rayon-ru/": {Item: ".cards > .card", Title: ".card__caption", Link: "a.card__link", Date: "time, .when", Teaser: "p:not(.meta)", Image: "img[data-src]"},
			"https://osipovichi.gov.by/":                  {},
		}},
		{"listing selectors flag beats env", map[string]string{envFeeds: "html:https://a.example/", envListingSel: `{"https://a.example/":{"item":".a"}}`},
			[]string{"-listing-selectors", `{"https://a.example/":{"item":".b"}}`}, func(c Config) any { return c.ListingSelectors }, map[string]feed.Selectors{"https://a.example/": {Item: ".b"}}},
		{"listing selectors empty object", map[string]string{envListingSel: ` {} `}, nil, func(c Config) any { return c.ListingSelectors }, map[string]feed.Selectors(nil)},

		{"poll interval default", nil, nil, func(c Config) any { return c.PollInterval }, 5 * time.Minute},
		{"poll interval env", map[string]string{envPollInterval: "10s"}, nil, func(c Config) any { return c.PollInterval }, 10 * time.Second},
		{"poll interval flag beats env", map[string]string{envPollInterval: "10s"}, []string{"-poll-interval", "1h"}, func(c Config) any { return c.PollInterval }, time.Hour},

		{"admins default", nil, nil, func(c Config) any { return c.Admins }, []int64(nil)},
		{"admins env", map[string]string{envAdmins: "12345678, 87654321,12345678,"}, nil, func(c Config) any { return c.Admins }, []int64{12345678, 87654321}},
		{"admins flag beats env", map[string]string{envAdmins: "1"}, []string{"-admins", "2,3"}, func(c Config) any { return c.Admins }, []int64{2, 3}},
		{"admins empty flag beats env", map[string]string{envAdmins: "1"}, []string{"-admins="}, func(c Config) any { return c.Admins }, []int64(nil)},

		{"http addr default", nil, nil, func(c Config) any { return c.HTTPAddr }, "127.0.0.1:8080"},
		{"http addr env", map[string]string{envHTTPAddr: ":8080"}, nil, func(c Config) any { return c.HTTPAddr }, ":8080"},
		{"http addr env off", map[string]string{envHTTPAddr: "off"}, nil, func(c Config) any { return c.HTTPAddr }, ""},
		{"http addr ipv6", map[string]string{envHTTPAddr: "[::1]:0"}, nil, func(c Config) any { return c.HTTPAddr }, "[::1]:0"},
		{"http addr host name", map[string]string{envHTTPAddr: "localhost:9090"}, nil, func(c Config) any { return c.HTTPAddr }, "localhost:9090"},
		{"http addr flag beats env", map[string]string{envHTTPAddr: ":8080"}, []string{"-http-addr", "0.0.0.0:9090"}, func(c Config) any { return c.HTTPAddr }, "0.0.0.0:9090"},
		{"http addr empty flag disables", map[string]string{envHTTPAddr: ":8080"}, []string{"-http-addr="}, func(c Config) any { return c.HTTPAddr }, ""},

		{"lang default", nil, nil, func(c Config) any { return c.Lang }, "ru"},
		{"lang env", map[string]string{envLang: "be"}, nil, func(c Config) any { return c.Lang }, "be"},
		{"lang env upper case", map[string]string{envLang: "EN"}, nil, func(c Config) any { return c.Lang }, "en"},
		{"lang flag beats env", map[string]string{envLang: "be"}, []string{"-lang", "en"}, func(c Config) any { return c.Lang }, "en"},

		{"timezone default", nil, nil, tz, "Europe/Minsk"},
		{"timezone env", map[string]string{envTimezone: "Europe/Warsaw"}, nil, tz, "Europe/Warsaw"},
		{"timezone utc", map[string]string{envTimezone: "UTC"}, nil, tz, "UTC"},
		{"timezone flag beats env", map[string]string{envTimezone: "Europe/Warsaw"}, []string{"-timezone", "Asia/Tokyo"}, tz, "Asia/Tokyo"},

		{"rate default", nil, nil, func(c Config) any { return c.Rate }, 25.0},
		{"rate env", map[string]string{envRate: "1.5"}, nil, func(c Config) any { return c.Rate }, 1.5},
		{"rate max", map[string]string{envRate: "30"}, nil, func(c Config) any { return c.Rate }, 30.0},
		{"rate flag beats env", map[string]string{envRate: "10"}, []string{"-rate", "20"}, func(c Config) any { return c.Rate }, 20.0},
		{"rate paid", map[string]string{envRate: "1000", envPaidBroadcast: "true"}, nil, func(c Config) any { return c.Rate }, 1000.0},
		{"rate paid by flag", map[string]string{envRate: "500"}, []string{"-paid-broadcast"}, func(c Config) any { return c.Rate }, 500.0},

		{"paid broadcast default", nil, nil, func(c Config) any { return c.PaidBroadcast }, false},
		{"paid broadcast env", map[string]string{envPaidBroadcast: "1"}, nil, func(c Config) any { return c.PaidBroadcast }, true},
		{"paid broadcast bare flag", nil, []string{"-paid-broadcast"}, func(c Config) any { return c.PaidBroadcast }, true},
		{"paid broadcast flag beats env", map[string]string{envPaidBroadcast: "true"}, []string{"-paid-broadcast=false"}, func(c Config) any { return c.PaidBroadcast }, false},

		{"log format default", nil, nil, func(c Config) any { return c.LogFormat }, "text"},
		{"log format env", map[string]string{envLogFormat: "json"}, nil, func(c Config) any { return c.LogFormat }, "json"},
		{"log format flag beats env", map[string]string{envLogFormat: "json"}, []string{"-log-format", "text"}, func(c Config) any { return c.LogFormat }, "text"},

		{"log level default", nil, nil, func(c Config) any { return c.LogLevel }, slog.LevelInfo},
		{"log level env", map[string]string{envLogLevel: "DEBUG"}, nil, func(c Config) any { return c.LogLevel }, slog.LevelDebug},
		{"log level warn", map[string]string{envLogLevel: "warn"}, nil, func(c Config) any { return c.LogLevel }, slog.LevelWarn},
		{"log level flag beats env", map[string]string{envLogLevel: "debug"}, []string{"-log-level", "error"}, func(c Config) any { return c.LogLevel }, slog.LevelError},

		{"contact url default", nil, nil, func(c Config) any { return c.ContactURL }, "https://osipovichi.gov.by/"},
		{"contact url env", map[string]string{envContactURL: "mailto:admin@osipovichi.gov.by"}, nil, func(c Config) any { return c.ContactURL }, "mailto:admin@osipovichi.gov.by"},
		{"contact url flag beats env", map[string]string{envContactURL: "https://a.example/"}, []string{"-contact-url", "https://b.example/"}, func(c Config) any { return c.ContactURL }, "https://b.example/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseTest(t, tt.env, tt.args...)
			if err != nil {
				t.Fatalf("parseConfig: got error %q, want nil", err)
			}
			if got := tt.get(cfg); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

// TestParseConfigErrors checks that each bad value gives one line that names
// the variable and its flag and says what is accepted.
func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"api endpoint one %s", map[string]string{envAPIEndpoint: "https://api.telegram.org/bot%s"}, nil,
			`TELEGRAM_API_ENDPOINT (-api-endpoint): "https://api.telegram.org/bot%s" must contain %s exactly twice and no other %: use an http(s) URL pattern with %s for the token and %s for the method, e.g. https://api.telegram.org/bot%s/%s`},
		{"api endpoint other verb", map[string]string{envAPIEndpoint: "https://x/bot%s/%s?%d"}, nil,
			`TELEGRAM_API_ENDPOINT (-api-endpoint): "https://x/bot%s/%s?%d" must contain %s exactly twice and no other %: use an http(s) URL pattern with %s for the token and %s for the method, e.g. https://api.telegram.org/bot%s/%s`},
		{"api endpoint not http", nil, []string{"-api-endpoint", "ftp://x/bot%s/%s"},
			`TELEGRAM_API_ENDPOINT (-api-endpoint): "ftp://x/bot%s/%s" is not an http or https URL: use an http(s) URL pattern with %s for the token and %s for the method, e.g. https://api.telegram.org/bot%s/%s`},
		{"db empty flag", nil, []string{"-db", ""},
			`NEWSBOT_DB (-db): empty: use the path of the SQLite file, e.g. /data/newsbot.db`},
		{"feeds bad section", map[string]string{envFeeds: "News=https://osipovichi.gov.by/"}, nil,
			`NEWSBOT_FEEDS (-feeds): item 1 "News=https://osipovichi.gov.by/": section "News" is not valid: use up to 32 lowercase latin letters, digits, - or _, e.g. news`},
		{"feeds long section", map[string]string{envFeeds: strings.Repeat("a", 33) + "=https://osipovichi.gov.by/"}, nil,
			`NEWSBOT_FEEDS (-feeds): item 1 "` + strings.Repeat("a", 33) + `=https://osipovichi.gov.by/": section "` + strings.Repeat("a", 33) + `" is not valid: use up to 32 lowercase latin letters, digits, - or _, e.g. news`},
		{"feeds cyrillic section", map[string]string{envFeeds: "новости=https://osipovichi.gov.by/"}, nil,
			`NEWSBOT_FEEDS (-feeds): item 1 "новости=https://osipovichi.gov.by/": section "новости" is not valid: use up to 32 lowercase latin letters, digits, - or _, e.g. news`},
		{"feeds bad lang", map[string]string{envFeeds: "news/ru=https://a.example/,news/de=https://b.example/"}, nil,
			`NEWSBOT_FEEDS (-feeds): item 2 "news/de=https://b.example/": language "de" is not valid: use ru, be or en, e.g. news/ru=URL`},
		{"feeds empty lang", map[string]string{envFeeds: "news/=https://b.example/"}, nil,
			`NEWSBOT_FEEDS (-feeds): item 1 "news/=https://b.example/": language "" is not valid: use ru, be or en, e.g. news/ru=URL`},
		{"feeds relative url", map[string]string{envFeeds: "news=/ru/rss-ru/"}, nil,
			`NEWSBOT_FEEDS (-feeds): item 1 "news=/ru/rss-ru/": "/ru/rss-ru/" is not a feed URL: use a comma-separated list of [section[/lang]=]URL, e.g. news/ru=https://osipovichi.gov.by/ru/rss-ru/,news/en=https://osipovichi.gov.by/en/rss-en/`},
		{"feeds ftp url", map[string]string{envFeeds: "ftp://osipovichi.gov.by/"}, nil,
			`NEWSBOT_FEEDS (-feeds): item 1 "ftp://osipovichi.gov.by/": "ftp://osipovichi.gov.by/" is not a feed URL: use a comma-separated list of [section[/lang]=]URL, e.g. news/ru=https://osipovichi.gov.by/ru/rss-ru/,news/en=https://osipovichi.gov.by/en/rss-en/`},
		{"feeds html source relative", map[string]string{envFeeds: "news=html:/ru/news-ru/"}, nil,
			`NEWSBOT_FEEDS (-feeds): item 1 "news=html:/ru/news-ru/": "/ru/news-ru/" is not a feed URL: use a comma-separated list of [section[/lang]=]URL, e.g. news/ru=https://osipovichi.gov.by/ru/rss-ru/,news/en=https://osipovichi.gov.by/en/rss-en/`},
		{"feeds html source empty", map[string]string{envFeeds: "html:"}, nil,
			`NEWSBOT_FEEDS (-feeds): item 1 "html:": "" is not a feed URL: use a comma-separated list of [section[/lang]=]URL, e.g. news/ru=https://osipovichi.gov.by/ru/rss-ru/,news/en=https://osipovichi.gov.by/en/rss-en/`},
		{"feeds html duplicate of a feed", map[string]string{envFeeds: "news=https://osipovichi.gov.by/ru/news-ru/,district=html:https://osipovichi.gov.by/ru/news-ru/"}, nil,
			`NEWSBOT_FEEDS (-feeds): item 2 "district=html:https://osipovichi.gov.by/ru/news-ru/" repeats the URL of item 1: list each feed once`},
		{"listing selectors not json", map[string]string{envFeeds: "html:https://a.example/", envListingSel: `{"https://a.example/": ".news"}`}, nil,
			`NEWSBOT_LISTING_SELECTORS (-listing-selectors): not valid JSON (json: cannot unmarshal string into Go value of type map[string]string): use a JSON object of source URLs to selectors, e.g. {"https://osipovichi.gov.by/ru/news-rayon-ru/":{"item":".news_block","title":".news_title a"}}, or the path of a file that holds one`},
		{"listing selectors trailing data", map[string]string{envFeeds: "html:https://a.example/", envListingSel: `{} {}`}, nil,
			`NEWSBOT_LISTING_SELECTORS (-listing-selectors): not valid JSON (more than one value): use a JSON object of source URLs to selectors, e.g. {"https://osipovichi.gov.by/ru/news-rayon-ru/":{"item":".news_block","title":".news_title a"}}, or the path of a file that holds one`},
		{"listing selectors unknown source", map[string]string{envFeeds: "html:https://a.example/news/", envListingSel: `{"https://a.example/novosti/":{"item":".x"}}`}, nil,
			`NEWSBOT_LISTING_SELECTORS (-listing-selectors): "https://a.example/novosti/" is not a source of NEWSBOT_FEEDS: use a URL as written there`},
		{"listing selectors unknown field", map[string]string{envFeeds: "html:https://a.example/", envListingSel: `{"https://a.example/":{"items":".x"}}`}, nil,
			`NEWSBOT_LISTING_SELECTORS (-listing-selectors): "https://a.example/": unknown field "items": use item, title, link, date, teaser, image, text`},
		{"listing selectors bad css", map[string]string{envFeeds: "html:https://a.example/", envListingSel: `{"https://a.example/":{"item":".news","date":"span[class="}}`}, nil,
			`NEWSBOT_LISTING_SELECTORS (-listing-selectors): "https://a.example/": date "span[class=" is not a valid CSS selector: unexpected EOF in attribute selector`},
		{"listing selectors twice", map[string]string{envFeeds: "html:https://a.example/", envListingSel: `{"https://a.example/":{},"html:https://A.example/":{}}`}, nil,
			`NEWSBOT_LISTING_SELECTORS (-listing-selectors): "https://a.example/" is given twice`},
		{"listing selectors missing file", nil, []string{"-listing-selectors", "/nonexistent/selectors.json"},
			`NEWSBOT_LISTING_SELECTORS (-listing-selectors): cannot read "/nonexistent/selectors.json": no such file or directory: use a JSON object of source URLs to selectors, e.g. {"https://osipovichi.gov.by/ru/news-rayon-ru/":{"item":".news_block","title":".news_title a"}}, or the path of a file that holds one`},
		{"feeds duplicate", map[string]string{envFeeds: "news/ru=https://osipovichi.gov.by/ru/rss-ru/,announcements=HTTPS://Osipovichi.gov.by/ru/rss-ru/"}, nil,
			`NEWSBOT_FEEDS (-feeds): item 2 "announcements=HTTPS://Osipovichi.gov.by/ru/rss-ru/" repeats the URL of item 1: list each feed once`},
		{"feeds none", nil, []string{"-feeds", " , "},
			`NEWSBOT_FEEDS (-feeds): no feeds: use a comma-separated list of [section[/lang]=]URL, e.g. news/ru=https://osipovichi.gov.by/ru/rss-ru/,news/en=https://osipovichi.gov.by/en/rss-en/`},
		{"poll interval too short", map[string]string{envPollInterval: "3s"}, nil,
			`NEWSBOT_POLL_INTERVAL (-poll-interval): "3s" is too short: use a duration of at least 10s, e.g. 5m`},
		{"poll interval no unit", nil, []string{"-poll-interval", "300"},
			`NEWSBOT_POLL_INTERVAL (-poll-interval): "300" is not a duration: use a duration of at least 10s, e.g. 5m`},
		{"poll interval negative", map[string]string{envPollInterval: "-5m"}, nil,
			`NEWSBOT_POLL_INTERVAL (-poll-interval): "-5m" is too short: use a duration of at least 10s, e.g. 5m`},
		{"admins not a number", map[string]string{envAdmins: "1,@boss"}, nil,
			`NEWSBOT_ADMINS (-admins): "@boss" is not a Telegram user ID: use comma-separated positive integers, e.g. 12345678,87654321`},
		{"admins negative", map[string]string{envAdmins: "-100123"}, nil,
			`NEWSBOT_ADMINS (-admins): "-100123" is not a Telegram user ID: use comma-separated positive integers, e.g. 12345678,87654321`},
		{"admins zero", nil, []string{"-admins", "0"},
			`NEWSBOT_ADMINS (-admins): "0" is not a Telegram user ID: use comma-separated positive integers, e.g. 12345678,87654321`},
		{"http addr no port", map[string]string{envHTTPAddr: "localhost"}, nil,
			`NEWSBOT_HTTP_ADDR (-http-addr): "localhost" is not a listen address: not host:port: use host:port, e.g. 127.0.0.1:8080 or :8080, or off to disable`},
		{"http addr bad port", map[string]string{envHTTPAddr: ":http"}, nil,
			`NEWSBOT_HTTP_ADDR (-http-addr): ":http" is not a listen address: port "http" is not a number from 0 to 65535: use host:port, e.g. 127.0.0.1:8080 or :8080, or off to disable`},
		{"http addr port too big", nil, []string{"-http-addr", ":65536"},
			`NEWSBOT_HTTP_ADDR (-http-addr): ":65536" is not a listen address: port "65536" is not a number from 0 to 65535: use host:port, e.g. 127.0.0.1:8080 or :8080, or off to disable`},
		{"http addr bad host", map[string]string{envHTTPAddr: "exa mple:80"}, nil,
			`NEWSBOT_HTTP_ADDR (-http-addr): "exa mple:80" is not a listen address: host "exa mple" is not an IP address or host name: use host:port, e.g. 127.0.0.1:8080 or :8080, or off to disable`},
		{"lang", map[string]string{envLang: "de"}, nil,
			`NEWSBOT_LANG (-lang): "de" is not a language: use ru, be or en`},
		{"timezone unknown", map[string]string{envTimezone: "Mars/Olympus"}, nil,
			`NEWSBOT_TIMEZONE (-timezone): "Mars/Olympus" is not a known time zone: use an IANA name, e.g. Europe/Minsk`},
		{"timezone local", nil, []string{"-timezone", "Local"},
			`NEWSBOT_TIMEZONE (-timezone): "Local" is not a known time zone: use an IANA name, e.g. Europe/Minsk`},
		{"rate not a number", map[string]string{envRate: "fast"}, nil,
			`NEWSBOT_RATE (-rate): "fast" is not a number: use 1 to 30 messages per second (up to 1000 with NEWSBOT_PAID_BROADCAST=true)`},
		{"rate NaN", map[string]string{envRate: "NaN"}, nil,
			`NEWSBOT_RATE (-rate): "NaN" is not a number: use 1 to 30 messages per second (up to 1000 with NEWSBOT_PAID_BROADCAST=true)`},
		{"rate too low", map[string]string{envRate: "0.5"}, nil,
			`NEWSBOT_RATE (-rate): "0.5" is too low: use 1 to 30 messages per second (up to 1000 with NEWSBOT_PAID_BROADCAST=true)`},
		{"rate too high", map[string]string{envRate: "31"}, nil,
			`NEWSBOT_RATE (-rate): "31" is too high: use 1 to 30 messages per second (up to 1000 with NEWSBOT_PAID_BROADCAST=true)`},
		{"rate too high paid", map[string]string{envRate: "1001", envPaidBroadcast: "yes"}, []string{"-paid-broadcast"},
			`NEWSBOT_RATE (-rate): "1001" is too high: use 1 to 1000 messages per second with paid broadcast`},
		{"paid broadcast", map[string]string{envPaidBroadcast: "yes"}, nil,
			`NEWSBOT_PAID_BROADCAST (-paid-broadcast): "yes" is not a boolean: use true or false`},
		{"paid broadcast flag", nil, []string{"-paid-broadcast=maybe"},
			`NEWSBOT_PAID_BROADCAST (-paid-broadcast): "maybe" is not a boolean: use true or false`},
		{"log format", map[string]string{envLogFormat: "logfmt"}, nil,
			`NEWSBOT_LOG_FORMAT (-log-format): "logfmt" is not a log format: use text or json`},
		{"log level", nil, []string{"-log-level", "trace"},
			`NEWSBOT_LOG_LEVEL (-log-level): "trace" is not a log level: use debug, info, warn or error`},
		{"contact url relative", map[string]string{envContactURL: "osipovichi.gov.by"}, nil,
			`NEWSBOT_CONTACT_URL (-contact-url): "osipovichi.gov.by" is not a contact URL: use an absolute http(s) or mailto URL, e.g. https://osipovichi.gov.by/`},
		{"contact url with a space", map[string]string{envContactURL: "https://a.example/ x"}, nil,
			`NEWSBOT_CONTACT_URL (-contact-url): "https://a.example/ x" is not a contact URL: use an absolute http(s) or mailto URL, e.g. https://osipovichi.gov.by/`},
		{"token malformed", map[string]string{envToken: "not-a-token"}, nil,
			`TELEGRAM_BOT_TOKEN (-token): not a bot token: want the token from @BotFather: digits, a colon, then at least 20 letters, digits, - or _ (the value is not shown)`},
		{"token and token file", map[string]string{envToken: testToken, envTokenFile: "/run/secrets/token"}, nil,
			`TELEGRAM_BOT_TOKEN (-token) and TELEGRAM_BOT_TOKEN_FILE (-token-file) are both set: use one of them`},
		{"token and token file flags", nil, []string{"-token", testToken, "-token-file", "/run/secrets/token"},
			`-token and -token-file are both set: use one of them`},
		{"token file missing", nil, []string{"-token-file", "/nonexistent/token"},
			`TELEGRAM_BOT_TOKEN_FILE (-token-file): cannot read "/nonexistent/token": no such file or directory`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseTest(t, tt.env, tt.args...)
			checkExitError(t, err, 2, tt.want)
		})
	}
}

// checkExitError checks that err is an *exitError with code and message.
func checkExitError(t *testing.T, err error, code int, msg string) {
	t.Helper()
	var ee *exitError
	if !errors.As(err, &ee) {
		t.Fatalf("got error %v (%T), want an *exitError", err, err)
	}
	if ee.code != code {
		t.Errorf("exit code: got %d, want %d", ee.code, code)
	}
	if ee.msg != msg {
		t.Errorf("message:\ngot  %s\nwant %s", ee.msg, msg)
	}
	if strings.Contains(ee.msg, "\n") {
		t.Errorf("message %q has more than one line", ee.msg)
	}
}

func TestParseConfigListingSelectorsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "selectors.json")
	if err := os.WriteFile(path, []byte(`{"https://osipovichi.gov.by/ru/news-rayon-ru/": {"item": ".news-card", "title": "h3 a"}}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{envFeeds: "district/ru=html:https://osipovichi.gov.by/ru/news-rayon-ru/", envListingSel: path}
	cfg, err := parseTest(t, env)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]feed.Selectors{"https://osipovichi.gov.by/ru/news-rayon-ru/": {Item: ".news-card", Title: "h3 a"}}
	if !reflect.DeepEqual(cfg.ListingSelectors, want) {
		t.Errorf("got %+v, want %+v", cfg.ListingSelectors, want)
	}
	// The configuration shows the listing sources with their prefix, and which have overrides.
	s := cfg.String()
	if !strings.Contains(s, "feeds=district/ru=html:https://osipovichi.gov.by/ru/news-rayon-ru/ ") ||
		!strings.HasSuffix(s, " listing_selectors=https://osipovichi.gov.by/ru/news-rayon-ru/") {
		t.Errorf("String: got %s", s)
	}
	big := filepath.Join(t.TempDir(), "big.json")
	if err := os.WriteFile(big, bytes.Repeat([]byte(" "), maxSelectorsFile+1), 0o600); err != nil {
		t.Fatal(err)
	}
	env[envListingSel] = big
	_, err = parseTest(t, env)
	checkExitError(t, err, 2, `NEWSBOT_LISTING_SELECTORS (-listing-selectors): file "`+big+`" is larger than 64 KiB: use a JSON object of source URLs to selectors, e.g. {"https://osipovichi.gov.by/ru/news-rayon-ru/":{"item":".news_block","title":".news_title a"}}, or the path of a file that holds one`)
}

func TestParseConfigTokenFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good", "\n  "+testToken+"\r\n")
	t.Run("env", func(t *testing.T) {
		cfg, err := parseTest(t, map[string]string{envTokenFile: good})
		if err != nil || cfg.Token != testToken {
			t.Fatalf("got token %q, error %v; want the file's token, nil", cfg.Token, err)
		}
	})
	t.Run("flag beats env token", func(t *testing.T) {
		cfg, err := parseTest(t, map[string]string{envToken: "1:" + strings.Repeat("x", 20)}, "-token-file", good)
		if err != nil || cfg.Token != testToken {
			t.Fatalf("got token %q, error %v; want the file's token, nil", cfg.Token, err)
		}
	})
	t.Run("flag token beats env file", func(t *testing.T) {
		cfg, err := parseTest(t, map[string]string{envTokenFile: "/nonexistent"}, "-token", testToken)
		if err != nil || cfg.Token != testToken {
			t.Fatalf("got token %q, error %v; want the flag's token, nil", cfg.Token, err)
		}
	})
	t.Run("empty file", func(t *testing.T) {
		p := write("empty", " \n")
		_, err := parseTest(t, map[string]string{envTokenFile: p})
		checkExitError(t, err, 2, fmt.Sprintf(`TELEGRAM_BOT_TOKEN_FILE (-token-file): file %q is empty: put the token from @BotFather in it`, p))
	})
	t.Run("bad content is not echoed", func(t *testing.T) {
		secret := "987654321:short-secret"
		p := write("bad", secret)
		_, err := parseTest(t, map[string]string{envTokenFile: p})
		checkExitError(t, err, 2, fmt.Sprintf(`TELEGRAM_BOT_TOKEN_FILE (-token-file): file %q does not hold a bot token: %s`, p, tokenShape))
		if strings.Contains(err.Error(), "short-secret") {
			t.Errorf("error %q echoes the file's content", err)
		}
	})
	t.Run("too large", func(t *testing.T) {
		p := write("large", strings.Repeat("1", maxTokenFileSize+1))
		_, err := parseTest(t, map[string]string{envTokenFile: p})
		checkExitError(t, err, 2, fmt.Sprintf(`TELEGRAM_BOT_TOKEN_FILE (-token-file): file %q is larger than 4 KiB`, p))
	})
}

// TestParseConfigNeverEchoesToken feeds malformed tokens, and a token pasted
// into another setting, and checks that no message shows them.
func TestParseConfigNeverEchoesToken(t *testing.T) {
	tests := []struct {
		name   string
		secret string
		env    map[string]string
		args   []string
	}{
		{"short secret part", "123456:tooShortSecret", map[string]string{envToken: "123456:tooShortSecret"}, nil},
		{"no bot id", "AAH-abcdefghijklmnopqrstuvwxyz", map[string]string{envToken: "AAH-abcdefghijklmnopqrstuvwxyz"}, nil},
		{"bad character", "123456:abcdefghijklmnopqrstuvwxyz!", nil, []string{"-token", "123456:abcdefghijklmnopqrstuvwxyz!"}},
		{"with a space", "123456:abcdefghij klmnopqrstuvwxyz", map[string]string{envToken: "123456:abcdefghij klmnopqrstuvwxyz"}, nil},
		{"pasted into the endpoint", testToken, map[string]string{envToken: testToken, envAPIEndpoint: "https://api.telegram.org/bot" + testToken + "/%s"}, nil},
		{"pasted into the feeds", testToken, map[string]string{envToken: testToken, envFeeds: testToken}, nil},
		{"flag pasted into the contact url", testToken, nil, []string{"-token", testToken, "-contact-url", testToken}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseTest(t, tt.env, tt.args...)
			if err == nil {
				t.Fatal("got nil error, want one")
			}
			if strings.Contains(err.Error(), tt.secret) {
				t.Errorf("error %q shows the token", err)
			}
			for _, part := range strings.Split(tt.secret, ":") {
				if len(part) >= 8 && strings.Contains(err.Error(), part) {
					t.Errorf("error %q shows part of the token", err)
				}
			}
		})
	}
}

func TestConfigRequireToken(t *testing.T) {
	checkExitError(t, Config{}.requireToken(), 2,
		"TELEGRAM_BOT_TOKEN (-token) is not set: set it to the token from @BotFather, or set TELEGRAM_BOT_TOKEN_FILE (-token-file) to a file that holds it")
	if err := (Config{Token: testToken}).requireToken(); err != nil {
		t.Errorf("got %v, want nil", err)
	}
}

func TestParseConfigFlagErrors(t *testing.T) {
	if _, err := parseTest(t, nil, "-h"); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: got %v, want flag.ErrHelp", err)
	}
	if _, err := parseTest(t, nil, "-nope"); err == nil || !strings.Contains(err.Error(), "-nope") {
		t.Errorf("-nope: got %v, want an error naming -nope", err)
	}
	fs := newFlagSet("test")
	if _, err := parseConfig(fs, []string{"-db", "x.db", "PATH", "-lang", "en"}, mapEnv(nil)); err != nil {
		t.Fatalf("got %v, want nil", err)
	}
	if got, want := fs.Args(), []string{"PATH", "-lang", "en"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Args: got %q, want %q", got, want)
	}
}

func TestConfigStringHidesToken(t *testing.T) {
	cfg, err := parseTest(t, map[string]string{
		envToken:  testToken,
		envFeeds:  "news/ru=https://osipovichi.gov.by/ru/rss-ru/,announcements=https://osipovichi.gov.by/ru/ann/",
		envAdmins: "42,43",
	})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("config", "config", cfg)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("config", "config", cfg)
	outputs := map[string]string{
		"String": cfg.String(),
		"%v":     fmt.Sprintf("%v", cfg),
		"%+v":    fmt.Sprintf("%+v", cfg),
		"%#v":    fmt.Sprintf("%#v", cfg),
		"logs":   logs.String(),
	}
	for name, out := range outputs {
		if strings.Contains(out, testToken) || strings.Contains(out, "AAH-test") {
			t.Errorf("%s shows the token: %s", name, out)
		}
	}
	want := "token_set=true api_endpoint=https://api.telegram.org/bot%s/%s db=newsbot.db " +
		"feeds=news/ru=https://osipovichi.gov.by/ru/rss-ru/,announcements=https://osipovichi.gov.by/ru/ann/ " +
		"poll_interval=5m0s admins=42,43 http_addr=127.0.0.1:8080 lang=ru timezone=Europe/Minsk rate=25 " +
		"paid_broadcast=false log_format=text log_level=info contact_url=https://osipovichi.gov.by/"
	if got := cfg.String(); got != want {
		t.Errorf("String:\ngot  %s\nwant %s", got, want)
	}
	if !strings.Contains(logs.String(), `"config":{"token_set":true,`) {
		t.Errorf("JSON log: got %s, want a config group", logs.String())
	}
}

func TestExitCode(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		code   int
		stderr string
	}{
		{"nil", nil, 0, ""},
		{"help", fmt.Errorf("x: %w", flag.ErrHelp), 0, ""},
		{"usage", usageErrorf("bad %s", "thing"), 2, "newsbot: bad thing\n"},
		{"silent", &exitError{code: 3}, 3, ""},
		{"other", errors.New("open db: disk\nfull"), 1, "newsbot: open db: disk full\n"},
		{"redacted exit error", redactError(&exitError{code: 2, msg: "x " + testToken}, testToken), 2, "newsbot: x [REDACTED]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if got := exitCode(tt.err, &stderr); got != tt.code {
				t.Errorf("code: got %d, want %d", got, tt.code)
			}
			if got := stderr.String(); got != tt.stderr {
				t.Errorf("stderr: got %q, want %q", got, tt.stderr)
			}
		})
	}
}

// TestRunCommandLine runs the program through run for the cases that end
// before the bot, the backup or the preview starts.
func TestRunCommandLine(t *testing.T) {
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		code   int
		stdout string // a part of stdout
		stderr string // the whole of stderr
	}{
		{"version", nil, []string{"version"}, 0, "newsbot dev (go", ""},
		{"version extra", nil, []string{"version", "x"}, 2, "", "newsbot: version: unexpected argument \"x\"\n"},
		{"version -h", nil, []string{"version", "-h"}, 0, "Usage: newsbot version", ""},
		{"help", nil, []string{"help"}, 0, "newsbot healthcheck [-addr host:port]", ""},
		{"help -h", nil, []string{"help", "-h"}, 0, "Usage:\n  newsbot [run] [flags]", ""},
		{"help run", nil, []string{"help", "run"}, 0, "-poll-interval duration", ""},
		{"help backup", nil, []string{"help", "backup"}, 0, "Usage: newsbot backup [flags] PATH", ""},
		{"help unknown", nil, []string{"help", "bakup"}, 2, "", "newsbot: unknown command \"bakup\": did you mean \"backup\"? run 'newsbot help' for the list of commands\n"},
		{"-h", nil, []string{"-h"}, 0, "Usage: newsbot [run] [flags]", ""},
		{"--help", nil, []string{"--help"}, 0, "$TELEGRAM_BOT_TOKEN_FILE", ""},
		{"run -h", nil, []string{"run", "-h"}, 0, "-feeds list", ""},
		{"backup -h", nil, []string{"backup", "-h"}, 0, "-db path", ""},
		{"preview -h", nil, []string{"preview", "-h"}, 0, "-n N", ""},
		{"unknown command", nil, []string{"frobnicate"}, 2, "", "newsbot: unknown command \"frobnicate\": run 'newsbot help' for the list of commands\n"},
		{"unknown flag", nil, []string{"-nope"}, 2, "", "newsbot: run: flag provided but not defined: -nope (see 'newsbot run -h')\n"},
		{"no token", nil, nil, 2, "", "newsbot: TELEGRAM_BOT_TOKEN (-token) is not set: set it to the token from @BotFather, or set TELEGRAM_BOT_TOKEN_FILE (-token-file) to a file that holds it\n"},
		{"no token, flag first", nil, []string{"-db", "x.db"}, 2, "", "newsbot: TELEGRAM_BOT_TOKEN (-token) is not set: set it to the token from @BotFather, or set TELEGRAM_BOT_TOKEN_FILE (-token-file) to a file that holds it\n"},
		{"bad token", map[string]string{envToken: "123:secret-value-that-is-bad!"}, []string{"run"}, 2, "", "newsbot: TELEGRAM_BOT_TOKEN (-token): not a bot token: " + tokenShape + "\n"},
		{"bad setting", map[string]string{envToken: testToken, envPollInterval: "3s"}, nil, 2, "", "newsbot: NEWSBOT_POLL_INTERVAL (-poll-interval): \"3s\" is too short: use a duration of at least 10s, e.g. 5m\n"},
		{"run argument", map[string]string{envToken: testToken}, []string{"run", "now"}, 2, "", "newsbot: run: unexpected argument \"now\" (see 'newsbot run -h')\n"},
		{"backup no path", nil, []string{"backup"}, 2, "", "newsbot: backup: missing PATH: use 'newsbot backup PATH', e.g. newsbot backup /data/newsbot-backup.db\n"},
		{"backup two paths", nil, []string{"backup", "a", "b"}, 2, "", "newsbot: backup: unexpected argument \"b\": use 'newsbot backup [flags] PATH'\n"},
		{"backup bad setting", map[string]string{envDB: "x.db", envLogLevel: "loud"}, []string{"backup", "/tmp/b.db"}, 2, "", "newsbot: NEWSBOT_LOG_LEVEL (-log-level): \"loud\" is not a log level: use debug, info, warn or error\n"},
		{"preview n", nil, []string{"preview", "-n", "0"}, 2, "", "newsbot: preview -n: 0 is out of range: use 1 to 100, e.g. -n 5\n"},
		{"preview bad n", nil, []string{"preview", "-n", "many"}, 2, "", "newsbot: preview: invalid value \"many\" for flag -n: parse error (see 'newsbot preview -h')\n"},
		{"preview bad url", nil, []string{"preview", "osipovichi.gov.by"}, 2, "", "newsbot: preview: \"osipovichi.gov.by\" is not a feed URL: use an absolute http or https URL, e.g. https://osipovichi.gov.by/ru/rss-ru/\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), append([]string{"newsbot"}, tt.args...), mapEnv(tt.env), &stdout, &stderr)
			if got := exitCode(err, &stderr); got != tt.code {
				t.Errorf("exit code: got %d, want %d (stderr %q)", got, tt.code, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.stdout) {
				t.Errorf("stdout: got %q, want it to contain %q", stdout.String(), tt.stdout)
			}
			if stderr.String() != tt.stderr {
				t.Errorf("stderr: got %q, want %q", stderr.String(), tt.stderr)
			}
			if strings.Contains(stdout.String()+stderr.String(), "secret-value") {
				t.Errorf("the output shows the token")
			}
		})
	}
}

// TestREADMEConfigurationTable keeps the README's configuration table true:
// every setting is there, with its flag and the default the code has.
func TestREADMEConfigurationTable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][]string{} // env -> cells
	for _, line := range strings.Split(string(readme), "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), "|")
		if len(cells) < 4 {
			continue
		}
		for i := range cells {
			cells[i] = strings.Trim(cells[i], "` ")
		}
		rows[cells[0]] = cells
	}
	for _, s := range allSettings() {
		row, ok := rows[s.env]
		if !ok {
			t.Errorf("README: no row for %s", s.env)
			continue
		}
		if row[1] != "-"+s.flag {
			t.Errorf("README: %s has the flag %q, want -%s", s.env, row[1], s.flag)
		}
		switch def := row[2]; {
		case s.def != "" && def != s.def:
			t.Errorf("README: %s defaults to %q, want %q", s.env, def, s.def)
		case s.def == "" && def != "" && def != "empty" && def != "required to run":
			t.Errorf("README: %s defaults to %q, want none", s.env, def)
		}
	}
	if s := setPollInterval.def; s != "5m" {
		t.Errorf("poll interval default written %q, want 5m (feed.DefaultInterval)", s)
	}
}
