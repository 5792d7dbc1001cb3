package delivery

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Handler answers updates: the bot's conversation. Handle may reply, edit
// and look things up through the Engine; it must not keep the update.
type Handler interface {
	Handle(ctx context.Context, u Update)
}

// handlerTimeout bounds the handling of one update, including after a stop.
const handlerTimeout = 10 * time.Second

// offsetStore keeps the offset of the next update across restarts.
type offsetStore interface {
	UpdateOffset(ctx context.Context) (int, error)
	SetUpdateOffset(ctx context.Context, offset int) error
}

// updateLoop is the one update loop: it long-polls getUpdates and hands
// each update to the handler, recovering panics, and saves the offset after
// handling so that no update is lost or handled twice across restarts.
//
// Fetching (run) and handling (dispatch) are apart on purpose: dispatch
// handles a batch in order, one update at a time, and returns the offset to
// save. Sharding by chat replaces dispatch alone: ordered workers keyed by
// the update's chat, the saved offset being the low-water mark of finished
// updates.
type updateLoop struct {
	sender  *sender // its client polls; a 429 pauses its sends too
	store   offsetStore
	log     *slog.Logger
	metrics *metrics
	timeout time.Duration // of the long poll
	now     func() time.Time

	lastPoll atomic.Int64 // unix nanoseconds of the last getUpdates answer
}

// run polls until ctx is done. It returns ErrUnauthorized when Telegram
// refuses the token, and nil after a stop.
func (l *updateLoop) run(ctx context.Context, h Handler) error {
	offset, err := l.store.UpdateOffset(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped as it started
		}
		return fmt.Errorf("read the update offset: %w", err)
	}
	wait := time.Second
	for ctx.Err() == nil {
		updates, err := l.sender.client.getUpdates(ctx, offset, int(l.timeout/time.Second), allowedUpdates)
		l.lastPoll.Store(l.now().UnixNano())
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			c := classify(err)
			switch c.verdict {
			case verdictUnauthorized:
				return ErrUnauthorized
			case verdictConflict:
				l.log.Warn("another instance is polling Telegram with the same token; stop it, or this bot gets no updates",
					"retry_in", wait)
			case verdictRetryAfter:
				l.sender.tooMany(0, &c)
				wait = max(wait, c.retryAfter)
				l.log.Warn("getUpdates rate limited", "retry_in", wait)
			default:
				l.log.Warn("getUpdates failed", "error", err, "retry_in", wait)
			}
			if sleep(ctx, wait) != nil {
				return nil
			}
			wait = min(wait*2, time.Minute)
			continue
		}
		wait = time.Second
		offset = l.dispatch(ctx, h, updates, offset)
	}
	return nil
}

// dispatch handles the updates from offset on, in order, saving the offset
// after each one, and returns the next offset. It stops early when ctx is
// done; the update being handled then is finished first.
func (l *updateLoop) dispatch(ctx context.Context, h Handler, updates []tgbotapi.Update, offset int) int {
	for _, raw := range updates {
		if raw.UpdateID < offset {
			continue // already handled: Telegram resent it
		}
		if u, ok := fromLibrary(raw); ok {
			l.handle(ctx, h, u)
		}
		l.metrics.updates.Inc()
		offset = raw.UpdateID + 1
		// The offset is saved even when ctx is done: the update was handled.
		if err := l.store.SetUpdateOffset(context.WithoutCancel(ctx), offset); err != nil {
			l.log.Error("save the update offset", "update_id", raw.UpdateID, "error", err)
		}
		if ctx.Err() != nil {
			break
		}
	}
	return offset
}

// handle handles one update; a panic is logged with the update id and the
// loop goes on. Handling may outlive a stop by handlerTimeout.
func (l *updateLoop) handle(ctx context.Context, h Handler, u Update) {
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), handlerTimeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			l.metrics.panics.Inc()
			l.log.Error("panic while handling an update", "update_id", u.ID, "panic", fmt.Sprint(r),
				"stack", string(debug.Stack()))
		}
	}()
	h.Handle(hctx, u)
}

// lastAnswer is when getUpdates last answered (or the loop started).
func (l *updateLoop) lastAnswer() time.Time { return time.Unix(0, l.lastPoll.Load()) }
