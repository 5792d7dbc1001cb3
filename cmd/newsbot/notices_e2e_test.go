package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/internal/faketelegram"
)

// TestScheduledNoticeAcrossARestart runs the program through run: an admin
// prepares a notice in Russian and Belarusian and schedules it a few
// seconds ahead; the program stops before that moment and starts again
// after it. The notice goes out at the start, once to each subscriber, in
// their language, and the admin is told it is late.
func TestScheduledNoticeAcrossARestart(t *testing.T) {
	t.Parallel()
	w := newWorld(t, faketelegram.Options{})
	staff := faketelegram.User{ID: 1900, FirstName: "Staff", LanguageCode: "ru"}
	w.env["NEWSBOT_ADMINS"] = fmt.Sprint(staff.ID)
	w.env["NEWSBOT_TIMEZONE"] = "Europe/Minsk"
	r := w.start()
	subscribers := []faketelegram.User{ruUser, beUser, enUser}
	for _, u := range subscribers {
		w.say(u, "/subscribe")
	}
	chat := privateChat(staff)
	press := func(msgID int, prefix, suffix string) string {
		t.Helper()
		var data string
		if kb := w.tg.MessageMarkup(chat.ID, msgID); kb != nil {
			for _, row := range kb.Rows {
				for _, b := range row {
					if strings.HasPrefix(b.CallbackData, prefix) && strings.HasSuffix(b.CallbackData, suffix) {
						data = b.CallbackData
					}
				}
			}
		}
		if data == "" {
			t.Fatalf("message %d has no button %s…", msgID, prefix)
		}
		_, id := w.tg.PressButton(chat, staff, msgID, data)
		var answer string
		w.tg.WaitFor(t, 10*time.Second, func() bool {
			for _, a := range w.tg.CallbackAnswers() {
				if a.CallbackQueryID == id {
					answer = a.Text
					return true
				}
			}
			return false
		}, "the answer to "+data)
		return answer
	}
	// next sends text and returns the bot's next message to the admin.
	next := func(text string) faketelegram.Sent {
		t.Helper()
		before := len(w.tg.Messages(chat.ID))
		w.tg.SendMessage(chat, staff, text)
		return w.tg.WaitMessages(t, chat.ID, before+1, 10*time.Second)[before]
	}

	next("/broadcast")
	before := len(w.tg.Messages(chat.ID))
	w.tg.SendMessage(chat, staff, "Отключение воды 3 марта с 9:00 до 15:00")
	control := w.tg.WaitMessages(t, chat.ID, before+2, 10*time.Second)[before+1]
	before = len(w.tg.Messages(chat.ID))
	press(control.MessageID, "ntc:ver:", ":be")
	w.tg.WaitMessages(t, chat.ID, before+1, 10*time.Second) // the bot asks for the Belarusian version
	before = len(w.tg.Messages(chat.ID))
	w.tg.SendMessage(chat, staff, "Адключэнне вады 3 сакавіка з 9:00 да 15:00")
	control = w.tg.WaitMessages(t, chat.ID, before+2, 10*time.Second)[before+1]
	if !strings.Contains(control.Plain, "Версии: Русский (основная) · Беларуская") || !strings.Contains(control.Plain, "Получателей: 3") {
		t.Fatalf("controls = %q", control.Plain)
	}
	before = len(w.tg.Messages(chat.ID))
	press(control.MessageID, "ntc:when:", "")
	w.tg.WaitMessages(t, chat.ID, before+1, 10*time.Second) // the bot asks for the time
	minsk, err := time.LoadLocation("Europe/Minsk")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now().In(minsk).Add(5 * time.Second).Truncate(time.Second)
	control = next(at.Format("2006-01-02 15:04:05"))
	if !strings.Contains(control.Plain, "Когда: ") {
		t.Fatalf("controls after the time = %q", control.Plain)
	}
	if answer := press(control.MessageID, "ntc:sch:", ""); !strings.HasPrefix(answer, "Запланировано на ") {
		t.Fatalf("Schedule answered %q", answer)
	}
	r.stop(t)
	for _, u := range subscribers {
		if n := len(w.tg.Messages(u.ID)); n != 1 {
			t.Fatalf("chat %d got %d messages before the time, want only the reply to /subscribe", u.ID, n)
		}
	}

	// Down at that moment; started again after it.
	w.tg.WaitFor(t, 15*time.Second, func() bool { return time.Now().After(at.Add(time.Second)) }, "the scheduled time to pass")
	before = len(w.tg.Messages(chat.ID))
	w.start()
	late := w.tg.WaitMessages(t, chat.ID, before+1, 15*time.Second)[before]
	if !strings.Contains(late.Plain, "но бот в это время не работал") || !strings.Contains(late.Plain, "с опозданием на") {
		t.Errorf("the admin was told %q, want the delay", late.Plain)
	}
	want := map[int64]string{ruUser.ID: "Отключение воды", beUser.ID: "Адключэнне вады", enUser.ID: "Отключение воды"}
	for _, u := range subscribers {
		msgs := w.tg.WaitMessages(t, u.ID, 2, 15*time.Second)
		if got := msgs[1]; got.Method != "copyMessage" || !strings.HasPrefix(got.Text, want[u.ID]) {
			t.Errorf("chat %d got %s %q, want the version starting %q", u.ID, got.Method, got.Text, want[u.ID])
		}
	}
	progress := w.tg.WaitMessages(t, chat.ID, before+2, 15*time.Second)[before+1]
	w.tg.WaitFor(t, 30*time.Second, func() bool {
		return strings.Contains(w.tg.MessageText(chat.ID, progress.MessageID), "Доставлено: 3")
	},
		"the report")
	if got := next("/scheduled"); !strings.HasPrefix(got.Plain, "Запланированных объявлений нет") {
		t.Errorf("/scheduled after the send = %q", got.Plain)
	}
	for _, u := range subscribers {
		if n := len(w.tg.Messages(u.ID)); n != 2 {
			t.Errorf("chat %d got %d messages, want the notice once", u.ID, n-1)
		}
	}
}
