package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/internal/fakeportal"
	"github.com/osipovichi/newsbot/internal/faketelegram"
)

// sharingItem is an item of a feed of the fake portal whose page it serves.
type sharingItem struct {
	path, title, summary, photo string
	page                        []byte // nil: the portal has no page (404)
	published                   time.Time
}

// sharingFeed writes an RSS feed of items, linked to the portal's pages.
func sharingFeed(p *fakeportal.Portal, lang string, items []sharingItem) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Osipovichi</title><link>%s</link><language>%s</language>`,
		p.URL("/"), lang)
	for _, it := range items {
		fmt.Fprintf(&b, `<item><title>%s</title><link>%s</link><guid>%s</guid><pubDate>%s</pubDate><description><![CDATA[<p>%s</p>]]></description>`,
			it.title, p.URL(it.path), p.URL(it.path), it.published.Format(time.RFC1123Z), it.summary)
		if it.photo != "" {
			fmt.Fprintf(&b, `<enclosure url="%s" type="image/jpeg" length="1000"/>`, p.URL(it.photo))
		}
		b.WriteString("</item>")
	}
	b.WriteString("</channel></rss>")
	return b.Bytes()
}

// TestSharingEndToEnd runs the program with inline mode on: residents read
// articles in Telegram (📖 Read here) and share them with @bot in any chat.
func TestSharingEndToEnd(t *testing.T) {
	t.Parallel()
	w := newWorld(t, faketelegram.Options{InlineMode: true})
	p := w.portal
	day := time.Date(2023, 3, 2, 10, 0, 0, 0, time.UTC)
	huge := append([]byte(`<html><body><div class="news_inner_one_text">`), bytes.Repeat([]byte("<p>Абзац новости района.</p>\n"), 5<<20/40)...)
	custom := []byte(`<html lang="en"><body><div class="article-body"><p>Custom layout text of the forum.</p></div></body></html>`)
	ru := []sharingItem{
		{"/ru/news-ru/view/roads/", "В районе отремонтируют 42 километра дорог", "Программа ремонта дорог утверждена.", "/files/roads.jpg",
			fakeportal.ArticlePage(fakeportal.ArticleRU), day},
		{"/ru/news-ru/view/deleted/", "Эту новость удалили с портала", "Удалённая новость.", "", nil, day.Add(-time.Hour)},
		{"/ru/news-ru/view/gallery/", "Фотогалерея: Масленица", "Фотографии праздника.", "", fakeportal.ArticlePage(fakeportal.ArticleNoText), day.Add(-2 * time.Hour)},
		{"/ru/news-ru/view/huge/", "Очень большая страница", "Страница на 5 МБ.", "", huge, day.Add(-3 * time.Hour)},
	}
	be := []sharingItem{{"/be/news-be/view/library/", "У бібліятэцы адкрылася выстава", "Выстава да Дня пісьменства.", "/files/library.jpg",
		fakeportal.ArticlePage(fakeportal.ArticleBE), day}}
	en := []sharingItem{{"/en/news-en/view/forum/", "Osipovichi hosts a forum of young specialists", "A regional forum.", "", custom, day}}
	for _, f := range []struct {
		path, lang string
		items      []sharingItem
	}{{"/ru/rss-ru/", "ru", ru}, {"/be/rss-be/", "be", be}, {"/en/rss-en/", "en", en}} {
		for _, it := range f.items {
			if it.page != nil {
				p.Set(it.path, it.page, "text/html; charset=utf-8")
			}
		}
		p.Set(f.path, sharingFeed(p, f.lang, f.items), "application/rss+xml; charset=utf-8")
	}
	w.env["NEWSBOT_FEEDS"] = "news/ru=" + p.URL("/ru/rss-ru/") + ",news/be=" + p.URL("/be/rss-be/") + ",news/en=" + p.URL("/en/rss-en/")
	w.env["NEWSBOT_LISTING_SELECTORS"] = `{"` + p.URL("/en/rss-en/") + `":{"text":".article-body"}}`
	r := w.start()
	w.say(ruUser, "/subscribe")
	w.waitIngested(6)

	// A new article is delivered with its "📖 Read here" button.
	ru = append([]sharingItem{{"/ru/news-ru/view/roads-2/", "Дороги: начались работы на улице Сумченко", "Работы начались.", "",
		fakeportal.ArticlePage(fakeportal.ArticleRU), day.Add(time.Hour)}}, ru...)
	p.Set(ru[0].path, ru[0].page, "text/html; charset=utf-8")
	before := len(w.tg.Messages(ruUser.ID))
	p.Set("/ru/rss-ru/", sharingFeed(p, "ru", ru), "application/rss+xml; charset=utf-8")
	delivered := w.tg.WaitMessages(t, ruUser.ID, before+1, 30*time.Second)[before]
	if !strings.Contains(delivered.Plain, "Дороги: начались работы") || delivered.ReplyMarkup == nil ||
		delivered.ReplyMarkup.Rows[0][0].Text != "📖 Читать здесь" {
		t.Fatalf("delivery %q with %+v, want the article with 📖 Читать здесь", delivered.Plain, delivered.ReplyMarkup)
	}
	page1 := w.pressAndWait(ruUser, delivered.MessageID, delivered.ReplyMarkup.Rows[0][0].CallbackData)
	if !strings.Contains(page1.Plain, "Страница 1 из 2") || !strings.Contains(page1.LinkPreviewOptions, "doroga_1_big.jpg") {
		t.Errorf("page 1 of the delivered article: %q, preview %s", page1.Plain, page1.LinkPreviewOptions)
	}
	next := page1.ReplyMarkup.Rows[0][0]
	w.tg.PressButton(privateChat(ruUser), ruUser, page1.MessageID, next.CallbackData)
	w.tg.WaitFor(t, 10*time.Second, func() bool {
		return strings.Contains(w.tg.MessageText(ruUser.ID, page1.MessageID), "Страница 2 из 2")
	}, "page 2 in place of page 1")

	// /latest: a button per item; the deleted, gallery and huge pages answer with words and links.
	latest := w.say(ruUser, "/latest")
	byTitle := map[string]string{}
	if latest.ReplyMarkup == nil {
		t.Fatalf("/latest without buttons: %q", latest.Plain)
	}
	for i, line := range strings.Split(latest.Plain, "\n\n")[1:] {
		byTitle[line] = latest.ReplyMarkup.Rows[i/5][i%5].CallbackData
	}
	find := func(title string) string {
		for line, data := range byTitle {
			if strings.Contains(line, title) {
				return data
			}
		}
		t.Fatalf("%q is not in /latest:\n%s", title, latest.Plain)
		return ""
	}
	for _, tc := range []struct{ title, want, link string }{
		{"Эту новость удалили", "Эту статью убрали с портала.", ""},
		{"Фотогалерея", "Статью не получается показать здесь.", p.URL("/ru/news-ru/view/gallery/")},
		{"Очень большая страница", "Статью не получается показать здесь.", p.URL("/ru/news-ru/view/huge/")},
	} {
		got := w.pressAndWait(ruUser, latest.MessageID, find(tc.title))
		if !strings.HasPrefix(got.Plain, tc.want) || tc.link != "" && !strings.Contains(got.Text, tc.link) {
			t.Errorf("%s: got %q, want %q with the link %q", tc.title, got.Text, tc.want, tc.link)
		}
	}
	if n := len(p.Requests("/ru/news-ru/view/roads-2/")); n != 1 {
		t.Errorf("the page of the delivered article was read %d times, want once", n)
	}

	// Inline mode: the latest in the person's language; choosing one posts it in a group.
	_, qid := w.tg.InlineQuery(beUser, "", "")
	a := w.tg.WaitInlineAnswer(t, qid, 10*time.Second)
	if len(a.Results) != 1 || a.Results[0].Title != "У бібліятэцы адкрылася выстава" || a.Results[0].Thumb != p.URL("/files/library.jpg") {
		t.Fatalf("inline latest for a Belarusian: %+v", a.Results)
	}
	group := faketelegram.Chat{ID: -4001, Type: "group", Title: "Дом 5"}
	posted, ok := w.tg.ChooseInlineResult(group, qid, a.Results[0].ID)
	if !ok || !strings.Contains(posted.Plain, "Выстава да Дня пісьменства.") || !strings.Contains(posted.LinkPreviewOptions, "library.jpg") {
		t.Fatalf("posted in the group: %+v", posted)
	}
	// Its 📖 link opens the private chat with /start read_ID; another person reads it there.
	link := posted.ReplyMarkup.Rows[0][0].URL
	_, payload, _ := strings.Cut(link, "?start=")
	if !strings.HasPrefix(link, "https://t.me/"+faketelegram.DefaultBotUsername+"?start=read_") {
		t.Fatalf("the shared message's button: %q", link)
	}
	if got := w.say(enUser, "/start "+payload); !strings.HasPrefix(got.Plain, "⏳") {
		t.Errorf("/start %s: %q", payload, got.Plain)
	}
	msgs := w.tg.WaitMessages(t, enUser.ID, 2, 10*time.Second)
	if page := msgs[len(msgs)-1]; !strings.Contains(page.Plain, "Слова роднае, спрадвечнае") || !strings.Contains(page.Plain, "Read on the portal") {
		t.Errorf("the shared article read by an English reader: %q", page.Plain)
	}

	// Inline search, with bad input: nothing breaks and every answer is accepted.
	for _, q := range []struct {
		query, offset string
		want          int
	}{
		{"дорог", "", 2},
		{"forum", "", 1}, // read through the source's own text selector below
		{strings.Repeat("дорога ", 40), "", 0},
		{`"; DROP TABLE articles; -- NEAR( OR * ^col:x`, "", 0},
		{"дорог", "not-ours", 0},
	} {
		_, id := w.tg.InlineQuery(ruUser, q.query, q.offset)
		got := w.tg.WaitInlineAnswer(t, id, 10*time.Second)
		if len(got.Results) < q.want || q.offset != "" && len(got.Results) != 0 {
			t.Errorf("inline %q offset %q: %d results, want at least %d", q.query, q.offset, len(got.Results), q.want)
		}
	}
	_, id := w.tg.InlineQuery(enUser, "forum", "")
	forum := w.tg.WaitInlineAnswer(t, id, 10*time.Second)
	_, payload, _ = strings.Cut(forum.Results[0].ReplyMarkup.Rows[0][0].URL, "?start=")
	w.say(enUser, "/start "+payload)
	w.tg.WaitFor(t, 10*time.Second, func() bool {
		m := w.tg.Messages(enUser.ID)
		return strings.Contains(m[len(m)-1].Plain, "Custom layout text of the forum.")
	}, "the English article read with its source's text selector")
	if errs := w.tg.Stats().Errors; len(errs) != 0 {
		t.Errorf("Telegram refused requests: %v", errs)
	}
	r.stop(t)
	if logs := r.logs.String(); strings.Contains(logs, "DROP TABLE") || strings.Contains(logs, "дорога дорога") {
		t.Errorf("the logs hold what residents typed:\n%s", logs)
	}
}

// pressAndWait presses a button under msgID and returns the bot's next message.
func (w *world) pressAndWait(u faketelegram.User, msgID int, data string) faketelegram.Sent {
	w.t.Helper()
	before := len(w.tg.Messages(u.ID))
	w.tg.PressButton(privateChat(u), u, msgID, data)
	return w.tg.WaitMessages(w.t, u.ID, before+1, 10*time.Second)[before]
}
