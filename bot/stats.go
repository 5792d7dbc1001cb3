package bot

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/subscriptions"
)

// cmdStats shows the figures a press office asks for: subscribers, their
// changes over a week, deliveries over a day, the feeds, the queue.
func (b *adminTools) cmdStats(ctx context.Context, req request, _ string) {
	now := b.now()
	st, err := b.store.Stats(ctx, now.Add(-7*24*time.Hour), now.Add(-24*time.Hour))
	if err != nil {
		b.log.Error("compute statistics", "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	feeds, err := b.store.Feeds(ctx)
	if err != nil {
		b.log.Error("read feeds", "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	sections, err := b.store.AudienceSections(ctx)
	if err != nil {
		b.log.Error("list sections", "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	b.replyText(ctx, req.chat, b.statsText(req.lang, now, st, feeds, sections, b.startLinksLine(ctx, req.lang, now)))
}

// statsText lays the statistics out in lang.
func (b *adminTools) statsText(lang string, now time.Time, st subscriptions.Stats, feeds []subscriptions.Feed, sections []string, links string) string {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	var langs []string
	for _, l := range subscriptions.Languages() {
		langs = append(langs, fmt.Sprintf("%s %d", t("notice.button.lang."+l), st.ByLanguage[l]))
	}
	if n := st.ByLanguage[""]; n > 0 {
		langs = append(langs, fmt.Sprintf("%s %d", t("stats.lang_unset"), n))
	}
	lines := []string{
		t("stats.title", i18n.DateTime(lang, now.In(b.loc))),
		"",
		t("stats.subscribers", st.Active, st.Blocked, st.Left),
		t("stats.by_language", strings.Join(langs, ", ")),
	}
	if len(sections) > 0 {
		var secs []string
		for _, s := range sections {
			secs = append(secs, fmt.Sprintf("%s %d", b.sections.Name(lang, s), st.BySection[s]))
		}
		lines = append(lines, t("stats.by_section", strings.Join(secs, ", ")))
	}
	lines = append(lines,
		t("stats.modes", st.Instant, st.Digest),
		t("stats.kinds", st.Private, st.Groups, st.Channels),
		t("stats.week", st.New, st.Lost),
		links,
		"",
		t("stats.deliveries", st.Sent, st.Failed, st.Skipped),
		t("stats.waits", b.engine.RateLimited()),
		t("stats.queue", st.Pending),
		"",
		t("stats.feeds"),
	)
	for _, f := range feeds {
		if f.IsPosted() {
			continue
		}
		label := b.sections.Name(lang, f.Section)
		if f.Language != "" {
			label += " (" + f.Language + ")"
		}
		label += " — " + f.URL
		last := t("stats.never")
		if !f.LastSuccessAt.IsZero() {
			last = i18n.DateTime(lang, f.LastSuccessAt.In(b.loc))
		}
		if f.LastError == "" {
			lines = append(lines, t("stats.feed_ok", label, last, f.ItemCount))
		} else {
			lines = append(lines, t("stats.feed_failing", label, last, render.Cut(f.LastError, 200), f.ItemCount))
		}
	}
	version := b.version
	if version == "" {
		version = "dev"
	}
	lines = append(lines, "", t("stats.uptime", adminDuration(lang, now.Sub(b.started)), version))
	return strings.Join(lines, "\n")
}

// cmdAudit shows the latest entries of the audit trail.
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

// auditLine is one entry of /audit: when, who, what.
func (b *adminTools) auditLine(lang string, e subscriptions.AuditEntry) string {
	at := e.At.In(b.loc)
	who := i18n.T(lang, "audit.bot")
	if e.UserID != 0 {
		who = fmt.Sprintf("%d", e.UserID)
		if e.UserName != "" {
			who = fmt.Sprintf("%s (%d)", e.UserName, e.UserID)
		}
	}
	what := fmt.Sprintf("%s #%d", e.Action, e.Ref) // an action this version has no text for
	if text, ok := i18n.Lookup(lang, "audit."+e.Action); ok {
		what = fmt.Sprintf(text, e.Ref)
	}
	line := i18n.ShortDate(at) + " " + at.Format("15:04") + " · " + who + " · " + what
	if e.Details != "" {
		line += " · " + render.Cut(e.Details, 160)
	}
	return line
}
