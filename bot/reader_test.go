package bot

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/feed"
	"github.com/osipovichi/newsbot/internal/fakeportal"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/subscriptions"
)

// readingWorld is a running bot with a fake portal serving article pages.
type readingWorld struct {
	*harness
	portal *fakeportal.Portal
	n      int
}

func newReadingWorld(t *testing.T, o harnessOptions) *readingWorld {
	t.Helper()
	portal := fakeportal.New(nil)
	t.Cleanup(portal.Close)
	return &readingWorld{harness: newHarness(t, o), portal: portal}
}

// article publishes an article whose page the portal serves (page is the
// body, or nil for a page the portal does not have) and returns it as stored.
func (w *readingWorld) article(title string, page []byte) subscriptions.Article {
	w.t.Helper()
	w.n++
	path := fmt.Sprintf("/ru/news-ru/view/%d/", w.n)
	if page != nil {
		w.portal.Set(path, page, "text/html; charset=utf-8")
	}
	a := subscriptions.Article{Title: title, Summary: "Кратко о главном.", Link: w.portal.URL(path),
		ImageURL: w.portal.URL("/files/cover.jpg")}
	w.publishIn(w.portal.URL("/ru/rss-ru/"), "news", "ru", a)
	stored, err := w.store.ArticleByLink(context.Background(), a.Link)
	if err != nil {
		w.t.Fatal(err)
	}
	return stored
}

// pressFor presses a button in the chat of u and waits for the bot's next
// message there, returning the answer to the press and the message.
func (w *readingWorld) pressFor(u faketelegram.User, msgID int, data string) (answer, msg faketelegram.Sent) {
	w.t.Helper()
	before := len(w.tg.Messages(u.ID))
	answer = w.press(faketelegram.PrivateChat(u), u, msgID, data)
	return answer, w.tg.WaitMessages(w.t, u.ID, before+1, 10*time.Second)[before]
}

// pressEdit presses a button under msgID and waits for the message to be edited.
func (w *readingWorld) pressEdit(u faketelegram.User, msgID int, data string) faketelegram.Sent {
	w.t.Helper()
	before := len(w.tg.Edits(u.ID))
	w.press(faketelegram.PrivateChat(u), u, msgID, data)
	var got faketelegram.Sent
	w.tg.WaitFor(w.t, 10*time.Second, func() bool {
		edits := w.tg.Edits(u.ID)
		if len(edits) > before {
			got = edits[before]
			return true
		}
		return false
	}, "an edit after "+data)
	if got.MessageID != msgID {
		w.t.Fatalf("edited message %d, want %d", got.MessageID, msgID)
	}
	return got
}

func buttons(s faketelegram.Sent) []faketelegram.Button {
	if s.ReplyMarkup == nil {
		return nil
	}
	var out []faketelegram.Button
	for _, row := range s.ReplyMarkup.Rows {
		out = append(out, row...)
	}
	return out
}

func TestReadHere(t *testing.T) {
	w := newReadingWorld(t, harnessOptions{})
	w.subscribe(resident.ID)
	a := w.article("В Осиповичском районе отремонтируют 42 километра дорог", fakeportal.ArticlePage(fakeportal.ArticleRU))
	w.waitDelivered()
	delivered := w.tg.Messages(resident.ID)[0]
	readData := "rd:" + strconv.FormatInt(a.ID, 10)
	if b := buttons(delivered); len(b) != 1 || b[0].Text != "📖 Читать здесь" || b[0].CallbackData != readData {
		t.Fatalf("delivery buttons %+v, want 📖 Читать здесь with %s", b, readData)
	}

	answer, page1 := w.pressFor(resident, delivered.MessageID, readData)
	if answer.Text != "⏳ Открываю статью…" {
		t.Errorf("press answered %q, want the loading notice", answer.Text)
	}
	if !strings.HasPrefix(page1.Plain, a.Title) || !strings.Contains(page1.Plain, "Страница 1 из 2") ||
		!strings.Contains(page1.Plain, "Программа ремонта дорог местного значения") {
		t.Errorf("page 1:\n%s", page1.Plain)
	}
	if !strings.Contains(page1.LinkPreviewOptions, "doroga_1_big.jpg") || !strings.Contains(page1.LinkPreviewOptions, `"show_above_text":true`) {
		t.Errorf("page 1 preview %s, want the first photo above the text", page1.LinkPreviewOptions)
	}
	if b := buttons(page1); len(b) != 1 || b[0].Text != "Дальше ▶" || b[0].CallbackData != readData+":2" {
		t.Fatalf("page 1 buttons %+v, want Next to page 2", b)
	}

	page2 := w.pressEdit(resident, page1.MessageID, readData+":2")
	if !strings.Contains(page2.Plain, "Страница 2 из 2") || !strings.Contains(page2.Plain, "Ход работ можно будет отслеживать") {
		t.Errorf("page 2:\n%s", page2.Plain)
	}
	if b := buttons(page2); len(b) != 1 || b[0].CallbackData != readData+":1" || b[0].Text != "◀ Назад" {
		t.Errorf("page 2 buttons %+v, want Back only", b)
	}
	if back := w.pressEdit(resident, page1.MessageID, readData+":1"); back.Text != page1.Text {
		t.Errorf("back to page 1:\n%s\nwant\n%s", back.Text, page1.Text)
	}

	// Opened again: from the database at once, the page is not read again.
	answer, again := w.pressFor(resident, delivered.MessageID, readData)
	if answer.Text != "" || again.Text != page1.Text {
		t.Errorf("second open: answer %q, page\n%s", answer.Text, again.Plain)
	}
	if n := len(w.portal.Requests("/ru/news-ru/view/1/")); n != 1 {
		t.Errorf("the portal was asked %d times for the page, want once", n)
	}
	// A page of a button from an older layout is clamped to the last one.
	if last := w.pressEdit(resident, page1.MessageID, readData+":7"); !strings.Contains(last.Plain, "Страница 2 из 2") {
		t.Errorf("page 7 of 2: %s", last.Plain)
	}
}

func TestReadHereFailures(t *testing.T) {
	w := newReadingWorld(t, harnessOptions{})
	huge := append([]byte(`<html><body><div class="news_inner_one_text">`), bytes.Repeat([]byte("<p>Абзац новости.</p>\n"), 5<<20/30)...)
	tests := []struct {
		name string
		page []byte
		want string
		link bool
	}{
		{"deleted from the portal (404)", nil, "Эту статью убрали с портала.", false},
		{"no text block", fakeportal.ArticlePage(fakeportal.ArticleNoText), "Статью не получается показать здесь.", true},
		{"a page of 5 MB", huge, "Статью не получается показать здесь.", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := w.article(tt.name, tt.page)
			data := "rd:" + strconv.FormatInt(a.ID, 10)
			_, got := w.pressFor(resident, 1, data)
			if !strings.HasPrefix(got.Plain, tt.want) || strings.Contains(got.Text, "<a href") != tt.link {
				t.Errorf("got %q, want %q (with the portal link: %t)", got.Text, tt.want, tt.link)
			}
			if tt.link && !strings.Contains(got.Text, a.Link) {
				t.Errorf("the link to the portal is not %s: %s", a.Link, got.Text)
			}
			// Asked again at once: the failure is remembered, the portal not asked again.
			path := strings.TrimPrefix(a.Link, w.portal.URL(""))
			_, again := w.pressFor(resident, 1, data)
			if again.Text != got.Text || len(w.portal.Requests(path)) != 1 {
				t.Errorf("second press: %q, %d requests", again.Text, len(w.portal.Requests(path)))
			}
		})
	}

	// An article of another site is not read: the link is the answer.
	other := subscriptions.Article{Title: "Elsewhere", Link: "https://example.org/news/1/"}
	w.publishIn(w.portal.URL("/ru/rss-ru/"), "news", "ru", other)
	stored, err := w.store.ArticleByLink(context.Background(), other.Link)
	if err != nil {
		t.Fatal(err)
	}
	if _, got := w.pressFor(resident, 1, "rd:"+strconv.FormatInt(stored.ID, 10)); !strings.Contains(got.Text, "example.org") ||
		!strings.HasPrefix(got.Plain, "Статью не получается показать здесь.") {
		t.Errorf("another site: %q", got.Text)
	}
	if _, got := w.pressFor(resident, 1, "rd:999999"); got.Plain != "Этой статьи больше нет в архиве бота." {
		t.Errorf("an article not in the archive: %q", got.Plain)
	}
	if got := w.press(faketelegram.PrivateChat(resident), resident, 1, "rd:x1"); !strings.Contains(got.Text, "устарела") {
		t.Errorf("forged data: answered %q", got.Text)
	}
	group := faketelegram.Chat{ID: -4001, Type: "group", Title: "Дом 5"}
	if got := w.press(group, resident, 1, "rd:1"); got.Text != "Статьи открываются в личном чате с ботом." {
		t.Errorf("a press in a group: answered %q", got.Text)
	}
}

func TestReadHereBudget(t *testing.T) {
	w := newReadingWorld(t, harnessOptions{})
	var arts []subscriptions.Article
	for i := range ReaderPagesPerMinute + 1 {
		arts = append(arts, w.article(fmt.Sprint("Статья ", i), fakeportal.ArticlePage(fakeportal.ArticleBE)))
	}
	for _, a := range arts[:ReaderPagesPerMinute] {
		if got := w.press(faketelegram.PrivateChat(resident), resident, 1, "rd:"+strconv.FormatInt(a.ID, 10)); got.Text != "⏳ Открываю статью…" {
			t.Fatalf("press %d: %q", a.ID, got.Text)
		}
	}
	w.tg.WaitMessages(t, resident.ID, ReaderPagesPerMinute, 10*time.Second)
	last := arts[ReaderPagesPerMinute]
	data := "rd:" + strconv.FormatInt(last.ID, 10)
	if _, got := w.pressFor(resident, 1, data); !strings.HasPrefix(got.Plain, "Сейчас открывают много статей.") || !strings.Contains(got.Text, last.Link) {
		t.Errorf("over the budget: %q, want the busy notice with the link", got.Text)
	}
	w.clock.Advance(time.Minute)
	if _, got := w.pressFor(resident, 1, data); !strings.Contains(got.Plain, "Слова роднае, спрадвечнае") {
		t.Errorf("a minute later: %q, want the article", got.Plain)
	}
	total := 0
	for _, a := range arts {
		total += len(w.portal.Requests(strings.TrimPrefix(a.Link, w.portal.URL(""))))
	}
	if total != ReaderPagesPerMinute+1 {
		t.Errorf("%d pages read, want %d", total, ReaderPagesPerMinute+1)
	}
}

// gatedTexts is a TextReader that waits for its gate and counts its reads.
type gatedTexts struct {
	gate  chan struct{}
	mu    sync.Mutex
	reads int
}

func (g *gatedTexts) ReadPageText(ctx context.Context, url, selector string) (feed.PageText, error) {
	g.mu.Lock()
	g.reads++
	g.mu.Unlock()
	<-g.gate
	return feed.ParsePageText(fakeportal.ArticlePage(fakeportal.ArticleEN), url, selector)
}

func TestReadHereOneReadForManyPresses(t *testing.T) {
	texts := &gatedTexts{gate: make(chan struct{})}
	w := newReadingWorld(t, harnessOptions{texts: texts})
	a := w.article("Forum", []byte("unused"))
	data := "rd:" + strconv.FormatInt(a.ID, 10)
	people := []faketelegram.User{resident, {ID: 5002, FirstName: "Bob", LanguageCode: "en"}, {ID: 5003, FirstName: "Алесь", LanguageCode: "be"}}
	for _, u := range people {
		if got := w.press(faketelegram.PrivateChat(u), u, 1, data); !strings.HasPrefix(got.Text, "⏳") {
			t.Errorf("press by %d: %q", u.ID, got.Text)
		}
	}
	close(texts.gate)
	for _, u := range people {
		msgs := w.tg.WaitMessages(t, u.ID, 1, 10*time.Second)
		if !strings.Contains(msgs[0].Plain, "More than 150 young specialists") {
			t.Errorf("user %d got %q", u.ID, msgs[0].Plain)
		}
	}
	texts.mu.Lock()
	defer texts.mu.Unlock()
	if texts.reads != 1 {
		t.Errorf("%d reads of the page, want 1", texts.reads)
	}
	if !strings.Contains(w.tg.Messages(people[2].ID)[0].Plain, "Чытаць на партале") {
		t.Errorf("the Belarusian reader got %q, want the page in Belarusian", w.tg.Messages(people[2].ID)[0].Plain)
	}
}

func TestReadHereLinksAndLatest(t *testing.T) {
	w := newReadingWorld(t, harnessOptions{})
	ctx := context.Background()
	group := faketelegram.Chat{ID: -4001, Type: "group", Title: "Дом 5"}
	w.tg.AddChat(group)
	if _, err := w.store.TouchChat(ctx, subscriptions.ChatInfo{ID: group.ID, Type: subscriptions.ChatGroup, Title: group.Title}, w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := w.store.SetSubscribed(ctx, group.ID, true, w.clock.Now()); err != nil {
		t.Fatal(err)
	}
	a := w.article("Новость для группы", fakeportal.ArticlePage(fakeportal.ArticleRU))
	w.waitDelivered()
	link := "https://t.me/" + faketelegram.DefaultBotUsername + "?start=read_" + strconv.FormatInt(a.ID, 10)
	if b := buttons(w.tg.Messages(group.ID)[0]); len(b) != 1 || b[0].URL != link || b[0].CallbackData != "" {
		t.Errorf("group delivery buttons %+v, want a link to %s", b, link)
	}
	// The link opens the private chat with /start read_ID.
	if got := w.say(resident, "/start read_"+strconv.FormatInt(a.ID, 10)); !strings.HasPrefix(got.Plain, "⏳") {
		t.Errorf("/start read_: %q, want the loading notice", got.Plain)
	}
	if page := w.tg.WaitMessages(t, resident.ID, 2, 10*time.Second)[1]; !strings.Contains(page.Plain, "Страница 1 из 2") {
		t.Errorf("/start read_ page: %q", page.Plain)
	}
	if got := w.sayIn(group, resident, "/start read_"+strconv.FormatInt(a.ID, 10)); got.Plain != "Статьи открываются в личном чате с ботом." {
		t.Errorf("/start read_ in a group: %q", got.Plain)
	}
	if got := w.say(resident, "/start read_0x1"); !strings.Contains(got.Plain, "Осиповичского районного") {
		t.Errorf("/start with a broken link: %q, want the welcome", got.Plain)
	}

	// /latest numbers its items and has a button for each.
	w.article("Вторая новость", nil)
	got := w.say(resident, "/latest")
	b := buttons(got)
	if len(b) != 2 || b[0].Text != "📖 1" || b[1].Text != "📖 2" || !strings.HasPrefix(b[0].CallbackData, "rd:") {
		t.Fatalf("/latest buttons %+v", b)
	}
	if !strings.Contains(got.Plain, "1. ") || !strings.Contains(got.Plain, "2. ") {
		t.Errorf("/latest is not numbered: %q", got.Plain)
	}
	if gl := w.sayIn(group, resident, "/latest"); len(buttons(gl)) != 2 || !strings.HasPrefix(buttons(gl)[0].URL, "https://t.me/") {
		t.Errorf("/latest in a group: %+v, want links to the private chat", buttons(gl))
	}
}
