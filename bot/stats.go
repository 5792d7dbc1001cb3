package bot

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/osipovichi/newsbot/bot/chart"
	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/subscriptions"
)

// cmdStats shows the figures a press office asks for, in sections
// (subscribers, deliveries, feeds, the bot), then the chart of the last 30
// days.
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
	for _, text := range pack(b.statsBlocks(req.lang, now, st, feeds, sections, b.startLinksLine(ctx, req.lang, now))) {
		if err := b.reply(ctx, req.chat, delivery.Message{Text: text}); err != nil {
			return // the engine logged it
		}
	}
	b.sendChart(ctx, req, now)
}

// statsBlocks lay the statistics out in lang, a block per paragraph; links
// is the line of the subscribe links.
func (b *adminTools) statsBlocks(lang string, now time.Time, st subscriptions.Stats, feeds []subscriptions.Feed, sections []string, links string) []*render.Builder {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	n := func(v int) string { return i18n.Number(lang, v) }
	block := func(heading string, lines ...string) *render.Builder { // heading in bold, unless empty
		var out render.Builder
		out.Bold(heading)
		for _, l := range lines {
			if out.Len() > 0 {
				out.Line()
			}
			out.Text(l)
		}
		return &out
	}

	var langs []string
	for _, l := range subscriptions.Languages() {
		langs = append(langs, t("notice.button.lang."+l)+" "+n(st.ByLanguage[l]))
	}
	if v := st.ByLanguage[""]; v > 0 {
		langs = append(langs, t("stats.lang_unset")+" "+n(v))
	}
	subscribers := []string{
		t("stats.active", n(st.Active), n(st.Private), n(st.Groups), n(st.Channels)),
		t("stats.week", n(st.New), n(st.Lost)),
		t("stats.gone", n(st.Blocked), n(st.Left)),
		t("stats.by_language", strings.Join(langs, ", ")),
	}
	if len(sections) > 0 {
		var secs []string
		for _, s := range sections {
			secs = append(secs, b.sections.Name(lang, s)+" "+n(st.BySection[s]))
		}
		subscribers = append(subscribers, t("stats.by_section", strings.Join(secs, ", ")))
	}
	subscribers = append(subscribers, t("stats.modes", n(st.Instant), n(st.Digest)), links)

	blocks := []*render.Builder{
		block(t("stats.title", i18n.DateTime(lang, now.In(b.loc)))),
		block(t("stats.subscribers"), subscribers...),
		block(t("stats.deliveries"),
			t("stats.sent", n(st.Sent), n(st.Failed), n(st.Skipped)),
			t("stats.queue", n(st.Pending)),
			t("stats.waits", n(b.engine.RateLimited()))),
	}
	heading := t("stats.feeds")
	for _, f := range feeds {
		if f.IsPosted() {
			continue
		}
		blocks = append(blocks, block(heading, b.feedLines(lang, now, f)...))
		heading = "" // only above the first feed: Bold adds nothing for ""
	}
	version := b.version
	if version == "" {
		version = "dev"
	}
	return append(blocks, block(t("stats.uptime", adminDuration(lang, now.Sub(b.started)), version)))
}

// feedLines tell a feed's health in lang: working, or what has gone wrong
// since when in plain words, then the technical cause once; its address last.
func (b *adminTools) feedLines(lang string, now time.Time, f subscriptions.Feed) []string {
	label := b.feedLabel(lang, f.Section, f.Language)
	last := i18n.T(lang, "stats.never")
	if !f.LastSuccessAt.IsZero() {
		last = i18n.DateTime(lang, f.LastSuccessAt.In(b.loc))
	}
	if f.LastError == "" {
		return []string{i18n.T(lang, "stats.feed_ok", label, last, i18n.Number(lang, f.ItemCount)), f.URL}
	}
	since := f.FailingSince
	if since.IsZero() {
		since = f.LastAttemptAt
	}
	words, detail := feedTrouble(lang, f.LastError)
	lines := []string{
		i18n.T(lang, "stats.feed_failing", label, span(lang, now.Sub(since)), words),
		i18n.T(lang, "stats.feed_last", last),
	}
	if detail != "" {
		lines = append(lines, i18n.T(lang, "alert.detail", detail))
	}
	return append(lines, f.URL)
}

// pack joins blocks, a blank line between them, into as few messages as
// Telegram's limit allows.
func pack(blocks []*render.Builder) []string {
	var out []string
	var cur render.Builder
	for _, bl := range blocks {
		if cur.Len() > 0 && cur.Len()+2+bl.Len() > render.MaxText {
			out = append(out, cur.String())
			cur = render.Builder{}
		}
		if cur.Len() > 0 {
			cur.Line()
			cur.Line()
		}
		cur.Append(bl)
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// sendChart sends the chart of the last 30 days as a photo. A failure is
// logged: the figures went already.
func (b *adminTools) sendChart(ctx context.Context, req request, now time.Time) {
	w, err := b.chartWindow(ctx, now)
	if err != nil {
		b.log.Error("prepare the statistics chart", "error", err)
		return
	}
	var png bytes.Buffer
	if err := chart.Render(&png, w, chartLabels(req.lang)); err != nil {
		b.log.Error("draw the statistics chart", "error", err)
		return
	}
	b.reply(ctx, req.chat, delivery.Message{Upload: &delivery.Upload{Name: "stats.png", Data: png.Bytes()}})
}

// chartWindow lays the kept daily figures of the last 30 days, and today's
// so far, on the chart's window.
func (b *adminTools) chartWindow(ctx context.Context, now time.Time) (chart.Window, error) {
	b.saveYesterday(ctx, now) // in case the hourly check has not run since midnight
	today := midnight(now.In(b.loc))
	kept, err := b.store.DaySnapshots(ctx, today.AddDate(0, 0, 1-chart.Days).Format(time.DateOnly), today.Format(time.DateOnly))
	if err != nil {
		return chart.Window{}, err
	}
	live, err := b.store.DayFigures(ctx, today, now.Add(time.Second)) // now's own second included
	if err != nil {
		return chart.Window{}, err
	}
	live.Day = today.Format(time.DateOnly)
	snaps := make([]chart.Snapshot, 0, len(kept)+1)
	for _, d := range append(kept, live) {
		date, err := time.ParseInLocation(time.DateOnly, d.Day, b.loc)
		if err != nil {
			return chart.Window{}, fmt.Errorf("daily figures of %q: %w", d.Day, err)
		}
		snaps = append(snaps, chart.Snapshot{Date: date, Active: d.Active, New: d.New, Lost: d.Lost, Deliveries: d.Delivered})
	}
	return chart.Prepare(snaps, now, b.loc)
}

// chartLabels are the chart's texts in lang.
func chartLabels(lang string) chart.Labels {
	return chart.Labels{
		Title:       i18n.T(lang, "chart.title"),
		Subscribers: i18n.T(lang, "chart.subscribers"),
		Active:      i18n.T(lang, "chart.active"),
		New:         i18n.T(lang, "chart.new"),
		Lost:        i18n.T(lang, "chart.lost"),
		Deliveries:  i18n.T(lang, "chart.deliveries"),
		NoData:      i18n.T(lang, "chart.no_data"),
		DateLayout:  i18n.T(lang, "chart.date_layout"),
	}
}

// snapshotCheck is how often the bot checks that yesterday's figures are kept.
const snapshotCheck = time.Hour

// keepSnapshots keeps the figures of each local day once it has ended:
// at the start, then every snapshotCheck, until ctx is done.
func (b *adminTools) keepSnapshots(ctx context.Context) {
	tick := time.NewTicker(snapshotCheck)
	defer tick.Stop()
	for {
		b.saveYesterday(ctx, b.now())
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// saveYesterday keeps the figures of the day before now's, unless kept. A
// failure is logged: the next check tries again.
func (b *adminTools) saveYesterday(ctx context.Context, now time.Time) {
	today := midnight(now.In(b.loc))
	yesterday := today.AddDate(0, 0, -1)
	day := yesterday.Format(time.DateOnly)
	saved, err := b.store.SaveDaySnapshot(ctx, day, yesterday, today, now)
	switch {
	case err != nil && ctx.Err() == nil:
		b.log.Error("keep the daily figures", "day", day, "error", err)
	case saved:
		b.log.Info("daily figures kept", "day", day)
	}
}

// midnight is the start of t's day in t's location.
func midnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}
