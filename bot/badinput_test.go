package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/subscriptions"
	"github.com/osipovichi/newsbot/subscriptions/analyser"
)

// hostile are inputs a resident may send, by accident or not.
var hostile = []string{
	strings.Repeat("вода", 250),                             // 1,000 characters
	strings.Repeat("я ", 500),                               // 1,000 characters of single letters
	"!!! ??? ... ;;; ,,, «» „“ -- —",                        // punctuation only
	`"`, `""`, `"детский сад`, `NEAR(вода газ, 2)`, `NEAR(`, // FTS5 syntax
	`*`, `вода*`, `^вода`, `OR`, `вода OR газ`, `AND NOT`, `col:x`, `title:вода`, `{title summary}:вода`, `'; DROP TABLE articles; --`,
	"вoдa", "Bода", "школa №5", // Latin letters among Cyrillic ones
	"во\xffда", "\xff\xfe\xfd", "во\x00да", // invalid UTF-8, NUL
	"до\u200bрога", "\u200b\u200d\u2060", "\u202eвода\u202c", "\u200fгаз", "вода\u00ad", "\ufeffшкола", // zero-width, bidi, soft hyphen, BOM
	"😀🔥", "🇧🇾", "е\u0301\u0301\u0301", "\u3164", "ㅤ",
	strings.Repeat(`"`, 101), strings.Repeat("(", 300), "-", "- -", "--вода", "-", "\n\n\n",
}

// TestBadInput sends every hostile input to /keywords and as a plain
// message in each language, and to /search, /keywords remove, /quiet,
// /latest and /lang in Russian (their texts are the catalogues', tested
// elsewhere):
// every one gets an answer, nothing crashes, and every keyword stored can
// be shown again exactly and read back by the analyser.
func TestBadInput(t *testing.T) {
	// Each part with its own bot, in parallel: most of the time is waiting for replies.
	for i, lang := range subscriptions.Languages() {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			badInput(t, lang, userIn(lang, 8300+int64(i)), hostile, "/keywords ", "")
		})
	}
	t.Run("search and remove", func(t *testing.T) {
		t.Parallel()
		badInput(t, subscriptions.LangRU, userIn("ru", 8310), hostile, "/search ", "/keywords remove ")
	})
	t.Run("other commands", func(t *testing.T) { // their parsers are fuzzed: FuzzCommandInput
		t.Parallel()
		some := []string{hostile[0], hostile[2], "\xff\xfe\xfd", "\u202e23-7\u202c", "2\u200b3-7", "٢٣-٧", "😀", "-", `"`, strings.Repeat("9", 400)}
		badInput(t, subscriptions.LangRU, userIn("ru", 8311), some, "/quiet ", "/latest ", "/lang ")
	})
}

func badInput(t *testing.T, lang string, u faketelegram.User, inputs []string, cmds ...string) {
	h := newHarness(t, harnessOptions{})
	h.feeds("news/ru", "news/be", "news/en")
	h.publish("news", "ru", subscriptions.Article{Title: "Отключение горячей воды", Summary: "Детский сад закрыт на ремонт", Link: "https://osipovichi.gov.by/ru/b1"})
	{
		h.say(u, "/subscribe")
		for _, in := range inputs {
			for _, cmd := range cmds {
				h.clock.Advance(7 * time.Second) // under the search limit
				text := cmd + in
				if strings.TrimSpace(text) == "" {
					continue // Telegram delivers no empty message
				}
				m := h.say(u, text)
				if strings.TrimSpace(m.Plain) == "" {
					t.Errorf("%s %q: an empty answer", lang, text)
				}
				if strings.Contains(m.Plain, i18n.T(lang, "error.internal")) {
					t.Errorf("%s %q: %q", lang, text, m.Plain)
				}
			}
		}
		h.say(u, "/keywords clear")
		// All of them at once, and every keyword stored is one the bot can show.
		got := h.say(u, "/keywords "+strings.Join(hostile, ", ")).Plain
		if !strings.Contains(got, i18n.T(lang, "keywords.too_long", analyser.MaxKeywordLen, strings.Repeat("вода", 7)+"во…")) {
			t.Errorf("%s: the 1,000-character keyword is not refused clearly: %q", lang, got)
		}
		kws := keywordStrings(t, h, u.ID)
		for _, k := range kws {
			back, err := analyser.ParseKeyword(k)
			if err != nil || back.String() != k || !utf8.ValidString(k) || strings.ContainsAny(k, "\u200b\u202e\u00ad\ufeff\x00") {
				t.Errorf("%s: stored keyword %q cannot be shown again as it is (%v)", lang, k, err)
			}
		}
		if p := h.prefs(u.ID); len(p.Keywords) != len(kws) {
			t.Errorf("%s: %d keywords in the preferences, %d read", lang, len(p.Keywords), len(kws))
		}
		for _, want := range []string{"вода", "дорога", "газ", "школа 5", "near вода газ", "col x"} {
			found := false
			for _, k := range kws {
				found = found || k == want
			}
			if !found {
				t.Errorf("%s: keyword %q not stored from the hostile list; stored %q", lang, want, kws)
			}
		}
		h.say(u, "/keywords clear")
	}
}

// TestThousandKeywordsAtOnce adds 1,000 keywords in one message: 20 are
// added, the others are named or counted, and the answer fits a message.
func TestThousandKeywordsAtOnce(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	u := userIn("be", 8400)
	h.say(u, "/subscribe")
	var words []string
	for i := range 1000 {
		words = append(words, fmt.Sprintf("слова%d", i))
	}
	m := h.say(u, "/keywords "+strings.Join(words, ", "))
	var over []string
	for i := subscriptions.MaxKeywords; i < maxKeywordsRead; i++ {
		over = append(over, words[i])
	}
	for _, want := range []string{
		i18n.T("be", "keywords.added", strings.Join(words[:subscriptions.MaxKeywords], ", ")),
		i18n.T("be", "keywords.limit", subscriptions.MaxKeywords, strings.Join(over, ", ")),
		i18n.T("be", "keywords.not_read", 1000-maxKeywordsRead, maxKeywordsRead),
	} {
		if !strings.Contains(m.Plain, want) {
			t.Errorf("answer %q lacks %q", m.Plain, want)
		}
	}
	if n := len(keywordStrings(t, h, u.ID)); n != subscriptions.MaxKeywords {
		t.Errorf("%d keywords stored, want %d", n, subscriptions.MaxKeywords)
	}
	// Stored keywords still choose the news.
	h.feeds("news/be")
	before := len(h.tg.Messages(u.ID))
	h.publish("news", "be", subscriptions.Article{Title: "Слова7 і іншыя", Link: "https://osipovichi.gov.by/be/k1"},
		subscriptions.Article{Title: "Слова700", Link: "https://osipovichi.gov.by/be/k2"})
	h.waitDelivered()
	got := h.tg.Messages(u.ID)[before:]
	if len(got) != 1 || !strings.Contains(got[0].Plain, "Слова7 і іншыя") {
		t.Errorf("deliveries after the keywords: %d, want the article with слова7 only", len(got))
	}
}
