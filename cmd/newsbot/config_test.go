package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
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
		APIEndpoint:    "https://api.telegram.org/bot%s/%s",
		DB:             "newsbot.db",
		Feeds:          []subscriptions.FeedConfig{{Section: "news", URL: "https://osipovichi.gov.by/"}},
		PollInterval:   5 * time.Minute,
		FeedAlertAfter: time.Hour,
		MaxNewPerPoll:  10,
		HTTPAddr:       "127.0.0.1:8080",
		Lang:           "ru",
		Rate:           25,
		LogFormat:      "text",
		LogLevel:       slog.LevelInfo,
		ContactURL:     "https://osipovichi.gov.by/",
		Horizon:        24 * time.Hour,
		Retention:      90 * 24 * time.Hour,
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
		{"feeds with = in the query", map[string]string{envFeeds: "sport_2/be=http://example.org/feed?x=1&y=2", envSectionNames: "sport_2=Спорт"}, nil,
			func(c Config) any { return c.Feeds }, []subscriptions.FeedConfig{{Section: "sport_2", Language: "be", URL: "http://example.org/feed?x=1&y=2"}}},
		{"feeds flag beats env", map[string]string{envFeeds: "economy=https://a.example/"}, []string{"-feeds", "culture=https://b.example/"},
			func(c Config) any { return c.Feeds }, []subscriptions.FeedConfig{{Section: "culture", URL: "https://b.example/"}}},
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
		{"allowed hosts default", nil, nil, func(c Config) any { return c.AllowedHosts }, []string(nil)},
		{"allowed hosts env", map[string]string{envAllowedHosts: " *.osipovichi.gov.by, cdn.example.by:8443,"}, nil,
			func(c Config) any { return c.AllowedHosts }, []string{"*.osipovichi.gov.by", "cdn.example.by:8443"}},

		{"section names default", nil, nil, func(c Config) any { return c.SectionNames }, map[string]map[string]string(nil)},
		{"section names env", map[string]string{
			envFeeds:        "news=https://a.example/,district=html:https://b.example/,kids/ru=https://c.example/,kids/be=https://d.example/,sport=https://e.example/",
			envSectionNames: " district = Районные новости | Навіны раёна | District news ; kids=Детям, родителям||For children;\nsport=Спорт;",
		}, nil, func(c Config) any { return c.SectionNames }, map[string]map[string]string{
			"district": {"ru": "Районные новости", "be": "Навіны раёна", "en": "District news"},
			"kids":     {"ru": "Детям, родителям", "en": "For children"},
			"sport":    {"ru": "Спорт", "be": "Спорт", "en": "Спорт"},
		}},
		{"section names README example", map[string]string{
			envFeeds:        "news=https://osipovichi.gov.by/,district/ru=html:https://osipovichi.gov.by/ru/news-rayon-ru/,kids/ru=html:https://osipovichi.gov.by/ru/deti-ru/",
			envSectionNames: "district=Жизнь района|Жыццё раёна|District life;kids=Детям и родителям|Дзецям і бацькам|For children and parents",
		}, nil, func(c Config) any { return c.SectionNames }, map[string]map[string]string{
			"district": {"ru": "Жизнь района", "be": "Жыццё раёна", "en": "District life"},
			"kids":     {"ru": "Детям и родителям", "be": "Дзецям і бацькам", "en": "For children and parents"},
		}},
		{"section names flag beats env", map[string]string{envFeeds: "kids=https://c.example/", envSectionNames: "kids=Дети"},
			[]string{"-section-names", "kids=|Дзеці"}, func(c Config) any { return c.SectionNames }, map[string]map[string]string{"kids": {"be": "Дзеці"}}},

		{"poll interval default", nil, nil, func(c Config) any { return c.PollInterval }, 5 * time.Minute},
		{"poll interval env", map[string]string{envPollInterval: "10s"}, nil, func(c Config) any { return c.PollInterval }, 10 * time.Second},
		{"poll interval flag beats env", map[string]string{envPollInterval: "10s"}, []string{"-poll-interval", "1h"}, func(c Config) any { return c.PollInterval }, time.Hour},
		{"max new default", nil, nil, func(c Config) any { return c.MaxNewPerPoll }, 10},
		{"max new env", map[string]string{envMaxNew: "25"}, nil, func(c Config) any { return c.MaxNewPerPoll }, 25},
		{"max new flag beats env", map[string]string{envMaxNew: "25"}, []string{"-max-new-per-poll", "3"}, func(c Config) any { return c.MaxNewPerPoll }, 3},
		{"feed alert default", nil, nil, func(c Config) any { return c.FeedAlertAfter }, time.Hour},
		{"feed alert env", map[string]string{envFeedAlert: "20m"}, nil, func(c Config) any { return c.FeedAlertAfter }, 20 * time.Minute},
		{"feed alert flag beats env", map[string]string{envFeedAlert: "20m"}, []string{"-feed-alert-after", "3h"}, func(c Config) any { return c.FeedAlertAfter }, 3 * time.Hour},

		{"delivery horizon default", nil, nil, func(c Config) any { return c.Horizon }, 24 * time.Hour},
		{"delivery horizon env", map[string]string{envHorizon: "90m"}, nil, func(c Config) any { return c.Horizon }, 90 * time.Minute},
		{"delivery horizon days", map[string]string{envHorizon: "3d"}, nil, func(c Config) any { return c.Horizon }, 72 * time.Hour},
		{"delivery horizon flag beats env", map[string]string{envHorizon: "3d"}, []string{"-delivery-horizon", "1m"}, func(c Config) any { return c.Horizon }, time.Minute},

		{"retention default", nil, nil, func(c Config) any { return c.Retention }, 90 * 24 * time.Hour},
		{"retention env", map[string]string{envRetention: "720h"}, nil, func(c Config) any { return c.Retention }, 30 * 24 * time.Hour},
		{"retention keeps everything", map[string]string{envRetention: "0"}, nil, func(c Config) any { return c.Retention }, time.Duration(0)},
		{"retention flag beats env", map[string]string{envRetention: "0"}, []string{"-retention", "1d"}, func(c Config) any { return c.Retention }, 24 * time.Hour},

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
		{"max new zero", map[string]string{envMaxNew: "0"}, nil,
			`NEWSBOT_MAX_NEW_PER_POLL (-max-new-per-poll): "0" is not a number from 1 to 100: use e.g. 10`},
		{"max new not a number", nil, []string{"-max-new-per-poll", "ten"},
			`NEWSBOT_MAX_NEW_PER_POLL (-max-new-per-poll): "ten" is not a number from 1 to 100: use e.g. 10`},
		{"feed alert too short", map[string]string{envFeedAlert: "1s"}, nil,
			`NEWSBOT_FEED_ALERT_AFTER (-feed-alert-after): "1s" is too short: use a duration of at least 10s, e.g. 1h`},
		{"allowed hosts wildcard over a top-level domain", map[string]string{envAllowedHosts: "*.by"}, nil,
			`NEWSBOT_ALLOWED_HOSTS (-allowed-hosts): "*.by" is not a domain wildcard: use *.domain with at least two labels, e.g. *.osipovichi.gov.by`},
		{"allowed hosts not a host", nil, []string{"-allowed-hosts", "https://cdn.example.by/"},
			`NEWSBOT_ALLOWED_HOSTS (-allowed-hosts): "https://cdn.example.by/" is not a host: use host, host:port or *.domain, e.g. news.osipovichi.gov.by`},
		{"listing selectors missing file", nil, []string{"-listing-selectors", "/nonexistent/selectors.json"},
			`NEWSBOT_LISTING_SELECTORS (-listing-selectors): cannot read "/nonexistent/selectors.json": no such file or directory: use a JSON object of source URLs to selectors, e.g. {"https://osipovichi.gov.by/ru/news-rayon-ru/":{"item":".news_block","title":".news_title a"}}, or the path of a file that holds one`},
		{"feeds duplicate", map[string]string{envFeeds: "news/ru=https://osipovichi.gov.by/ru/rss-ru/,announcements=HTTPS://Osipovichi.gov.by/ru/rss-ru/"}, nil,
			`NEWSBOT_FEEDS (-feeds): item 2 "announcements=HTTPS://Osipovichi.gov.by/ru/rss-ru/" repeats the URL of item 1: list each feed once`},
		{"feeds none", nil, []string{"-feeds", " , "},
			`NEWSBOT_FEEDS (-feeds): no feeds: use a comma-separated list of [section[/lang]=]URL, e.g. news/ru=https://osipovichi.gov.by/ru/rss-ru/,news/en=https://osipovichi.gov.by/en/rss-en/`},
		{"section without a name", map[string]string{envFeeds: "news=https://a.example/,kids=https://b.example/"}, nil,
			`NEWSBOT_SECTION_NAMES (-section-names): section "kids" of NEWSBOT_FEEDS has no name that residents could read: add kids=Русский|Беларуская|English (built-in names: news, district, official, announcements, economy, agriculture, society, education, culture, sport, health, youth, housing, social, law, tourism, emergencies)`},
		{"section names without =", map[string]string{envFeeds: "kids=https://b.example/", envSectionNames: "kids: Дети"}, nil,
			`NEWSBOT_SECTION_NAMES (-section-names): item 1 "kids: Дети" has no '=': use section=Русский|Беларуская|English items separated by ;, e.g. district=Районные новости|Навіны раёна|District news;kids=Детям (one name for every language)`},
		{"section names unknown section", map[string]string{envFeeds: "news=https://a.example/,district=https://b.example/", envSectionNames: "news=Новости;distrct=Район"}, nil,
			`NEWSBOT_SECTION_NAMES (-section-names): item 2: "distrct" is not a section of NEWSBOT_FEEDS (news, district): use section=Русский|Беларуская|English items separated by ;, e.g. district=Районные новости|Навіны раёна|District news;kids=Детям (one name for every language)`},
		{"section names twice", map[string]string{envSectionNames: "news=Новости;news=Навіны"}, nil,
			`NEWSBOT_SECTION_NAMES (-section-names): item 2 names section "news" again: name each section once`},
		{"section names four names", map[string]string{envSectionNames: "news=a|b|c|d"}, nil,
			`NEWSBOT_SECTION_NAMES (-section-names): item 1 "news=a|b|c|d" has 4 names: give at most 3, in the order ru|be|en`},
		{"section names all empty", map[string]string{envSectionNames: "news= | "}, nil,
			`NEWSBOT_SECTION_NAMES (-section-names): item 1 "news= |" gives no name: use section=Русский|Беларуская|English items separated by ;, e.g. district=Районные новости|Навіны раёна|District news;kids=Детям (one name for every language)`},
		{"section name too long", map[string]string{envSectionNames: "news=" + strings.Repeat("я", 65)}, nil,
			`NEWSBOT_SECTION_NAMES (-section-names): item 1 "news=` + strings.Repeat("я", 65) + `": name "` + strings.Repeat("я", 65) + `" is longer than 64 characters`},
		{"section name control character", map[string]string{envSectionNames: "news=Ново\x07сти"}, nil,
			`NEWSBOT_SECTION_NAMES (-section-names): item 1 "news=Ново\aсти": name "Ново\aсти" holds a control character`},
		{"poll interval too short", map[string]string{envPollInterval: "3s"}, nil,
			`NEWSBOT_POLL_INTERVAL (-poll-interval): "3s" is too short: use a duration of at least 10s, e.g. 5m`},
		{"poll interval no unit", nil, []string{"-poll-interval", "300"},
			`NEWSBOT_POLL_INTERVAL (-poll-interval): "300" is not a duration: use a duration of at least 10s, e.g. 5m`},
		{"poll interval negative", map[string]string{envPollInterval: "-5m"}, nil,
			`NEWSBOT_POLL_INTERVAL (-poll-interval): "-5m" is too short: use a duration of at least 10s, e.g. 5m`},
		{"delivery horizon too short", map[string]string{envHorizon: "30s"}, nil,
			`NEWSBOT_DELIVERY_HORIZON (-delivery-horizon): "30s" is too short: use a duration from 1m to 30d, e.g. 24h or 3d`},
		{"delivery horizon too long", nil, []string{"-delivery-horizon", "31d"},
			`NEWSBOT_DELIVERY_HORIZON (-delivery-horizon): "31d" is too long: use a duration from 1m to 30d, e.g. 24h or 3d`},
		{"delivery horizon not a duration", map[string]string{envHorizon: "a day"}, nil,
			`NEWSBOT_DELIVERY_HORIZON (-delivery-horizon): "a day" is not a duration: use a duration from 1m to 30d, e.g. 24h or 3d`},
		{"retention too short", map[string]string{envRetention: "12h"}, nil,
			`NEWSBOT_RETENTION (-retention): "12h" is too short: use a duration of at least 24h, e.g. 90d or 2160h, or 0 to keep everything`},
		{"retention negative", map[string]string{envRetention: "-90d"}, nil,
			`NEWSBOT_RETENTION (-retention): "-90d" is not a duration: use a duration of at least 24h, e.g. 90d or 2160h, or 0 to keep everything`},
		{"retention days not a number", map[string]string{envRetention: "1.5d"}, nil,
			`NEWSBOT_RETENTION (-retention): "1.5d" is not a duration: use a duration of at least 24h, e.g. 90d or 2160h, or 0 to keep everything`},
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
		"poll_interval=5m0s feed_alert_after=1h0m0s max_new_per_poll=10 admins=42,43 http_addr=127.0.0.1:8080 lang=ru timezone=Europe/Minsk rate=25 " +
		"paid_broadcast=false delivery_horizon=24h retention=90d log_format=text log_level=info contact_url=https://osipovichi.gov.by/"
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
		{"version", nil, []string{"version"}, 0, "newsbot dev (commit ", ""},
		{"version extra", nil, []string{"version", "x"}, 2, "", "newsbot: version: unexpected argument \"x\"\n"},
		{"version -h", nil, []string{"version", "-h"}, 0, "Usage: newsbot version", ""},
		{"help", nil, []string{"help"}, 0, "  backup       write a consistent copy of the database to PATH", ""},
		{"help -h", nil, []string{"help", "-h"}, 0, "Usage: newsbot [COMMAND] [flags] [arguments]", ""},
		{"help run", nil, []string{"help", "run"}, 0, "-poll-interval duration", ""},
		{"help backup", nil, []string{"help", "backup"}, 0, "Usage: newsbot backup [flags] PATH", ""},
		{"help unknown", nil, []string{"help", "bakup"}, 2, "", "newsbot: unknown command \"bakup\": did you mean \"backup\"? run 'newsbot help' for the list of commands\n"},
		{"-h", nil, []string{"-h"}, 0, "Commands:\n  run          run the bot", ""},
		{"--help", nil, []string{"--help"}, 0, "  healthcheck  exit 0 if the running bot's /healthz says ok", ""},
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

func TestParseConfigContacts(t *testing.T) {
	const inline = `Горячая линия: +375 2235 5-55-55\nОбращения: [portal.gov.by](https://portal.gov.by/)`
	cfg, err := parseTest(t, map[string]string{envContacts: inline})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Горячая линия: +375 2235 5-55-55\nОбращения: [portal.gov.by](https://portal.gov.by/)"; cfg.Contacts != want {
		t.Errorf("inline contacts: got %q, want %q", cfg.Contacts, want)
	}
	if !strings.HasSuffix(cfg.String(), " contacts_set=true") {
		t.Errorf("String: got %s, want contacts_set=true", cfg.String())
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "contacts.txt")
	text := "Приёмная: (02235) 5-55-55\r\nЭлектронные обращения: [обращение](https://osipovichi.gov.by/ru/appeal/)\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if cfg, err = parseTest(t, nil, "-contacts", path); err != nil {
		t.Fatal(err)
	}
	if cfg.Contacts != strings.TrimSpace(text) {
		t.Errorf("contacts from a file: got %q, want the file's text", cfg.Contacts)
	}

	want := ": " + contactsWant // every error ends with what to write
	for _, tt := range []struct{ name, value, msg string }{
		{"mailto", "[почта](mailto:info@osipovichi.gov.by)", `NEWSBOT_CONTACTS (-contacts): the contacts cannot be shown: link [почта](mailto:info@osipovichi.gov.by): use an absolute http or https address; write e-mail addresses and phone numbers as plain text, Telegram makes them tappable` + want},
		{"unclosed", "Сайт: [сайт](https://osipovichi.gov.by", `NEWSBOT_CONTACTS (-contacts): the contacts cannot be shown: the link [сайт](… is not closed: end its address with )` + want},
		{"no file", filepath.Join(dir, "missing.txt"), `NEWSBOT_CONTACTS (-contacts): cannot read "` + filepath.Join(dir, "missing.txt") + `": no such file or directory` + want},
		{"too long", strings.Repeat("тел. 5-55-55 ", 300), `NEWSBOT_CONTACTS (-contacts): the contacts cannot be shown: it is 3899 characters long, more than the 3500 that fit a message` + want},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseTest(t, map[string]string{envContacts: tt.value})
			checkExitError(t, err, 2, tt.msg)
		})
	}
}

// TestFeedsJoinedByOtherSeparators: sources joined by ";", "|" or white
// space instead of commas stop the program naming the separator; a URL
// with a ";" of its own is one source.
func TestFeedsJoinedByOtherSeparators(t *testing.T) {
	const fix = ": separate sources with commas, e.g. news/ru=https://osipovichi.gov.by/ru/rss-ru/,news/be=https://osipovichi.gov.by/be/rss-be/"
	for _, tt := range []struct{ value, sep string }{
		{"https://osipovichi.gov.by/ru/rss-ru/;https://osipovichi.gov.by/be/rss-be/", `";"`},
		{"news/ru=https://osipovichi.gov.by/ru/rss-ru/; news/be=https://osipovichi.gov.by/be/rss-be/", `";"`},
		{"news/ru=https://osipovichi.gov.by/ru/rss-ru/|news/be=html:https://osipovichi.gov.by/be/news/", `"|"`},
		{"https://osipovichi.gov.by/ru/rss-ru/ https://osipovichi.gov.by/be/rss-be/", "spaces or new lines"},
		{"news/ru=https://osipovichi.gov.by/ru/rss-ru/\nnews/be=https://osipovichi.gov.by/be/rss-be/", "spaces or new lines"},
	} {
		_, err := parseTest(t, map[string]string{envFeeds: tt.value})
		checkExitError(t, err, 2, fmt.Sprintf("NEWSBOT_FEEDS (-feeds): item 1 %q holds several sources separated by %s%s", tt.value, tt.sep, fix))
	}
	cfg, err := parseTest(t, map[string]string{envFeeds: "news=https://osipovichi.gov.by/rss;jsessionid=1,economy=https://osipovichi.gov.by/eco|rss"})
	if err != nil || len(cfg.Feeds) != 2 || cfg.Feeds[0].URL != "https://osipovichi.gov.by/rss;jsessionid=1" {
		t.Errorf("URLs with their own ; and |: got %+v, %v; want two sources", cfg.Feeds, err)
	}
}

// TestCommandHelpListsItsSettings: each command's -h lists the settings it
// reads and no other; a setting it does not read is not validated either.
func TestCommandHelpListsItsSettings(t *testing.T) {
	for cmd, want := range map[string][]string{
		"run":     {"-token", "-feeds", "-db", "-contacts", "-rate", "-http-addr"},
		"backup":  {"-db", "-log-format", "-log-level"},
		"preview": {"-feeds", "-lang", "-timezone", "-contact-url", "-listing-selectors", "-section-names", "-allowed-hosts", "-n"},
	} {
		var stdout bytes.Buffer
		if err := run(t.Context(), []string{"newsbot", cmd, "-h"}, mapEnv(nil), &stdout, io.Discard); err != nil {
			t.Fatalf("%s -h: %v", cmd, err)
		}
		listed := map[string]bool{}
		for _, line := range strings.Split(stdout.String(), "\n") {
			if f, ok := strings.CutPrefix(line, "  -"); ok {
				listed["-"+strings.Fields(f)[0]] = true
			}
		}
		for _, f := range want {
			if !listed[f] {
				t.Errorf("%s -h does not list %s:\n%s", cmd, f, stdout.String())
			}
		}
		if cmd != "run" && len(listed) != len(want) {
			t.Errorf("%s -h lists %d flags, want only the %d it reads:\n%s", cmd, len(listed), len(want), stdout.String())
		}
	}
	// backup does not read NEWSBOT_FEEDS: a bad value there does not stop it.
	var stderr bytes.Buffer
	err := run(t.Context(), []string{"newsbot", "backup", filepath.Join(t.TempDir(), "b.db")},
		mapEnv(map[string]string{envFeeds: "a;b", envDB: filepath.Join(t.TempDir(), "missing.db")}), io.Discard, &stderr)
	if err == nil || strings.Contains(err.Error(), "NEWSBOT_FEEDS") {
		t.Errorf("backup with a bad NEWSBOT_FEEDS: %v, want the missing database, not the feeds", err)
	}
}

// TestVersion: the version set at build time, the commit from the build
// info (or -X main.revision, which wins), its time, when it was built.
func TestVersion(t *testing.T) {
	info := &debug.BuildInfo{Settings: []debug.BuildSetting{
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "0b3182a1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7"},
		{Key: "vcs.time", Value: "2026-12-01T02:03:20Z"},
		{Key: "vcs.modified", Value: "true"},
	}}
	b := readBuild(info)
	b.version, b.built, b.goVersion, b.platform = "1.4.2", "2026-12-01T03:00:00Z", "go1.26.8", "linux/amd64"
	if got, want := describeBuild(b), "1.4.2 (commit 0b3182a1c2d3, modified, committed 2026-12-01T02:03:20Z, built 2026-12-01T03:00:00Z; go1.26.8 linux/amd64)"; got != want {
		t.Errorf("describeBuild:\ngot  %s\nwant %s", got, want)
	}
	if got, want := describeBuild(build{version: "dev", goVersion: "go1.26.8", platform: "linux/amd64"}), "dev (commit unknown; go1.26.8 linux/amd64)"; got != want {
		t.Errorf("describeBuild without build facts: got %s, want %s", got, want)
	}
	defer func(r string) { revision = r }(revision)
	revision = "feedface00112233"
	if b := readBuild(info); b.revision != "feedface00112233" || b.committed != "2026-12-01T02:03:20Z" {
		t.Errorf("readBuild with -X main.revision: %+v, want that revision", b)
	}
	if got := versionLabel(); got != version+" (feedface0011)" {
		t.Errorf("versionLabel = %q, want the version and the short commit", got)
	}
}

func TestPermissionHint(t *testing.T) {
	cause := fmt.Errorf("open database /data/newsbot.db: %w", &os.PathError{Op: "open", Path: "/data/newsbot.db", Err: os.ErrPermission})
	err := permissionHint(cause, "/data/newsbot.db")
	if !errors.Is(err, os.ErrPermission) || !strings.Contains(err.Error(), fmt.Sprintf("chown %d:%d /data", os.Getuid(), os.Getgid())) ||
		!strings.Contains(err.Error(), "--user") {
		t.Errorf("permissionHint = %v, want the cause and what to do", err)
	}
	other := errors.New("disk full")
	if permissionHint(other, "/data/newsbot.db") != other {
		t.Errorf("permissionHint changed an error that is not about permissions")
	}
}
