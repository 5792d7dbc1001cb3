package bot

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/subscriptions"
)

// controls renders the message with a notice's buttons for its state: the
// choices of a draft (or a post), or the time of a scheduled notice.
func (b *notices) controls(ctx context.Context, lang string, n subscriptions.Notice) (string, delivery.Keyboard, error) {
	switch {
	case n.IsPost():
		return b.postControls(ctx, lang, n)
	case n.State == subscriptions.NoticeScheduled:
		return b.scheduledControls(ctx, lang, n)
	}
	return b.draftControls(ctx, lang, n)
}

// draftControls are the choices of a draft: its versions, its audience,
// urgency, the time to send it, and Send.
func (b *notices) draftControls(ctx context.Context, lang string, n subscriptions.Notice) (string, delivery.Keyboard, error) {
	count, err := b.store.CountAudience(ctx, n.Audience, i18n.Pick(b.defaultLang))
	if err != nil {
		return "", nil, err
	}
	sections, err := b.store.AudienceSections(ctx)
	if err != nil {
		return "", nil, err
	}
	head := "notice.head.draft"
	if n.Urgent {
		head = "notice.head.urgent"
	}
	hint := i18n.T(lang, "notice.hint")
	if !n.SendAt.IsZero() {
		hint = i18n.T(lang, "notice.hint.schedule")
	}
	lines := append([]string{i18n.T(lang, head, n.ID), ""}, b.summary(lang, n, count)...)
	lines = append(lines, b.whenLine(lang, n), "", hint)

	var kb keyboard
	kb.row(key{i18n.T(lang, "notice.button.main", i18n.T(lang, "notice.button.lang."+n.Language)), noticeData{action: noticeMainAsk, id: n.ID}})
	var row []key
	for _, l := range subscriptions.Languages() {
		if l == n.Language {
			continue
		}
		label := "notice.button.add"
		if n.HasVersion(l) {
			label = "notice.button.replace"
		}
		row = append(row, key{i18n.T(lang, label, i18n.T(lang, "notice.button.lang."+l)), noticeData{action: noticeVersion, id: n.ID, arg: l}})
	}
	kb.row(row...)
	tick := func(label string, on bool) string {
		if on {
			return "✓ " + label
		}
		return label
	}
	row = []key{{tick(i18n.T(lang, "notice.button.sections_all"), n.Audience.Section == ""), noticeData{action: noticeSection, id: n.ID, arg: noticeAll}}}
	for _, s := range sections {
		row = append(row, key{tick(i18n.T(lang, "notice.button.section", b.sections.Name(lang, s)), n.Audience.Section == s),
			noticeData{action: noticeSection, id: n.ID, arg: s}})
		if len(row) == 2 {
			kb.row(row...)
			row = nil
		}
	}
	kb.row(row...)
	row = []key{{tick(i18n.T(lang, "notice.button.langs_all"), n.Audience.Language == ""), noticeData{action: noticeLanguage, id: n.ID, arg: noticeAll}}}
	for _, l := range subscriptions.Languages() {
		row = append(row, key{tick(i18n.T(lang, "notice.button.audience_lang", i18n.T(lang, "notice.button.lang."+l)), n.Audience.Language == l),
			noticeData{action: noticeLanguage, id: n.ID, arg: l}})
	}
	kb.row(row...)
	urgent := key{i18n.T(lang, "notice.button.urgent"), noticeData{action: noticeUrgentAsk, id: n.ID}}
	if n.Urgent {
		urgent = key{i18n.T(lang, "notice.button.not_urgent"), noticeData{action: noticeUrgentOff, id: n.ID}}
	}
	if n.SendAt.IsZero() {
		kb.row(urgent, key{i18n.T(lang, "notice.button.later"), noticeData{action: noticeWhen, id: n.ID}})
	} else {
		kb.row(urgent)
		kb.row(key{i18n.T(lang, "notice.button.change_time"), noticeData{action: noticeWhen, id: n.ID}},
			key{i18n.T(lang, "notice.button.at_once"), noticeData{action: noticeAtOnce, id: n.ID}})
	}
	send := key{i18n.T(lang, "notice.button.send", count.Total), noticeData{action: noticeSend, id: n.ID}}
	switch {
	case !n.SendAt.IsZero():
		send = key{i18n.T(lang, "notice.button.schedule", count.Total), noticeData{action: noticeSchedule, id: n.ID}}
	case n.Urgent:
		send = key{i18n.T(lang, "notice.button.send_urgent", count.Total), noticeData{action: noticeSend, id: n.ID}}
	}
	kb.row(send, key{i18n.T(lang, "notice.button.cancel"), noticeData{action: noticeCancel, id: n.ID}})
	if kb.err != nil {
		b.log.Warn("a button of a notice left out", "notice_id", n.ID, "error", kb.err)
	}
	return strings.Join(lines, "\n"), kb.rows, nil
}

// summary are the lines that say what a message notice is: its versions,
// who gets it and how many they are now, and whether it is urgent.
func (b *notices) summary(lang string, n subscriptions.Notice, count subscriptions.AudienceCount) []string {
	var have, rest []string
	for _, v := range n.Versions {
		name := i18n.T(lang, "notice.button.lang."+v.Language)
		if v.Language == n.Language {
			name = i18n.T(lang, "notice.version.main", name)
		}
		have = append(have, name)
	}
	for _, l := range subscriptions.Languages() {
		if !n.HasVersion(l) {
			rest = append(rest, i18n.T(lang, "notice.button.lang."+l))
		}
	}
	lines := []string{i18n.T(lang, "notice.versions", strings.Join(have, " · "))}
	if len(rest) > 0 {
		lines = append(lines, i18n.T(lang, "notice.versions.rest", strings.Join(rest, ", ")))
	}
	lines = append(lines, i18n.T(lang, "notice.to", b.audienceName(lang, n.Audience)))
	switch {
	case count.Digest == 0:
		lines = append(lines, i18n.T(lang, "notice.count", count.Total))
	case n.Urgent:
		lines = append(lines, i18n.T(lang, "notice.count.digest_urgent", count.Total, count.Digest))
	default:
		lines = append(lines, i18n.T(lang, "notice.count.digest", count.Total, count.Digest))
	}
	if n.Urgent {
		lines = append(lines, i18n.T(lang, "notice.urgent.on"))
	}
	return lines
}

// whenLine says when a draft goes out.
func (b *notices) whenLine(lang string, n subscriptions.Notice) string {
	now := b.now()
	switch {
	case n.SendAt.IsZero():
		return i18n.T(lang, "notice.when.now")
	case n.SendAt.After(now):
		return i18n.T(lang, "notice.when.at", i18n.DateTime(lang, n.SendAt.In(b.loc)), adminDuration(lang, n.SendAt.Sub(now)))
	}
	return i18n.T(lang, "notice.when.passed", i18n.DateTime(lang, n.SendAt.In(b.loc)))
}

// scheduledControls show a scheduled notice: when it goes, to whom, and
// the buttons to change or cancel it.
func (b *notices) scheduledControls(ctx context.Context, lang string, n subscriptions.Notice) (string, delivery.Keyboard, error) {
	count, err := b.store.CountAudience(ctx, n.Audience, i18n.Pick(b.defaultLang))
	if err != nil {
		return "", nil, err
	}
	lines := append([]string{i18n.T(lang, "notice.head.scheduled", n.ID, i18n.DateTime(lang, n.SendAt.In(b.loc)),
		adminDuration(lang, n.SendAt.Sub(b.now()))), ""}, b.summary(lang, n, count)...)
	lines = append(lines, "", i18n.T(lang, "notice.scheduled.hint"))
	var kb keyboard
	kb.row(key{i18n.T(lang, "notice.button.edit"), noticeData{action: noticeUnschedule, id: n.ID}},
		key{i18n.T(lang, "notice.button.unschedule_cancel"), noticeData{action: noticeCancel, id: n.ID}})
	return strings.Join(lines, "\n"), kb.rows, nil
}

// postControls show a /post draft: how many will get the article, and Send.
func (b *notices) postControls(ctx context.Context, lang string, n subscriptions.Notice) (string, delivery.Keyboard, error) {
	res, err := b.store.PreviewPost(ctx, *n.Article, b.now())
	if err != nil {
		return "", nil, err
	}
	lines := []string{i18n.T(lang, "post.head"), ""}
	if res.Digest > 0 {
		lines = append(lines, i18n.T(lang, "post.count.digest", res.Enqueued+res.Digest, res.Digest))
	} else {
		lines = append(lines, i18n.T(lang, "post.count", res.Enqueued))
	}
	if res.Known {
		lines = append(lines, i18n.T(lang, "post.known"))
	}
	var kb keyboard
	kb.row(key{i18n.T(lang, "notice.button.send", res.Enqueued+res.Digest), noticeData{action: noticeSend, id: n.ID}},
		key{i18n.T(lang, "notice.button.cancel"), noticeData{action: noticeCancel, id: n.ID}})
	return strings.Join(lines, "\n"), kb.rows, nil
}

// audienceName says who an audience is, in lang.
func (b *notices) audienceName(lang string, a subscriptions.Audience) string {
	switch {
	case a.Section != "" && a.Language != "":
		return i18n.T(lang, "notice.audience.section_lang."+a.Language, b.sections.Name(lang, a.Section))
	case a.Section != "":
		return i18n.T(lang, "notice.audience.section", b.sections.Name(lang, a.Section))
	case a.Language != "":
		return i18n.T(lang, "notice.audience.lang."+a.Language)
	}
	return i18n.T(lang, "notice.audience.all")
}

// pressNotice handles the buttons of notices. Every press reads the notice
// afresh and the store changes it only in the state the button is for, so
// two admins, or one pressing twice, never do a thing twice.
func (b *notices) pressNotice(ctx context.Context, req request, p *delivery.Press) string {
	if !b.isAdmin(req) {
		b.log.Warn("notice button pressed by someone who is not an admin", "chat_id", req.chat.ID, "user_id", req.userID())
		return refuse(req)
	}
	d, ok := decodeNotice(p.Data)
	if !ok {
		return refuse(req)
	}
	n, answer, ok := b.readNotice(ctx, req, d.id)
	if !ok {
		return answer
	}
	switch d.action {
	case noticeStop:
		return b.pressStop(ctx, req, n)
	case noticeOpen:
		return b.pressOpen(ctx, req, n)
	case noticeSend:
		return b.pressSend(ctx, req, p, n)
	case noticeCancel:
		return b.pressCancel(ctx, req, p, n)
	case noticeUnschedule:
		return b.pressUnschedule(ctx, req, p, n)
	}
	// The rest change a draft.
	if n.State != subscriptions.NoticeDraft {
		return stateAnswer(req.lang, n)
	}
	if n.IsPost() {
		return refuse(req)
	}
	if n.ProgressChatID != p.Chat.ID || n.ProgressMessageID != p.MessageID {
		b.moveControls(ctx, n, p.Chat.ID, p.MessageID)
	}
	var changed bool
	var err error
	toast := ""
	switch d.action {
	case noticeSection, noticeLanguage:
		a := n.Audience
		arg := d.arg
		if arg == noticeAll {
			arg = ""
		}
		if d.action == noticeLanguage {
			a.Language = arg
		} else {
			sections, err := b.store.AudienceSections(ctx)
			if err != nil {
				b.log.Error("list sections", "error", err)
				return i18n.T(req.lang, "error.internal")
			}
			if arg != "" && !slices.Contains(sections, arg) {
				return refuse(req)
			}
			a.Section = arg
		}
		changed, err = b.store.SetNoticeAudience(ctx, n.ID, a)
		n.Audience, toast = a, i18n.T(req.lang, "notice.answer.audience", b.audienceName(req.lang, a))
	case noticeVersion:
		b.await(req, step{kind: stepVersion, notice: n.ID, lang: d.arg})
		key := "notice.version.ask"
		if n.HasVersion(d.arg) {
			key = "notice.version.ask_replace"
		}
		b.replyText(ctx, req.chat, i18n.T(req.lang, key, n.ID, i18n.T(req.lang, "notice.button.lang."+d.arg)))
		return ""
	case noticeWhen:
		b.await(req, step{kind: stepTime, notice: n.ID})
		now := b.now().In(b.loc)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "notice.when.ask", n.ID, i18n.Zone(req.lang, b.loc, now), i18n.DateTime(req.lang, now)))
		return ""
	case noticeMainAsk:
		b.showMainLanguage(ctx, req.lang, p, n)
		return ""
	case noticeUrgentAsk:
		var kb keyboard
		kb.row(key{i18n.T(req.lang, "notice.button.urgent_yes"), noticeData{action: noticeUrgentOn, id: n.ID}},
			key{i18n.T(req.lang, "button.back"), noticeData{action: noticeBack, id: n.ID}})
		b.edit(ctx, p.Chat.ID, p.MessageID, render.Plain(i18n.T(req.lang, "notice.urgent.ask", n.ID)), kb.rows)
		return ""
	case noticeMain:
		if n.HasVersion(d.arg) && d.arg != n.Language {
			return i18n.T(req.lang, "notice.answer.lang_taken")
		}
		changed, err = b.store.SetNoticeLanguage(ctx, n.ID, d.arg)
		toast = i18n.T(req.lang, "notice.answer.main", i18n.T(req.lang, "notice.button.lang."+d.arg))
	case noticeUrgentOn, noticeUrgentOff:
		on := d.action == noticeUrgentOn
		changed, err = b.store.SetNoticeUrgent(ctx, n.ID, on)
		if on {
			b.log.Info("notice made urgent", "notice_id", n.ID, "user_id", req.user.ID)
			toast = i18n.T(req.lang, "notice.answer.urgent_on")
		} else {
			toast = i18n.T(req.lang, "notice.answer.urgent_off")
		}
	case noticeAtOnce:
		changed, err = b.store.SetNoticeSendAt(ctx, n.ID, time.Time{})
		toast = i18n.T(req.lang, "notice.answer.at_once")
	case noticeSchedule:
		return b.pressSchedule(ctx, req, p, n)
	case noticeBack:
		changed = true
	}
	if n, answer, ok = b.changed(ctx, req, n.ID, d.action, changed, err); !ok {
		return answer
	}
	b.redraw(ctx, req.lang, p, n)
	return toast
}

// changed reads a notice after the store changed it (ok from the store: it
// was in the state for the change) and says what to answer when it did
// not: the error, or why the notice did not change.
func (b *notices) changed(ctx context.Context, req request, id int64, action string, ok bool, err error) (subscriptions.Notice, string, bool) {
	if err != nil {
		b.log.Error("change a notice", "notice_id", id, "action", action, "error", err)
		return subscriptions.Notice{}, i18n.T(req.lang, "error.internal"), false
	}
	n, answer, read := b.readNotice(ctx, req, id)
	switch {
	case !read:
		return n, answer, false
	case !ok:
		return n, stateAnswer(req.lang, n), false
	}
	return n, "", true
}

// redraw renders the controls of a notice over the pressed message.
func (b *notices) redraw(ctx context.Context, lang string, p *delivery.Press, n subscriptions.Notice) {
	text, kb, err := b.controls(ctx, lang, n)
	if err != nil {
		b.log.Error("show a notice", "notice_id", n.ID, "error", err)
		return
	}
	b.edit(ctx, p.Chat.ID, p.MessageID, render.Plain(text), kb)
}

// showMainLanguage asks in which language the first version is.
func (b *notices) showMainLanguage(ctx context.Context, lang string, p *delivery.Press, n subscriptions.Notice) {
	var kb keyboard
	var row []key
	for _, l := range subscriptions.Languages() {
		label := i18n.T(lang, "notice.button.lang."+l)
		if l == n.Language {
			label = "✓ " + label
		}
		row = append(row, key{label, noticeData{action: noticeMain, id: n.ID, arg: l}})
	}
	kb.row(row...)
	kb.row(key{i18n.T(lang, "button.back"), noticeData{action: noticeBack, id: n.ID}})
	b.edit(ctx, p.Chat.ID, p.MessageID, render.Plain(i18n.T(lang, "notice.main.ask", n.ID)), kb.rows)
}

// pressSend confirms a notice. The store decides, in one transaction, which
// press starts it: any other (a second press, another admin) does nothing.
func (b *notices) pressSend(ctx context.Context, req request, p *delivery.Press, n subscriptions.Notice) string {
	if n.State != subscriptions.NoticeDraft {
		return stateAnswer(req.lang, n)
	}
	if err := b.store.SetNoticeControl(ctx, n.ID, p.Chat.ID, p.MessageID); err != nil {
		b.log.Error("record a notice's controls", "notice_id", n.ID, "error", err)
		return i18n.T(req.lang, "error.internal")
	}
	started, n, err := b.store.ConfirmNotice(ctx, n.ID, req.user.ID, b.fanOut(), b.now())
	if err != nil {
		b.log.Error("confirm a notice", "notice_id", n.ID, "error", err)
		return i18n.T(req.lang, "error.internal")
	}
	if !started {
		return stateAnswer(req.lang, n)
	}
	b.log.Info("notice confirmed", "notice_id", n.ID, "user_id", req.user.ID, "audience", n.Audience.String(),
		"recipients", n.Recipients, "urgent", n.Urgent, "post", n.IsPost())
	b.engine.Wake()
	if progress, err := b.store.NoticeProgress(ctx, n.ID, b.now()); err == nil {
		b.showProgress(ctx, n, progress)
	}
	return i18n.T(req.lang, "notice.answer.sending", n.Recipients)
}

// pressSchedule schedules a draft for the time set on it.
func (b *notices) pressSchedule(ctx context.Context, req request, p *delivery.Press, n subscriptions.Notice) string {
	if n.SendAt.IsZero() || !n.SendAt.After(b.now()) {
		return i18n.T(req.lang, "notice.answer.past")
	}
	ok, err := b.store.ScheduleNotice(ctx, n.ID, req.user.ID, b.now())
	n, answer, ok := b.changed(ctx, req, n.ID, noticeSchedule, ok, err)
	if !ok {
		return answer
	}
	b.log.Info("notice scheduled", "notice_id", n.ID, "user_id", req.user.ID, "send_at", n.SendAt)
	b.redraw(ctx, req.lang, p, n)
	return i18n.T(req.lang, "notice.answer.scheduled", i18n.DateTime(req.lang, n.SendAt.In(b.loc)))
}

// pressUnschedule takes a scheduled notice back to a draft, to change it.
func (b *notices) pressUnschedule(ctx context.Context, req request, p *delivery.Press, n subscriptions.Notice) string {
	ok, err := b.store.UnscheduleNotice(ctx, n.ID, req.user.ID, b.now())
	n, answer, ok := b.changed(ctx, req, n.ID, noticeUnschedule, ok, err)
	if !ok {
		return answer
	}
	b.log.Info("notice unscheduled", "notice_id", n.ID, "user_id", req.user.ID)
	b.moveControls(ctx, n, p.Chat.ID, p.MessageID)
	b.redraw(ctx, req.lang, p, n)
	return i18n.T(req.lang, "notice.answer.unscheduled")
}

// pressOpen shows a scheduled notice again (from /scheduled): its versions
// and its controls, which move to this chat.
func (b *notices) pressOpen(ctx context.Context, req request, n subscriptions.Notice) string {
	if n.State != subscriptions.NoticeScheduled {
		return stateAnswer(req.lang, n)
	}
	for _, v := range n.Versions {
		if err := b.reply(ctx, req.chat, versionCopy(v)); err != nil {
			b.replyText(ctx, req.chat, i18n.T(req.lang, "notice.gone", n.ID))
		}
	}
	b.showControls(ctx, req.chat, req.lang, n)
	return ""
}

func (b *notices) pressCancel(ctx context.Context, req request, p *delivery.Press, n subscriptions.Notice) string {
	ok, err := b.store.CancelNotice(ctx, n.ID, req.user.ID, b.now())
	if _, answer, ok := b.changed(ctx, req, n.ID, noticeCancel, ok, err); !ok {
		return answer
	}
	b.log.Info("notice cancelled", "notice_id", n.ID, "user_id", req.user.ID)
	if isControls(p, n) {
		b.edit(ctx, p.Chat.ID, p.MessageID, render.Plain(i18n.T(req.lang, "notice.cancelled", n.ID)), nil)
	} else { // pressed in the list of /scheduled
		b.refreshList(ctx, req.lang, p)
		b.edit(ctx, n.ProgressChatID, n.ProgressMessageID, render.Plain(i18n.T(b.langOf(ctx, n.ProgressChatID), "notice.cancelled", n.ID)), nil)
	}
	return i18n.T(req.lang, "broadcast.cancelled")
}

// pressStop stops a notice being sent: what has not gone out is skipped.
// The final report follows once the sends in flight have settled.
func (b *notices) pressStop(ctx context.Context, req request, n subscriptions.Notice) string {
	// The notices loop reports a stopped notice as soon as it sees one: it
	// must wait until the stop is recorded and "stopping" shown, or that
	// edit would replace its report.
	b.mu.Lock()
	b.stopping[n.ID] = stoppingNotice{at: time.Now(), stopping: true}
	b.mu.Unlock()
	ok, skipped, err := b.store.StopNotice(ctx, n.ID, req.user.ID, b.now())
	if err != nil || !ok {
		b.mu.Lock()
		delete(b.stopping, n.ID)
		b.mu.Unlock()
		if err != nil {
			b.log.Error("stop a notice", "notice_id", n.ID, "error", err)
			return i18n.T(req.lang, "error.internal")
		}
		return i18n.T(req.lang, "notice.answer.not_sending")
	}
	b.log.Info("notice stopped", "notice_id", n.ID, "user_id", req.user.ID, "not_sent", len(skipped))
	if n.ProgressMessageID != 0 {
		lang := b.langOf(ctx, n.ProgressChatID)
		b.edit(ctx, n.ProgressChatID, n.ProgressMessageID, render.Plain(i18n.T(lang, "notice.stopping", n.ID)), nil)
	}
	b.mu.Lock()
	b.stopping[n.ID] = stoppingNotice{ids: skipped, at: time.Now()}
	b.mu.Unlock()
	return i18n.T(req.lang, "notice.answer.stopping")
}
