package bot

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/subscriptions"
)

// buttonTexts are the texts of a message's buttons, in order.
func buttonTexts(m faketelegram.Sent) []string {
	var out []string
	if m.ReplyMarkup != nil {
		for _, row := range m.ReplyMarkup.Rows {
			for _, b := range row {
				out = append(out, b.Text)
			}
		}
	}
	return out
}

// TestPlainTextIsAQuestion checks, in each language, that a question in a
// private chat is answered with the news about its words that matter and
// a button that subscribes to them, and that a press does what it says.
func TestPlainTextIsAQuestion(t *testing.T) {
	questions := map[string]struct {
		ask, found string
		want       []string // the keywords offered
		partial    bool
	}{
		"ru": {"Здравствуйте, когда будет горячая вода на Сумченко?", "Отключение горячей воды", []string{"горячая вода", "сумченко"}, true},
		"be": {"Добры дзень! Калі будзе гарачая вада?", "Адключэнне гарачай вады", []string{"гарачая вада"}, false},
		"en": {"Hi, when will there be hot water?", "No hot water on Lenin street", []string{"hot water"}, false},
	}
	for i, lang := range subscriptions.Languages() {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t, harnessOptions{})
			h.feeds("news/" + lang)
			q := questions[lang]
			h.publish("news", lang,
				subscriptions.Article{Title: q.found, Summary: "Ремонт теплотрассы / рамонт / repairs", Link: "https://osipovichi.gov.by/" + lang + "/q1"},
				subscriptions.Article{Title: "Водители, внимание / Вадзіцелі / Drivers", Link: "https://osipovichi.gov.by/" + lang + "/q2"})
			u := userIn(lang, 7900+int64(i))
			chat := faketelegram.PrivateChat(u)

			m := h.say(u, q.ask)
			header := i18n.T(lang, "search.header", strings.Join(q.want, " "))
			if q.partial {
				header = i18n.T(lang, "search.partial", "горячая вода Сумченко")
			}
			if !strings.HasPrefix(m.Plain, strings.Split(header, "«")[0]) || !strings.Contains(m.Plain, q.found) || strings.Contains(m.Plain, "Водители") {
				t.Errorf("answer %q: want %q and the article %q only", m.Plain, header, q.found)
			}
			if !strings.Contains(m.Text, "<b>") {
				t.Errorf("answer %q: no word in bold", m.Text)
			}
			var want []string
			for _, k := range q.want {
				want = append(want, i18n.T(lang, "button.notify", k))
			}
			if got := buttonTexts(m); !slices.Equal(got, want) {
				t.Fatalf("buttons %q, want %q", got, want)
			}

			// The press subscribes and adds the keyword.
			data := buttonData(t, m, cbOffer+":")
			if len(data) > maxCallbackData {
				t.Fatalf("button data %q is longer than Telegram allows", data)
			}
			before := len(h.tg.Messages(chat.ID))
			a := h.press(chat, u, m.MessageID, data)
			if a.Text != i18n.T(lang, "keywords.added", q.want[0]) {
				t.Errorf("press answered %q, want %q", a.Text, i18n.T(lang, "keywords.added", q.want[0]))
			}
			got := h.tg.WaitMessages(t, chat.ID, before+1, 10*time.Second)[before].Plain
			if want := i18n.T(lang, "question.subscribed") + " " + i18n.T(lang, "question.added", q.want[0], q.want[0]); got != want {
				t.Errorf("after the press: %q, want %q", got, want)
			}
			p := h.prefs(u.ID)
			if !p.Subscribed || len(p.Keywords) != 1 || p.Keywords[0].Text != q.want[0] {
				t.Errorf("after the press: subscribed %t, keywords %v; want subscribed with %q", p.Subscribed, p.Keywords, q.want[0])
			}
			if a := h.press(chat, u, m.MessageID, data); a.Text != i18n.T(lang, "keywords.already", q.want[0]) {
				t.Errorf("a second press answered %q, want %q", a.Text, i18n.T(lang, "keywords.already", q.want[0]))
			}

			// A question nobody wrote about: said so, with the button and /help.
			h.clock.Advance(10 * time.Second)
			m = h.say(u, "Что с мостом через Птичь? / Што з мостам? / What about the bridge?")
			for _, w := range []string{i18n.T(lang, "question.offer"), i18n.T(lang, "question.help")} {
				if !strings.Contains(m.Plain, w) {
					t.Errorf("answer %q lacks %q", m.Plain, w)
				}
			}
			if len(buttonTexts(m)) == 0 {
				t.Errorf("answer %q without a button to be notified", m.Plain)
			}

			// Greetings, emoji and stickers get a friendly line.
			for text, key := range map[string]string{"hello": "plain.no_words", "Спасибо!": "plain.no_words", "😀👍": "plain.emoji", "?!": "plain.emoji"} {
				if got := h.say(u, text).Plain; got != i18n.T(lang, key) {
					t.Errorf("%q answered %q, want %q", text, got, i18n.T(lang, key))
				}
			}
			before = len(h.tg.Messages(chat.ID))
			h.tg.SendMessageUpdate(map[string]any{
				"chat": map[string]any{"id": chat.ID, "type": "private", "first_name": u.FirstName},
				"from": map[string]any{"id": u.ID, "is_bot": false, "first_name": u.FirstName, "language_code": lang},
				"sticker": map[string]any{"file_id": "CAACAgIAAxkBAAIB", "file_unique_id": "AgADAQAD", "width": 512, "height": 512,
					"is_animated": false, "emoji": "👍"},
			})
			if got := h.tg.WaitMessages(t, chat.ID, before+1, 10*time.Second)[before].Plain; got != i18n.T(lang, "plain.emoji") {
				t.Errorf("a sticker answered %q, want %q", got, i18n.T(lang, "plain.emoji"))
			}
		})
	}
}

// TestQuestionOffers checks when the answer offers a keyword: not to a
// subscriber who gets every article (a keyword would narrow that), not a
// keyword the chat has; and that buttons cannot be forged or reused by
// another chat.
func TestQuestionOffers(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.feeds("news/ru")
	all, narrowed, other := userIn("ru", 7950), userIn("ru", 7951), userIn("ru", 7952)
	h.say(all, "/subscribe")
	h.say(narrowed, "/subscribe")
	h.say(narrowed, "/keywords дорога")

	if m := h.say(all, "Когда будет горячая вода?"); len(buttonTexts(m)) != 0 || strings.Contains(m.Plain, i18n.T("ru", "question.offer")) {
		t.Errorf("a subscriber of everything was offered a keyword: %q %q", m.Plain, buttonTexts(m))
	}
	m := h.say(narrowed, "Дорога и горячая вода")
	if got, want := buttonTexts(m), []string{i18n.T("ru", "button.notify", "горячая вода")}; !slices.Equal(got, want) {
		t.Errorf("offered %q, want %q (not дорога, which the chat has)", got, want)
	}
	data := buttonData(t, m, cbOffer+":")

	// Another chat presses the button (a forwarded message, a forged press).
	ochat := faketelegram.PrivateChat(other)
	h.say(other, "/start")
	for _, d := range []string{data, cbOffer + ":999999", cbOffer + ":0", cbOffer + ":-1", cbOffer + ":01", cbOffer + ":x", cbOffer} {
		if a := h.press(ochat, other, 1, d); a.Text != i18n.T("ru", "button.outdated") {
			t.Errorf("press %q by another chat answered %q, want the outdated-button text", d, a.Text)
		}
	}
	if p := h.prefs(other.ID); p.Subscribed || len(p.Keywords) != 0 {
		t.Errorf("the other chat was changed: subscribed %t, keywords %v", p.Subscribed, p.Keywords)
	}
	// A word in another case finds the article, but would not make a keyword that does.
	h.publish("news", "ru", subscriptions.Article{Title: "Школа №5 приглашает первоклассников", Link: "https://osipovichi.gov.by/ru/q5"})
	h.clock.Advance(10 * time.Second)
	m2 := h.say(other, "Что нового в школе?")
	if !strings.Contains(m2.Plain, "Школа №5") || len(buttonTexts(m2)) != 0 {
		t.Errorf("в школе: %q with buttons %q; want the article and no keyword «школе»", m2.Plain, buttonTexts(m2))
	}

	// A week later the button is outdated.
	h.clock.Advance(8 * 24 * time.Hour)
	if a := h.press(faketelegram.PrivateChat(narrowed), narrowed, m.MessageID, data); a.Text != i18n.T("ru", "button.outdated") {
		t.Errorf("a week-old button answered %q, want the outdated-button text", a.Text)
	}
}

// TestGroupsStaySilent checks that plain messages in a group get no answer.
func TestGroupsStaySilent(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	group := faketelegram.Chat{ID: -4200, Type: "group", Title: "Соседи"}
	u := userIn("ru", 7960)
	h.tg.SendMessage(group, u, "Когда будет горячая вода?")
	h.tg.SendMessage(group, u, "😀")
	// The next command's reply is the first message in the group.
	if got := h.sayIn(group, u, "/help").Plain; got != i18n.T("ru", "help") {
		t.Errorf("first message in the group: %q, want the reply to /help", got)
	}
	if n := len(h.tg.Messages(group.ID)); n != 1 {
		t.Errorf("%d messages in the group, want 1", n)
	}
}

func TestTopics(t *testing.T) {
	q := newQuestions(nil, nil, nil, nil)
	tests := map[string][]string{
		"Здравствуйте, когда будет горячая вода на Сумченко?": {"горячая вода", "Сумченко"},
		"будет ли горячая вода сумченко":                      {"горячая вода", "сумченко"},
		"Есть новости про ремонт дорог?":                      {"ремонт дорог"},
		"Калі будзе гарачая вада на вуліцы Леніна?":           {"гарачая вада", "вуліцы Леніна"},
		"Will the district library open a new branch?":        {"district library", "open", "branch"},
		"Any news about the bridge?":                          {"bridge"},
		"hello":                                               nil,
	}
	for in, want := range tests {
		if got := topics(in, q.essentials(in)); !slices.Equal(got, want) {
			t.Errorf("topics(%q) = %q, want %q", in, got, want)
		}
	}
}
