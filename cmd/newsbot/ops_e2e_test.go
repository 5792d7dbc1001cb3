package main

import (
	"bytes"
	"context"
	"image/png"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/bot/chart"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/subscriptions/store"
)

// TestStaffToolsThroughRun runs the whole program as the committee's staff
// use it: /stats in plain words with the chart, /contacts from
// NEWSBOT_CONTACTS, /audit.
func TestStaffToolsThroughRun(t *testing.T) {
	w := newWorld(t, faketelegram.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String() + "/ru/rss-ru/" // nothing listens there: connection refused
	ln.Close()
	staff := faketelegram.User{ID: 777, FirstName: "Staff", LanguageCode: "ru"}
	w.env["NEWSBOT_FEEDS"] += ",news/ru=" + down
	w.env["NEWSBOT_ADMINS"] = "777"
	w.env["NEWSBOT_CONTACTS"] = `Горячая линия: +375 2235 5-55-55\nОбращения: [portal.gov.by](https://portal.gov.by/)`
	w.start()
	w.say(staff, "/help")
	w.waitIngested(3)
	w.tg.WaitFor(t, 15*time.Second, func() bool {
		s, err := store.Open(context.Background(), w.db)
		if err != nil {
			return false
		}
		defer s.Close()
		feeds, err := s.Feeds(context.Background())
		return err == nil && len(feeds) == 2 && feeds[1].LastError != ""
	}, "the failing feed recorded")

	before := len(w.tg.Messages(staff.ID))
	w.tg.SendMessage(privateChat(staff), staff, "/stats")
	got := w.tg.WaitMessages(t, staff.ID, before+2, 20*time.Second)[before:]
	for _, want := range []string{
		"👥 Подписчики", "📡 Ленты",
		"✅ «Новости» (English) работает",
		"⚠️ «Новости» (Русский) не работает уже 1 мин: портал не отвечает — соединение отклонено.",
		"Техническая причина: dial tcp " + strings.TrimPrefix(strings.TrimSuffix(down, "/ru/rss-ru/"), "http://") + ": connect: connection refused",
	} {
		if !strings.Contains(got[0].Plain, want) {
			t.Errorf("/stats lacks %q:\n%s", want, got[0].Plain)
		}
	}
	if cfg, err := png.DecodeConfig(bytes.NewReader(got[1].Upload)); err != nil || got[1].Method != "sendPhoto" || cfg.Width != chart.Width {
		t.Errorf("/stats chart: %s, %v, %+v; want a PNG photo %d wide", got[1].Method, err, cfg, chart.Width)
	}

	if got := w.say(ruUser, "/contacts"); !strings.Contains(got.Plain, "Горячая линия: +375 2235 5-55-55\nОбращения: portal.gov.by") ||
		!strings.Contains(got.Text, `<a href="https://portal.gov.by/">`) {
		t.Errorf("/contacts: %q", got.Text)
	}
	if got := w.say(staff, "/audit").Plain; got != "Журнал действий пуст." {
		t.Errorf("/audit: %q", got)
	}
}
