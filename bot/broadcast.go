package bot

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/subscriptions"
)

// noticeStore is what notices need from the store.
type noticeStore interface {
	CreateNotice(ctx context.Context, adminID int64, v subscriptions.NoticeVersion, now time.Time) (subscriptions.Notice, error)
	Notice(ctx context.Context, id int64) (subscriptions.Notice, error)
	SetNoticeVersion(ctx context.Context, id int64, v subscriptions.NoticeVersion, now time.Time) (bool, error)
	SetNoticeLanguage(ctx context.Context, id int64, lang string) (bool, error)
	SetNoticeAudience(ctx context.Context, id int64, a subscriptions.Audience) (bool, error)
	SetNoticeUrgent(ctx context.Context, id int64, urgent bool) (bool, error)
	SetNoticeSendAt(ctx context.Context, id int64, at time.Time) (bool, error)
	SetNoticeControl(ctx context.Context, id, chatID int64, messageID int) error
	CountAudience(ctx context.Context, a subscriptions.Audience, defaultLang string) (subscriptions.AudienceCount, error)
	PreviewPost(ctx context.Context, a subscriptions.Article, now time.Time) (subscriptions.PostResult, error)
	ConfirmNotice(ctx context.Context, id, by int64, f subscriptions.FanOut, now time.Time) (bool, subscriptions.Notice, error)
	ScheduleNotice(ctx context.Context, id, by int64, now time.Time) (bool, error)
	UnscheduleNotice(ctx context.Context, id, by int64, now time.Time) (bool, error)
	StartDueNotices(ctx context.Context, f subscriptions.FanOut, now time.Time) ([]subscriptions.Notice, error)
	ScheduledNotices(ctx context.Context) ([]subscriptions.Notice, error)
	CancelNotice(ctx context.Context, id, by int64, now time.Time) (bool, error)
	StopNotice(ctx context.Context, id, by int64, now time.Time) (bool, []int64, error)
	FinishNotice(ctx context.Context, id int64, now time.Time) (bool, error)
	NoticeProgress(ctx context.Context, id int64, now time.Time) (subscriptions.NoticeProgress, error)
	NoticesToReport(ctx context.Context) ([]subscriptions.Notice, error)
	SetNoticeReported(ctx context.Context, id int64, now time.Time) error
	AudienceSections(ctx context.Context) ([]string, error)
}

// waker wakes the engine's outbox for deliveries just enqueued.
type waker interface {
	Wake()
}

// outboxWatch is what notices ask the engine: to send what was enqueued,
// what is still being sent, at what pace, and the id of a message they
// will edit later.
type outboxWatch interface {
	waker
	InFlight(ids []int64) bool
	Pace() float64
	ReplyID(ctx context.Context, m delivery.Message) (int, error)
}

const (
	// stepTimeout is how long the bot waits for the message an admin was asked for.
	stepTimeout = 15 * time.Minute
	// progressEvery is how often the progress of a notice being sent is shown
	// and scheduled notices are started.
	progressEvery = 5 * time.Second
	// stopSettle bounds the wait for sends in flight when a notice is stopped,
	// before its final report is written.
	stopSettle = 30 * time.Second
	// albumSettle is how long after the latest item of an album the album
	// is taken as complete: Telegram sends its items one by one, together.
	albumSettle = 1500 * time.Millisecond
	// lateAfter is how late a scheduled notice may start without the admin
	// being told (the scheduler looks every progressEvery).
	lateAfter = time.Minute
)

// notices is /broadcast, /scheduled and the controls of /post: an admin's
// message (in up to three languages) or a portal article, copied to an
// audience of subscribers after a preview and a confirmation, at once or
// at a chosen time, with its progress shown and a final report. Drafts,
// schedules and sends are in the store; the conversation steps (the next
// message an admin was asked for) and what the progress updater last
// showed live in memory: after a restart an admin presses the button again.
type notices struct {
	*base
	store  noticeStore
	engine outboxWatch

	mu       sync.Mutex
	steps    map[int64]step           // by admin user id
	albums   map[int64]*album         // by admin user id
	shown    map[int64]string         // notice id -> progress text last shown
	stopping map[int64]stoppingNotice // notice id -> deliveries its stop skipped

	albumWake chan struct{}
	interval  time.Duration // of the progress updater and the scheduler
	settle    time.Duration // albumSettle
	started   time.Time     // when the bot started: a schedule before it was missed
}

// stepKind is what an admin's next message is for.
type stepKind int

const (
	stepNotice  stepKind = iota // a new notice
	stepVersion                 // a version of a notice in another language
	stepTime                    // the time to send a notice at
)

// step is a conversation step an admin is in.
type step struct {
	kind   stepKind
	chatID int64
	notice int64  // stepVersion, stepTime
	lang   string // stepVersion: the version's language
	until  time.Time
	// album is the album last answered in a stepTime: its other items get no answer.
	album string
}

// album is an album being received: its items arrive one by one.
type album struct {
	step    step
	req     request
	group   string
	content string // of its first item
	ids     []int
	last    time.Time // real time of its latest item
}

type stoppingNotice struct {
	ids      []int64
	at       time.Time // real time of the stop
	stopping bool      // the Stop is being recorded and shown: no report yet
}

func newNotices(shared *base, store noticeStore, engine outboxWatch) *notices {
	return &notices{
		base: shared, store: store, engine: engine,
		steps: map[int64]step{}, albums: map[int64]*album{}, shown: map[int64]string{}, stopping: map[int64]stoppingNotice{},
		albumWake: make(chan struct{}, 1), interval: progressEvery, settle: albumSettle,
	}
}

func (b *notices) register(r *Bot) {
	r.addCommands(
		command{name: "broadcast", admin: true, run: b.cmdBroadcast},
		command{name: "scheduled", admin: true, run: b.cmdScheduled},
		command{name: "cancel", admin: true, run: b.cmdCancel},
	)
	r.addCallbacks(b.pressNotice, cbNotice)
	r.messageHooks = append(r.messageHooks, b.noticeHook)
}

// fanOut is how the store finds the readers of a notice.
func (b *notices) fanOut() subscriptions.FanOut {
	return subscriptions.FanOut{DefaultLang: i18n.Pick(b.defaultLang), Location: b.loc}
}

// refuse is the answer to a press of an admin button by someone who is not
// an admin: the same as for any unknown button, so nothing is revealed.
func refuse(req request) string { return i18n.T(req.lang, "button.outdated") }

// cmdBroadcast starts a notice: the admin's next message in this chat is it.
func (b *notices) cmdBroadcast(ctx context.Context, req request, _ string) {
	if req.group() {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "admin.private_only"))
		return
	}
	b.await(req, step{kind: stepNotice})
	b.replyText(ctx, req.chat, i18n.T(req.lang, "broadcast.ask"))
}

// await makes the admin's next message in this chat the answer to st.
func (b *notices) await(req request, st step) {
	st.chatID, st.until = req.chat.ID, b.now().Add(stepTimeout)
	b.mu.Lock()
	b.steps[req.user.ID] = st
	delete(b.albums, req.user.ID)
	b.mu.Unlock()
}

// cmdCancel ends a conversation step: a notice, a version, a time asked for.
func (b *notices) cmdCancel(ctx context.Context, req request, _ string) {
	b.mu.Lock()
	st, ok := b.steps[req.user.ID]
	if al := b.albums[req.user.ID]; al != nil {
		st, ok = al.step, true
	}
	delete(b.steps, req.user.ID)
	delete(b.albums, req.user.ID)
	b.mu.Unlock()
	switch {
	case !ok:
		b.replyText(ctx, req.chat, i18n.T(req.lang, "broadcast.nothing"))
	case st.kind == stepNotice:
		b.replyText(ctx, req.chat, i18n.T(req.lang, "broadcast.cancelled"))
	default:
		b.replyText(ctx, req.chat, i18n.T(req.lang, "notice.unchanged", st.notice))
	}
}

// noticeHook takes the message an admin was asked for: a notice, a version
// of one, or the time to send one at. The items of an album are gathered
// and taken together once the album is complete.
func (b *notices) noticeHook(ctx context.Context, req request, m *delivery.Incoming) bool {
	if req.user == nil || req.group() || !b.isAdmin(req) {
		return false
	}
	uid := req.user.ID
	b.mu.Lock()
	if al := b.albums[uid]; al != nil && m.MediaGroup != "" && m.MediaGroup == al.group && al.step.chatID == req.chat.ID {
		al.ids = append(al.ids, m.ID)
		al.last = time.Now()
		b.mu.Unlock()
		return true
	}
	st, ok := b.steps[uid]
	if !ok || st.chatID != req.chat.ID || b.now().After(st.until) {
		delete(b.steps, uid)
		b.mu.Unlock()
		return false
	}
	if st.kind == stepTime {
		answered := m.MediaGroup != "" && m.MediaGroup == st.album
		st.album = m.MediaGroup
		b.steps[uid] = st
		b.mu.Unlock()
		if !answered {
			b.takeTime(ctx, req, st, m)
		}
		return true
	}
	if refusal := unusable(req.lang, m.Content); refusal != "" {
		b.mu.Unlock()
		b.replyText(ctx, req.chat, refusal) // the step stays: another message may follow
		return true
	}
	delete(b.steps, uid)
	if m.MediaGroup != "" {
		b.albums[uid] = &album{step: st, req: req, group: m.MediaGroup, content: m.Content, ids: []int{m.ID}, last: time.Now()}
		b.mu.Unlock()
		select {
		case b.albumWake <- struct{}{}:
		default:
		}
		return true
	}
	b.mu.Unlock()
	b.takeMessage(ctx, req, st, []int{m.ID}, m.Content)
	return true
}

// unusable is the answer, in lang, to a message that cannot be a notice, or
// empty: a dice would roll anew for each resident; games, invoices and
// service messages cannot be copied.
func unusable(lang, content string) string {
	switch content {
	case delivery.ContentDice:
		return i18n.T(lang, "notice.dice")
	case delivery.ContentGame, delivery.ContentInvoice, "":
		return i18n.T(lang, "broadcast.cannot_copy")
	}
	return ""
}

// collectAlbums takes each album an admin sent as a notice, or a version of
// one, once its last item has arrived, until ctx is done.
func (b *notices) collectAlbums(ctx context.Context) error {
	for {
		b.mu.Lock()
		wait := time.Duration(-1)
		for _, al := range b.albums {
			if d := time.Until(al.last.Add(b.settle)); wait < 0 || d < wait {
				wait = d
			}
		}
		b.mu.Unlock()
		if wait < 0 {
			wait = time.Hour // nothing to gather: wait to be woken
		}
		t := time.NewTimer(max(wait, 0))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-b.albumWake:
			t.Stop()
			continue
		case <-t.C:
		}
		b.mu.Lock()
		var ready []*album
		for uid, al := range b.albums {
			if time.Since(al.last) >= b.settle {
				ready = append(ready, al)
				delete(b.albums, uid)
			}
		}
		b.mu.Unlock()
		for _, al := range ready {
			slices.Sort(al.ids) // copyMessages takes them in increasing order
			hctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			b.takeMessage(hctx, al.req, al.step, al.ids, al.content)
			cancel()
		}
	}
}

// versionCopy is a copy of a version of a notice: the admin's message (or
// album), formatting and media kept.
func versionCopy(v subscriptions.NoticeVersion) delivery.Message {
	return delivery.Message{Copy: &delivery.Source{ChatID: v.ChatID, MessageIDs: v.MessageIDs}}
}

// takeMessage makes the admin's message (ids: one, or an album's items) a
// new notice or a version of one: it shows an exact preview (a copy made
// the way residents' copies will be), then the notice's controls.
func (b *notices) takeMessage(ctx context.Context, req request, st step, ids []int, content string) {
	uid := req.user.ID
	v := subscriptions.NoticeVersion{Language: req.lang, ChatID: req.chat.ID, MessageIDs: ids}
	if st.kind == stepVersion {
		v.Language = st.lang
		n, err := b.store.Notice(ctx, st.notice)
		if err != nil {
			b.log.Error("read a notice", "notice_id", st.notice, "error", err)
			b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
			return
		}
		if n.State != subscriptions.NoticeDraft {
			b.replyText(ctx, req.chat, stateAnswer(req.lang, n))
			return
		}
	}
	if err := b.reply(ctx, req.chat, versionCopy(v)); err != nil {
		b.log.Warn("preview a notice", "user_id", uid, "error", err)
		b.mu.Lock()
		b.steps[uid] = st
		b.mu.Unlock()
		b.replyText(ctx, req.chat, i18n.T(req.lang, "broadcast.cannot_copy"))
		return
	}
	if len(ids) > 1 {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "notice.album", len(ids)))
	}
	if content == delivery.ContentPoll {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "notice.poll"))
	}
	var n subscriptions.Notice
	var err error
	if st.kind == stepNotice {
		if n, err = b.store.CreateNotice(ctx, uid, v, b.now()); err == nil {
			b.log.Info("notice drafted", "notice_id", n.ID, "user_id", uid, "language", v.Language, "messages", len(ids))
		}
	} else {
		var ok bool
		if ok, err = b.store.SetNoticeVersion(ctx, st.notice, v, b.now()); err == nil {
			n, err = b.store.Notice(ctx, st.notice)
		}
		if err == nil && !ok {
			b.replyText(ctx, req.chat, stateAnswer(req.lang, n))
			return
		}
		b.log.Info("notice version set", "notice_id", st.notice, "user_id", uid, "language", v.Language, "messages", len(ids))
	}
	if err != nil {
		b.log.Error("record a notice", "user_id", uid, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	b.showControls(ctx, req.chat, req.lang, n)
}

// showControls sends the controls of a notice as a new message (the one
// before, if any, says where they went) and records it as the notice's.
func (b *notices) showControls(ctx context.Context, chat subscriptions.Chat, lang string, n subscriptions.Notice) {
	text, kb, err := b.controls(ctx, lang, n)
	if err != nil {
		b.log.Error("show a notice", "notice_id", n.ID, "error", err)
		b.replyText(ctx, chat, i18n.T(lang, "error.internal"))
		return
	}
	id, err := b.engine.ReplyID(ctx, delivery.Message{ChatID: chat.ID, Text: render.Plain(text), Keyboard: kb})
	if err != nil {
		return // the engine logged it
	}
	b.moveControls(ctx, n, chat.ID, id)
}

// moveControls records that the controls of a notice are now in message
// id of chatID; the message that had them says where they went.
func (b *notices) moveControls(ctx context.Context, n subscriptions.Notice, chatID int64, id int) {
	if n.ProgressMessageID != 0 && (n.ProgressChatID != chatID || n.ProgressMessageID != id) {
		lang := b.langOf(ctx, n.ProgressChatID)
		b.edit(ctx, n.ProgressChatID, n.ProgressMessageID, render.Plain(i18n.T(lang, "notice.moved", n.ID)), nil)
	}
	if err := b.store.SetNoticeControl(ctx, n.ID, chatID, id); err != nil {
		b.log.Error("record a notice's controls", "notice_id", n.ID, "error", err)
	}
}

// takeTime reads the time to send a notice at, sets it and shows the
// controls again; a time that cannot be used gets a clear answer, and the
// bot keeps waiting for a better one.
func (b *notices) takeTime(ctx context.Context, req request, st step, m *delivery.Incoming) {
	if m.Content != delivery.ContentText {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "notice.when.text"))
		return
	}
	at, werr := parseWhen(m.Text, b.now().In(b.loc))
	if werr != nil {
		b.replyText(ctx, req.chat, b.whenAnswer(req.lang, m.Text, werr))
		return
	}
	b.mu.Lock()
	delete(b.steps, req.user.ID)
	b.mu.Unlock()
	ok, err := b.store.SetNoticeSendAt(ctx, st.notice, at)
	if err != nil {
		b.log.Error("set a notice's time", "notice_id", st.notice, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	n, err := b.store.Notice(ctx, st.notice)
	if err != nil {
		b.log.Error("read a notice", "notice_id", st.notice, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	if !ok {
		b.replyText(ctx, req.chat, stateAnswer(req.lang, n))
		return
	}
	b.showControls(ctx, req.chat, req.lang, n)
}

// whenAnswer says in lang what is wrong with the time typed.
func (b *notices) whenAnswer(lang, typed string, e *whenError) string {
	switch e.problem {
	case whenNoTime:
		return i18n.T(lang, "notice.when.no_time", render.Cut(typed, 40))
	case whenHour:
		return i18n.T(lang, "notice.when.hour", e.value)
	case whenMinute:
		return i18n.T(lang, "notice.when.minute", e.value)
	case whenMonth:
		return i18n.T(lang, "notice.when.month", e.value)
	case whenDay:
		return i18n.T(lang, "notice.when.day", e.day, i18n.T(lang, "month."+strconv.Itoa(e.month)), e.year)
	case whenTodayPast:
		hm := e.at.Format("15:04")
		return i18n.T(lang, "notice.when.today_past", hm, b.now().In(b.loc).Format("15:04"), hm)
	case whenPast:
		return i18n.T(lang, "notice.when.past", i18n.DateTime(lang, e.at))
	case whenFar:
		return i18n.T(lang, "notice.when.far", i18n.DateTime(lang, e.at))
	}
	return i18n.T(lang, "notice.when.bad", render.Cut(typed, 40))
}

// stateAnswer explains why a notice button did nothing.
func stateAnswer(lang string, n subscriptions.Notice) string {
	switch n.State {
	case subscriptions.NoticeCancelled:
		return i18n.T(lang, "notice.answer.cancelled")
	case subscriptions.NoticeScheduled:
		return i18n.T(lang, "notice.answer.scheduled_already")
	case subscriptions.NoticeSending:
		return i18n.T(lang, "notice.answer.already")
	case subscriptions.NoticeStopped, subscriptions.NoticeDone:
		return i18n.T(lang, "notice.answer.finished")
	}
	return i18n.T(lang, "button.outdated")
}

// readNotice reads the notice of a button; a notice that does not exist is
// an outdated button.
func (b *notices) readNotice(ctx context.Context, req request, id int64) (subscriptions.Notice, string, bool) {
	n, err := b.store.Notice(ctx, id)
	if errors.Is(err, subscriptions.ErrNotFound) {
		return n, refuse(req), false
	}
	if err != nil {
		b.log.Error("read a notice", "notice_id", id, "error", err)
		return n, i18n.T(req.lang, "error.internal"), false
	}
	return n, "", true
}
