package bot

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/subscriptions"
)

// The pace of progress messages and schedules, and the wait for the rest
// of an album, in tests.
const (
	testProgressEvery = 50 * time.Millisecond
	testAlbumSettle   = 150 * time.Millisecond
)

var (
	admin2  = faketelegram.User{ID: 9002, FirstName: "Second", LanguageCode: "be"}
	adminEN = faketelegram.User{ID: 9003, FirstName: "Press", LanguageCode: "en"}
)

// newAdminHarness runs a bot with admin, admin2 and adminEN as its admins
// and a fast progress updater.
func newAdminHarness(t *testing.T, o harnessOptions) *harness {
	t.Helper()
	start := !o.noStart
	o.noStart = true
	if o.admins == nil {
		o.admins = []int64{admin.ID, admin2.ID, adminEN.ID}
	}
	h := newHarness(t, o)
	h.bot.notices.interval, h.bot.notices.settle = testProgressEvery, testAlbumSettle
	if start {
		h.start()
	}
	return h
}

// restart stops the bot and runs a new one on the same store and fake
// Telegram, as after a crash or a deploy.
func (h *harness) restart(rate float64) {
	h.t.Helper()
	h.stop()
	h.build(harnessOptions{admins: []int64{admin.ID, admin2.ID, adminEN.ID}, lang: "ru", rate: rate})
	h.bot.notices.interval, h.bot.notices.settle = testProgressEvery, testAlbumSettle
	h.start()
}

func chatIDs(from int64, n int) []int64 {
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = from + int64(i)
	}
	return ids
}

// draft runs /broadcast and sends the notice with send (which injects the
// admin's message and returns its id); it returns the notice id and the
// control message under the preview.
func (h *harness) draft(u faketelegram.User, send func(chat faketelegram.Chat)) (int64, faketelegram.Sent) {
	h.t.Helper()
	chat := faketelegram.PrivateChat(u)
	if got := h.say(u, "/broadcast"); got.Plain != i18n.T(i18n.Pick("ru", u.LanguageCode), "broadcast.ask") {
		h.t.Fatalf("/broadcast answered %q, want the request for the notice", got.Plain)
	}
	before := len(h.tg.Messages(chat.ID))
	send(chat)
	msgs := h.tg.WaitMessages(h.t, chat.ID, before+2, 10*time.Second)
	// The chat numbers every message: the notice, then its preview, then the control.
	preview, control := msgs[before], msgs[before+1]
	if preview.Method != "copyMessage" || preview.FromChatID != chat.ID || preview.SourceMessageID != preview.MessageID-1 {
		h.t.Fatalf("preview = %s #%d from %d of message %d; want a copy of the message before it", preview.Method,
			preview.MessageID, preview.FromChatID, preview.SourceMessageID)
	}
	data := buttonData(h.t, control, cbNotice+":send:")
	id, err := strconv.ParseInt(strings.TrimPrefix(data, cbNotice+":send:"), 10, 64)
	if err != nil {
		h.t.Fatalf("send button %q: %v", data, err)
	}
	return id, control
}

// textNotice is a send func for draft: a text message from the admin.
func textNotice(h *harness, u faketelegram.User, text string) func(faketelegram.Chat) {
	return func(chat faketelegram.Chat) { h.tg.SendMessage(chat, u, text) }
}

// photoNotice is a send func for draft: a photo with a caption.
func photoNotice(h *harness, u faketelegram.User, caption string) func(faketelegram.Chat) {
	return func(chat faketelegram.Chat) {
		h.tg.SendMessageUpdate(map[string]any{
			"chat": map[string]any{"id": chat.ID, "type": "private", "first_name": u.FirstName},
			"from": map[string]any{"id": u.ID, "is_bot": false, "first_name": u.FirstName, "language_code": u.LanguageCode},
			"photo": []map[string]any{
				{"file_id": "AgACAgIAAxkBAAIBc2", "file_unique_id": "AQADc2", "width": 1280, "height": 853},
			},
			"caption": caption,
		})
	}
}

func buttonData(t testing.TB, m faketelegram.Sent, prefix string) string {
	t.Helper()
	if m.ReplyMarkup != nil {
		for _, row := range m.ReplyMarkup.Rows {
			for _, b := range row {
				if strings.HasPrefix(b.CallbackData, prefix) {
					return b.CallbackData
				}
			}
		}
	}
	t.Fatalf("message %d (%q) has no button %s…", m.MessageID, m.Plain, prefix)
	return ""
}

// copiesOf counts, for each chat, the copies of the admin's message srcID it received.
func (h *harness) copiesOf(ids []int64, from int64, srcID int) (total int, perChat map[int64]int) {
	perChat = map[int64]int{}
	for _, id := range ids {
		for _, m := range h.tg.Messages(id) {
			if m.Method == "copyMessage" && m.FromChatID == from && m.SourceMessageID == srcID {
				perChat[id]++
				total++
			}
		}
	}
	return total, perChat
}

// waitSent waits until n more messages than base were accepted.
func (h *harness) waitSent(base, n int) {
	h.t.Helper()
	h.tg.WaitFor(h.t, 30*time.Second, func() bool { return h.tg.Stats().Messages-base >= n }, fmt.Sprint(n, " messages"))
}

// waitReport waits until the progress message of a notice holds its final report.
func (h *harness) waitReport(chatID int64, msgID int, want string) string {
	h.t.Helper()
	var text string
	h.tg.WaitFor(h.t, 60*time.Second, func() bool {
		text = h.tg.MessageText(chatID, msgID)
		return strings.Contains(text, want)
	}, "the report "+want)
	return text
}

func TestBroadcastTextAndPhotoTo500(t *testing.T) {
	h := newAdminHarness(t, harnessOptions{rate: 1000})
	ids := chatIDs(1, 500)
	h.subscribe(ids...)
	chat := faketelegram.PrivateChat(admin)

	const text = "Внимание! 3 марта с 9:00 до 15:00 не будет воды на ул. Ленина."
	id, control := h.draft(admin, textNotice(h, admin, text))
	if !strings.Contains(control.Plain, "Получателей: 500") || !strings.Contains(control.Plain, "всем подписчикам") {
		t.Fatalf("control = %q, want all subscribers, 500 recipients", control.Plain)
	}
	srcID := control.MessageID - 2
	if n, _ := h.copiesOf(ids, admin.ID, srcID); n != 0 {
		t.Fatalf("%d copies went out before Send, want 0", n)
	}
	ans := h.press(chat, admin, control.MessageID, fmt.Sprintf("ntc:send:%d", id))
	if want := i18n.T("ru", "notice.answer.sending", 500); ans.Text != want {
		t.Fatalf("Send answered %q, want %q", ans.Text, want)
	}
	report := h.waitReport(chat.ID, control.MessageID, "Доставлено: 500")
	for _, want := range []string{"✅ Объявление №1 разослано всем подписчикам.", "Заблокировали бота или вышли: 0", "Ошибки: 0", "Не отправлено (остановка): 0"} {
		if !strings.Contains(report, want) {
			t.Errorf("report = %q, want it to contain %q", report, want)
		}
	}
	if kb := h.tg.MessageMarkup(chat.ID, control.MessageID); kb != nil {
		t.Errorf("the report still has buttons: %+v", kb)
	}
	total, per := h.copiesOf(ids, admin.ID, srcID)
	if total != 500 || len(per) != 500 {
		t.Fatalf("%d copies to %d chats, want 500 to 500", total, len(per))
	}
	if m := h.tg.Messages(250)[0]; m.Text != text || m.DisableNotification {
		t.Errorf("copy = %q (silent %t), want the notice's text with a notification", m.Text, m.DisableNotification)
	}

	// A photo with a caption goes out as a copy of the photo.
	const caption = "График приёма граждан на март"
	id, control = h.draft(admin, photoNotice(h, admin, caption))
	h.press(chat, admin, control.MessageID, fmt.Sprintf("ntc:send:%d", id))
	h.waitReport(chat.ID, control.MessageID, "Доставлено: 500")
	total, per = h.copiesOf(ids, admin.ID, control.MessageID-2)
	if total != 500 || len(per) != 500 {
		t.Fatalf("photo: %d copies to %d chats, want 500 to 500", total, len(per))
	}
	if m := h.tg.Messages(1)[1]; m.Photo == "" || m.Caption != caption {
		t.Errorf("photo copy = photo %q caption %q, want the photo with %q", m.Photo, m.Caption, caption)
	}
	counts, _ := h.store.DeliveryCounts(context.Background())
	if counts[subscriptions.DeliverySent] != 1000 || counts[subscriptions.DeliveryPending] != 0 {
		t.Errorf("deliveries = %v, want 1000 sent", counts)
	}
}

func TestBroadcastAudience(t *testing.T) {
	h := newAdminHarness(t, harnessOptions{rate: 500})
	ctx := context.Background()
	ids := chatIDs(1, 12)
	h.subscribe(ids...)
	be := ids[8:]
	for _, id := range be {
		if err := h.store.ChangeLanguage(ctx, id, "be", h.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	chat := faketelegram.PrivateChat(adminEN)
	id, control := h.draft(adminEN, textNotice(h, adminEN, "Reception day moved to Friday"))
	if !strings.Contains(control.Plain, "Recipients: 12") {
		t.Fatalf("control = %q, want 12 recipients (in English for an English-speaking admin)", control.Plain)
	}
	ans := h.press(chat, adminEN, control.MessageID, fmt.Sprintf("ntc:lng:%d:be", id))
	if ans.Text != "Audience: subscribers reading Belarusian" {
		t.Fatalf("audience press answered %q", ans.Text)
	}
	h.tg.WaitFor(t, 10*time.Second, func() bool {
		return strings.Contains(h.tg.MessageText(chat.ID, control.MessageID), "Recipients: 4")
	}, "the control to show 4 recipients")
	if kb := h.tg.MessageMarkup(chat.ID, control.MessageID); kb == nil || !strings.Contains(fmt.Sprint(kb.Rows), "✓ 🌐 Беларуская") {
		t.Fatalf("keyboard = %+v, want Беларуская ticked", kb)
	}
	// A forged audience is refused.
	if ans := h.press(chat, adminEN, control.MessageID, fmt.Sprintf("ntc:sec:%d:nonexistent", id)); ans.Text != i18n.T("en", "button.outdated") {
		t.Fatalf("unknown section answered %q", ans.Text)
	}
	h.press(chat, adminEN, control.MessageID, fmt.Sprintf("ntc:send:%d", id))
	h.waitReport(chat.ID, control.MessageID, "Delivered: 4")
	total, per := h.copiesOf(ids, adminEN.ID, control.MessageID-2)
	if total != 4 {
		t.Fatalf("%d copies, want 4 (the Belarusian readers)", total)
	}
	for _, id := range be {
		if per[id] != 1 {
			t.Errorf("chat %d got %d copies, want 1", id, per[id])
		}
	}
}

func TestNoticesGoAheadOfArticles(t *testing.T) {
	h := newAdminHarness(t, harnessOptions{rate: 500, noStart: true})
	ctx := context.Background()
	ids := chatIDs(1, 30)
	h.subscribe(ids...)
	// Articles wait for everyone, then a notice is confirmed, then an urgent one, then the bot starts.
	h.publish("news", "ru", newsArticle(1), newsArticle(2))
	f := subscriptions.FanOut{DefaultLang: "ru", Location: h.minsk}
	for i, text := range []string{"Приём граждан переносится", "Штормовое предупреждение"} {
		h.tg.SendMessage(faketelegram.PrivateChat(admin), admin, text)
		n, err := h.store.CreateNotice(ctx, admin.ID, subscriptions.NoticeVersion{Language: "ru", ChatID: admin.ID, MessageIDs: []int{i + 1}}, h.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		h.store.SetNoticeUrgent(ctx, n.ID, i == 1)
		if _, _, err := h.store.ConfirmNotice(ctx, n.ID, admin.ID, f, h.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	// Chat 2 is in its quiet hours: the ordinary notice reaches it without a sound, the urgent one with.
	if err := h.store.SetQuietHours(ctx, 2, 11*60, 13*60, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	h.start()
	h.waitDelivered()
	for _, id := range ids {
		msgs := h.tg.Messages(id)
		if len(msgs) != 4 || msgs[0].SourceMessageID != 2 || msgs[1].SourceMessageID != 1 || msgs[2].Method != "sendMessage" {
			t.Fatalf("chat %d got %+v; want the urgent notice, the notice, then 2 articles", id, msgs)
		}
		if msgs[0].DisableNotification {
			t.Errorf("chat %d: the urgent notice came silently", id)
		}
		if silent := msgs[1].DisableNotification; silent != (id == 2) {
			t.Errorf("chat %d: notice silent = %t, want %t", id, silent, id == 2)
		}
	}
	// Without a progress message the reports come as new messages.
	h.tg.WaitFor(t, 10*time.Second, func() bool {
		reports := 0
		for _, m := range h.tg.Messages(admin.ID) {
			if strings.Contains(m.Plain, "Доставлено: 30") {
				reports++
			}
		}
		return reports == 2
	}, "the two reports")
}

func TestBroadcastStopInTheMiddle(t *testing.T) {
	h := newAdminHarness(t, harnessOptions{rate: 100, tg: faketelegram.Options{Latency: 20 * time.Millisecond}})
	ids := chatIDs(1, 500)
	h.subscribe(ids...)
	chat := faketelegram.PrivateChat(admin)
	id, control := h.draft(admin, textNotice(h, admin, "Учения по гражданской обороне"))
	srcID := control.MessageID - 2
	base := h.tg.Stats().Messages
	h.press(chat, admin, control.MessageID, fmt.Sprintf("ntc:send:%d", id))
	h.waitSent(base, 60)
	if text := h.tg.MessageText(chat.ID, control.MessageID); !strings.Contains(text, "отправляется всем подписчикам") {
		t.Errorf("progress = %q, want the progress of the notice", text)
	}
	stop := buttonData(t, faketelegram.Sent{MessageID: control.MessageID, ReplyMarkup: h.tg.MessageMarkup(chat.ID, control.MessageID)}, "ntc:stop:")
	ans := h.press(chat, admin, control.MessageID, stop)
	if want := i18n.T("ru", "notice.answer.stopping"); ans.Text != want {
		t.Fatalf("Stop answered %q, want %q", ans.Text, want)
	}
	report := h.waitReport(chat.ID, control.MessageID, "остановлена")
	sent, per := h.copiesOf(ids, admin.ID, srcID)
	if sent >= 500 {
		t.Fatalf("all %d copies went out despite Stop", sent)
	}
	for id, n := range per {
		if n != 1 {
			t.Errorf("chat %d got %d copies", id, n)
		}
	}
	p, err := h.store.NoticeProgress(context.Background(), id, h.clock.Now())
	if err != nil || p.Sent != sent || p.Stopped != 500-sent || p.Pending != 0 {
		t.Fatalf("progress = %+v, %v; want %d sent (as Telegram saw), %d stopped", p, err, sent, 500-sent)
	}
	for _, want := range []string{fmt.Sprintf("Доставлено: %d", sent), fmt.Sprintf("Не отправлено (остановка): %d", 500-sent)} {
		if !strings.Contains(report, want) {
			t.Errorf("report = %q, want it to contain %q", report, want)
		}
	}
	// Nothing more goes out, and a second Stop does nothing.
	if ans := h.press(chat, admin, control.MessageID, stop); ans.Text != i18n.T("ru", "notice.answer.not_sending") {
		t.Errorf("second Stop answered %q", ans.Text)
	}
	if n, _ := h.copiesOf(ids, admin.ID, srcID); n != sent {
		t.Errorf("%d copies after the report, want %d", n, sent)
	}
	log, _ := h.store.AuditLog(context.Background(), 1)
	if len(log) != 1 || log[0].Action != subscriptions.AuditNoticeStopped || log[0].UserID != admin.ID {
		t.Errorf("last audit entry = %+v, want the stop by the admin", log)
	}
}

func TestBroadcastResumesAfterRestart(t *testing.T) {
	h := newAdminHarness(t, harnessOptions{rate: 100, tg: faketelegram.Options{Latency: 10 * time.Millisecond}})
	ids := chatIDs(1, 500)
	h.subscribe(ids...)
	chat := faketelegram.PrivateChat(admin)
	id, control := h.draft(admin, textNotice(h, admin, "Плановое отключение электроэнергии"))
	srcID := control.MessageID - 2
	base := h.tg.Stats().Messages
	h.press(chat, admin, control.MessageID, fmt.Sprintf("ntc:send:%d", id))
	h.waitSent(base, 100)
	h.stop()
	before, _ := h.copiesOf(ids, admin.ID, srcID)
	h.restart(400)
	if before >= 500 {
		t.Fatalf("the notice was complete before the restart (%d copies): the test proves nothing", before)
	}
	h.waitReport(chat.ID, control.MessageID, "Доставлено: 500")
	total, per := h.copiesOf(ids, admin.ID, srcID)
	if total != 500 || len(per) != 500 {
		t.Fatalf("%d copies to %d chats after a restart, want 500 to 500 (no duplicates, none lost)", total, len(per))
	}
}

func TestBroadcastConfirmedOnce(t *testing.T) {
	h := newAdminHarness(t, harnessOptions{rate: 500})
	ids := chatIDs(1, 20)
	h.subscribe(ids...)
	chat := faketelegram.PrivateChat(admin)
	id, control := h.draft(admin, textNotice(h, admin, "Приём граждан переносится"))
	send := fmt.Sprintf("ntc:send:%d", id)
	// Two presses in a row, then a second admin pressing Send for the same
	// notice (after them: updates of different chats are handled concurrently).
	_, first := h.tg.PressButton(chat, admin, control.MessageID, send)
	_, second := h.tg.PressButton(chat, admin, control.MessageID, send)
	h.tg.WaitFor(t, 10*time.Second, func() bool {
		n := 0
		for _, a := range h.tg.CallbackAnswers() {
			if a.CallbackQueryID == first || a.CallbackQueryID == second {
				n++
			}
		}
		return n == 2
	}, "both presses answered")
	h.tg.SendMessage(faketelegram.PrivateChat(admin2), admin2, "/start")
	other := h.press(faketelegram.PrivateChat(admin2), admin2, 1, send)
	answers := map[string]string{}
	for _, a := range h.tg.CallbackAnswers() {
		answers[a.CallbackQueryID] = a.Text
	}
	if answers[first] != i18n.T("ru", "notice.answer.sending", 20) {
		t.Errorf("first press answered %q", answers[first])
	}
	already := i18n.T("ru", "notice.answer.already")
	if answers[second] != already && answers[second] != i18n.T("ru", "notice.answer.finished") {
		t.Errorf("second press answered %q, want %q", answers[second], already)
	}
	if other.Text != i18n.T("be", "notice.answer.already") && other.Text != i18n.T("be", "notice.answer.finished") {
		t.Errorf("the other admin's press answered %q", other.Text)
	}
	h.waitReport(chat.ID, control.MessageID, "Доставлено: 20")
	total, per := h.copiesOf(ids, admin.ID, control.MessageID-2)
	if total != 20 || len(per) != 20 {
		t.Fatalf("%d copies to %d chats, want 20 to 20", total, len(per))
	}
	log, _ := h.store.AuditLog(context.Background(), 10)
	sent := 0
	for _, e := range log {
		if e.Action == subscriptions.AuditNoticeSent {
			sent++
		}
	}
	if sent != 1 {
		t.Errorf("audit has %d notice.sent entries, want 1", sent)
	}
}

func TestBroadcastRefusedToResidents(t *testing.T) {
	h := newAdminHarness(t, harnessOptions{})
	ids := chatIDs(1, 5)
	h.subscribe(ids...)
	ctx := context.Background()
	unknown := i18n.T("ru", "unknown")
	for _, cmd := range []string{"/broadcast", "/stats", "/audit", "/post https://osipovichi.gov.by/", "/admin", "/cancel"} {
		if got := h.say(resident, cmd); got.Plain != unknown {
			t.Errorf("resident %s answered %q, want the unknown-command hint", cmd, got.Plain)
		}
	}
	// The resident's next message is not taken as a notice.
	if got := h.say(resident, "Отключите воду всем"); !strings.Contains(got.Plain, i18n.T("ru", "question.help")) {
		t.Errorf("resident's text answered %q, want the answer to a question", got.Plain)
	}
	// A draft by an admin; the resident forges every button of it.
	id, control := h.draft(admin, textNotice(h, admin, "Черновик"))
	rchat := faketelegram.PrivateChat(resident)
	for _, data := range []string{"send", "stop", "cancel", "sec:%d:*", "urgy", "ver:%d:be", "sch"} {
		if !strings.Contains(data, "%d") {
			data += ":%d"
		}
		data = "ntc:" + fmt.Sprintf(data, id)
		if ans := h.press(rchat, resident, 1, data); ans.Text != i18n.T("ru", "button.outdated") {
			t.Errorf("forged %s answered %q, want the outdated-button text", data, ans.Text)
		}
	}
	n, err := h.store.Notice(ctx, id)
	if err != nil || n.State != subscriptions.NoticeDraft {
		t.Fatalf("notice after forged presses = %+v, %v; want still a draft", n, err)
	}
	if c, _ := h.store.DeliveryCounts(ctx); len(c) != 0 {
		t.Fatalf("deliveries = %v, want none", c)
	}
	for _, id := range ids {
		if m := h.tg.Messages(id); len(m) != 0 {
			t.Errorf("chat %d got %d messages, want none", id, len(m))
		}
	}
	// The admin cancels the draft.
	achat := faketelegram.PrivateChat(admin)
	if ans := h.press(achat, admin, control.MessageID, fmt.Sprintf("ntc:cancel:%d", id)); ans.Text != i18n.T("ru", "broadcast.cancelled") {
		t.Errorf("cancel answered %q", ans.Text)
	}
	if text := h.tg.MessageText(admin.ID, control.MessageID); !strings.Contains(text, "отменено") {
		t.Errorf("control after cancel = %q", text)
	}
	if ans := h.press(achat, admin, control.MessageID, fmt.Sprintf("ntc:send:%d", id)); ans.Text != i18n.T("ru", "notice.answer.cancelled") {
		t.Errorf("send after cancel answered %q", ans.Text)
	}
	// /cancel ends a conversation: the next message is not a notice.
	h.say(admin, "/broadcast")
	if got := h.say(admin, "/cancel"); got.Plain != i18n.T("ru", "broadcast.cancelled") {
		t.Errorf("/cancel answered %q", got.Plain)
	}
	if got := h.say(admin, "просто текст"); !strings.Contains(got.Plain, i18n.T("ru", "question.help")) {
		t.Errorf("text after /cancel answered %q, want the answer to a question", got.Plain)
	}
}

// portal serves article pages for /post.
func portal(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/ru/news-ru/view/77/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html lang="ru-RU"><head><title>Портал | Новости</title>
<meta property="og:title" content="Ремонт моста через Свислочь завершён">
<meta property="og:description" content="Движение по мосту открыто с 1 марта.">
<meta property="og:image" content="/images/bridge.jpg">
</head><body><h1>Ремонт</h1></body></html>`)
	})
	mux.HandleFunc("/ru/news-ru/view/79/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html lang="ru"><head><meta property="og:title" content="Приём граждан переносится"></head></html>`)
	})
	mux.HandleFunc("/ru/news-ru/view/78/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html><head></head><body>Нет заголовка</body></html>`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// postDraft runs /post link and returns the preview of the article and
// the controls under it.
func (h *harness) postDraft(u faketelegram.User, link string) (preview, control faketelegram.Sent) {
	h.t.Helper()
	chat := faketelegram.PrivateChat(u)
	before := len(h.tg.Messages(chat.ID))
	h.tg.SendMessage(chat, u, "/post "+link)
	msgs := h.tg.WaitMessages(h.t, chat.ID, before+2, 10*time.Second)
	return msgs[before], msgs[before+1]
}

func TestPostCommand(t *testing.T) {
	h := newAdminHarness(t, harnessOptions{rate: 500})
	ctx := context.Background()
	srv := portal(t)
	if _, err := h.store.EnsureFeeds(ctx, []subscriptions.FeedConfig{{Section: "news", Language: "ru", URL: srv.URL + "/ru/news-ru/rss/"}}); err != nil {
		t.Fatal(err)
	}
	h.subscribe(1, 2)
	known := newsArticle(1)
	h.publish("news", "ru", known)
	h.waitDelivered()
	h.subscribe(3, 4)
	if err := h.store.SetDigestHour(ctx, 4, 19, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	chat := faketelegram.PrivateChat(admin)

	// A stored article: a preview, then how many will get it; nothing goes before Send.
	preview, control := h.postDraft(admin, known.Link)
	if !strings.Contains(preview.Plain, known.Title) || preview.Method != "sendMessage" {
		t.Fatalf("preview = %s %q, want the article as residents get it", preview.Method, preview.Plain)
	}
	if want := i18n.T("ru", "post.count.digest", 2, 1); !strings.Contains(control.Plain, want) || !strings.Contains(control.Plain, i18n.T("ru", "post.known")) {
		t.Fatalf("control = %q, want %q and that the article is known", control.Plain, want)
	}
	if n := len(h.tg.Messages(3)); n != 0 {
		t.Fatalf("chat 3 got %d messages before Send, want 0", n)
	}
	send := buttonData(t, control, cbNotice+":send:")
	if ans := h.press(chat, admin, control.MessageID, send); ans.Text != i18n.T("ru", "notice.answer.sending", 2) {
		t.Fatalf("Send answered %q", ans.Text)
	}
	report := h.waitReport(chat.ID, control.MessageID, "Доставлено: 1")
	for _, want := range []string{i18n.T("ru", "post.report.done", known.Title), i18n.T("ru", "post.digest", 1)} {
		if !strings.Contains(report, want) {
			t.Errorf("report = %q, want it to contain %q", report, want)
		}
	}
	for id, want := range map[int64]int{1: 1, 2: 1, 3: 1, 4: 0} {
		if n := len(h.tg.Messages(id)); n != want {
			t.Errorf("chat %d got %d messages, want %d", id, n, want)
		}
	}
	if ans := h.press(chat, admin, control.MessageID, send); ans.Text != i18n.T("ru", "notice.answer.finished") {
		t.Errorf("second Send answered %q", ans.Text)
	}

	// An article the feeds have not brought is read from its page; it is stored only when sent.
	link := srv.URL + "/ru/news-ru/view/77/"
	preview, control = h.postDraft(admin, link+"#top")
	if preview.Method != "sendPhoto" || !strings.Contains(preview.Plain, "Ремонт моста через Свислочь завершён") {
		t.Fatalf("preview = %s %q, want the article with its photo", preview.Method, preview.Plain)
	}
	if want := i18n.T("ru", "post.count.digest", 4, 1); !strings.Contains(control.Plain, want) {
		t.Fatalf("control = %q, want %q", control.Plain, want)
	}
	if _, err := h.store.ArticleByLink(ctx, link); err == nil {
		t.Fatalf("the article was stored by the preview")
	}
	h.press(chat, admin, control.MessageID, buttonData(t, control, cbNotice+":send:"))
	h.waitReport(chat.ID, control.MessageID, "Доставлено: 3")
	for _, id := range []int64{1, 2, 3} {
		msgs := h.tg.Messages(id)
		last := msgs[len(msgs)-1]
		if last.Method != "sendPhoto" || last.Photo != srv.URL+"/images/bridge.jpg" || !strings.Contains(last.Plain, "Движение по мосту открыто") {
			t.Errorf("chat %d got %s %q (photo %q), want the posted article with its image", id, last.Method, last.Plain, last.Photo)
		}
	}
	a, err := h.store.ArticleByLink(ctx, link)
	if err != nil || a.Section != "news" || a.Language != "ru" {
		t.Errorf("stored article = %+v, %v; want it in news, ru", a, err)
	}
	// Everyone has it now: no draft, and nothing in the audit trail.
	if got := h.say(admin, "/post "+link); got.Plain != i18n.T("ru", "post.everyone", "Ремонт моста через Свислочь завершён") {
		t.Errorf("third /post answered %q", got.Plain)
	}
	log, _ := h.store.AuditLog(ctx, 4)
	want := []string{subscriptions.AuditPostFinished, subscriptions.AuditPost, subscriptions.AuditPostFinished, subscriptions.AuditPost}
	for i, e := range log {
		if e.Action != want[i] {
			t.Errorf("audit[%d] = %+v, want %s", i, e, want[i])
		}
	}
	if len(log) != 4 || log[0].Details != "delivered=3 blocked=0 failed=0 digest=1" || log[0].Ref != a.ID ||
		!strings.HasSuffix(log[1].Details, "recipients=4 digest=1") || log[1].UserID != admin.ID {
		t.Errorf("audit = %+v, want what each post did", log)
	}

	// A cancelled draft sends nothing and stores nothing.
	h.subscribe(5)
	cancelled := srv.URL + "/ru/news-ru/view/79/"
	_, control = h.postDraft(admin, cancelled)
	if ans := h.press(chat, admin, control.MessageID, buttonData(t, control, cbNotice+":cancel:")); ans.Text != i18n.T("ru", "broadcast.cancelled") {
		t.Errorf("Cancel answered %q", ans.Text)
	}
	if _, err := h.store.ArticleByLink(ctx, cancelled); err == nil {
		t.Errorf("a cancelled post stored its article")
	}
	if n := len(h.tg.Messages(5)); n != 0 {
		t.Errorf("chat 5 got %d messages from a cancelled post", n)
	}

	// Clear answers for what cannot be posted: pages off the portal's
	// hosts (another site, a sibling under gov.by, another port of the
	// portal's host) are not even fetched.
	notPortal := i18n.T("ru", "post.not_portal", strings.TrimPrefix(srv.URL, "http://")+", osipovichi.gov.by")
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("/post fetched %s from another port", r.URL)
	}))
	defer other.Close()
	for arg, want := range map[string]string{
		"":                                 i18n.T("ru", "post.usage"),
		"ftp://osipovichi.gov.by/x":        i18n.T("ru", "post.bad_url"),
		"osipovichi.gov.by/news":           i18n.T("ru", "post.bad_url"),
		"https://example.com/news/1":       notPortal,
		"https://gov.by/news/1":            notPortal,
		"https://minsk.gov.by/news/1":      notPortal,
		"https://osipovichi.gov.by:8443/":  notPortal,
		other.URL + "/ru/news-ru/view/77/": notPortal,
		srv.URL + "/ru/news-ru/view/404/":  i18n.T("ru", "post.fetch_failed", "HTTP 404"),
		srv.URL + "/ru/news-ru/view/78/":   i18n.T("ru", "post.no_title"),
	} {
		if got := h.say(admin, strings.TrimSpace("/post "+arg)); got.Plain != want {
			t.Errorf("/post %s answered %q, want %q", arg, got.Plain, want)
		}
	}
}

// An admin's /help in private lists the staff's commands too, in their
// language; a resident's, and an admin's in a group, does not.
func TestHelpListsStaffCommandsToAdmins(t *testing.T) {
	h := newAdminHarness(t, harnessOptions{})
	for _, u := range []faketelegram.User{admin, admin2, adminEN} {
		got := h.say(u, "/help").Plain
		if want := i18n.T(u.LanguageCode, "help") + "\n\n" + i18n.T(u.LanguageCode, "help.admin"); got != want {
			t.Errorf("/help of the %s admin = %q, want the commands and the staff's", u.LanguageCode, got)
		}
		for _, cmd := range []string{"/broadcast", "/scheduled", "/post", "/stats", "/audit"} {
			if !strings.Contains(got, cmd) {
				t.Errorf("/help of the %s admin lacks %s", u.LanguageCode, cmd)
			}
		}
	}
	if got := h.say(userIn("ru", 7700), "/help").Plain; strings.Contains(got, "/broadcast") {
		t.Errorf("a resident's /help lists staff commands: %q", got)
	}
	group := faketelegram.Chat{ID: -100777, Type: "supergroup", Title: "Дом 5"}
	if got := h.sayIn(group, admin, "/help").Plain; strings.Contains(got, "/broadcast") {
		t.Errorf("an admin's /help in a group lists staff commands: %q", got)
	}
}
