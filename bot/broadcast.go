package bot

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/subscriptions"
)

// noticeStore is what notices need from the store.
type noticeStore interface {
	CreateNotice(ctx context.Context, adminID, sourceChatID int64, sourceMessageID int, now time.Time) (subscriptions.Notice, error)
	Notice(ctx context.Context, id int64) (subscriptions.Notice, error)
	SetNoticeAudience(ctx context.Context, id int64, a subscriptions.Audience) (bool, error)
	CountAudience(ctx context.Context, a subscriptions.Audience, defaultLang string) (int, error)
	ConfirmNotice(ctx context.Context, id, by int64, defaultLang string, progressChatID int64, progressMessageID int, now time.Time) (bool, int, error)
	CancelNotice(ctx context.Context, id, by int64, now time.Time) (bool, error)
	StopNotice(ctx context.Context, id, by int64, now time.Time) (bool, []int64, error)
	FinishNotice(ctx context.Context, id int64, now time.Time) (bool, error)
	NoticeProgress(ctx context.Context, id int64) (subscriptions.NoticeProgress, error)
	NoticesToReport(ctx context.Context) ([]subscriptions.Notice, error)
	SetNoticeReported(ctx context.Context, id int64, now time.Time) error
	AudienceSections(ctx context.Context) ([]string, error)
}

// waker wakes the engine's outbox for deliveries just enqueued.
type waker interface {
	Wake()
}

// outboxWatch is what notices ask the engine: to send what was enqueued,
// what is still being sent, and at what pace.
type outboxWatch interface {
	waker
	InFlight(ids []int64) bool
	Pace() float64
}

const (
	// broadcastTimeout is how long /broadcast waits for the notice.
	broadcastTimeout = 15 * time.Minute
	// progressEvery is how often the progress of a notice being sent is shown.
	progressEvery = 5 * time.Second
	// stopSettle bounds the wait for sends in flight when a notice is stopped,
	// before its final report is written.
	stopSettle = 30 * time.Second
)

// notices is /broadcast: an admin's message, copied to an audience of
// subscribers after a preview and a confirmation, with its progress shown
// and a final report. The conversations live in memory (an admin who
// restarts one after a bot restart loses nothing: drafts and sends are in
// the store), as does what the progress updater last showed.
type notices struct {
	*base
	store  noticeStore
	engine outboxWatch

	mu       sync.Mutex
	awaiting map[int64]awaitingNotice // by admin user id
	shown    map[int64]string         // notice id -> progress text last shown
	stopping map[int64]stoppingNotice // notice id -> deliveries its stop skipped

	interval time.Duration // of the progress updater
}

type awaitingNotice struct {
	chatID int64
	until  time.Time
}

type stoppingNotice struct {
	ids []int64
	at  time.Time // real time of the stop
}

func newNotices(shared *base, store noticeStore, engine outboxWatch) *notices {
	return &notices{
		base: shared, store: store, engine: engine,
		awaiting: map[int64]awaitingNotice{}, shown: map[int64]string{}, stopping: map[int64]stoppingNotice{},
		interval: progressEvery,
	}
}

func (b *notices) register(r *Bot) {
	r.addCommands(
		command{name: "broadcast", admin: true, run: b.cmdBroadcast},
		command{name: "cancel", admin: true, run: b.cmdCancel},
	)
	r.addCallbacks(b.pressNotice, cbNotice)
	r.messageHooks = append(r.messageHooks, b.noticeHook)
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
	b.mu.Lock()
	b.awaiting[req.user.ID] = awaitingNotice{chatID: req.chat.ID, until: b.now().Add(broadcastTimeout)}
	b.mu.Unlock()
	b.replyText(ctx, req.chat, i18n.T(req.lang, "broadcast.ask"))
}

// cmdCancel ends a /broadcast conversation.
func (b *notices) cmdCancel(ctx context.Context, req request, _ string) {
	b.mu.Lock()
	_, ok := b.awaiting[req.user.ID]
	delete(b.awaiting, req.user.ID)
	b.mu.Unlock()
	textKey := "broadcast.nothing"
	if ok {
		textKey = "broadcast.cancelled"
	}
	b.replyText(ctx, req.chat, i18n.T(req.lang, textKey))
}

// noticeHook takes the message an admin sends after /broadcast as the
// notice: it records a draft, shows an exact preview (a copy made the way
// residents' copies will be) and the audience buttons.
func (b *notices) noticeHook(ctx context.Context, req request, m *delivery.Incoming) bool {
	if req.user == nil || req.group() {
		return false
	}
	now := b.now()
	b.mu.Lock()
	w, ok := b.awaiting[req.user.ID]
	delete(b.awaiting, req.user.ID)
	b.mu.Unlock()
	if !ok || now.After(w.until) || w.chatID != req.chat.ID || !b.isAdmin(req) {
		return false
	}
	n, err := b.store.CreateNotice(ctx, req.user.ID, req.chat.ID, m.ID, now)
	if err != nil {
		b.log.Error("create a notice", "user_id", req.user.ID, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return true
	}
	b.log.Info("notice drafted", "notice_id", n.ID, "user_id", req.user.ID)
	if err := b.reply(ctx, req.chat, noticeCopy(n)); err != nil {
		b.log.Warn("preview a notice", "notice_id", n.ID, "error", err)
		if _, err := b.store.CancelNotice(ctx, n.ID, req.user.ID, b.now()); err != nil {
			b.log.Error("cancel a notice", "notice_id", n.ID, "error", err)
		}
		b.mu.Lock()
		b.awaiting[req.user.ID] = w
		b.mu.Unlock()
		b.replyText(ctx, req.chat, i18n.T(req.lang, "broadcast.cannot_copy"))
		return true
	}
	if m.InAlbum {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "broadcast.album"))
	}
	text, kb, err := b.noticeControl(ctx, req.lang, n)
	if err != nil {
		b.log.Error("show a notice", "notice_id", n.ID, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return true
	}
	b.reply(ctx, req.chat, delivery.Message{Text: render.Plain(text), Keyboard: kb})
	return true
}

// noticeCopy is a copy of a notice: the admin's message, formatting and media kept.
func noticeCopy(n subscriptions.Notice) delivery.Message {
	return delivery.Message{Copy: &delivery.Source{ChatID: n.SourceChatID, MessageID: n.SourceMessageID}}
}

// noticeControl is the message under the preview of a draft: its audience,
// the number of recipients, and the buttons.
func (b *notices) noticeControl(ctx context.Context, lang string, n subscriptions.Notice) (string, delivery.Keyboard, error) {
	count, err := b.store.CountAudience(ctx, n.Audience, b.defaultLang)
	if err != nil {
		return "", nil, err
	}
	sections, err := b.store.AudienceSections(ctx)
	if err != nil {
		return "", nil, err
	}
	text := i18n.T(lang, "notice.control", n.ID, b.audienceName(lang, n.Audience), count)
	audience := func(label string, a subscriptions.Audience) key {
		if n.Audience == a {
			label = "✓ " + label
		}
		return key{label, noticeData{action: noticeAudience, id: n.ID, audience: a}}
	}
	var kb keyboard
	kb.row(audience(i18n.T(lang, "notice.button.all"), subscriptions.Audience{Kind: subscriptions.AudienceAll}))
	var row []key
	for _, s := range sections {
		a := subscriptions.Audience{Kind: subscriptions.AudienceSection, Value: s}
		if _, err := encodeCallback(noticeData{action: noticeAudience, id: n.ID, audience: a}); err != nil {
			b.log.Warn("section name too long for a button", "section", s)
			continue
		}
		row = append(row, audience(i18n.T(lang, "notice.button.section", b.sections.Name(lang, s)), a))
		if len(row) == 2 {
			kb.row(row...)
			row = nil
		}
	}
	kb.row(row...)
	row = nil
	for _, l := range subscriptions.Languages() {
		row = append(row, audience(i18n.T(lang, "notice.button.lang."+l), subscriptions.Audience{Kind: subscriptions.AudienceLanguage, Value: l}))
	}
	kb.row(row...)
	kb.row(key{i18n.T(lang, "notice.button.send", count), noticeData{action: noticeSend, id: n.ID}},
		key{i18n.T(lang, "notice.button.cancel"), noticeData{action: noticeCancel, id: n.ID}})
	return text, kb.rows, nil
}

// audienceName says who an audience is, in lang.
func (b *notices) audienceName(lang string, a subscriptions.Audience) string {
	switch a.Kind {
	case subscriptions.AudienceLanguage:
		return i18n.T(lang, "notice.audience.lang."+a.Value)
	case subscriptions.AudienceSection:
		return i18n.T(lang, "notice.audience.section", b.sections.Name(lang, a.Value))
	}
	return i18n.T(lang, "notice.audience.all")
}

// pressNotice handles the buttons of notices.
func (b *notices) pressNotice(ctx context.Context, req request, p *delivery.Press) string {
	if !b.isAdmin(req) {
		b.log.Warn("notice button pressed by someone who is not an admin", "chat_id", req.chat.ID, "user_id", req.userID())
		return refuse(req)
	}
	d, ok := decodeNotice(p.Data)
	if !ok {
		return refuse(req)
	}
	n, err := b.store.Notice(ctx, d.id)
	if errors.Is(err, subscriptions.ErrNotFound) {
		return refuse(req)
	}
	if err != nil {
		b.log.Error("read a notice", "notice_id", d.id, "error", err)
		return i18n.T(req.lang, "error.internal")
	}
	switch d.action {
	case noticeAudience:
		return b.pressAudience(ctx, req, p, n, d.audience)
	case noticeSend:
		return b.pressSend(ctx, req, p, n)
	case noticeCancel:
		return b.pressCancel(ctx, req, p, n)
	}
	return b.pressStop(ctx, req, n)
}

// stateAnswer explains why a notice button did nothing.
func stateAnswer(lang string, n subscriptions.Notice) string {
	switch n.State {
	case subscriptions.NoticeCancelled:
		return i18n.T(lang, "notice.answer.cancelled")
	case subscriptions.NoticeSending:
		return i18n.T(lang, "notice.answer.already")
	case subscriptions.NoticeStopped, subscriptions.NoticeDone:
		return i18n.T(lang, "notice.answer.finished")
	}
	return i18n.T(lang, "button.outdated")
}

func (b *notices) pressAudience(ctx context.Context, req request, p *delivery.Press, n subscriptions.Notice, a subscriptions.Audience) string {
	if a.Kind == subscriptions.AudienceSection {
		sections, err := b.store.AudienceSections(ctx)
		if err != nil {
			b.log.Error("list sections", "error", err)
			return i18n.T(req.lang, "error.internal")
		}
		if !slices.Contains(sections, a.Value) {
			return refuse(req)
		}
	}
	ok, err := b.store.SetNoticeAudience(ctx, n.ID, a)
	if err != nil {
		b.log.Error("set a notice's audience", "notice_id", n.ID, "error", err)
		return i18n.T(req.lang, "error.internal")
	}
	if !ok {
		return stateAnswer(req.lang, n)
	}
	n.Audience = a
	text, kb, err := b.noticeControl(ctx, req.lang, n)
	if err != nil {
		b.log.Error("show a notice", "notice_id", n.ID, "error", err)
		return i18n.T(req.lang, "error.internal")
	}
	b.edit(ctx, p.Chat.ID, p.MessageID, render.Plain(text), kb)
	return i18n.T(req.lang, "notice.answer.audience", b.audienceName(req.lang, a))
}

// pressSend confirms a notice. The store decides, in one transaction, which
// press starts it: any other (a second press, another admin) does nothing.
func (b *notices) pressSend(ctx context.Context, req request, p *delivery.Press, n subscriptions.Notice) string {
	started, recipients, err := b.store.ConfirmNotice(ctx, n.ID, req.user.ID, b.defaultLang, p.Chat.ID, p.MessageID, b.now())
	if err != nil {
		b.log.Error("confirm a notice", "notice_id", n.ID, "error", err)
		return i18n.T(req.lang, "error.internal")
	}
	if !started {
		if n, err = b.store.Notice(ctx, n.ID); err != nil {
			return i18n.T(req.lang, "error.internal")
		}
		return stateAnswer(req.lang, n)
	}
	b.log.Info("notice confirmed", "notice_id", n.ID, "user_id", req.user.ID, "audience", n.Audience.String(), "recipients", recipients)
	b.engine.Wake()
	if n, err = b.store.Notice(ctx, n.ID); err == nil {
		b.showProgress(ctx, n, subscriptions.NoticeProgress{Pending: recipients})
	}
	return i18n.T(req.lang, "notice.answer.sending", recipients)
}

func (b *notices) pressCancel(ctx context.Context, req request, p *delivery.Press, n subscriptions.Notice) string {
	ok, err := b.store.CancelNotice(ctx, n.ID, req.user.ID, b.now())
	if err != nil {
		b.log.Error("cancel a notice", "notice_id", n.ID, "error", err)
		return i18n.T(req.lang, "error.internal")
	}
	if !ok {
		return stateAnswer(req.lang, n)
	}
	b.log.Info("notice cancelled", "notice_id", n.ID, "user_id", req.user.ID)
	b.edit(ctx, p.Chat.ID, p.MessageID, render.Plain(i18n.T(req.lang, "notice.cancelled", n.ID)), nil)
	return i18n.T(req.lang, "broadcast.cancelled")
}

// pressStop stops a notice being sent: what has not gone out is skipped.
// The final report follows once the sends in flight have settled.
func (b *notices) pressStop(ctx context.Context, req request, n subscriptions.Notice) string {
	ok, skipped, err := b.store.StopNotice(ctx, n.ID, req.user.ID, b.now())
	if err != nil {
		b.log.Error("stop a notice", "notice_id", n.ID, "error", err)
		return i18n.T(req.lang, "error.internal")
	}
	if !ok {
		return i18n.T(req.lang, "notice.answer.not_sending")
	}
	b.log.Info("notice stopped", "notice_id", n.ID, "user_id", req.user.ID, "not_sent", len(skipped))
	b.mu.Lock()
	b.stopping[n.ID] = stoppingNotice{ids: skipped, at: time.Now()}
	b.mu.Unlock()
	if n.ProgressMessageID != 0 {
		lang := b.langOf(ctx, n.ProgressChatID)
		b.edit(ctx, n.ProgressChatID, n.ProgressMessageID, render.Plain(i18n.T(lang, "notice.stopping", n.ID)), nil)
	}
	return i18n.T(req.lang, "notice.answer.stopping")
}

// run keeps the progress messages of the notices being sent up to
// date and writes their final reports, until ctx is done. After a restart it
// takes up the notices that were being sent.
func (b *notices) run(ctx context.Context) error {
	t := time.NewTicker(b.interval)
	defer t.Stop()
	for {
		b.reportNotices(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func (b *notices) reportNotices(ctx context.Context) {
	notices, err := b.store.NoticesToReport(ctx)
	if err != nil {
		if ctx.Err() == nil {
			b.log.Error("read the notices being sent", "error", err)
		}
		return
	}
	for _, n := range notices {
		if ctx.Err() != nil {
			return
		}
		b.reportNotice(ctx, n)
	}
}

func (b *notices) reportNotice(ctx context.Context, n subscriptions.Notice) {
	if n.State == subscriptions.NoticeStopped && b.settling(n.ID) {
		return
	}
	p, err := b.store.NoticeProgress(ctx, n.ID)
	if err != nil {
		b.log.Error("read a notice's progress", "notice_id", n.ID, "error", err)
		return
	}
	now := b.now()
	if n.State == subscriptions.NoticeSending {
		if p.Pending > 0 {
			b.showProgress(ctx, n, p)
			return
		}
		done, err := b.store.FinishNotice(ctx, n.ID, now)
		if err != nil || !done {
			if err != nil {
				b.log.Error("finish a notice", "notice_id", n.ID, "error", err)
			}
			return // stopped meanwhile: the next round reports it
		}
		n.State, n.FinishedAt = subscriptions.NoticeDone, now
		b.log.Info("notice sent", "notice_id", n.ID, "delivered", p.Sent, "blocked", p.Blocked, "failed", p.Failed)
	}
	b.showReport(ctx, n, p)
	if err := b.store.SetNoticeReported(ctx, n.ID, now); err != nil {
		b.log.Error("record a notice's report", "notice_id", n.ID, "error", err)
	}
	b.mu.Lock()
	delete(b.shown, n.ID)
	delete(b.stopping, n.ID)
	b.mu.Unlock()
}

// settling reports whether a stopped notice may still have sends in flight.
func (b *notices) settling(id int64) bool {
	b.mu.Lock()
	st, ok := b.stopping[id]
	b.mu.Unlock()
	return ok && time.Since(st.at) < stopSettle && b.engine.InFlight(st.ids)
}

// showProgress edits the progress message of a notice being sent, with its Stop button.
func (b *notices) showProgress(ctx context.Context, n subscriptions.Notice, p subscriptions.NoticeProgress) {
	if n.ProgressMessageID == 0 {
		return
	}
	lang := b.langOf(ctx, n.ProgressChatID)
	text := i18n.T(lang, "notice.progress", n.ID, b.audienceName(lang, n.Audience),
		p.Sent, p.Total(), p.Blocked+p.Failed, p.Pending, adminDuration(lang, b.timeLeft(n, p)))
	b.mu.Lock()
	same := b.shown[n.ID] == text
	b.mu.Unlock()
	if same {
		return
	}
	var kb keyboard
	kb.row(key{i18n.T(lang, "notice.button.stop"), noticeData{action: noticeStop, id: n.ID}})
	if b.edit(ctx, n.ProgressChatID, n.ProgressMessageID, render.Plain(text), kb.rows) {
		b.mu.Lock()
		b.shown[n.ID] = text
		b.mu.Unlock()
	}
}

// timeLeft estimates how long the rest of a notice takes: at the pace seen
// so far once there is one, else at the configured rate.
func (b *notices) timeLeft(n subscriptions.Notice, p subscriptions.NoticeProgress) time.Duration {
	rate := b.engine.Pace()
	done := p.Sent + p.Blocked + p.Failed
	if elapsed := b.now().Sub(n.ConfirmedAt); elapsed >= 5*time.Second && done > 0 {
		rate = float64(done) / elapsed.Seconds()
	}
	return time.Duration(float64(p.Pending) / rate * float64(time.Second))
}

// showReport writes the final report of a notice over its progress message
// (or in a new message when that cannot be edited).
func (b *notices) showReport(ctx context.Context, n subscriptions.Notice, p subscriptions.NoticeProgress) {
	chatID := n.ProgressChatID
	if chatID == 0 {
		chatID = n.AdminUserID
	}
	lang := b.langOf(ctx, chatID)
	head := i18n.T(lang, "notice.report.done", n.ID, b.audienceName(lang, n.Audience))
	if n.State == subscriptions.NoticeStopped {
		head = i18n.T(lang, "notice.report.stopped", n.ID, b.audienceName(lang, n.Audience))
	}
	text := head + "\n\n" + i18n.T(lang, "notice.report.figures", p.Sent, p.Blocked, p.Failed, p.Stopped,
		adminDuration(lang, n.FinishedAt.Sub(n.ConfirmedAt)))
	if n.ProgressMessageID != 0 && b.edit(ctx, chatID, n.ProgressMessageID, render.Plain(text), nil) {
		return
	}
	b.replyText(ctx, subscriptions.Chat{ID: chatID, Type: subscriptions.ChatPrivate}, text)
}

// adminDuration says d in lang, to the second under an hour.
func adminDuration(lang string, d time.Duration) string {
	d = max(d, 0).Round(time.Second)
	switch {
	case d < time.Minute:
		return i18n.T(lang, "duration.seconds", int(d.Seconds()))
	case d < time.Hour:
		return i18n.T(lang, "duration.minutes", int(d.Minutes()), int(d.Seconds())%60)
	}
	return i18n.T(lang, "duration.hours", int(d.Hours()), int(d.Minutes())%60)
}
