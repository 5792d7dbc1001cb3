package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/subscriptions"
)

// mediaNotice is a send func for draft: a message of the admin holding
// fields (a video, a poll, a location…) beside its chat and sender.
func mediaNotice(h *harness, u faketelegram.User, fields map[string]any) func(faketelegram.Chat) {
	return func(chat faketelegram.Chat) { h.sendMedia(chat, u, fields) }
}

// sendMedia injects a message of u in chat holding fields.
func (h *harness) sendMedia(chat faketelegram.Chat, u faketelegram.User, fields map[string]any) {
	m := map[string]any{
		"chat": map[string]any{"id": chat.ID, "type": "private", "first_name": u.FirstName},
		"from": map[string]any{"id": u.ID, "is_bot": false, "first_name": u.FirstName, "language_code": u.LanguageCode},
	}
	for k, v := range fields {
		m[k] = v
	}
	h.tg.SendMessageUpdate(m)
}

// next waits for the bot's next message in the private chat of u after
// the first `before` and returns it.
func (h *harness) next(u faketelegram.User, before int) faketelegram.Sent {
	h.t.Helper()
	return h.tg.WaitMessages(h.t, u.ID, before+1, 10*time.Second)[before]
}

// pressFor presses a button of message m whose data starts with prefix
// and returns the answer to the press.
func (h *harness) pressFor(u faketelegram.User, msgID int, prefix string) faketelegram.Sent {
	h.t.Helper()
	kb := h.tg.MessageMarkup(u.ID, msgID)
	return h.press(faketelegram.PrivateChat(u), u, msgID, buttonData(h.t, faketelegram.Sent{MessageID: msgID, ReplyMarkup: kb}, prefix))
}

// setLanguages gives chats their languages.
func (h *harness) setLanguages(langs map[int64]string) {
	h.t.Helper()
	for id, l := range langs {
		if err := h.store.ChangeLanguage(context.Background(), id, l, h.clock.Now()); err != nil {
			h.t.Fatal(err)
		}
	}
}

// sourcesOf returns, for each chat, the message ids of the admin's chat it got copies of.
func (h *harness) sourcesOf(ids []int64, from int64) map[int64][]int {
	out := map[int64][]int{}
	for _, id := range ids {
		for _, m := range h.tg.Messages(id) {
			if m.FromChatID == from {
				out[id] = append(out[id], m.SourceMessageID)
			}
		}
	}
	return out
}

func TestNoticeInThreeLanguages(t *testing.T) {
	h := newAdminHarness(t, harnessOptions{rate: 500})
	ids := chatIDs(1, 8)
	h.subscribe(ids...)
	// 1–2 read Russian, 3–4 Belarusian, 5 English; 6–8 never chose (the default, Russian).
	h.setLanguages(map[int64]string{1: "ru", 2: "ru", 3: "be", 4: "be", 5: "en"})
	chat := faketelegram.PrivateChat(admin)

	id, control := h.draft(admin, textNotice(h, admin, "Внимание: 3 марта не будет воды."))
	ruMsg := control.MessageID - 2
	for _, want := range []string{"Версии: Русский (основная)", "Читающие на других языках (Беларуская, English) получат основную версию.", "Получателей: 8"} {
		if !strings.Contains(control.Plain, want) {
			t.Errorf("control = %q, want %q", control.Plain, want)
		}
	}

	// The Belarusian version: the bot asks for it, then shows it and new controls.
	before := len(h.tg.Messages(chat.ID))
	if ans := h.pressFor(admin, control.MessageID, fmt.Sprintf("ntc:ver:%d:be", id)); ans.Text != "" {
		t.Errorf("the version button answered %q", ans.Text)
	}
	if got := h.next(admin, before); got.Plain != i18n.T("ru", "notice.version.ask", id, "Беларуская") {
		t.Fatalf("asked %q", got.Plain)
	}
	before = len(h.tg.Messages(chat.ID))
	h.tg.SendMessage(chat, admin, "Увага: 3 сакавіка не будзе вады.")
	msgs := h.tg.WaitMessages(t, chat.ID, before+2, 10*time.Second)
	bePreview, control2 := msgs[before], msgs[before+1]
	beMsg := bePreview.SourceMessageID
	if bePreview.Method != "copyMessage" || bePreview.Text != "Увага: 3 сакавіка не будзе вады." {
		t.Fatalf("preview of the version = %s %q", bePreview.Method, bePreview.Text)
	}
	if !strings.Contains(control2.Plain, "Версии: Русский (основная) · Беларуская") || !strings.Contains(control2.Plain, "(English)") {
		t.Fatalf("controls after the version = %q", control2.Plain)
	}
	h.tg.WaitFor(t, 10*time.Second, func() bool {
		return h.tg.MessageText(chat.ID, control.MessageID) == i18n.T("ru", "notice.moved", id) && h.tg.MessageMarkup(chat.ID, control.MessageID) == nil
	}, "the old controls to point below, without buttons")
	// The first version cannot take Belarusian: there is a version in it.
	if ans := h.pressFor(admin, control2.MessageID, fmt.Sprintf("ntc:main:%d", id)); ans.Text != "" {
		t.Errorf("main language answered %q", ans.Text)
	}
	if text := h.tg.MessageText(chat.ID, control2.MessageID); text != i18n.T("ru", "notice.main.ask", id) {
		t.Fatalf("main language screen = %q", text)
	}
	if ans := h.pressFor(admin, control2.MessageID, fmt.Sprintf("ntc:mainl:%d:be", id)); ans.Text != i18n.T("ru", "notice.answer.lang_taken") {
		t.Errorf("taking Belarusian answered %q", ans.Text)
	}
	h.pressFor(admin, control2.MessageID, fmt.Sprintf("ntc:back:%d", id))

	// The English version, sent twice: the second replaces the first.
	var enMsg int
	for _, text := range []string{"Attention: no water on 3 Marhc.", "Attention: no water on 3 March."} {
		before = len(h.tg.Messages(chat.ID))
		h.pressFor(admin, control2.MessageID, fmt.Sprintf("ntc:ver:%d:en", id))
		h.next(admin, before)
		before = len(h.tg.Messages(chat.ID))
		h.tg.SendMessage(chat, admin, text)
		msgs = h.tg.WaitMessages(t, chat.ID, before+2, 10*time.Second)
		enMsg, control2 = msgs[before].SourceMessageID, msgs[before+1]
	}
	if !strings.Contains(control2.Plain, "Версии: Русский (основная) · Беларуская · English") || strings.Contains(control2.Plain, "Читающие на других языках") {
		t.Fatalf("controls with three versions = %q", control2.Plain)
	}
	if !strings.Contains(fmt.Sprint(h.tg.MessageMarkup(chat.ID, control2.MessageID).Rows), "🔁 Заменить: English") {
		t.Errorf("keyboard = %+v, want a button to replace the English version", h.tg.MessageMarkup(chat.ID, control2.MessageID).Rows)
	}

	h.pressFor(admin, control2.MessageID, cbNotice+":send:")
	h.waitReport(chat.ID, control2.MessageID, "Доставлено: 8")
	got := h.sourcesOf(ids, admin.ID)
	want := map[int64]int{1: ruMsg, 2: ruMsg, 3: beMsg, 4: beMsg, 5: enMsg, 6: ruMsg, 7: ruMsg, 8: ruMsg}
	for id, w := range want {
		if len(got[id]) != 1 || got[id][0] != w {
			t.Errorf("chat %d got copies of %v, want one of message %d", id, got[id], w)
		}
	}
}

func TestNoticeToASectionAndALanguage(t *testing.T) {
	h := newAdminHarness(t, harnessOptions{rate: 500})
	ctx := context.Background()
	// One feed for every language per section.
	h.publish("news", "")
	h.publish("economy", "")
	ids := chatIDs(1, 9)
	h.subscribe(ids...)
	h.setLanguages(map[int64]string{1: "be", 2: "be", 3: "be", 4: "ru", 5: "ru", 6: "en"})
	// 1 and 4 follow news only, 2 and 5 economy only; the others follow both.
	for id, drop := range map[int64]string{1: "economy", 4: "economy", 2: "news", 5: "news"} {
		if err := h.store.SetSection(ctx, id, drop, false, h.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	chat := faketelegram.PrivateChat(admin)
	id, control := h.draft(admin, textNotice(h, admin, "Субботник в парке"))
	h.pressFor(admin, control.MessageID, fmt.Sprintf("ntc:sec:%d:news", id))
	ans := h.pressFor(admin, control.MessageID, fmt.Sprintf("ntc:lng:%d:be", id))
	a := subscriptions.Audience{Section: "news", Language: "be"}
	count, err := h.store.CountAudience(ctx, a, "ru")
	if err != nil || count.Total != 2 {
		t.Fatalf("CountAudience = %+v, %v; want 2 (chats 1 and 3)", count, err)
	}
	if want := i18n.T("ru", "notice.answer.audience", "подписчикам раздела «Новости», читающим по-белорусски"); ans.Text != want {
		t.Errorf("audience answered %q, want %q", ans.Text, want)
	}
	text := h.tg.MessageText(chat.ID, control.MessageID)
	if !strings.Contains(text, "Кому: подписчикам раздела «Новости», читающим по-белорусски") || !strings.Contains(text, "Получателей: 2") {
		t.Fatalf("controls = %q, want the section and the language, 2 recipients", text)
	}
	rows := fmt.Sprint(h.tg.MessageMarkup(chat.ID, control.MessageID).Rows)
	for _, want := range []string{"✓ 📂 Новости", "✓ 🌐 Беларуская", "📂 Все разделы", "🌐 Все языки"} {
		if !strings.Contains(rows, want) {
			t.Errorf("keyboard = %s, want %q", rows, want)
		}
	}
	h.pressFor(admin, control.MessageID, cbNotice+":send:")
	h.waitReport(chat.ID, control.MessageID, "Доставлено: 2")
	got := h.sourcesOf(ids, admin.ID)
	if len(got) != 2 || len(got[1]) != 1 || len(got[3]) != 1 {
		t.Fatalf("copies = %v, want one each for chats 1 and 3", got)
	}
}

func TestUrgentNotice(t *testing.T) {
	h := newAdminHarness(t, harnessOptions{rate: 500})
	ctx := context.Background()
	h.subscribe(1, 2, 3)
	// It is 12:00 in Minsk: chat 2 is in its quiet hours, chat 3 reads a digest at 19:00.
	if err := h.store.SetQuietHours(ctx, 2, 11*60, 13*60, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := h.store.SetDigestHour(ctx, 3, 19, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	chat := faketelegram.PrivateChat(admin)

	// An ordinary notice: silent in quiet hours, at the digest hour for the digest reader.
	_, control := h.draft(admin, textNotice(h, admin, "Приём граждан в пятницу"))
	if want := i18n.T("ru", "notice.count.digest", 3, 1); !strings.Contains(control.Plain, want) {
		t.Fatalf("control = %q, want %q", control.Plain, want)
	}
	h.pressFor(admin, control.MessageID, cbNotice+":send:")
	h.tg.WaitFor(t, 10*time.Second, func() bool {
		return len(h.tg.Messages(2)) == 1 && strings.Contains(h.tg.MessageText(chat.ID, control.MessageID), i18n.T("ru", "notice.progress.waiting", 1))
	}, "chat 2's copy, and the progress to show one waiting for its digest")
	if m := h.tg.Messages(2); len(m) != 1 || !m[0].DisableNotification {
		t.Fatalf("chat 2 (quiet hours) got %+v, want one silent copy", m)
	}
	if m := h.tg.Messages(3); len(m) != 0 {
		t.Fatalf("chat 3 (digest at 19:00) got %d messages at 12:00, want none yet", len(m))
	}
	h.clock.Set(time.Date(2023, 3, 2, 19, 0, 0, 0, h.minsk))
	h.engine.Wake()
	h.waitReport(chat.ID, control.MessageID, "Доставлено: 3")
	if m := h.tg.Messages(3); len(m) != 1 || m[0].SourceMessageID != control.MessageID-2 {
		t.Fatalf("chat 3 got %+v at its digest hour, want the notice", m)
	}

	// An urgent notice: asked to confirm, then it rings for everyone at once.
	h.clock.Set(time.Date(2023, 3, 2, 12, 0, 0, 0, h.minsk))
	id, control := h.draft(admin, textNotice(h, admin, "Штормовое предупреждение: ветер до 25 м/с"))
	h.pressFor(admin, control.MessageID, fmt.Sprintf("ntc:urg:%d", id))
	if text := h.tg.MessageText(chat.ID, control.MessageID); text != i18n.T("ru", "notice.urgent.ask", id) {
		t.Fatalf("urgent asked %q", text)
	}
	if n, _ := h.store.Notice(ctx, id); n.Urgent {
		t.Fatalf("the notice became urgent before it was confirmed")
	}
	if ans := h.pressFor(admin, control.MessageID, fmt.Sprintf("ntc:urgy:%d", id)); ans.Text != i18n.T("ru", "notice.answer.urgent_on") {
		t.Errorf("confirming urgency answered %q", ans.Text)
	}
	text := h.tg.MessageText(chat.ID, control.MessageID)
	for _, want := range []string{i18n.T("ru", "notice.head.urgent", id), i18n.T("ru", "notice.count.digest_urgent", 3, 1), i18n.T("ru", "notice.urgent.on")} {
		if !strings.Contains(text, want) {
			t.Errorf("urgent controls = %q, want %q", text, want)
		}
	}
	send := buttonData(t, faketelegram.Sent{MessageID: control.MessageID, ReplyMarkup: h.tg.MessageMarkup(chat.ID, control.MessageID)}, cbNotice+":send:")
	if !strings.Contains(fmt.Sprint(h.tg.MessageMarkup(chat.ID, control.MessageID).Rows), i18n.T("ru", "notice.button.send_urgent", 3)) {
		t.Errorf("keyboard = %+v, want the urgent Send", h.tg.MessageMarkup(chat.ID, control.MessageID).Rows)
	}
	h.press(chat, admin, control.MessageID, send)
	report := h.waitReport(chat.ID, control.MessageID, "Доставлено: 3")
	if !strings.Contains(report, "✅ Объявление №2 разослано всем подписчикам.") {
		t.Errorf("report = %q", report)
	}
	for _, id := range []int64{1, 2, 3} {
		m := h.tg.Messages(id)
		if last := m[len(m)-1]; last.SourceMessageID != control.MessageID-2 || last.DisableNotification {
			t.Errorf("chat %d got %+v, want the urgent notice with a sound", id, last)
		}
	}
	log, _ := h.store.AuditLog(ctx, 3)
	var urgent bool
	for _, e := range log {
		urgent = urgent || e.Action == subscriptions.AuditNoticeUrgent && e.Ref == id && e.UserID == admin.ID
	}
	if !urgent {
		t.Errorf("audit = %+v, want the notice recorded as urgent", log)
	}
	if got := h.say(admin, "/audit"); !strings.Contains(got.Plain, "запустил(а) срочную рассылку объявления №2") {
		t.Errorf("/audit = %q, want the urgent notice", got.Plain)
	}
}

func TestScheduledNotice(t *testing.T) {
	h := newAdminHarness(t, harnessOptions{rate: 500})
	ctx := context.Background()
	ids := chatIDs(1, 5)
	h.subscribe(ids...)
	chat := faketelegram.PrivateChat(admin)
	id, control := h.draft(admin, textNotice(h, admin, "Завтра с 9:00 — приём по личным вопросам"))
	src := control.MessageID - 2

	// The time is asked for; what cannot be a time gets a clear answer, and the bot keeps asking.
	before := len(h.tg.Messages(chat.ID))
	h.pressFor(admin, control.MessageID, fmt.Sprintf("ntc:when:%d", id))
	if got := h.next(admin, before); got.Plain != i18n.T("ru", "notice.when.ask", id, "по минскому времени", "2 марта 2023, 12:00") {
		t.Fatalf("asked %q", got.Plain)
	}
	for typed, want := range map[string]string{
		"25:00":           i18n.T("ru", "notice.when.hour", 25),
		"31.02 18:00":     "Такой даты нет: 31 февраля 2023.",
		"11:00":           i18n.T("ru", "notice.when.today_past", "11:00", "12:00", "11:00"),
		"1.03.2023 9:00":  i18n.T("ru", "notice.when.past", "1 марта 2023, 09:00"),
		"завтра":          i18n.T("ru", "notice.when.no_time", "завтра"),
		"когда-нибудь":    i18n.T("ru", "notice.when.bad", "когда-нибудь"),
		"31.12.2030 9:00": i18n.T("ru", "notice.when.far", "31 декабря 2030, 09:00"),
	} {
		if got := h.say(admin, typed); got.Plain != want {
			t.Errorf("%q answered %q, want %q", typed, got.Plain, want)
		}
	}
	// An album instead of a time gets one answer, not one per photo.
	before = len(h.tg.Messages(chat.ID))
	for i := range 3 {
		h.sendMedia(chat, admin, map[string]any{"media_group_id": "t1",
			"photo": []any{map[string]any{"file_id": fmt.Sprint("t", i), "file_unique_id": fmt.Sprint("ut", i), "width": 10, "height": 10}}})
	}
	h.tg.SendMessage(chat, admin, "25:00")
	msgs := h.tg.WaitMessages(t, chat.ID, before+2, 10*time.Second)
	if len(msgs) != before+2 || msgs[before].Plain != i18n.T("ru", "notice.when.text") || msgs[before+1].Plain != i18n.T("ru", "notice.when.hour", 25) {
		t.Errorf("an album and 25:00 answered %+v, want one request for text, then the hour's answer", msgs[before:])
	}
	before = len(h.tg.Messages(chat.ID))
	h.tg.SendMessage(chat, admin, "завтра в 9:00")
	control = h.next(admin, before)
	if !strings.Contains(control.Plain, "Когда: 3 марта 2023, 09:00 (через 21 ч 0 мин)") {
		t.Fatalf("controls = %q, want the time", control.Plain)
	}
	if ans := h.pressFor(admin, control.MessageID, fmt.Sprintf("ntc:sch:%d", id)); ans.Text != i18n.T("ru", "notice.answer.scheduled", "3 марта 2023, 09:00") {
		t.Errorf("Schedule answered %q", ans.Text)
	}
	if ans := h.pressFor(admin, control.MessageID, fmt.Sprintf("ntc:unsch:%d", id)); ans.Text != i18n.T("ru", "notice.answer.unscheduled") {
		t.Fatalf("Change answered %q", ans.Text)
	}
	// Back to a draft, it can change; scheduled again, it cannot, and Schedule twice schedules once.
	h.pressFor(admin, control.MessageID, fmt.Sprintf("ntc:lng:%d:ru", id))
	h.pressFor(admin, control.MessageID, fmt.Sprintf("ntc:lng:%d:*", id))
	sch := fmt.Sprintf("ntc:sch:%d", id)
	h.press(chat, admin, control.MessageID, sch)
	if ans := h.press(chat, admin, control.MessageID, sch); ans.Text != i18n.T("ru", "notice.answer.scheduled_already") {
		t.Errorf("second Schedule answered %q", ans.Text)
	}
	if ans := h.press(chat, admin, control.MessageID, fmt.Sprintf("ntc:lng:%d:be", id)); ans.Text != i18n.T("ru", "notice.answer.scheduled_already") {
		t.Errorf("changing a scheduled notice answered %q", ans.Text)
	}
	text := h.tg.MessageText(chat.ID, control.MessageID)
	if !strings.HasPrefix(text, i18n.T("ru", "notice.head.scheduled", id, "3 марта 2023, 09:00", "21 ч 0 мин")) {
		t.Fatalf("scheduled controls = %q", text)
	}
	list := h.say(adminEN, "/scheduled")
	if !strings.Contains(list.Plain, "#1 — 3 March 2023, 09:00 (in 21 h 0 min)") || !strings.Contains(list.Plain, "scheduled by Staff") {
		t.Fatalf("/scheduled = %q", list.Plain)
	}

	// The bot is down at 9:00 and back at 11:30: the notice goes out once, and the delay is told.
	h.stop()
	h.clock.Set(time.Date(2023, 3, 3, 11, 30, 0, 0, h.minsk))
	before = len(h.tg.Messages(chat.ID))
	h.restart(500)
	late := h.next(admin, before)
	if want := i18n.T("ru", "notice.late.down", id, "3 марта 2023, 09:00", "2 ч 30 мин"); late.Plain != want {
		t.Fatalf("after the restart the admin was told %q, want %q", late.Plain, want)
	}
	progress := h.next(admin, before+1)
	h.waitReport(chat.ID, progress.MessageID, "Доставлено: 5")
	total, per := h.copiesOf(ids, admin.ID, src)
	if total != 5 || len(per) != 5 {
		t.Fatalf("%d copies to %d chats, want 5 to 5", total, len(per))
	}
	if got := h.say(admin, "/scheduled"); got.Plain != i18n.T("ru", "scheduled.none") {
		t.Errorf("/scheduled after the send = %q", got.Plain)
	}
	if old := h.tg.MessageText(chat.ID, control.MessageID); old != i18n.T("ru", "notice.moved", id) {
		t.Errorf("the scheduled controls = %q, want them to point below", old)
	}
	log, _ := h.store.AuditLog(ctx, 10)
	var scheduled, sentByBot int
	for _, e := range log {
		switch {
		case e.Action == subscriptions.AuditNoticeScheduled && e.UserID == admin.ID:
			scheduled++
		case e.Action == subscriptions.AuditNoticeSent && e.UserID == 0 && strings.Contains(e.Details, "scheduled_by=9001"):
			sentByBot++
		}
	}
	if scheduled != 2 || sentByBot != 1 {
		t.Errorf("audit = %+v; want two schedules by the admin and one start by the bot", log)
	}
}

func TestScheduledNoticeOnTimeAndByTwoAdmins(t *testing.T) {
	h := newAdminHarness(t, harnessOptions{rate: 500})
	ids := chatIDs(1, 3)
	h.subscribe(ids...)
	chat, chat2 := faketelegram.PrivateChat(admin), faketelegram.PrivateChat(admin2)
	schedule := func(text, when string) (int64, faketelegram.Sent) {
		t.Helper()
		id, control := h.draft(admin, textNotice(h, admin, text))
		before := len(h.tg.Messages(chat.ID))
		h.pressFor(admin, control.MessageID, fmt.Sprintf("ntc:when:%d", id))
		h.next(admin, before)
		control = h.say(admin, when)
		h.pressFor(admin, control.MessageID, fmt.Sprintf("ntc:sch:%d", id))
		return id, control
	}
	first, _ := schedule("Первое", "18:00")
	second, control2 := schedule("Второе", "19:00")

	// The second admin opens the second notice from /scheduled: its controls move to them.
	list := h.say(admin2, "/scheduled")
	if !strings.Contains(list.Plain, "№1 — 2 сакавіка 2023, 18:00") || !strings.Contains(list.Plain, "№2 — 2 сакавіка 2023, 19:00") {
		t.Fatalf("/scheduled for the second admin = %q", list.Plain)
	}
	before := len(h.tg.Messages(chat2.ID))
	h.press(chat2, admin2, list.MessageID, fmt.Sprintf("ntc:open:%d", second))
	msgs := h.tg.WaitMessages(t, chat2.ID, before+2, 10*time.Second)
	if msgs[before].Method != "copyMessage" || msgs[before].Text != "Второе" || !strings.HasPrefix(msgs[before+1].Plain, "⏰ Аб'ява №2 запланавана") {
		t.Fatalf("opened: %q then %q", msgs[before].Text, msgs[before+1].Plain)
	}
	h.tg.WaitFor(t, 10*time.Second, func() bool {
		return h.tg.MessageText(chat.ID, control2.MessageID) == i18n.T("ru", "notice.moved", second)
	},
		"the first admin's controls to point to where they went")
	// The first admin cancels it from their list; the second admin's Change then does nothing.
	list = h.say(admin, "/scheduled")
	if ans := h.press(chat, admin, list.MessageID, fmt.Sprintf("ntc:cancel:%d", second)); ans.Text != i18n.T("ru", "broadcast.cancelled") {
		t.Fatalf("Cancel from the list answered %q", ans.Text)
	}
	h.tg.WaitFor(t, 10*time.Second, func() bool {
		return !strings.Contains(h.tg.MessageText(chat.ID, list.MessageID), "№2") &&
			h.tg.MessageText(chat2.ID, msgs[before+1].MessageID) == i18n.T("be", "notice.cancelled", second)
	}, "the list without the cancelled notice, the other admin's controls saying so")
	if ans := h.press(chat2, admin2, msgs[before+1].MessageID, fmt.Sprintf("ntc:unsch:%d", second)); ans.Text != i18n.T("be", "notice.answer.cancelled") {
		t.Errorf("Change of a cancelled notice answered %q", ans.Text)
	}
	if ans := h.press(chat, admin, list.MessageID, fmt.Sprintf("ntc:cancel:%d", second)); ans.Text != i18n.T("ru", "notice.answer.cancelled") {
		t.Errorf("a second Cancel answered %q", ans.Text)
	}

	// At 18:00 the first goes out on time, once; the cancelled one never does.
	before = len(h.tg.Messages(chat.ID))
	h.clock.Set(time.Date(2023, 3, 2, 18, 0, 5, 0, h.minsk))
	if got := h.next(admin, before); got.Plain != i18n.T("ru", "notice.started", first, "2 марта 2023, 18:00") {
		t.Fatalf("at 18:00 the admin was told %q", got.Plain)
	}
	progress := h.next(admin, before+1)
	h.waitReport(chat.ID, progress.MessageID, "Доставлено: 3")
	h.clock.Set(time.Date(2023, 3, 2, 20, 0, 0, 0, h.minsk))
	h.say(admin, "/scheduled") // a round trip: the scheduler has looked since
	for _, id := range ids {
		if m := h.tg.Messages(id); len(m) != 1 || m[0].Text != "Первое" {
			t.Errorf("chat %d got %+v, want only the first notice", id, m)
		}
	}
}

// draftOf runs /broadcast, sends the notice with send, and returns the
// notice's id and the messages the bot sent after it, the controls last.
func (h *harness) draftOf(u faketelegram.User, send func(chat faketelegram.Chat)) (int64, []faketelegram.Sent) {
	h.t.Helper()
	chat := faketelegram.PrivateChat(u)
	h.say(u, "/broadcast")
	before := len(h.tg.Messages(chat.ID))
	send(chat)
	var msgs []faketelegram.Sent
	h.tg.WaitFor(h.t, 10*time.Second, func() bool {
		msgs = h.tg.Messages(chat.ID)[before:]
		return len(msgs) > 0 && msgs[len(msgs)-1].ReplyMarkup != nil
	}, "the notice's controls")
	data := buttonData(h.t, msgs[len(msgs)-1], cbNotice+":send:")
	var id int64
	fmt.Sscanf(data, cbNotice+":send:%d", &id)
	return id, msgs
}

func TestNoticeOfEveryKind(t *testing.T) {
	h := newAdminHarness(t, harnessOptions{rate: 500})
	ids := chatIDs(1, 3)
	h.subscribe(ids...)
	chat := faketelegram.PrivateChat(admin)
	file := func(id string, more map[string]any) map[string]any {
		m := map[string]any{"file_id": id, "file_unique_id": "u" + id}
		for k, v := range more {
			m[k] = v
		}
		return m
	}
	here := map[string]any{"latitude": 53.3012, "longitude": 28.6384}
	// Texts and captions at Telegram's limits.
	long, caption := strings.Repeat("в", 4096), strings.Repeat("ю", 1024)
	for _, tt := range []struct {
		kind   string
		fields map[string]any
		note   string
	}{
		{"", map[string]any{"text": long}, ""},
		{"photo", map[string]any{"photo": []any{file("p1", map[string]any{"width": 1280, "height": 853})}, "caption": caption}, ""},
		{"video", map[string]any{"video": file("v1", map[string]any{"width": 640, "height": 360, "duration": 12}), "caption": "Видео"}, ""},
		{"animation", map[string]any{"animation": file("a1", map[string]any{"width": 320, "height": 240, "duration": 3}),
			"document": file("a1", nil)}, ""},
		{"document", map[string]any{"document": file("d1", map[string]any{"file_name": "график.pdf"}), "caption": "График"}, ""},
		{"audio", map[string]any{"audio": file("au1", map[string]any{"duration": 30})}, ""},
		{"voice", map[string]any{"voice": file("vo1", map[string]any{"duration": 7})}, ""},
		{"video_note", map[string]any{"video_note": file("vn1", map[string]any{"length": 240, "duration": 10})}, ""},
		{"sticker", map[string]any{"sticker": file("s1", map[string]any{"type": "regular", "width": 512, "height": 512,
			"is_animated": false, "is_video": false})}, ""},
		{"location", map[string]any{"location": here}, ""},
		{"venue", map[string]any{"venue": map[string]any{"location": here, "title": "Райисполком", "address": "ул. Сумченко, 37"},
			"location": here}, ""},
		{"contact", map[string]any{"contact": map[string]any{"phone_number": "+375223550000", "first_name": "Приёмная"}}, ""},
		{"poll", map[string]any{"poll": map[string]any{"id": "5", "question": "Удобно ли время приёма?", "options": []any{
			map[string]any{"text": "Да", "voter_count": 0}, map[string]any{"text": "Нет", "voter_count": 0}},
			"total_voter_count": 0, "is_closed": false, "is_anonymous": true, "type": "regular", "allows_multiple_answers": false}},
			i18n.T("ru", "notice.poll")},
	} {
		id, msgs := h.draftOf(admin, mediaNotice(h, admin, tt.fields))
		preview := msgs[0]
		if preview.Method != "copyMessage" || preview.Media != tt.kind {
			t.Errorf("%s: preview = %s of a %q, want a copy of it", tt.kind, preview.Method, preview.Media)
			continue
		}
		if tt.note != "" && (len(msgs) != 3 || msgs[1].Plain != tt.note) {
			t.Errorf("%s: the bot said %+v, want the note %q", tt.kind, msgs[1:], tt.note)
		}
		control := msgs[len(msgs)-1]
		h.press(chat, admin, control.MessageID, fmt.Sprintf("ntc:send:%d", id))
		h.waitReport(chat.ID, control.MessageID, "Доставлено: 3")
		for _, c := range ids {
			m := h.tg.Messages(c)
			last := m[len(m)-1]
			if last.SourceMessageID != preview.SourceMessageID || last.Media != tt.kind || last.Text != preview.Text || last.Caption != preview.Caption {
				t.Errorf("%s: chat %d got %+v, want the copy", tt.kind, c, last)
			}
		}
	}

	// What cannot be a notice gets a clear answer, and the bot still waits for one.
	h.say(admin, "/broadcast")
	for _, tt := range []struct {
		fields map[string]any
		want   string
	}{
		{map[string]any{"dice": map[string]any{"emoji": "🎲", "value": 4}}, i18n.T("ru", "notice.dice")},
		{map[string]any{"game": map[string]any{"title": "Игра", "description": "x", "photo": []any{}}}, i18n.T("ru", "broadcast.cannot_copy")},
		{map[string]any{"invoice": map[string]any{"title": "Счёт", "description": "x", "start_parameter": "x", "currency": "BYN", "total_amount": 100}},
			i18n.T("ru", "broadcast.cannot_copy")},
	} {
		before := len(h.tg.Messages(chat.ID))
		h.sendMedia(chat, admin, tt.fields)
		if got := h.next(admin, before); got.Plain != tt.want {
			t.Errorf("%v answered %q, want %q", tt.fields, got.Plain, tt.want)
		}
	}
	before := len(h.tg.Messages(chat.ID))
	h.tg.SendMessage(chat, admin, "Теперь текст")
	if got := h.tg.WaitMessages(t, chat.ID, before+2, 10*time.Second)[before]; got.Method != "copyMessage" || got.Text != "Теперь текст" {
		t.Errorf("after the refusals the text gave %s %q, want its preview", got.Method, got.Text)
	}
}

func TestNoticeAlbum(t *testing.T) {
	h := newAdminHarness(t, harnessOptions{rate: 500})
	ids := chatIDs(1, 4)
	h.subscribe(ids...)
	h.setLanguages(map[int64]string{4: "be"})
	chat := faketelegram.PrivateChat(admin)
	album := func(group string, n int, caption string) func(faketelegram.Chat) {
		return func(chat faketelegram.Chat) {
			for i := range n {
				f := map[string]any{"media_group_id": group,
					"photo": []any{map[string]any{"file_id": fmt.Sprint(group, i), "file_unique_id": fmt.Sprint("u", group, i), "width": 800, "height": 600}}}
				if i == 0 {
					f["caption"] = caption
				}
				h.sendMedia(chat, admin, f)
			}
		}
	}
	id, msgs := h.draftOf(admin, album("g1", 3, "Новый сквер: фото"))
	if len(msgs) != 5 || msgs[3].Plain != i18n.T("ru", "notice.album", 3) {
		t.Fatalf("the bot answered an album of 3 with %+v; want its 3 items, the note, the controls", msgs)
	}
	var src []int
	for _, m := range msgs[:3] {
		if m.Method != "copyMessages" || m.Media != "photo" {
			t.Fatalf("preview item = %s of %q, want a photo copied with the album", m.Method, m.Media)
		}
		src = append(src, m.SourceMessageID)
	}
	if src[0]+1 != src[1] || src[1]+1 != src[2] {
		t.Fatalf("preview items come from %v, want the album in order", src)
	}
	// A Belarusian version, an album of 2.
	control := msgs[4]
	before := len(h.tg.Messages(chat.ID))
	h.pressFor(admin, control.MessageID, fmt.Sprintf("ntc:ver:%d:be", id))
	h.next(admin, before)
	before = len(h.tg.Messages(chat.ID))
	album("g2", 2, "Новы сквер: фота")(chat)
	beMsgs := h.tg.WaitMessages(t, chat.ID, before+4, 10*time.Second)[before:]
	if beMsgs[2].Plain != i18n.T("ru", "notice.album", 2) || !strings.Contains(beMsgs[3].Plain, "Русский (основная) · Беларуская") {
		t.Fatalf("the version album gave %+v", beMsgs)
	}
	// The bot restarts before Send: the controls still work.
	h.restart(500)
	h.pressFor(admin, beMsgs[3].MessageID, cbNotice+":send:")
	h.waitReport(chat.ID, beMsgs[3].MessageID, "Доставлено: 4")
	got := h.sourcesOf(ids, admin.ID)
	for _, c := range ids {
		want := src
		if c == 4 {
			want = []int{beMsgs[0].SourceMessageID, beMsgs[1].SourceMessageID}
		}
		if fmt.Sprint(got[c]) != fmt.Sprint(want) {
			t.Errorf("chat %d got copies of %v, want the album %v", c, got[c], want)
		}
	}
	// Nothing else was said to the admin about the album's items.
	for _, m := range h.tg.Messages(chat.ID) {
		if strings.Contains(m.Plain, i18n.T("ru", "question.help")) || strings.Contains(m.Plain, i18n.T("ru", "broadcast.cannot_copy")) {
			t.Errorf("the admin was told %q", m.Plain)
		}
	}
}

func TestNoticeVersionForACancelledNotice(t *testing.T) {
	h := newAdminHarness(t, harnessOptions{rate: 500})
	h.subscribe(1)
	chat := faketelegram.PrivateChat(admin)
	id, control := h.draft(admin, textNotice(h, admin, "Черновик"))
	before := len(h.tg.Messages(chat.ID))
	h.pressFor(admin, control.MessageID, fmt.Sprintf("ntc:ver:%d:en", id))
	h.next(admin, before)
	// /cancel drops the step, not the notice.
	if got := h.say(admin, "/cancel"); got.Plain != i18n.T("ru", "notice.unchanged", id) {
		t.Errorf("/cancel of a version answered %q", got.Plain)
	}
	if n, _ := h.store.Notice(context.Background(), id); n.State != subscriptions.NoticeDraft {
		t.Errorf("after /cancel of a version the notice is %s, want a draft", n.State)
	}
	before = len(h.tg.Messages(chat.ID))
	h.pressFor(admin, control.MessageID, fmt.Sprintf("ntc:ver:%d:en", id))
	h.next(admin, before)
	// Meanwhile the notice is cancelled (another admin's press, a stale button): the version is refused plainly.
	h.press(chat, admin, control.MessageID, fmt.Sprintf("ntc:cancel:%d", id))
	if got := h.say(admin, "Draft in English"); got.Plain != i18n.T("ru", "notice.answer.cancelled") {
		t.Errorf("a version of a cancelled notice answered %q", got.Plain)
	}
	if n, _ := h.store.Notice(context.Background(), id); len(n.Versions) != 1 || n.State != subscriptions.NoticeCancelled {
		t.Errorf("notice = %+v, want cancelled with its one version", n)
	}
	if m := h.tg.Messages(1); len(m) != 0 {
		t.Errorf("chat 1 got %d messages", len(m))
	}
}

// paceOnly is an outbox that answers only its pace.
type paceOnly struct {
	outboxWatch
	pace float64
}

func (p paceOnly) Pace() float64 { return p.pace }

// Before a notice has a pace of its own, the time left is counted at the
// configured rate, in which each item of an album counts.
func TestTimeLeftCountsAnAlbumsItems(t *testing.T) {
	now := time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)
	b := &notices{base: &base{now: func() time.Time { return now }}, engine: paceOnly{pace: 30}}
	p := subscriptions.NoticeProgress{Pending: 900}
	for _, tt := range []struct {
		ids  []int
		want time.Duration
	}{{[]int{7}, 30 * time.Second}, {[]int{7, 8, 9}, 90 * time.Second}} {
		n := subscriptions.Notice{StartedAt: now, Versions: []subscriptions.NoticeVersion{{MessageIDs: tt.ids}}}
		if got := b.timeLeft(n, p); got != tt.want {
			t.Errorf("time left for 900 chats, %d messages each, at 30/s = %v, want %v", len(tt.ids), got, tt.want)
		}
	}
	// A /post has no versions: one message a chat.
	if got := b.timeLeft(subscriptions.Notice{StartedAt: now}, p); got != 30*time.Second {
		t.Errorf("time left of a post = %v, want 30s", got)
	}
}
