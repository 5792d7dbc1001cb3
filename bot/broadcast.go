package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/subscriptions"
)

// cbNotice prefixes the buttons of a notice: "ntc:ACTION:ID[:ARG]" with
// ACTION aud (ARG all, l:LANG or s:SECTION), send, cancel or stop. Every
// press is checked against the admin list, never against the data.
const cbNotice = "ntc"

// cmdBroadcast starts a notice: the admin's next message in this chat is it.
func (b *Bot) cmdBroadcast(ctx context.Context, req request, _ string) {
	if req.group() {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "admin.private_only"))
		return
	}
	b.adm.mu.Lock()
	b.adm.awaiting[req.user.ID] = awaitingNotice{chatID: req.chat.ID, until: b.now().Add(broadcastTimeout)}
	b.adm.mu.Unlock()
	b.replyText(ctx, req.chat, i18n.T(req.lang, "broadcast.ask"))
}

// cmdCancel ends a /broadcast conversation.
func (b *Bot) cmdCancel(ctx context.Context, req request, _ string) {
	b.adm.mu.Lock()
	_, ok := b.adm.awaiting[req.user.ID]
	delete(b.adm.awaiting, req.user.ID)
	b.adm.mu.Unlock()
	key := "broadcast.nothing"
	if ok {
		key = "broadcast.cancelled"
	}
	b.replyText(ctx, req.chat, i18n.T(req.lang, key))
}

// noticeHook takes the message an admin sends after /broadcast as the
// notice: it records a draft, shows an exact preview (a copy made the way
// residents' copies will be) and the audience buttons.
func (b *Bot) noticeHook(ctx context.Context, req request, m *tgbotapi.Message) bool {
	if req.user == nil || req.group() {
		return false
	}
	now := b.now()
	b.adm.mu.Lock()
	w, ok := b.adm.awaiting[req.user.ID]
	delete(b.adm.awaiting, req.user.ID)
	b.adm.mu.Unlock()
	if !ok || now.After(w.until) || w.chatID != req.chat.ID || !b.isAdmin(req) {
		return false
	}
	n, err := b.store.CreateNotice(ctx, req.user.ID, req.chat.ID, m.MessageID, now)
	if err != nil {
		b.log.Error("create a notice", "user_id", req.user.ID, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return true
	}
	b.log.Info("notice drafted", "notice_id", n.ID, "user_id", req.user.ID)
	_, c := b.sender.reply(ctx, message{chatID: req.chat.ID, method: "copyMessage", params: copyParams(req.chat.ID, n, false)})
	if c.verdict != verdictOK {
		b.log.Warn("preview a notice", "notice_id", n.ID, "error", c.reason)
		if _, err := b.store.CancelNotice(ctx, n.ID, req.user.ID, b.now()); err != nil {
			b.log.Error("cancel a notice", "notice_id", n.ID, "error", err)
		}
		b.adm.mu.Lock()
		b.adm.awaiting[req.user.ID] = w
		b.adm.mu.Unlock()
		b.replyText(ctx, req.chat, i18n.T(req.lang, "broadcast.cannot_copy"))
		return true
	}
	if m.MediaGroupID != "" {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "broadcast.album"))
	}
	text, kb, err := b.noticeControl(ctx, req.lang, n)
	if err != nil {
		b.log.Error("show a notice", "notice_id", n.ID, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return true
	}
	b.reply(ctx, req.chat, "sendMessage", withKeyboard(textParams(req.chat.ID, render.Plain(text), false, false), kb))
	return true
}

// copyParams are the parameters of a copyMessage of a notice to chatID.
func copyParams(chatID int64, n subscriptions.Notice, silent bool) tgbotapi.Params {
	p := tgbotapi.Params{
		"chat_id":      strconv.FormatInt(chatID, 10),
		"from_chat_id": strconv.FormatInt(n.SourceChatID, 10),
		"message_id":   strconv.Itoa(n.SourceMessageID),
	}
	if silent {
		p["disable_notification"] = "true"
	}
	return p
}

// composeNotice is the outbox's message for a notice delivery: a copy of
// the admin's message, formatting and media kept.
func (o *outbox) composeNotice(ctx context.Context, d subscriptions.DueDelivery, silent, group bool) ([]message, error) {
	n, err := o.store.Notice(ctx, d.Ref)
	if errors.Is(err, subscriptions.ErrNotFound) {
		return nil, fmt.Errorf("notice %d no longer exists", d.Ref)
	}
	if err != nil {
		return nil, err
	}
	return []message{{chatID: d.ChatID, group: group, method: "copyMessage", params: copyParams(d.ChatID, n, silent)}}, nil
}

// anyInFlight reports whether one of the deliveries is being sent or its outcome not yet recorded.
func (o *outbox) anyInFlight(ids []int64) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, id := range ids {
		if o.inflight[id] {
			return true
		}
	}
	return false
}

// noticeControl is the message under the preview of a draft: its audience,
// the number of recipients, and the buttons.
func (b *Bot) noticeControl(ctx context.Context, lang string, n subscriptions.Notice) (string, tgbotapi.InlineKeyboardMarkup, error) {
	var kb tgbotapi.InlineKeyboardMarkup
	count, err := b.store.CountAudience(ctx, n.Audience, b.defaultLang)
	if err != nil {
		return "", kb, err
	}
	sections, err := b.store.AudienceSections(ctx)
	if err != nil {
		return "", kb, err
	}
	text := i18n.T(lang, "notice.control", n.ID, b.audienceName(lang, n.Audience), count)
	id := strconv.FormatInt(n.ID, 10)
	button := func(label string, a subscriptions.Audience, arg string) tgbotapi.InlineKeyboardButton {
		if n.Audience == a {
			label = "✓ " + label
		}
		return tgbotapi.NewInlineKeyboardButtonData(label, cbNotice+":aud:"+id+":"+arg)
	}
	rows := [][]tgbotapi.InlineKeyboardButton{{
		button(i18n.T(lang, "notice.button.all"), subscriptions.Audience{Kind: subscriptions.AudienceAll}, "all"),
	}}
	var row []tgbotapi.InlineKeyboardButton
	for _, s := range sections {
		data := "s:" + s
		if len(cbNotice+":aud:"+id+":"+data) > 64 {
			b.log.Warn("section name too long for a button", "section", s)
			continue
		}
		row = append(row, button(i18n.T(lang, "notice.button.section", i18n.Section(lang, s)),
			subscriptions.Audience{Kind: subscriptions.AudienceSection, Value: s}, data))
		if len(row) == 2 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	row = nil
	for _, l := range i18n.Languages {
		row = append(row, button(i18n.T(lang, "notice.button.lang."+l),
			subscriptions.Audience{Kind: subscriptions.AudienceLanguage, Value: l}, "l:"+l))
	}
	rows = append(rows, row, []tgbotapi.InlineKeyboardButton{
		tgbotapi.NewInlineKeyboardButtonData(i18n.T(lang, "notice.button.send", count), cbNotice+":send:"+id),
		tgbotapi.NewInlineKeyboardButtonData(i18n.T(lang, "notice.button.cancel"), cbNotice+":cancel:"+id),
	})
	return text, tgbotapi.NewInlineKeyboardMarkup(rows...), nil
}

// audienceName says who an audience is, in lang.
func (b *Bot) audienceName(lang string, a subscriptions.Audience) string {
	switch a.Kind {
	case subscriptions.AudienceLanguage:
		return i18n.T(lang, "notice.audience.lang."+a.Value)
	case subscriptions.AudienceSection:
		return i18n.T(lang, "notice.audience.section", i18n.Section(lang, a.Value))
	}
	return i18n.T(lang, "notice.audience.all")
}

// pressNotice handles the buttons of notices.
func (b *Bot) pressNotice(ctx context.Context, req request, q *tgbotapi.CallbackQuery, rest string) string {
	if !b.isAdmin(req) {
		b.log.Warn("notice button pressed by someone who is not an admin", "chat_id", req.chat.ID, "user_id", requestUserID(req))
		return refuse(req)
	}
	action, id, arg, ok := parseNoticeData(rest)
	if !ok {
		return refuse(req)
	}
	n, err := b.store.Notice(ctx, id)
	if errors.Is(err, subscriptions.ErrNotFound) {
		return refuse(req)
	}
	if err != nil {
		b.log.Error("read a notice", "notice_id", id, "error", err)
		return i18n.T(req.lang, "error.internal")
	}
	switch action {
	case "aud":
		return b.pressAudience(ctx, req, q, n, arg)
	case "send":
		return b.pressSend(ctx, req, q, n)
	case "cancel":
		return b.pressCancel(ctx, req, q, n)
	}
	return b.pressStop(ctx, req, n)
}

// parseNoticeData reads "ACTION:ID[:ARG]", the data of a notice button after its prefix.
func parseNoticeData(data string) (action string, id int64, arg string, ok bool) {
	action, rest, _ := strings.Cut(data, ":")
	idText, arg, _ := strings.Cut(rest, ":")
	id, err := strconv.ParseInt(idText, 10, 64)
	switch {
	case err != nil || id <= 0:
		return "", 0, "", false
	case action == "aud" || (arg == "" && (action == "send" || action == "cancel" || action == "stop")):
		return action, id, arg, true
	}
	return "", 0, "", false
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

func (b *Bot) pressAudience(ctx context.Context, req request, q *tgbotapi.CallbackQuery, n subscriptions.Notice, arg string) string {
	a := subscriptions.Audience{Kind: subscriptions.AudienceAll}
	kind, value, _ := strings.Cut(arg, ":")
	switch kind {
	case "all":
	case "l":
		if !i18n.Supported(value) {
			return refuse(req)
		}
		a = subscriptions.Audience{Kind: subscriptions.AudienceLanguage, Value: value}
	case "s":
		sections, err := b.store.AudienceSections(ctx)
		if err != nil {
			b.log.Error("list sections", "error", err)
			return i18n.T(req.lang, "error.internal")
		}
		if !slices.Contains(sections, value) {
			return refuse(req)
		}
		a = subscriptions.Audience{Kind: subscriptions.AudienceSection, Value: value}
	default:
		return refuse(req)
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
	b.editText(ctx, q.Message.Chat.ID, q.Message.MessageID, render.Plain(text), &kb)
	return i18n.T(req.lang, "notice.answer.audience", b.audienceName(req.lang, a))
}

// pressSend confirms a notice. The store decides, in one transaction, which
// press starts it: any other (a second press, another admin) does nothing.
func (b *Bot) pressSend(ctx context.Context, req request, q *tgbotapi.CallbackQuery, n subscriptions.Notice) string {
	started, recipients, err := b.store.ConfirmNotice(ctx, n.ID, req.user.ID, b.defaultLang, q.Message.Chat.ID, q.Message.MessageID, b.now())
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
	b.outbox.notify()
	if n, err = b.store.Notice(ctx, n.ID); err == nil {
		b.showProgress(ctx, n, subscriptions.NoticeProgress{Pending: recipients})
	}
	return i18n.T(req.lang, "notice.answer.sending", recipients)
}

func (b *Bot) pressCancel(ctx context.Context, req request, q *tgbotapi.CallbackQuery, n subscriptions.Notice) string {
	ok, err := b.store.CancelNotice(ctx, n.ID, req.user.ID, b.now())
	if err != nil {
		b.log.Error("cancel a notice", "notice_id", n.ID, "error", err)
		return i18n.T(req.lang, "error.internal")
	}
	if !ok {
		return stateAnswer(req.lang, n)
	}
	b.log.Info("notice cancelled", "notice_id", n.ID, "user_id", req.user.ID)
	b.editText(ctx, q.Message.Chat.ID, q.Message.MessageID, render.Plain(i18n.T(req.lang, "notice.cancelled", n.ID)), nil)
	return i18n.T(req.lang, "broadcast.cancelled")
}

// pressStop stops a notice being sent: what has not gone out is skipped.
// The final report follows once the sends in flight have settled.
func (b *Bot) pressStop(ctx context.Context, req request, n subscriptions.Notice) string {
	ok, skipped, err := b.store.StopNotice(ctx, n.ID, req.user.ID, b.now())
	if err != nil {
		b.log.Error("stop a notice", "notice_id", n.ID, "error", err)
		return i18n.T(req.lang, "error.internal")
	}
	if !ok {
		return i18n.T(req.lang, "notice.answer.not_sending")
	}
	b.log.Info("notice stopped", "notice_id", n.ID, "user_id", req.user.ID, "not_sent", len(skipped))
	b.adm.mu.Lock()
	b.adm.stopping[n.ID] = stoppingNotice{ids: skipped, at: time.Now()}
	b.adm.mu.Unlock()
	if n.ProgressMessageID != 0 {
		lang := b.adminLang(ctx, n.ProgressChatID)
		b.editText(ctx, n.ProgressChatID, n.ProgressMessageID, render.Plain(i18n.T(lang, "notice.stopping", n.ID)), nil)
	}
	return i18n.T(req.lang, "notice.answer.stopping")
}

// runNotices keeps the progress messages of the notices being sent up to
// date and writes their final reports, until ctx is done. After a restart it
// takes up the notices that were being sent.
func (b *Bot) runNotices(ctx context.Context) error {
	t := time.NewTicker(b.adm.interval)
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

func (b *Bot) reportNotices(ctx context.Context) {
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

func (b *Bot) reportNotice(ctx context.Context, n subscriptions.Notice) {
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
	b.adm.mu.Lock()
	delete(b.adm.shown, n.ID)
	delete(b.adm.stopping, n.ID)
	b.adm.mu.Unlock()
}

// settling reports whether a stopped notice may still have sends in flight.
func (b *Bot) settling(id int64) bool {
	b.adm.mu.Lock()
	st, ok := b.adm.stopping[id]
	b.adm.mu.Unlock()
	return ok && time.Since(st.at) < stopSettle && b.outbox.anyInFlight(st.ids)
}

// showProgress edits the progress message of a notice being sent, with its Stop button.
func (b *Bot) showProgress(ctx context.Context, n subscriptions.Notice, p subscriptions.NoticeProgress) {
	if n.ProgressMessageID == 0 {
		return
	}
	lang := b.adminLang(ctx, n.ProgressChatID)
	text := i18n.T(lang, "notice.progress", n.ID, b.audienceName(lang, n.Audience),
		p.Sent, p.Total(), p.Blocked+p.Failed, p.Pending, adminDuration(lang, b.timeLeft(n, p)))
	b.adm.mu.Lock()
	same := b.adm.shown[n.ID] == text
	b.adm.mu.Unlock()
	if same {
		return
	}
	kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData(i18n.T(lang, "notice.button.stop"), cbNotice+":stop:"+strconv.FormatInt(n.ID, 10))))
	if b.editText(ctx, n.ProgressChatID, n.ProgressMessageID, render.Plain(text), &kb) {
		b.adm.mu.Lock()
		b.adm.shown[n.ID] = text
		b.adm.mu.Unlock()
	}
}

// timeLeft estimates how long the rest of a notice takes: at the pace seen
// so far once there is one, else at the configured rate.
func (b *Bot) timeLeft(n subscriptions.Notice, p subscriptions.NoticeProgress) time.Duration {
	rate := float64(time.Second) / float64(b.sender.limiter.interval)
	done := p.Sent + p.Blocked + p.Failed
	if elapsed := b.now().Sub(n.ConfirmedAt); elapsed >= 5*time.Second && done > 0 {
		rate = float64(done) / elapsed.Seconds()
	}
	return time.Duration(float64(p.Pending) / rate * float64(time.Second))
}

// showReport writes the final report of a notice over its progress message
// (or in a new message when that cannot be edited).
func (b *Bot) showReport(ctx context.Context, n subscriptions.Notice, p subscriptions.NoticeProgress) {
	chatID := n.ProgressChatID
	if chatID == 0 {
		chatID = n.AdminUserID
	}
	lang := b.adminLang(ctx, chatID)
	head := i18n.T(lang, "notice.report.done", n.ID, b.audienceName(lang, n.Audience))
	if n.State == subscriptions.NoticeStopped {
		head = i18n.T(lang, "notice.report.stopped", n.ID, b.audienceName(lang, n.Audience))
	}
	text := head + "\n\n" + i18n.T(lang, "notice.report.figures", p.Sent, p.Blocked, p.Failed, p.Stopped,
		adminDuration(lang, n.FinishedAt.Sub(n.ConfirmedAt)))
	if n.ProgressMessageID != 0 && b.editText(ctx, chatID, n.ProgressMessageID, render.Plain(text), nil) {
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
