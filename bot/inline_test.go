package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/subscriptions"
)

// ask sends an inline query and returns the bot's answer.
func (h *harness) ask(u faketelegram.User, query, offset string) faketelegram.InlineAnswer {
	h.t.Helper()
	_, id := h.tg.InlineQuery(u, query, offset)
	return h.tg.WaitInlineAnswer(h.t, id, 10*time.Second)
}

func titles(a faketelegram.InlineAnswer) []string {
	var out []string
	for _, r := range a.Results {
		out = append(out, r.Title)
	}
	return out
}

// inlineWorld publishes 30 Russian articles (every third with a photo), 3
// Belarusian and 2 English ones.
func inlineWorld(t *testing.T) *harness {
	h := newHarness(t, harnessOptions{tg: faketelegram.Options{InlineMode: true}})
	var ru []subscriptions.Article
	for i := range 30 {
		a := newsArticle(i)
		if i%3 == 0 {
			a.ImageURL = fmt.Sprintf("https://osipovichi.gov.by/files/news/%d/photo.jpg", i)
		}
		a.Published = h.clock.Now().Add(time.Duration(i) * time.Minute)
		ru = append(ru, a)
	}
	h.publish("news", "ru", ru...)
	var be, en []subscriptions.Article
	for i := range 3 {
		be = append(be, subscriptions.Article{Title: fmt.Sprintf("Навіна %d: рамонт дарог у Асіповічах", i),
			Link: fmt.Sprintf("https://osipovichi.gov.by/be/news-be/view/%d/", i), Published: h.clock.Now().Add(time.Hour)})
	}
	for i := range 2 {
		en = append(en, subscriptions.Article{Title: fmt.Sprintf("News %d: a new square opens in Osipovichi", i),
			Link: fmt.Sprintf("https://osipovichi.gov.by/en/news-en/view/%d/", i), Published: h.clock.Now().Add(time.Hour)})
	}
	h.publish("news", "be", be...)
	h.publish("news", "en", en...)
	return h
}

func TestInlineLatest(t *testing.T) {
	h := inlineWorld(t)
	stranger := faketelegram.User{ID: 7001, FirstName: "Ольга", LanguageCode: "ru-RU"} // never wrote to the bot
	a := h.ask(stranger, "", "")
	if len(a.Results) != inlinePage || a.NextOffset != "20" || a.CacheTime != 30 || !a.Personal {
		t.Fatalf("first page: %d results, next %q, cache %d, personal %t", len(a.Results), a.NextOffset, a.CacheTime, a.Personal)
	}
	if a.Results[0].Title != newsArticle(29).Title {
		t.Errorf("first result %q, want the newest Russian article", a.Results[0].Title)
	}
	r := a.Results[1] // article 28: no photo
	if r.Thumb != "" || !strings.Contains(r.LinkPreviewOptions, "is_disabled") || !strings.Contains(r.Plain, "Читать на портале") {
		t.Errorf("a result without a photo: %+v", r)
	}
	r = a.Results[2] // article 27: a photo
	if r.Thumb != "https://osipovichi.gov.by/files/news/27/photo.jpg" || !strings.Contains(r.LinkPreviewOptions, "27/photo.jpg") {
		t.Errorf("a result with a photo: thumb %q, preview %s", r.Thumb, r.LinkPreviewOptions)
	}
	if kb := r.ReplyMarkup; kb == nil || !strings.HasPrefix(kb.Rows[0][0].URL, "https://t.me/"+faketelegram.DefaultBotUsername+"?start=read_") {
		t.Errorf("a result's button: %+v, want a link to read it in the private chat", kb)
	}
	next := h.ask(stranger, "", a.NextOffset)
	if len(next.Results) != 10 || next.NextOffset != "" || next.Results[9].Title != newsArticle(0).Title {
		t.Errorf("second page: %d results %q, next %q", len(next.Results), titles(next), next.NextOffset)
	}

	// The person's language: their Telegram app's, or the one chosen with the bot.
	be := h.ask(faketelegram.User{ID: 7002, LanguageCode: "be"}, "", "")
	if len(be.Results) != 3 || !strings.HasPrefix(be.Results[0].Title, "Навіна") {
		t.Errorf("a Belarusian: %q", titles(be))
	}
	ctx := context.Background()
	if _, err := h.store.TouchChat(ctx, subscriptions.ChatInfo{ID: 7003, Type: subscriptions.ChatPrivate, Language: "en"}, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	en := h.ask(faketelegram.User{ID: 7003, LanguageCode: "ru"}, "", "")
	if len(en.Results) != 2 || !strings.HasPrefix(en.Results[0].Title, "News") || !strings.Contains(en.Results[0].Plain, "Read on the portal") {
		t.Errorf("English chosen with the bot: %q", titles(en))
	}

	// Choosing a result posts the article in the chat the person is in.
	group := faketelegram.Chat{ID: -4001, Type: "group", Title: "Дом 5"}
	posted, ok := h.tg.ChooseInlineResult(group, mustQueryID(t, h, a), a.Results[2].ID)
	if !ok || !strings.HasPrefix(posted.Plain, newsArticle(27).Title) || !strings.Contains(posted.Plain, "Жители могут отдыхать") {
		t.Errorf("posted %+v", posted)
	}
}

// mustQueryID is the query id of an answer.
func mustQueryID(t *testing.T, h *harness, a faketelegram.InlineAnswer) string {
	t.Helper()
	if a.QueryID == "" {
		t.Fatal("no query id")
	}
	return a.QueryID
}

func TestInlineSearch(t *testing.T) {
	h := inlineWorld(t)
	u := faketelegram.User{ID: 7001, LanguageCode: "en"}
	a := h.ask(u, "рамонт дарог", "")
	if len(a.Results) != 3 || a.CacheTime != 120 || a.NextOffset != "" {
		t.Errorf("search: %q, cache %d, next %q", titles(a), a.CacheTime, a.NextOffset)
	}
	if !strings.Contains(a.Results[0].Plain, "Read on the portal") {
		t.Errorf("results are rendered in the person's language: %q", a.Results[0].Plain)
	}
	many := h.ask(u, "сквер", "")
	if len(many.Results) != inlinePage || many.NextOffset != "20" {
		t.Errorf("a search with 30 results: %d, next %q", len(many.Results), many.NextOffset)
	}
	for _, tt := range []struct {
		name, query string
		min         int
	}{
		{"256 characters", string([]rune(strings.Repeat("сквер ", 43))[:256]), 1},
		{"FTS syntax", `"; DROP TABLE articles; -- NEAR( OR * ^col:x сквер`, 0},
		{"FTS operators", `сквер NOT OR AND NEAR/2 "`, 0},
		{"no words at all", `*** (( ^ "" :`, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := h.ask(u, tt.query, "")
			if len(got.Results) < tt.min {
				t.Errorf("%d results, want at least %d", len(got.Results), tt.min)
			}
		})
	}
	if n, err := h.store.LatestArticles(context.Background(), 100); err != nil || len(n) != 35 {
		t.Errorf("after FTS syntax: %d articles, %v", len(n), err)
	}
}

func TestInlineOffsets(t *testing.T) {
	h := newHarness(t, harnessOptions{tg: faketelegram.Options{InlineMode: true}})
	var arts []subscriptions.Article
	for i := range 130 {
		arts = append(arts, newsArticle(i))
	}
	h.publish("news", "ru", arts...)
	u := faketelegram.User{ID: 7001, LanguageCode: "ru"}
	offset, total := "", 0
	for pages := 0; pages < 10; pages++ {
		a := h.ask(u, "", offset)
		total += len(a.Results)
		if offset = a.NextOffset; offset == "" {
			break
		}
	}
	if total != inlineDepth {
		t.Errorf("scrolled through %d results, want %d", total, inlineDepth)
	}
	for _, bad := range []string{"abc", "7", "-20", "020", "100", "1e2", " 20", "20000000000000000000000", "\xff"} {
		if a := h.ask(u, "", bad); len(a.Results) != 0 || a.NextOffset != "" {
			t.Errorf("offset %q (not ours): %d results, next %q; want none", bad, len(a.Results), a.NextOffset)
		}
	}
}

func TestInlineOffsetCodec(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
		ok   bool
	}{{"", 0, true}, {"20", 20, true}, {"80", 80, true}, {"100", 0, false}, {"0", 0, false}, {"10", 0, false}, {"+20", 0, false}} {
		got, ok := parseInlineOffset(tt.in)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("parseInlineOffset(%q) = %d, %t; want %d, %t", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if got := inlineQuery("  " + strings.Repeat("слово ", 40)); len([]rune(got)) > maxSearchQuery || strings.HasSuffix(got, "сл") {
		t.Errorf("inlineQuery cut %q", got)
	}
}

// FuzzInlineQuery sends arbitrary inline queries and offsets: every one is
// answered, and Telegram (the fake) accepts every answer.
func FuzzInlineQuery(f *testing.F) {
	for _, s := range [][2]string{{"", ""}, {"сквер", "20"}, {`"NEAR(`, "x"}, {"\xff\xfe", "-1"}, {strings.Repeat("я", 300), "40"}} {
		f.Add(s[0], s[1])
	}
	h := newHarness(f, harnessOptions{tg: faketelegram.Options{InlineMode: true}, noStart: true})
	var arts []subscriptions.Article
	for i := range 25 {
		arts = append(arts, newsArticle(i))
	}
	h.publish("news", "ru", arts...)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, query, offset string) {
		_, id := h.tg.InlineQuery(resident, query, offset)
		before := len(h.tg.InlineAnswers())
		h.bot.inline.answer(ctx, &delivery.InlineQuery{ID: id, From: delivery.User{ID: resident.ID, LanguageCode: "ru"}, Query: query, Offset: offset})
		if got := len(h.tg.InlineAnswers()); got != before+1 {
			t.Fatalf("query %q offset %q: not answered (errors %v)", query, offset, h.tg.Stats().Errors)
		}
	})
}
