package bot

import (
	"context"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/subscriptions"
)

// adminStore is what /stats and /audit need from the store.
type adminStore interface {
	Stats(ctx context.Context, periodStart, deliveriesSince time.Time) (subscriptions.Stats, error)
	Feeds(ctx context.Context) ([]subscriptions.Feed, error)
	AudienceSections(ctx context.Context) ([]string, error)
	AuditLog(ctx context.Context, n int) ([]subscriptions.AuditEntry, error)
	DayFigures(ctx context.Context, from, to time.Time) (subscriptions.DayFigures, error)
	SaveDaySnapshot(ctx context.Context, day string, from, to, now time.Time) (bool, error)
	DaySnapshots(ctx context.Context, first, last string) ([]subscriptions.DayFigures, error)
	StartLinkCounts(ctx context.Context, since time.Time) ([]subscriptions.StartLinkCount, error)
}

// rateReport is what /stats asks the engine.
type rateReport interface {
	RateLimited() int
}

// auditShown is the number of entries /audit shows.
const auditShown = 20

// adminTools are the staff's own commands: /admin (their help), /stats and
// /audit, and the daily snapshots behind the chart of /stats. The other
// admin tools are notices (/broadcast) and posts (/post).
type adminTools struct {
	*base
	store   adminStore
	engine  rateReport
	version string
	started time.Time
	// audienceName says who a notice's audience is (see notices).
	audienceName func(lang string, a subscriptions.Audience) string
}

func (b *adminTools) register(r *Bot) {
	r.addCommands(
		command{name: "admin", admin: true, run: func(ctx context.Context, req request, _ string) {
			b.replyText(ctx, req.chat, i18n.T(req.lang, "admin.help"))
		}},
		command{name: "stats", admin: true, run: b.cmdStats},
		command{name: "audit", admin: true, run: b.cmdAudit},
	)
}
