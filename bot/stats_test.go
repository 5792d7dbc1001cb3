package bot

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/bot/chart"
	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/internal/golden"
	"github.com/osipovichi/newsbot/subscriptions"
)

// Errors as the feed package words them (feed.Error), as Feed.LastError keeps them.
const (
	refusedError = "the portal did not answer: connection refused by osipovichi.gov.by (GET https://osipovichi.gov.by/economy/rss/: dial tcp 93.125.1.1:443: connect: connection refused)"
	status503    = "the portal answered 503 service unavailable and asked to retry after 2m0s (GET https://osipovichi.gov.by/news/ru/rss/)"
)

// failFeed records failures of a feed from since until now, as the poller does.
func (h *harness) failFeed(id int64, text string, since time.Time) {
	h.t.Helper()
	for _, at := range []time.Time{since, h.clock.Now()} {
		if _, err := h.store.RecordFeedFailure(context.Background(), id, text, at); err != nil {
			h.t.Fatal(err)
		}
	}
}

// statsReply sends /stats as u and returns the messages of the answer: the
// figures, then the chart, the last.
func (h *harness) statsReply(u faketelegram.User) []faketelegram.Sent {
	h.t.Helper()
	chat := faketelegram.PrivateChat(u)
	before := len(h.tg.Messages(chat.ID))
	h.tg.SendMessage(chat, u, "/stats")
	var got []faketelegram.Sent
	h.tg.WaitFor(h.t, 20*time.Second, func() bool {
		got = h.tg.Messages(chat.ID)[before:]
		return len(got) > 0 && got[len(got)-1].Method == "sendPhoto"
	}, "the chart")
	return got
}

func TestStatsCommand(t *testing.T) {
	h := newAdminHarness(t, harnessOptions{noStart: true, version: "1.4.2"})
	ctx := context.Background()
	now := h.clock.Now()
	h.subscribe(1, 2, 3, 4)
	h.store.ChangeLanguage(ctx, 1, "ru", now)
	h.store.ChangeLanguage(ctx, 2, "be", now)
	h.store.ChangeLanguage(ctx, 3, "en", now)
	h.store.SetDigestHour(ctx, 3, 8, now)
	h.store.SetChatStatus(ctx, 4, subscriptions.StatusBlocked, "blocked", now)
	h.store.TouchChat(ctx, subscriptions.ChatInfo{ID: -100500, Type: subscriptions.ChatGroup, Title: "Дом 5"}, now)
	h.store.SetSubscribed(ctx, -100500, true, now)
	// An old subscriber who left a month ago is neither new nor lost this week.
	h.store.TouchChat(ctx, subscriptions.ChatInfo{ID: 5, Type: subscriptions.ChatPrivate, Language: "ru"}, now.AddDate(0, -2, 0))
	h.store.SetSubscribed(ctx, 5, true, now.AddDate(0, -2, 0))
	h.store.SetSubscribed(ctx, 5, false, now.AddDate(0, -1, 0))
	// Four deliveries in the last day: 2 sent, 1 failed, 1 skipped; one two days ago.
	for _, at := range []time.Time{now.AddDate(0, 0, -2), now} {
		n, _ := h.store.CreateNotice(ctx, admin.ID, subscriptions.NoticeVersion{Language: "ru", ChatID: admin.ID, MessageIDs: []int{1}}, at)
		h.store.SetNoticeUrgent(ctx, n.ID, true) // the digest reader gets it at once too
		h.store.ConfirmNotice(ctx, n.ID, admin.ID, subscriptions.FanOut{DefaultLang: "ru", Location: h.minsk}, at)
		due, _ := h.store.DueDeliveries(ctx, now, 10)
		states := []subscriptions.DeliveryState{subscriptions.DeliverySent, subscriptions.DeliverySent,
			subscriptions.DeliveryFailed, subscriptions.DeliverySkipped}
		for i, d := range due {
			h.store.RecordOutcomes(ctx, []subscriptions.Outcome{{ID: d.ID, State: states[i%4], CountAttempt: true}}, at)
		}
		h.store.SetNoticeReported(ctx, n.ID, at)
	}
	feeds, _ := h.store.EnsureFeeds(ctx, []subscriptions.FeedConfig{
		{Section: "news", Language: "ru", URL: "https://osipovichi.gov.by/news/ru/rss/"},
		{Section: "economy", URL: "https://osipovichi.gov.by/economy/rss/"},
		{Section: "culture", URL: "https://osipovichi.gov.by/culture/rss/"},
	})
	h.store.IngestFeed(ctx, feeds[0].ID, subscriptions.FetchResult{At: now.Add(-3 * time.Hour)}, []subscriptions.Article{newsArticle(1)})
	h.failFeed(feeds[0].ID, status503, now.Add(-65*time.Minute))
	h.failFeed(feeds[1].ID, refusedError, now.Add(-26*time.Hour))
	h.store.IngestFeed(ctx, feeds[2].ID, subscriptions.FetchResult{At: now}, []subscriptions.Article{newsArticle(2), newsArticle(3)})
	// Chat 1 follows economy only; the others never chose, so they get every section.
	if err := h.store.SetSection(ctx, 1, "news", false, now); err != nil {
		t.Fatal(err)
	}
	h.start()

	got := h.statsReply(adminEN)
	if len(got) != 2 {
		t.Fatalf("/stats answered %d messages, want the figures and the chart", len(got))
	}
	want := `📊 Statistics, 2 March 2023, 12:00

👥 Subscribers
Active: 4 — private chats 3, groups 1, channels 0
Last 7 days: 5 new, 1 lost
Blocked the bot: 1; removed it from a group or channel: 0
Languages: Русский 1, Беларуская 1, English 1, not chosen 1
Sections: News 3, Economy 4, Culture 4
At once: 3; once a day as a digest: 1
Subscribe links, last 30 days: nobody yet

📨 Deliveries in the last 24 h
Delivered: 2; not delivered: 1; skipped: 1
Waiting to be sent: 0
Pauses Telegram asked for (429) since the start: 0

📡 Feeds
⚠️ “News” (Русский) has been down for 1 h: the portal answers with error 503 and asks to retry in 2 min.
Last worked: 2 March 2023, 09:00
https://osipovichi.gov.by/news/ru/rss/

⚠️ “Economy” has been down for 26 h: the portal does not answer — connection refused.
Last worked: never
Technical cause: dial tcp 93.125.1.1:443: connect: connection refused
https://osipovichi.gov.by/economy/rss/

✅ “Culture” works: last checked 2 March 2023, 12:00, 2 articles in the feed
https://osipovichi.gov.by/culture/rss/

⚙️ The bot has been running for 0 s, version 1.4.2`
	if got[0].Plain != want {
		t.Errorf("/stats:\ngot:\n%s\n\nwant:\n%s", got[0].Plain, want)
	}
	for _, heading := range []string{"📊 Statistics", "👥 Subscribers", "📨 Deliveries in the last 24 h", "📡 Feeds"} {
		if !strings.Contains(got[0].Text, "<b>"+heading) {
			t.Errorf("/stats: heading %q is not in bold:\n%s", heading, got[0].Text)
		}
	}
	checkChart(t, got[1])

	// In Russian, the cause stands once, in plain words first.
	ru := h.statsReply(admin)[0].Plain
	for _, w := range []string{
		"⚠️ «Экономика» не работает уже 26 ч: портал не отвечает — соединение отклонено.",
		"Техническая причина: dial tcp 93.125.1.1:443: connect: connection refused",
		"⚠️ «Новости» (Русский) не работает уже 1 ч: портал отвечает ошибкой 503, и просит повторить не раньше чем через 2 мин.",
		"Активных: 4 — в личных чатах 3, в группах 1, в каналах 0",
	} {
		if !strings.Contains(ru, w) {
			t.Errorf("/stats in Russian lacks %q:\n%s", w, ru)
		}
	}
	if strings.Count(ru, "connection refused") != 1 || strings.Contains(ru, "the portal") {
		t.Errorf("/stats in Russian repeats the cause or shows the English words:\n%s", ru)
	}
}

// checkChart checks that m is the chart: a PNG photo of the chart's size.
func checkChart(t *testing.T, m faketelegram.Sent) {
	t.Helper()
	if m.Method != "sendPhoto" || m.Photo != "upload:stats.png" {
		t.Fatalf("second message = %s %q, want the chart uploaded as stats.png", m.Method, m.Photo)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(m.Upload))
	if err != nil {
		t.Fatalf("the chart is not a PNG: %v", err)
	}
	if cfg.Width != chart.Width || cfg.Height != chart.Height {
		t.Errorf("the chart is %d×%d, want %d×%d", cfg.Width, cfg.Height, chart.Width, chart.Height)
	}
	if _, err := png.Decode(bytes.NewReader(m.Upload)); err != nil {
		t.Errorf("the chart does not decode: %v", err)
	}
}

// Many feeds: the figures go in as many messages as Telegram takes, none
// over its limit, and every feed is there.
func TestStatsSplitsLongFeedLists(t *testing.T) {
	h := newAdminHarness(t, harnessOptions{noStart: true})
	ctx := context.Background()
	var cfgs []subscriptions.FeedConfig
	for i := range 40 {
		cfgs = append(cfgs, subscriptions.FeedConfig{Section: "news", URL: fmt.Sprintf("https://osipovichi.gov.by/news/%d/rss/", i)})
	}
	feeds, err := h.store.EnsureFeeds(ctx, cfgs)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range feeds {
		h.failFeed(f.ID, strings.ReplaceAll(refusedError, "economy", fmt.Sprint(f.ID)), h.clock.Now().Add(-2*time.Hour))
	}
	h.start()
	got := h.statsReply(admin)
	if len(got) < 3 {
		t.Errorf("/stats of 40 failing feeds came in %d messages, want the figures in several and the chart", len(got))
	}
	all := ""
	for _, m := range got[:len(got)-1] {
		if m.Method != "sendMessage" {
			t.Fatalf("got %s before the chart, want the figures", m.Method)
		}
		all += m.Plain + "\n"
	}
	for _, f := range feeds {
		if !strings.Contains(all, f.URL+"\n") {
			t.Errorf("/stats lacks feed %s", f.URL)
		}
	}
	checkChart(t, got[len(got)-1])
}

func TestAuditSentences(t *testing.T) {
	h := newAdminHarness(t, harnessOptions{noStart: true})
	at := h.clock.Now().Add(-2 * time.Hour)
	staff := func(action string, ref int64, details string) subscriptions.AuditEntry {
		return subscriptions.AuditEntry{At: at, UserID: 9001, UserName: "Иван", Action: action, Ref: ref, Details: details}
	}
	bot := func(action string, ref int64, details string) subscriptions.AuditEntry {
		return subscriptions.AuditEntry{At: at, Action: action, Ref: ref, Details: details}
	}
	tests := []struct {
		entry  subscriptions.AuditEntry
		ru, en string
	}{
		{staff(subscriptions.AuditNoticeCreated, 7, ""),
			"02.03 10:00 — Иван (id 9001) подготовил(а) объявление №7",
			"02.03 10:00 — Иван (id 9001) drafted notice #7"},
		{staff(subscriptions.AuditNoticeSent, 7, "audience=language:be recipients=1204"),
			"02.03 10:00 — Иван (id 9001) запустил(а) рассылку объявления №7 — подписчикам, читающим по-белорусски, получателей: 1\u00a0204",
			"02.03 10:00 — Иван (id 9001) started sending notice #7 to subscribers reading Belarusian: 1,204 recipients"},
		{staff(subscriptions.AuditNoticeSent, 8, "audience=section:economy recipients=12"),
			"02.03 10:00 — Иван (id 9001) запустил(а) рассылку объявления №8 — подписчикам раздела «Экономика», получателей: 12",
			"02.03 10:00 — Иван (id 9001) started sending notice #8 to subscribers of the section «Economy»: 12 recipients"},
		{staff(subscriptions.AuditNoticeSent, 9, "audience=district+be recipients=3"), // an audience of a newer version
			"02.03 10:00 — Иван (id 9001) запустил(а) рассылку объявления №9, получателей: 3",
			"02.03 10:00 — Иван (id 9001) started sending notice #9: 3 recipients"},
		{staff(subscriptions.AuditNoticeStopped, 7, "not_sent=300"),
			"02.03 10:00 — Иван (id 9001) остановил(а) рассылку объявления №7: не отправлено 300",
			"02.03 10:00 — Иван (id 9001) stopped notice #7: 300 not sent"},
		{staff(subscriptions.AuditNoticeCancelled, 10, ""),
			"02.03 10:00 — Иван (id 9001) отменил(а) объявление №10",
			"02.03 10:00 — Иван (id 9001) cancelled notice #10"},
		{bot(subscriptions.AuditNoticeFinished, 7, "delivered=1204 blocked=3 failed=0"),
			"02.03 10:00 — бот закончил рассылку объявления №7: доставлено 1\u00a0204, заблокировали бота или вышли 3, не доставлено 0",
			"02.03 10:00 — the bot finished sending notice #7: 1,204 delivered, 3 blocked the bot or left, 0 not delivered"},
		{staff(subscriptions.AuditPost, 55, "link=https://osipovichi.gov.by/ru/news-ru/view/55/ known=false now=120 digest=30"),
			"02.03 10:00 — Иван (id 9001) разослал(а) статью №55: сразу 120, в ежедневной сводке 30 — https://osipovichi.gov.by/ru/news-ru/view/55/",
			"02.03 10:00 — Иван (id 9001) posted article #55: 120 at once, 30 in the daily digest — https://osipovichi.gov.by/ru/news-ru/view/55/"},
		{bot(subscriptions.AuditFeedDown, 3, "url=https://osipovichi.gov.by/economy/rss/ section=economy language=ru error="+refusedError),
			"02.03 10:00 — бот сообщил, что лента «Экономика» (Русский) не работает: портал не отвечает — соединение отклонено",
			"02.03 10:00 — the bot reported that the feed “Economy” (Русский) is down: the portal does not answer — connection refused"},
		{bot(subscriptions.AuditFeedDown, 3, "url=https://osipovichi.gov.by/rss/ error=HTTP 502"), // written by an older version
			"02.03 10:00 — бот сообщил, что лента https://osipovichi.gov.by/rss/ не работает: ленту не удаётся прочитать",
			"02.03 10:00 — the bot reported that the feed https://osipovichi.gov.by/rss/ is down: the feed cannot be read"},
		{bot(subscriptions.AuditFeedRecovered, 3, "url=https://osipovichi.gov.by/economy/rss/ section=economy language="),
			"02.03 10:00 — бот сообщил, что лента «Экономика» снова работает",
			"02.03 10:00 — the bot reported that the feed “Economy” works again"},
		{subscriptions.AuditEntry{At: at.AddDate(-1, 0, 0), UserID: 42, Action: subscriptions.AuditNoticeCreated, Ref: 1},
			"02.03.2022 10:00 — id 42 подготовил(а) объявление №1",
			"02.03.2022 10:00 — id 42 drafted notice #1"},
		{staff(subscriptions.AuditNoticeUrgent, 12, "audience=section:news,language:be recipients=40 digest=5 versions=be,ru"),
			"02.03 10:00 — Иван (id 9001) запустил(а) срочную рассылку объявления №12 — подписчикам раздела «Новости», читающим по-белорусски, получателей: 40",
			"02.03 10:00 — Иван (id 9001) started sending urgent notice #12 to subscribers of the section «News» reading Belarusian: 40 recipients"},
		{staff(subscriptions.AuditNoticeScheduled, 13, "send_at=2023-03-02T15:00:00Z"),
			"02.03 10:00 — Иван (id 9001) запланировал(а) объявление №13 на 2 марта 2023, 18:00",
			"02.03 10:00 — Иван (id 9001) scheduled notice #13 for 2 March 2023, 18:00"},
		{staff(subscriptions.AuditPost, 56, "link=https://osipovichi.gov.by/ru/news-ru/view/56/ recipients=150 digest=30"),
			"02.03 10:00 — Иван (id 9001) разослал(а) статью №56: сразу 120, в ежедневной сводке 30 — https://osipovichi.gov.by/ru/news-ru/view/56/",
			"02.03 10:00 — Иван (id 9001) posted article #56: 120 at once, 30 in the daily digest — https://osipovichi.gov.by/ru/news-ru/view/56/"},
		{bot(subscriptions.AuditPostFinished, 56, "delivered=148 blocked=2 failed=0 digest=30"),
			"02.03 10:00 — бот закончил рассылку статьи №56: доставлено 148, заблокировали бота или вышли 2, не доставлено 0",
			"02.03 10:00 — the bot finished sending article #56: 148 delivered, 2 blocked the bot or left, 0 not delivered"},
		{bot(subscriptions.AuditFeedFlood, 3, "url=https://osipovichi.gov.by/rss/ section=news language=ru announced=10 more=19990"),
			"02.03 10:00 — бот сообщил, что лента «Новости» (Русский) принесла за один опрос 20\u00a0000 новых: 10 разосланы, остальные — одним сообщением",
			"02.03 10:00 — the bot reported that the feed “News” (Русский) brought 20,000 new items in one poll: 10 sent, the rest in one message"},
		{staff("notice.archived", 11, "for=1700000000"), // an action of a newer version
			"02.03 10:00 — Иван (id 9001) действие «notice.archived» №11 (for=1700000000)",
			"02.03 10:00 — Иван (id 9001) did “notice.archived” #11 (for=1700000000)"},
	}
	for _, tt := range tests {
		if got := h.bot.admin.auditLine("ru", tt.entry); got != tt.ru {
			t.Errorf("%s %q in ru:\ngot  %q\nwant %q", tt.entry.Action, tt.entry.Details, got, tt.ru)
		}
		if got := h.bot.admin.auditLine("en", tt.entry); got != tt.en {
			t.Errorf("%s %q in en:\ngot  %q\nwant %q", tt.entry.Action, tt.entry.Details, got, tt.en)
		}
		if got := h.bot.admin.auditLine("be", tt.entry); strings.Contains(got, "=") && tt.entry.Action != "notice.archived" {
			t.Errorf("%s in be shows raw fields: %q", tt.entry.Action, got)
		}
	}
}

func TestAuditCommand(t *testing.T) {
	h := newAdminHarness(t, harnessOptions{rate: 500})
	h.subscribe(1, 2)
	chat := faketelegram.PrivateChat(admin)
	id, control := h.draft(admin, textNotice(h, admin, "Объявление"))
	h.press(chat, admin, control.MessageID, fmt.Sprintf("ntc:send:%d", id))
	h.waitReport(chat.ID, control.MessageID, "Доставлено: 2")
	h.bot.FeedDown(context.Background(), subscriptions.Feed{ID: 7, URL: "https://osipovichi.gov.by/economy/rss/", Section: "economy",
		LastError: refusedError, FailingSince: h.clock.Now().Add(-time.Hour)})

	got := h.say(admin, "/audit")
	want := []string{
		"🗂 Журнал действий, последние записи (4):",
		"",
		"02.03 12:00 — бот сообщил, что лента «Экономика» не работает: портал не отвечает — соединение отклонено",
		"02.03 12:00 — бот закончил рассылку объявления №1: доставлено 2, заблокировали бота или вышли 0, не доставлено 0",
		"02.03 12:00 — Staff (id 9001) запустил(а) рассылку объявления №1 — всем подписчикам, получателей: 2",
		"02.03 12:00 — Staff (id 9001) подготовил(а) объявление №1",
	}
	if got.Plain != strings.Join(want, "\n") {
		t.Errorf("/audit:\ngot  %q\nwant %q", strings.Split(got.Plain, "\n"), want)
	}
}

// Feed alerts say what happened in plain words in each admin's language,
// for how long, and the technical cause once.
func TestFeedAlertsInPlainWords(t *testing.T) {
	h := newAdminHarness(t, harnessOptions{})
	ctx := context.Background()
	for _, u := range []faketelegram.User{admin, admin2, adminEN} {
		h.tg.AddChat(faketelegram.PrivateChat(u))
		if _, err := h.store.TouchChat(ctx, subscriptions.ChatInfo{ID: u.ID, Type: subscriptions.ChatPrivate, Language: u.LanguageCode}, h.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	f := subscriptions.Feed{ID: 3, URL: "https://osipovichi.gov.by/economy/rss/", Section: "economy", Language: "ru",
		LastError: refusedError, FailingSince: h.clock.Now().Add(-65 * time.Minute)}
	h.bot.FeedDown(ctx, f)
	want := map[int64]string{
		admin.ID: "⚠️ Лента «Экономика» (Русский) не работает уже 1 ч: портал не отвечает — соединение отклонено.\n" +
			"Адрес: https://osipovichi.gov.by/economy/rss/\nТехническая причина: dial tcp 93.125.1.1:443: connect: connection refused",
		admin2.ID: "⚠️ Стужка «Эканоміка» (Русский) не працуе ўжо 1 гадз: партал не адказвае — злучэнне адхілена.\n" +
			"Адрас: https://osipovichi.gov.by/economy/rss/\nТэхнічная прычына: dial tcp 93.125.1.1:443: connect: connection refused",
		adminEN.ID: "⚠️ The feed “Economy” (Русский) has been down for 1 h: the portal does not answer — connection refused.\n" +
			"Address: https://osipovichi.gov.by/economy/rss/\nTechnical cause: dial tcp 93.125.1.1:443: connect: connection refused",
	}
	for id, w := range want {
		if got := h.tg.WaitMessages(t, id, 1, 10*time.Second)[0].Plain; got != w {
			t.Errorf("alert to %d:\ngot  %q\nwant %q", id, got, w)
		}
	}
	// A problem the words say all of has no technical line; recovery is one line and the address.
	f.LastError, f.FailingSince = status503, h.clock.Now().Add(-3*24*time.Hour)
	h.bot.FeedDown(ctx, f)
	if got := h.tg.WaitMessages(t, admin.ID, 2, 10*time.Second)[1].Plain; got !=
		"⚠️ Лента «Экономика» (Русский) не работает уже 3 дн.: портал отвечает ошибкой 503, и просит повторить не раньше чем через 2 мин.\nАдрес: https://osipovichi.gov.by/economy/rss/" {
		t.Errorf("second alert = %q", got)
	}
	h.bot.FeedRecovered(ctx, f)
	if got := h.tg.WaitMessages(t, adminEN.ID, 3, 10*time.Second)[2].Plain; got !=
		"✅ The feed “Economy” (Русский) works again.\nAddress: https://osipovichi.gov.by/economy/rss/" {
		t.Errorf("recovery alert = %q", got)
	}
}

// TestChartDataFromStore runs 35 days of a district's subscribers and
// deliveries through the store, keeping each day's figures as the bot does
// after midnight (but on two nights it was down), and keeps the chart's
// window in a golden file.
func TestChartDataFromStore(t *testing.T) {
	h := newAdminHarness(t, harnessOptions{noStart: true})
	ctx := context.Background()
	start := time.Date(2023, 2, 1, 0, 0, 0, 0, h.minsk)
	next := int64(1)
	var subscribed []int64
	for day := range 35 {
		at := func(hour, minute int) {
			h.clock.Set(start.AddDate(0, 0, day).Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute))
		}
		if day != 11 && day != 12 { // the bot was down on these nights: days 10 and 11 have no figures
			at(0, 30)
			h.bot.admin.saveYesterday(ctx, h.clock.Now())
		}
		if day == 34 {
			at(15, 0) // today, so far
			break
		}
		at(9, 0)
		for range day%5 + 2 {
			h.subscribe(next)
			subscribed = append(subscribed, next)
			next++
		}
		if day%3 == 2 {
			at(11, 0)
			if _, err := h.store.SetSubscribed(ctx, subscribed[0], false, h.clock.Now()); err != nil {
				t.Fatal(err)
			}
			subscribed = subscribed[1:]
		}
		if day%7 == 4 {
			at(11, 30)
			if err := h.store.SetChatStatus(ctx, subscribed[0], subscriptions.StatusBlocked, "blocked", h.clock.Now()); err != nil {
				t.Fatal(err)
			}
			subscribed = subscribed[1:]
		}
		at(12, 0)
		h.publish("news", "", newsArticle(day))
		at(12, 5)
		due, err := h.store.DueDeliveries(ctx, h.clock.Now(), 1000)
		if err != nil {
			t.Fatal(err)
		}
		for i, d := range due {
			state := subscriptions.DeliverySent
			if i%10 == 9 {
				state = subscriptions.DeliveryFailed
			}
			if err := h.store.RecordOutcomes(ctx, []subscriptions.Outcome{{ID: d.ID, State: state, CountAttempt: true}}, h.clock.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	w, err := h.bot.admin.chartWindow(ctx, h.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, d := range w {
		fmt.Fprintf(&b, "%s  ", d.Date.Format("2006-01-02 Mon"))
		if !d.Known {
			b.WriteString("no data\n")
			continue
		}
		fmt.Fprintf(&b, "active %3d  new %d  lost %d  deliveries %3d\n", d.Active, d.New, d.Lost, d.Deliveries)
	}
	golden.Check(t, "chart_window", b.String())

	var png bytes.Buffer
	if err := chart.Render(&png, w, chartLabels("be")); err != nil {
		t.Fatal(err)
	}
	checkChart(t, faketelegram.Sent{Method: "sendPhoto", Photo: "upload:stats.png", Upload: png.Bytes()})
	if l := chartLabels("en"); l.DateLayout != "Jan 2" || l.Title != i18n.T("en", "chart.title") {
		t.Errorf("English chart labels = %+v", l)
	}
}
