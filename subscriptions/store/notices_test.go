package store

import (
	"context"
	"database/sql"
	"maps"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

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

// fanOut is the fan-out of the tests: Russian for chats without a language, Minsk's digest hours.
func fanOut(t *testing.T, lang string) subscriptions.FanOut {
	t.Helper()
	minsk, err := time.LoadLocation("Europe/Minsk")
	if err != nil {
		t.Fatal(err)
	}
	return subscriptions.FanOut{DefaultLang: lang, Location: minsk}
}

// draftNotice creates a draft whose first version is message msgID of the admin's chat, in Russian.
func draftNotice(t *testing.T, s *Store, msgID int) subscriptions.Notice {
	t.Helper()
	n, err := s.CreateNotice(context.Background(), 9001,
		subscriptions.NoticeVersion{Language: subscriptions.LangRU, ChatID: 9001, MessageIDs: []int{msgID}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNoticeConfirmedOnceByConcurrentAdmins(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	langs := map[int64]string{}
	for id := int64(1); id <= 60; id++ {
		langs[id] = []string{subscriptions.LangRU, subscriptions.LangBE, subscriptions.LangEN, ""}[id%4]
	}
	seedChats(t, s, langs)
	n := draftNotice(t, s, 42)
	if n.State != subscriptions.NoticeDraft || n.Audience != (subscriptions.Audience{}) || n.Language != subscriptions.LangRU {
		t.Fatalf("new notice = %+v, want a Russian draft to all", n)
	}
	be := subscriptions.Audience{Language: subscriptions.LangBE}
	if ok, err := s.SetNoticeAudience(ctx, n.ID, be); err != nil || !ok {
		t.Fatalf("SetNoticeAudience = %t, %v; want true", ok, err)
	}
	// Chats without a language read the default one: with default be they are in.
	want, err := s.CountAudience(ctx, be, subscriptions.LangBE)
	if err != nil || want.Total != 30 || want.Digest != 0 {
		t.Fatalf("CountAudience(be, default be) = %+v, %v; want 30", want, err)
	}
	if got, _ := s.CountAudience(ctx, be, subscriptions.LangRU); got.Total != 15 {
		t.Fatalf("CountAudience(be, default ru) = %+v, want 15", got)
	}

	var wg sync.WaitGroup
	var mu sync.Mutex
	starts, total := 0, 0
	for admin := int64(0); admin < 8; admin++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			started, got, err := s.ConfirmNotice(ctx, n.ID, 9001+admin, fanOut(t, subscriptions.LangBE), t0)
			if err != nil {
				t.Error(err)
				return
			}
			if got.State != subscriptions.NoticeSending {
				t.Errorf("notice after a confirmation = %+v, want sending", got)
			}
			mu.Lock()
			defer mu.Unlock()
			if started {
				starts++
				total += got.Recipients
			}
		}()
	}
	wg.Wait()
	if starts != 1 || total != want.Total {
		t.Fatalf("confirmations that started = %d with %d recipients; want 1 with %d", starts, total, want.Total)
	}
	counts, _ := s.DeliveryCounts(ctx)
	if counts[subscriptions.DeliveryPending] != want.Total {
		t.Fatalf("pending deliveries = %d, want %d", counts[subscriptions.DeliveryPending], want.Total)
	}
	due, err := s.DueDeliveries(ctx, t0, 1)
	if err != nil || len(due) != 1 || due[0].Kind != subscriptions.KindNotice || due[0].Priority != subscriptions.NoticePriority {
		t.Fatalf("first due = %+v, %v; want a notice with priority %d", due, err, subscriptions.NoticePriority)
	}
	n, _ = s.Notice(ctx, n.ID)
	if n.State != subscriptions.NoticeSending || n.Recipients != want.Total || !n.StartedAt.Equal(t0) {
		t.Fatalf("confirmed notice = %+v", n)
	}
	if ok, _ := s.SetNoticeAudience(ctx, n.ID, subscriptions.Audience{}); ok {
		t.Fatalf("the audience of a notice being sent changed")
	}
	if ok, _ := s.SetNoticeVersion(ctx, n.ID, subscriptions.NoticeVersion{Language: subscriptions.LangEN, ChatID: 9001, MessageIDs: []int{50}}, t0); ok {
		t.Fatalf("a version was added to a notice being sent")
	}
	if ok, _ := s.SetNoticeUrgent(ctx, n.ID, true); ok {
		t.Fatalf("a notice being sent became urgent")
	}
	if ok, _ := s.CancelNotice(ctx, n.ID, 9001, t0); ok {
		t.Fatalf("a notice being sent was cancelled")
	}
	log, err := s.AuditLog(ctx, 10)
	if err != nil || len(log) != 2 || log[0].Action != subscriptions.AuditNoticeSent || log[1].Action != subscriptions.AuditNoticeCreated ||
		log[0].Details != "audience=language:be recipients=30 digest=0 versions=ru" {
		t.Fatalf("audit = %+v, %v; want sent then created", log, err)
	}
}

func TestNoticeStopAndFinish(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	seedChats(t, s, map[int64]string{1: subscriptions.LangRU, 2: subscriptions.LangRU, 3: subscriptions.LangRU, 4: subscriptions.LangRU, 5: subscriptions.LangRU})
	n := draftNotice(t, s, 42)
	if err := s.SetNoticeControl(ctx, n.ID, 9001, 77); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.ConfirmNotice(ctx, n.ID, 9001, fanOut(t, subscriptions.LangRU), t0); err != nil {
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
	p, err := s.NoticeProgress(ctx, n.ID, t0)
	want := subscriptions.NoticeProgress{Sent: 2, Blocked: 1, Failed: 1, Stopped: 1}
	if err != nil || p != want {
		t.Fatalf("progress = %+v, %v; want %+v", p, err, want)
	}
	if ok, _ := s.FinishNotice(ctx, n.ID, t0); ok {
		t.Fatalf("a stopped notice finished as done")
	}
	todo, _ := s.NoticesToReport(ctx)
	if len(todo) != 1 || todo[0].State != subscriptions.NoticeStopped || todo[0].StoppedBy != 9002 ||
		todo[0].ProgressChatID != 9001 || todo[0].ProgressMessageID != 77 {
		t.Fatalf("to report = %+v, want the stopped notice", todo)
	}
	if err := s.SetNoticeReported(ctx, n.ID, t0); err != nil {
		t.Fatal(err)
	}
	if todo, _ := s.NoticesToReport(ctx); len(todo) != 0 {
		t.Fatalf("to report after the report = %+v, want none", todo)
	}

	// A second notice runs to the end; the deliveries of the first are not its own.
	n2 := draftNotice(t, s, 43)
	_, n2, _ = s.ConfirmNotice(ctx, n2.ID, 9001, fanOut(t, subscriptions.LangRU), t0)
	if n2.Recipients != 4 {
		t.Fatalf("recipients = %d, want 4 (chat 2 blocked the bot)", n2.Recipients)
	}
	due, _ = s.DueDeliveries(ctx, t0, 10)
	var outs []subscriptions.Outcome
	for _, d := range due {
		outs = append(outs, subscriptions.Outcome{ID: d.ID, State: subscriptions.DeliverySent, CountAttempt: true})
	}
	if err := s.RecordOutcomes(ctx, outs, t0); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.NoticeProgress(ctx, n2.ID, t0); p != (subscriptions.NoticeProgress{Sent: 4}) {
		t.Fatalf("progress of the second notice = %+v, want 4 sent", p)
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

func TestNoticeAudienceOfSectionAndLanguage(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	seedChats(t, s, map[int64]string{1: subscriptions.LangRU, 2: subscriptions.LangRU, 3: subscriptions.LangRU,
		4: subscriptions.LangBE, 5: subscriptions.LangBE, 6: ""})
	if _, err := s.db.ExecContext(ctx, `INSERT INTO chat_sections (chat_id, section) VALUES (1, 'news'), (2, 'economy'), (4, 'news'), (5, 'economy')`); err != nil {
		t.Fatal(err)
	}
	// Chats 3 and 6 never chose sections: they receive every section. Chat 6 reads the default language.
	for _, c := range []struct {
		a           subscriptions.Audience
		defaultLang string
		want        int
	}{
		{subscriptions.Audience{}, "ru", 6},
		{subscriptions.Audience{Section: "news"}, "ru", 4},
		{subscriptions.Audience{Language: "be"}, "ru", 2},
		{subscriptions.Audience{Language: "be"}, "be", 3},
		{subscriptions.Audience{Section: "news", Language: "be"}, "ru", 1},
		{subscriptions.Audience{Section: "news", Language: "be"}, "be", 2},
		{subscriptions.Audience{Section: "economy", Language: "ru"}, "ru", 3},
		{subscriptions.Audience{Section: "culture", Language: "en"}, "ru", 0},
	} {
		got, err := s.CountAudience(ctx, c.a, c.defaultLang)
		if err != nil || got.Total != c.want {
			t.Errorf("CountAudience(%s, default %s) = %+v, %v; want %d", c.a, c.defaultLang, got, err, c.want)
		}
		// The fan-out reaches exactly the chats counted.
		n := draftNotice(t, s, 42)
		s.SetNoticeAudience(ctx, n.ID, c.a)
		_, n, err = s.ConfirmNotice(ctx, n.ID, 9001, fanOut(t, c.defaultLang), t0)
		if err != nil || n.Recipients != c.want {
			t.Errorf("fan-out to %s (default %s) = %d, %v; want %d", c.a, c.defaultLang, n.Recipients, err, c.want)
		}
	}
	if _, err := s.CountAudience(ctx, subscriptions.Audience{Language: "de"}, "ru"); err == nil {
		t.Fatalf("an unknown language was accepted")
	}
	n := draftNotice(t, s, 42)
	if ok, err := s.CancelNotice(ctx, n.ID, 9001, t0); err != nil || !ok {
		t.Fatalf("CancelNotice = %t, %v", ok, err)
	}
	before, _ := s.DeliveryCounts(ctx)
	if started, _, err := s.ConfirmNotice(ctx, n.ID, 9001, fanOut(t, "ru"), t0); err != nil || started {
		t.Fatalf("ConfirmNotice of a cancelled notice = %t, %v; want false", started, err)
	}
	if after, _ := s.DeliveryCounts(ctx); !maps.Equal(before, after) {
		t.Fatalf("deliveries after a cancelled notice = %v, want %v", after, before)
	}
}

func TestNoticeVersions(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	n := draftNotice(t, s, 10)
	be := subscriptions.NoticeVersion{Language: subscriptions.LangBE, ChatID: 9001, MessageIDs: []int{12, 13, 14}}
	if ok, err := s.SetNoticeVersion(ctx, n.ID, be, t0.Add(time.Second)); err != nil || !ok {
		t.Fatalf("SetNoticeVersion(be) = %t, %v", ok, err)
	}
	en := subscriptions.NoticeVersion{Language: subscriptions.LangEN, ChatID: 9001, MessageIDs: []int{20}}
	s.SetNoticeVersion(ctx, n.ID, en, t0.Add(2*time.Second))
	// Sending it again replaces the English version.
	en.MessageIDs = []int{21}
	s.SetNoticeVersion(ctx, n.ID, en, t0.Add(3*time.Second))
	n, _ = s.Notice(ctx, n.ID)
	want := []subscriptions.NoticeVersion{{Language: "ru", ChatID: 9001, MessageIDs: []int{10}}, be, en}
	if !reflect.DeepEqual(n.Versions, want) {
		t.Fatalf("versions = %+v, want %+v", n.Versions, want)
	}
	for lang, msg := range map[string]int{"ru": 10, "be": 12, "en": 21} {
		if v, ok := n.Version(lang); !ok || v.MessageIDs[0] != msg {
			t.Errorf("Version(%s) = %+v, want message %d", lang, v, msg)
		}
	}
	// The first version cannot take the language of another one; it can take a free one.
	if ok, _ := s.SetNoticeLanguage(ctx, n.ID, subscriptions.LangBE); ok {
		t.Fatalf("the first version took the language of the Belarusian one")
	}
	n2 := draftNotice(t, s, 30)
	if ok, err := s.SetNoticeLanguage(ctx, n2.ID, subscriptions.LangBE); err != nil || !ok {
		t.Fatalf("SetNoticeLanguage = %t, %v", ok, err)
	}
	if n2, _ = s.Notice(ctx, n2.ID); n2.Language != "be" || len(n2.Versions) != 1 || n2.Versions[0].Language != "be" {
		t.Fatalf("notice after a change of language = %+v", n2)
	}
	if v, _ := n2.Version(subscriptions.LangEN); v.MessageIDs[0] != 30 {
		t.Fatalf("English readers get %+v, want the first version", v)
	}
	// Bad versions are refused; a post takes none.
	if _, err := s.SetNoticeVersion(ctx, n.ID, subscriptions.NoticeVersion{Language: "de", ChatID: 1, MessageIDs: []int{1}}, t0); err == nil {
		t.Errorf("a version in German was accepted")
	}
	if _, err := s.SetNoticeVersion(ctx, n.ID, subscriptions.NoticeVersion{Language: "en", ChatID: 1}, t0); err == nil {
		t.Errorf("a version without a message was accepted")
	}
	p, err := s.CreatePost(ctx, 9001, subscriptions.Article{Title: "T", Link: "https://osipovichi.gov.by/1", Section: "news"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.SetNoticeVersion(ctx, p.ID, en, t0); ok {
		t.Errorf("a post took a version")
	}
	if ok, _ := s.SetNoticeUrgent(ctx, p.ID, true); ok {
		t.Errorf("a post became urgent")
	}
}

func TestNoticeDigestModeAndUrgent(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	seedChats(t, s, map[int64]string{1: "ru", 2: "ru", 3: "ru"})
	// t0 is 12:00 in Minsk: chat 2 reads its digest at 19:00, chat 3 at 8:00 (tomorrow's).
	s.SetDigestHour(ctx, 2, 19, t0)
	s.SetDigestHour(ctx, 3, 8, t0)
	f := fanOut(t, "ru")
	if c, _ := s.CountAudience(ctx, subscriptions.Audience{}, "ru"); c != (subscriptions.AudienceCount{Total: 3, Digest: 2}) {
		t.Fatalf("CountAudience = %+v, want 3 of which 2 in digest mode", c)
	}
	n := draftNotice(t, s, 1)
	_, n, _ = s.ConfirmNotice(ctx, n.ID, 9001, f, t0)
	if n.Recipients != 3 || n.Digest != 2 {
		t.Fatalf("notice = %d recipients, %d in digest; want 3, 2", n.Recipients, n.Digest)
	}
	at := map[int64]time.Time{}
	for id := int64(1); id <= 3; id++ {
		d, err := s.Delivery(ctx, id, subscriptions.KindNotice, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		at[id] = d.NextAttemptAt.In(f.Location)
	}
	want := map[int64]string{1: "2023-03-02 12:00", 2: "2023-03-02 19:00", 3: "2023-03-03 08:00"}
	for id, w := range want {
		if got := at[id].Format("2006-01-02 15:04"); got != w {
			t.Errorf("chat %d gets the notice at %s, want %s", id, got, w)
		}
	}
	if p, _ := s.NoticeProgress(ctx, n.ID, t0); p.Pending != 3 || p.Waiting != 2 {
		t.Fatalf("progress = %+v, want 3 pending of which 2 waiting for their digest", p)
	}

	// An urgent notice goes to everyone at once, ahead of everything.
	u := draftNotice(t, s, 2)
	if ok, err := s.SetNoticeUrgent(ctx, u.ID, true); err != nil || !ok {
		t.Fatalf("SetNoticeUrgent = %t, %v", ok, err)
	}
	_, u, _ = s.ConfirmNotice(ctx, u.ID, 9001, f, t0)
	if u.Recipients != 3 || u.Digest != 0 || !u.Urgent {
		t.Fatalf("urgent notice = %+v, want 3 recipients, none waiting", u)
	}
	due, _ := s.DueDeliveries(ctx, t0, 10)
	if len(due) != 4 {
		t.Fatalf("due = %d, want 4 (3 urgent, 1 ordinary)", len(due))
	}
	for i, d := range due[:3] {
		if d.Ref != u.ID || d.Priority != subscriptions.UrgentPriority {
			t.Errorf("due[%d] = notice %d priority %d, want the urgent notice first", i, d.Ref, d.Priority)
		}
	}
	log, _ := s.AuditLog(ctx, 1)
	if log[0].Action != subscriptions.AuditNoticeUrgent || log[0].Ref != u.ID {
		t.Errorf("audit = %+v, want the urgent notice recorded as urgent", log[0])
	}
}

func TestScheduledNotices(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	seedChats(t, s, map[int64]string{1: "ru", 2: "be"})
	f := fanOut(t, "ru")
	n := draftNotice(t, s, 1)
	// Without a time, or with one in the past, nothing is scheduled.
	if ok, _ := s.ScheduleNotice(ctx, n.ID, 9001, t0); ok {
		t.Fatalf("a notice without a time was scheduled")
	}
	s.SetNoticeSendAt(ctx, n.ID, t0.Add(-time.Minute))
	if ok, _ := s.ScheduleNotice(ctx, n.ID, 9001, t0); ok {
		t.Fatalf("a notice was scheduled in the past")
	}
	at := t0.Add(6 * time.Hour)
	s.SetNoticeSendAt(ctx, n.ID, at)
	if ok, err := s.ScheduleNotice(ctx, n.ID, 9002, t0); err != nil || !ok {
		t.Fatalf("ScheduleNotice = %t, %v", ok, err)
	}
	if ok, _ := s.SetNoticeAudience(ctx, n.ID, subscriptions.Audience{Language: "be"}); ok {
		t.Fatalf("a scheduled notice changed")
	}
	list, _ := s.ScheduledNotices(ctx)
	if len(list) != 1 || list[0].ID != n.ID || !list[0].SendAt.Equal(at) || list[0].ConfirmedBy != 9002 {
		t.Fatalf("scheduled = %+v", list)
	}
	if started, _ := s.StartDueNotices(ctx, f, at.Add(-time.Second)); len(started) != 0 {
		t.Fatalf("a notice started before its time: %+v", started)
	}
	// Back to a draft and scheduled again keeps the time.
	if ok, _ := s.UnscheduleNotice(ctx, n.ID, 9001, t0); !ok {
		t.Fatalf("UnscheduleNotice refused")
	}
	if ok, _ := s.ScheduleNotice(ctx, n.ID, 9001, t0); !ok {
		t.Fatalf("ScheduleNotice refused a second time")
	}

	// The bot was down at its time: several starts at once (a restart racing a tick) start it once.
	var wg sync.WaitGroup
	var mu sync.Mutex
	var all []subscriptions.Notice
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			started, err := s.StartDueNotices(ctx, f, at.Add(2*time.Hour))
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			all = append(all, started...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(all) != 1 || all[0].ID != n.ID || all[0].Recipients != 2 || all[0].State != subscriptions.NoticeSending ||
		!all[0].StartedAt.Equal(at.Add(2*time.Hour)) {
		t.Fatalf("started = %+v, want the notice once, to 2 chats", all)
	}
	if c, _ := s.DeliveryCounts(ctx); c[subscriptions.DeliveryPending] != 2 {
		t.Fatalf("deliveries = %v, want 2", c)
	}
	if list, _ := s.ScheduledNotices(ctx); len(list) != 0 {
		t.Fatalf("still scheduled: %+v", list)
	}
	log, _ := s.AuditLog(ctx, 1)
	if log[0].UserID != 0 || log[0].Action != subscriptions.AuditNoticeSent ||
		log[0].Details != "audience=all recipients=2 digest=0 versions=ru scheduled_by=9001 send_at=2023-03-02T15:00:00Z" {
		t.Fatalf("audit = %+v, want the bot starting the notice scheduled by 9001", log[0])
	}

	// A scheduled notice can be cancelled; it never starts.
	c := draftNotice(t, s, 3)
	s.SetNoticeSendAt(ctx, c.ID, at)
	s.ScheduleNotice(ctx, c.ID, 9001, t0)
	if ok, _ := s.CancelNotice(ctx, c.ID, 9002, t0); !ok {
		t.Fatalf("a scheduled notice could not be cancelled")
	}
	if ok, _ := s.CancelNotice(ctx, c.ID, 9001, t0); ok {
		t.Fatalf("a notice was cancelled twice")
	}
	if started, _ := s.StartDueNotices(ctx, f, at.Add(time.Hour)); len(started) != 0 {
		t.Fatalf("a cancelled notice started: %+v", started)
	}
}

func TestNoticeMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	// A database of the schema before notices had versions, with a notice
	// being sent and a finished one.
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	db.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`)
	for _, m := range ms {
		if m.version > 4 {
			break
		}
		if _, err := db.ExecContext(ctx, m.sql); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
		db.ExecContext(ctx, `INSERT INTO schema_migrations VALUES (?, ?, 0)`, m.version, m.name)
	}
	for _, q := range []string{
		`INSERT INTO chats (id, type, subscribed, created_at, updated_at) VALUES (1, 'private', 1, 0, 0), (2, 'private', 1, 0, 0)`,
		`INSERT INTO notices (id, admin_user_id, source_chat_id, source_message_id, audience_kind, audience_value, state,
			recipients, progress_chat_id, progress_message_id, created_at, confirmed_at)
			VALUES (1, 9001, 9001, 5, 'language', 'be', 'done', 2, 9001, 6, 100, 110),
			       (2, 9001, 9001, 8, 'section', 'news', 'sending', 2, 9001, 9, 200, 210)`,
		`INSERT INTO deliveries (id, chat_id, kind, ref, state, next_attempt_at, created_at, updated_at)
			VALUES (1, 1, 'notice', 1, 'sent', 0, 0, 0), (2, 2, 'notice', 1, 'sent', 0, 0, 0),
			       (3, 1, 'article', 7, 'sent', 0, 0, 0),
			       (4, 1, 'notice', 2, 'sent', 0, 0, 0), (5, 2, 'notice', 2, 'pending', 0, 0, 0)`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	old, err := s.Notice(ctx, 1)
	if err != nil || old.Audience != (subscriptions.Audience{Language: "be"}) || old.State != subscriptions.NoticeDone ||
		old.Language != "ru" || len(old.Versions) != 1 || old.Versions[0].Language != "ru" || old.Versions[0].ChatID != 9001 || old.Versions[0].MessageIDs[0] != 5 || !old.StartedAt.Equal(time.Unix(110, 0)) {
		t.Fatalf("migrated notice 1 = %+v, %v", old, err)
	}
	sending, _ := s.Notice(ctx, 2)
	if sending.Audience != (subscriptions.Audience{Section: "news"}) || sending.ProgressMessageID != 9 {
		t.Fatalf("migrated notice 2 = %+v", sending)
	}
	if p, _ := s.NoticeProgress(ctx, 2, t0); p != (subscriptions.NoticeProgress{Sent: 1, Pending: 1}) {
		t.Fatalf("progress of the migrated notice = %+v, want its own 2 deliveries", p)
	}
	if p, _ := s.NoticeProgress(ctx, 1, t0); p != (subscriptions.NoticeProgress{Sent: 2}) {
		t.Fatalf("progress of the finished notice = %+v, want 2 sent", p)
	}
}

// BenchmarkConfirmNoticeFor10000Chats is the fan-out of a notice to 10,000
// chats, a third of them in digest mode (their deliveries wait for the
// digest hour), with the exact count shown before it.
func BenchmarkConfirmNoticeFor10000Chats(b *testing.B) {
	ctx := context.Background()
	minsk, err := time.LoadLocation("Europe/Minsk")
	if err != nil {
		b.Fatal(err)
	}
	f := subscriptions.FanOut{DefaultLang: "ru", Location: minsk}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := Open(ctx, filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		seedAudience(b, s, 10000)
		if _, err := s.db.ExecContext(ctx, `UPDATE chats SET digest_hour = 19 WHERE id % 3 = 0`); err != nil {
			b.Fatal(err)
		}
		n, err := s.CreateNotice(ctx, 9001, subscriptions.NoticeVersion{Language: "ru", ChatID: 9001, MessageIDs: []int{1}}, t0)
		if err != nil {
			b.Fatal(err)
		}
		s.SetNoticeAudience(ctx, n.ID, subscriptions.Audience{Section: "news", Language: "ru"})
		b.StartTimer()
		count, err := s.CountAudience(ctx, subscriptions.Audience{Section: "news", Language: "ru"}, "ru")
		if err != nil {
			b.Fatal(err)
		}
		_, n, err = s.ConfirmNotice(ctx, n.ID, 9001, f, t0)
		b.StopTimer()
		if err != nil || n.Recipients != count.Total || n.Recipients != 10000 || n.Digest != 3333 {
			b.Fatalf("confirmed %d (%d waiting), counted %+v: %v", n.Recipients, n.Digest, count, err)
		}
		s.Close()
	}
}
