package delivery

import (
	"context"
	"errors"
	"net/url"
	"time"
)

// The pauses between tries to reach Telegram at the start: short at
// first (a container whose network comes up late), then once a minute.
const (
	minConnectWait = time.Second
	maxConnectWait = time.Minute
)

// connect checks the token with getMe, trying again while Telegram cannot
// be reached, and closes e.connected once it answers. Until then the
// outbox is held with cause PauseTelegram: /healthz and the metrics say
// what the bot waits for, and what is enqueued meanwhile waits in the
// outbox, which starts only after this returns. A refused token is
// ErrUnauthorized; a stop returns nil.
func (e *Engine) connect(ctx context.Context) error {
	wait := minConnectWait
	for !e.client.Connected() {
		err := e.client.Connect(ctx)
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		c := classify(err)
		if c.verdict == verdictUnauthorized {
			return ErrUnauthorized
		}
		if c.verdict == verdictRetryAfter {
			wait = max(wait, c.retryAfter)
		}
		e.outbox.gate.hold(PauseTelegram, e.unreachableReason(err))
		e.log.Warn("cannot reach Telegram; retrying", "error", err, "retry_in", wait)
		if sleep(ctx, wait) != nil {
			return nil
		}
		wait = min(wait*2, maxConnectWait)
	}
	e.outbox.gate.clear(PauseTelegram)
	e.log.Info("connected to Telegram", "bot_username", e.client.Username(), "inline_mode", e.client.InlineMode())
	if !e.client.InlineMode() {
		e.log.Info("inline mode is off: turn it on in @BotFather (/setinline) to let residents share news with @" + e.client.Username() + " in any chat")
	}
	e.connectedOnce.Do(func() { close(e.connected) })
	return nil
}

// unreachableReason is why getMe failed, short: Telegram's description,
// or the network error without the request's URL.
func (e *Engine) unreachableReason(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return e.client.redactor.Replace(ue.Err.Error())
	}
	return classify(err).reason
}
