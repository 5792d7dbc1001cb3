package bot

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/subscriptions"
)

// cmdAudit shows the latest entries of the audit trail, one sentence each.
func (b *adminTools) cmdAudit(ctx context.Context, req request, _ string) {
	entries, err := b.store.AuditLog(ctx, auditShown)
	if err != nil {
		b.log.Error("read the audit trail", "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	if len(entries) == 0 {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "audit.empty"))
		return
	}
	lines := []string{i18n.T(req.lang, "audit.title", len(entries)), ""}
	for _, e := range entries {
		lines = append(lines, b.auditLine(req.lang, e))
	}
	b.replyText(ctx, req.chat, strings.Join(lines, "\n"))
}

// auditLine tells one entry as a sentence in lang: "02.03 12:00 — Staff
// (id 9001) started sending notice #1 to all subscribers: 2 recipients".
func (b *adminTools) auditLine(lang string, e subscriptions.AuditEntry) string {
	at, now := e.At.In(b.loc), b.now().In(b.loc)
	layout := "02.01 15:04"
	if at.Year() != now.Year() {
		layout = "02.01.2006 15:04"
	}
	who := i18n.T(lang, "audit.bot")
	switch {
	case e.UserID != 0 && e.UserName != "":
		who = i18n.T(lang, "audit.user", e.UserName, e.UserID)
	case e.UserID != 0:
		who = i18n.T(lang, "audit.user_id", e.UserID)
	}
	return i18n.T(lang, "audit.line", at.Format(layout), who, render.Cut(b.auditWhat(lang, e), maxAuditWhat))
}

// maxAuditWhat bounds what one entry of /audit says: 20 of them share a message.
const maxAuditWhat = 180

// auditWhat says what an entry records, from its action and its fields.
func (b *adminTools) auditWhat(lang string, e subscriptions.AuditEntry) string {
	f := e.Fields()
	num := func(key string) string { // a count, grouped as lang writes numbers
		n, err := strconv.Atoi(f[key])
		if err != nil {
			return "?"
		}
		return i18n.Number(lang, n)
	}
	switch e.Action {
	case subscriptions.AuditNoticeCreated:
		return i18n.T(lang, "audit.notice.created", e.Ref)
	case subscriptions.AuditNoticeSent, subscriptions.AuditNoticeUrgent:
		urgent := e.Action == subscriptions.AuditNoticeUrgent
		audience, ok := b.audienceWords(lang, f["audience"])
		switch {
		case ok && urgent:
			return i18n.T(lang, "audit.notice.urgent", e.Ref, audience, num("recipients"))
		case ok:
			return i18n.T(lang, "audit.notice.sent", e.Ref, audience, num("recipients"))
		case urgent:
			return i18n.T(lang, "audit.notice.urgent_count", e.Ref, num("recipients"))
		}
		return i18n.T(lang, "audit.notice.sent_count", e.Ref, num("recipients"))
	case subscriptions.AuditNoticeScheduled:
		at, err := time.Parse(time.RFC3339, f["send_at"])
		if err != nil {
			break
		}
		return i18n.T(lang, "audit.notice.scheduled", e.Ref, i18n.DateTime(lang, at.In(b.loc)))
	case subscriptions.AuditNoticeUnscheduled:
		return i18n.T(lang, "audit.notice.unscheduled", e.Ref)
	case subscriptions.AuditNoticeCancelled:
		return i18n.T(lang, "audit.notice.cancelled", e.Ref)
	case subscriptions.AuditNoticeStopped:
		return i18n.T(lang, "audit.notice.stopped", e.Ref, num("not_sent"))
	case subscriptions.AuditNoticeFinished:
		return i18n.T(lang, "audit.notice.finished", e.Ref, num("delivered"), num("blocked"), num("failed"))
	case subscriptions.AuditPost:
		// Entries say how many got it at once (now=, before notices) or in all (recipients=).
		digest, err1 := strconv.Atoi(f["digest"])
		now, err2 := strconv.Atoi(f["now"])
		if recipients, err := strconv.Atoi(f["recipients"]); err == nil {
			now, err2 = recipients-digest, nil
		}
		if err1 != nil || err2 != nil {
			return i18n.T(lang, "audit.post_link", e.Ref, f["link"])
		}
		return i18n.T(lang, "audit.post", e.Ref, i18n.Number(lang, now), i18n.Number(lang, digest), f["link"])
	case subscriptions.AuditPostFinished:
		return i18n.T(lang, "audit.post.finished", e.Ref, num("delivered"), num("blocked"), num("failed"))
	case subscriptions.AuditFeedDown:
		words, _ := feedTrouble(lang, f["error"])
		return i18n.T(lang, "audit.feed.down", b.auditFeed(lang, f), words)
	case subscriptions.AuditFeedRecovered:
		return i18n.T(lang, "audit.feed.recovered", b.auditFeed(lang, f))
	case subscriptions.AuditFeedTruncated:
		return i18n.T(lang, "audit.feed.truncated", b.auditFeed(lang, f))
	case subscriptions.AuditFeedFlood:
		announced, err1 := strconv.Atoi(f["announced"])
		more, err2 := strconv.Atoi(f["more"])
		if err1 != nil || err2 != nil {
			break
		}
		return i18n.T(lang, "audit.feed.flood", b.auditFeed(lang, f), i18n.Number(lang, announced+more), i18n.Number(lang, announced))
	}
	// An action this version has no words for (written by a newer one).
	what := i18n.T(lang, "audit.other", e.Action, e.Ref)
	if e.Details != "" {
		what += " (" + e.Details + ")"
	}
	return what
}

// auditFeed names the feed of a feed alert: by its section, else (an entry
// of an older version) by its address.
func (b *adminTools) auditFeed(lang string, f map[string]string) string {
	if f["section"] == "" {
		return f["url"]
	}
	return b.feedLabel(lang, f["section"], f["language"])
}

// audienceWords says who an audience as the audit writes it ("all",
// "section:news,language:be": subscriptions.Audience.String) is; ok is
// false for one it cannot read.
func (b *adminTools) audienceWords(lang, audience string) (string, bool) {
	a, ok := subscriptions.ParseAudience(audience)
	if !ok {
		return "", false
	}
	return b.audienceName(lang, a), true
}
