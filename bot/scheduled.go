package bot

import (
	"context"
	"strconv"
	"strings"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/subscriptions"
)

// cmdScheduled lists the scheduled notices, the soonest first, with
// buttons to open or cancel each one.
func (b *notices) cmdScheduled(ctx context.Context, req request, _ string) {
	if req.group() {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "admin.private_only"))
		return
	}
	text, kb, err := b.scheduledList(ctx, req.lang)
	if err != nil {
		b.log.Error("list scheduled notices", "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	b.reply(ctx, req.chat, delivery.Message{Text: render.Plain(text), Keyboard: kb})
}

// scheduledList renders the list of /scheduled in lang.
func (b *notices) scheduledList(ctx context.Context, lang string) (string, delivery.Keyboard, error) {
	list, err := b.store.ScheduledNotices(ctx)
	if err != nil {
		return "", nil, err
	}
	if len(list) == 0 {
		return i18n.T(lang, "scheduled.none"), nil, nil
	}
	parts := []string{i18n.T(lang, "scheduled.title", len(list))}
	var kb keyboard
	for _, n := range list {
		count, err := b.store.CountAudience(ctx, n.Audience, i18n.Pick(b.defaultLang))
		if err != nil {
			return "", nil, err
		}
		var langs []string
		for _, v := range n.Versions {
			langs = append(langs, i18n.T(lang, "notice.button.lang."+v.Language))
		}
		who := strconv.FormatInt(n.ConfirmedBy, 10)
		if c, err := b.chats.Chat(ctx, n.ConfirmedBy); err == nil && c.Title != "" {
			who = c.Title
		}
		item := i18n.T(lang, "scheduled.item", n.ID, i18n.DateTime(lang, n.SendAt.In(b.loc)), adminDuration(lang, n.SendAt.Sub(b.now())),
			b.audienceName(lang, n.Audience), count.Total, strings.Join(langs, ", "), who)
		if n.Urgent {
			item += "\n" + i18n.T(lang, "scheduled.urgent")
		}
		parts = append(parts, item)
		kb.row(key{i18n.T(lang, "scheduled.button.open", n.ID), noticeData{action: noticeOpen, id: n.ID}},
			key{i18n.T(lang, "scheduled.button.cancel", n.ID), noticeData{action: noticeCancel, id: n.ID}})
	}
	return strings.Join(parts, "\n\n"), kb.rows, nil
}

// refreshList shows the list of /scheduled again in the message pressed.
func (b *notices) refreshList(ctx context.Context, lang string, p *delivery.Press) {
	text, kb, err := b.scheduledList(ctx, lang)
	if err != nil {
		b.log.Error("list scheduled notices", "error", err)
		return
	}
	b.edit(ctx, p.Chat.ID, p.MessageID, render.Plain(text), kb)
}

// isControls reports whether the pressed message shows the notice's
// controls (and not, say, the list of /scheduled).
func isControls(p *delivery.Press, n subscriptions.Notice) bool {
	return n.ProgressMessageID == 0 || n.ProgressChatID == p.Chat.ID && n.ProgressMessageID == p.MessageID
}
