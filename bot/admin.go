package bot

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/subscriptions"
	"github.com/osipovichi/newsbot/subscriptions/store"
)

// adminStore is what the admin features need from the store.
type adminStore interface {
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
	Stats(ctx context.Context, periodStart, deliveriesSince time.Time) (subscriptions.Stats, error)
	Feeds(ctx context.Context) ([]subscriptions.Feed, error)
	AddAudit(ctx context.Context, e subscriptions.AuditEntry) error
	AuditLog(ctx context.Context, n int) ([]subscriptions.AuditEntry, error)
	ArticleByLink(ctx context.Context, links ...string) (subscriptions.Article, error)
	PostArticle(ctx context.Context, a subscriptions.Article, by int64, now time.Time) (subscriptions.PostResult, error)
}

var _ adminStore = (*store.Store)(nil)

const (
	// broadcastTimeout is how long /broadcast waits for the notice.
	broadcastTimeout = 15 * time.Minute
	// progressEvery is how often the progress of a notice being sent is shown.
	progressEvery = 5 * time.Second
	// stopSettle bounds the wait for sends in flight when a notice is stopped,
	// before its final report is written.
	stopSettle = 30 * time.Second
	// auditShown is the number of entries /audit shows.
	auditShown = 20
)

// adminState is the in-memory part of the admin features: the /broadcast
// conversations (an admin who restarts it after a bot restart loses
// nothing: drafts and sends are in the store) and what the progress
// updater last showed.
type adminState struct {
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

func newAdminState() *adminState {
	return &adminState{
		awaiting: map[int64]awaitingNotice{}, shown: map[int64]string{}, stopping: map[int64]stoppingNotice{},
		interval: progressEvery,
	}
}

// adminFeatures registers /admin, /broadcast, /cancel, /stats, /audit and /post.
func (b *Bot) adminFeatures() {
	b.adm = newAdminState()
	b.addCommands(
		command{name: "admin", admin: true, run: func(ctx context.Context, req request, _ string) {
			b.replyText(ctx, req.chat, i18n.T(req.lang, "admin.help"))
		}},
		command{name: "broadcast", admin: true, run: b.cmdBroadcast},
		command{name: "cancel", admin: true, run: b.cmdCancel},
		command{name: "stats", admin: true, run: b.cmdStats},
		command{name: "audit", admin: true, run: b.cmdAudit},
		command{name: "post", admin: true, run: b.cmdPost},
	)
	b.addCallbacks(map[string]callbackHandler{cbNotice: b.pressNotice})
	b.messageHooks = append(b.messageHooks, b.noticeHook)
}

// refuse is the answer to a press of an admin button by someone who is not
// an admin: the same as for any unknown button, so nothing is revealed.
func refuse(req request) string { return i18n.T(req.lang, "button.outdated") }

// recordAudit adds an entry to the audit trail; a failure is logged.
func (b *Bot) recordAudit(ctx context.Context, e subscriptions.AuditEntry) {
	if e.At.IsZero() {
		e.At = b.now()
	}
	if err := b.store.AddAudit(ctx, e); err != nil {
		b.log.Error("record audit entry", "action", e.Action, "error", err)
	}
}

// adminLang is the language of an admin's texts outside a request: their
// private chat's language, else the default.
func (b *Bot) adminLang(ctx context.Context, chatID int64) string {
	if c, err := b.store.Chat(ctx, chatID); err == nil {
		return i18n.Pick(b.defaultLang, c.Language)
	}
	return i18n.Pick(b.defaultLang)
}

// editText replaces the text (and keyboard: none when kb is nil) of a bot
// message. It reports false when the message could not be edited.
func (b *Bot) editText(ctx context.Context, chatID int64, messageID int, text string, kb *tgbotapi.InlineKeyboardMarkup) bool {
	p := textParams(chatID, text, false, false)
	p["message_id"] = strconv.Itoa(messageID)
	if kb != nil {
		p = withKeyboard(p, *kb)
	}
	if _, err := b.sender.call(ctx, "editMessageText", p); err != nil {
		if isNotModified(err) {
			return true
		}
		b.log.Warn("edit a message", "chat_id", chatID, "message_id", messageID, "error", err)
		return false
	}
	return true
}

// isNotModified reports whether Telegram refused an edit that changed nothing.
func isNotModified(err error) bool {
	var tgErr *tgbotapi.Error
	return errors.As(err, &tgErr) && strings.Contains(strings.ToLower(tgErr.Message), "message is not modified")
}

// requestUserID is the id of the person behind req, or 0.
func requestUserID(req request) int64 {
	if req.user == nil {
		return 0
	}
	return req.user.ID
}
