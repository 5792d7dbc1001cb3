package store

import (
	"context"
	"sync"
	"testing"

	"github.com/osipovichi/newsbot/subscriptions"
)

// seedChats creates subscribed private chats with the given languages.
func seedChats(t *testing.T, s *Store, langs map[int64]string) {
	t.Helper()
	ctx := context.Background()
	for id, lang := range langs {
		if _, err := s.TouchChat(ctx, subscriptions.ChatInfo{ID: id, Type: subscriptions.ChatPrivate, Language: lang}, t0); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetSubscribed(ctx, id, true, t0); err != nil {
			t.Fatal(err)
		}
	}
}

func TestNoticeConfirmedOnceByConcurrentAdmins(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	langs := map[int64]string{}
	for id := int64(1); id <= 60; id++ {
		langs[id] = []string{subscriptions.LangRU, subscriptions.LangBE, subscriptions.LangEN, ""}[id%4]
	}
	seedChats(t, s, langs)
	n, err := s.CreateNotice(ctx, 9001, 9001, 42, t0)
	if err != nil {
		t.Fatal(err)
	}
	if n.State != subscriptions.NoticeDraft || n.Audience.Kind != subscriptions.AudienceAll {
		t.Fatalf("new notice = %+v, want a draft to all", n)
	}
	be := subscriptions.Audience{Kind: subscriptions.AudienceLanguage, Value: subscriptions.LangBE}
	if ok, err := s.SetNoticeAudience(ctx, n.ID, be); err != nil || !ok {
		t.Fatalf("SetNoticeAudience = %t, %v; want true", ok, err)
	}
	// Chats without a language read the default one: with default be they are in.
	want, err := s.CountAudience(ctx, be, subscriptions.LangBE)
	if err != nil || want != 30 {
		t.Fatalf("CountAudience(be, default be) = %d, %v; want 30", want, err)
	}
	if got, _ := s.CountAudience(ctx, be, subscriptions.LangRU); got != 15 {
		t.Fatalf("CountAudience(be, default ru) = %d, want 15", got)
	}

	var wg sync.WaitGroup
	var mu sync.Mutex
	starts, total := 0, 0
	for admin := int64(0); admin < 8; admin++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			started, recipients, err := s.ConfirmNotice(ctx, n.ID, 9001+admin, subscriptions.LangBE, 9001, 77, t0)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if started {
				starts++
				total += recipients
			}
		}()
	}
	wg.Wait()
	if starts != 1 || total != want {
		t.Fatalf("confirmations that started = %d with %d recipients; want 1 with %d", starts, total, want)
	}
	counts, _ := s.DeliveryCounts(ctx)
	if counts[subscriptions.DeliveryPending] != want {
		t.Fatalf("pending deliveries = %d, want %d", counts[subscriptions.DeliveryPending], want)
	}
	due, err := s.DueDeliveries(ctx, t0, 1)
	if err != nil || len(due) != 1 || due[0].Kind != subscriptions.KindNotice || due[0].Priority != subscriptions.NoticePriority {
		t.Fatalf("first due = %+v, %v; want a notice with priority %d", due, err, subscriptions.NoticePriority)
	}
	n, _ = s.Notice(ctx, n.ID)
	if n.State != subscriptions.NoticeSending || n.Recipients != want || n.ProgressChatID != 9001 || n.ProgressMessageID != 77 {
		t.Fatalf("confirmed notice = %+v", n)
	}
	if ok, _ := s.SetNoticeAudience(ctx, n.ID, subscriptions.Audience{Kind: subscriptions.AudienceAll}); ok {
		t.Fatalf("the audience of a notice being sent changed")
	}
	if ok, _ := s.CancelNotice(ctx, n.ID, 9001, t0); ok {
		t.Fatalf("a notice being sent was cancelled")
	}
	log, err := s.AuditLog(ctx, 10)
	if err != nil || len(log) != 2 || log[0].Action != subscriptions.AuditNoticeSent || log[1].Action != subscriptions.AuditNoticeCreated {
		t.Fatalf("audit = %+v, %v; want sent then created", log, err)
	}
}

func TestNoticeStopAndFinish(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	seedChats(t, s, map[int64]string{1: subscriptions.LangRU, 2: subscriptions.LangRU, 3: subscriptions.LangRU, 4: subscriptions.LangRU, 5: subscriptions.LangRU})
	n, _ := s.CreateNotice(ctx, 9001, 9001, 42, t0)
	if _, _, err := s.ConfirmNotice(ctx, n.ID, 9001, subscriptions.LangRU, 9001, 77, t0); err != nil {
		t.Fatal(err)
	}
	due, _ := s.DueDeliveries(ctx, t0, 10)
	byChat := map[int64]int64{}
	for _, d := range due {
		byChat[d.ChatID] = d.ID
	}
	// Chat 1 got it, chat 2 blocked the bot, chat 3 failed; 4 and 5 wait.
	if err := s.RecordOutcomes(ctx, []subscriptions.Outcome{
		{ID: byChat[1], State: subscriptions.DeliverySent, MessageID: 5, CountAttempt: true},
		{ID: byChat[3], State: subscriptions.DeliveryFailed, Error: "Bad Request: message to copy not found", CountAttempt: true},
	}, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.SetChatStatus(ctx, 2, subscriptions.StatusBlocked, "Forbidden: bot was blocked by the user", t0); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.FinishNotice(ctx, n.ID, t0); ok {
		t.Fatalf("a notice with pending deliveries finished")
	}
	ok, skipped, err := s.StopNotice(ctx, n.ID, 9002, t0)
	if err != nil || !ok || len(skipped) != 2 {
		t.Fatalf("StopNotice = %t, %v, %v; want true with 2 skipped", ok, skipped, err)
	}
	if ok, _, _ := s.StopNotice(ctx, n.ID, 9002, t0); ok {
		t.Fatalf("a notice stopped twice")
	}
	// Chat 4's copy was in flight when Stop was pressed: it went out, and that is what is recorded.
	if err := s.RecordOutcomes(ctx, []subscriptions.Outcome{{ID: byChat[4], State: subscriptions.DeliverySent, MessageID: 9, CountAttempt: true}}, t0); err != nil {
		t.Fatal(err)
	}
	p, err := s.NoticeProgress(ctx, n.ID)
	want := subscriptions.NoticeProgress{Sent: 2, Blocked: 1, Failed: 1, Stopped: 1}
	if err != nil || p != want {
		t.Fatalf("progress = %+v, %v; want %+v", p, err, want)
	}
	if ok, _ := s.FinishNotice(ctx, n.ID, t0); ok {
		t.Fatalf("a stopped notice finished as done")
	}
	todo, _ := s.NoticesToReport(ctx)
	if len(todo) != 1 || todo[0].State != subscriptions.NoticeStopped || todo[0].StoppedBy != 9002 {
		t.Fatalf("to report = %+v, want the stopped notice", todo)
	}
	if err := s.SetNoticeReported(ctx, n.ID, t0); err != nil {
		t.Fatal(err)
	}
	if todo, _ := s.NoticesToReport(ctx); len(todo) != 0 {
		t.Fatalf("to report after the report = %+v, want none", todo)
	}

	// A second notice runs to the end.
	n2, _ := s.CreateNotice(ctx, 9001, 9001, 43, t0)
	_, recipients, _ := s.ConfirmNotice(ctx, n2.ID, 9001, subscriptions.LangRU, 9001, 78, t0)
	if recipients != 4 {
		t.Fatalf("recipients = %d, want 4 (chat 2 blocked the bot)", recipients)
	}
	due, _ = s.DueDeliveries(ctx, t0, 10)
	var outs []subscriptions.Outcome
	for _, d := range due {
		outs = append(outs, subscriptions.Outcome{ID: d.ID, State: subscriptions.DeliverySent, CountAttempt: true})
	}
	if err := s.RecordOutcomes(ctx, outs, t0); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.FinishNotice(ctx, n2.ID, t0); err != nil || !ok {
		t.Fatalf("FinishNotice = %t, %v; want true", ok, err)
	}
	if ok, _ := s.FinishNotice(ctx, n2.ID, t0); ok {
		t.Fatalf("a notice finished twice")
	}
	log, _ := s.AuditLog(ctx, 1)
	if len(log) != 1 || log[0].Action != subscriptions.AuditNoticeFinished || log[0].Ref != n2.ID || log[0].Details != "delivered=4 blocked=0 failed=0" {
		t.Fatalf("last audit entry = %+v", log)
	}
}

func TestNoticeSectionAudienceAndCancel(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	seedChats(t, s, map[int64]string{1: subscriptions.LangRU, 2: subscriptions.LangRU, 3: subscriptions.LangRU})
	if _, err := s.db.ExecContext(ctx, `INSERT INTO chat_sections (chat_id, section) VALUES (1, 'news'), (2, 'economy')`); err != nil {
		t.Fatal(err)
	}
	// Chat 3 never chose: it receives every section.
	if got, err := s.CountAudience(ctx, subscriptions.Audience{Kind: subscriptions.AudienceSection, Value: "news"}, subscriptions.LangRU); err != nil || got != 2 {
		t.Fatalf("CountAudience(section news) = %d, %v; want 2", got, err)
	}
	if _, err := s.CountAudience(ctx, subscriptions.Audience{Kind: subscriptions.AudienceLanguage, Value: "de"}, subscriptions.LangRU); err == nil {
		t.Fatalf("an unknown language was accepted")
	}
	n, _ := s.CreateNotice(ctx, 9001, 9001, 42, t0)
	if ok, err := s.CancelNotice(ctx, n.ID, 9001, t0); err != nil || !ok {
		t.Fatalf("CancelNotice = %t, %v", ok, err)
	}
	if started, _, err := s.ConfirmNotice(ctx, n.ID, 9001, subscriptions.LangRU, 9001, 1, t0); err != nil || started {
		t.Fatalf("ConfirmNotice of a cancelled notice = %t, %v; want false", started, err)
	}
	if c, _ := s.DeliveryCounts(ctx); len(c) != 0 {
		t.Fatalf("deliveries after a cancelled notice = %v, want none", c)
	}
}
