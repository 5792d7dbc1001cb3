package bot

import (
	"context"
	"strings"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/subscriptions"
)

// run starts the scheduled notices whose time has come, keeps the progress
// messages of the notices being sent up to date and writes their final
// reports, until ctx is done. After a restart it takes up the notices that
// were being sent, and starts at once those whose time passed meanwhile.
func (b *notices) run(ctx context.Context) error {
	b.started = b.now()
	t := time.NewTicker(b.interval)
	defer t.Stop()
	for {
		b.startDue(ctx)
		b.reportNotices(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// startDue starts the scheduled notices whose time has come and tells the
// admin who has their controls, with the delay when they start late.
func (b *notices) startDue(ctx context.Context) {
	now := b.now()
	started, err := b.store.StartDueNotices(ctx, b.fanOut(), now)
	if err != nil && ctx.Err() == nil {
		b.log.Error("start scheduled notices", "error", err)
	}
	for _, n := range started {
		late := now.Sub(n.SendAt)
		b.log.Info("scheduled notice started", "notice_id", n.ID, "send_at", n.SendAt, "late", late.Round(time.Second),
			"recipients", n.Recipients, "urgent", n.Urgent)
		b.engine.Wake()
		chatID := n.ProgressChatID
		if chatID == 0 {
			chatID = n.ConfirmedBy
		}
		lang := b.langOf(ctx, chatID)
		at := i18n.DateTime(lang, n.SendAt.In(b.loc))
		text := i18n.T(lang, "notice.started", n.ID, at)
		switch {
		case n.SendAt.Before(b.started):
			text = i18n.T(lang, "notice.late.down", n.ID, at, adminDuration(lang, late))
		case late > lateAfter:
			text = i18n.T(lang, "notice.late", n.ID, at, adminDuration(lang, late))
		}
		chat := subscriptions.Chat{ID: chatID, Type: subscriptions.ChatPrivate}
		b.replyText(ctx, chat, text)
		id, err := b.engine.ReplyID(ctx, delivery.Message{ChatID: chatID, Text: render.Plain(i18n.T(lang, "notice.progress.starting", n.ID))})
		if err == nil {
			b.moveControls(ctx, n, chatID, id)
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
	now := b.now()
	p, err := b.store.NoticeProgress(ctx, n.ID, now)
	if err != nil {
		b.log.Error("read a notice's progress", "notice_id", n.ID, "error", err)
		return
	}
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

// settling reports whether a stopped notice may still have sends in flight,
// or its stop is still being recorded and shown.
func (b *notices) settling(id int64) bool {
	b.mu.Lock()
	st, ok := b.stopping[id]
	b.mu.Unlock()
	return ok && time.Since(st.at) < stopSettle && (st.stopping || b.engine.InFlight(st.ids))
}

// progressHead says what is being sent, in lang: the notice and its
// audience, or the article of a post.
func (b *notices) progressHead(lang string, n subscriptions.Notice) string {
	switch {
	case n.IsPost():
		return i18n.T(lang, "post.progress.head", n.Article.Title)
	case n.Urgent:
		return i18n.T(lang, "notice.progress.head_urgent", n.ID, b.audienceName(lang, n.Audience))
	}
	return i18n.T(lang, "notice.progress.head", n.ID, b.audienceName(lang, n.Audience))
}

// reportHead says what was sent, or stopped, in lang.
func (b *notices) reportHead(lang string, n subscriptions.Notice) string {
	stopped := n.State == subscriptions.NoticeStopped
	switch {
	case n.IsPost() && stopped:
		return i18n.T(lang, "post.report.stopped", n.Article.Title)
	case n.IsPost():
		return i18n.T(lang, "post.report.done", n.Article.Title)
	case stopped:
		return i18n.T(lang, "notice.report.stopped", n.ID, b.audienceName(lang, n.Audience))
	}
	return i18n.T(lang, "notice.report.done", n.ID, b.audienceName(lang, n.Audience))
}

// showProgress edits the progress message of a notice being sent, with its Stop button.
func (b *notices) showProgress(ctx context.Context, n subscriptions.Notice, p subscriptions.NoticeProgress) {
	if n.ProgressMessageID == 0 {
		return
	}
	lang := b.langOf(ctx, n.ProgressChatID)
	lines := []string{b.progressHead(lang, n), "",
		i18n.T(lang, "notice.progress.figures", p.Sent, p.Total(), p.Blocked+p.Failed, p.Pending, adminDuration(lang, b.timeLeft(n, p)))}
	if p.Waiting > 0 {
		lines = append(lines, i18n.T(lang, "notice.progress.waiting", p.Waiting))
	}
	if n.IsPost() && n.Digest > 0 {
		lines = append(lines, i18n.T(lang, "post.digest", n.Digest))
	}
	text := strings.Join(lines, "\n")
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

// timeLeft estimates how long the rest of a notice takes (those waiting
// for their digest hour aside): at the pace seen so far once there is one,
// else at the configured rate, which counts each item of an album.
func (b *notices) timeLeft(n subscriptions.Notice, p subscriptions.NoticeProgress) time.Duration {
	rate := b.engine.Pace()
	if len(n.Versions) > 0 {
		rate /= float64(max(len(n.Versions[0].MessageIDs), 1))
	}
	done := p.Sent + p.Blocked + p.Failed
	if elapsed := b.now().Sub(n.StartedAt); elapsed >= 5*time.Second && done > 0 {
		rate = float64(done) / elapsed.Seconds()
	}
	return time.Duration(float64(p.Pending-p.Waiting) / rate * float64(time.Second))
}

// showReport writes the final report of a notice over its progress message
// (or in a new message when that cannot be edited).
func (b *notices) showReport(ctx context.Context, n subscriptions.Notice, p subscriptions.NoticeProgress) {
	chatID := n.ProgressChatID
	if chatID == 0 {
		chatID = n.ConfirmedBy
	}
	lang := b.langOf(ctx, chatID)
	text := b.reportHead(lang, n) + "\n\n" + i18n.T(lang, "notice.report.figures", p.Sent, p.Blocked, p.Failed, p.Stopped,
		adminDuration(lang, n.FinishedAt.Sub(n.StartedAt)))
	if n.IsPost() && n.Digest > 0 {
		text += "\n" + i18n.T(lang, "post.digest", n.Digest)
	}
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
