package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime/debug"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/osipovichi/newsbot/bot/i18n"
)

// allowedUpdates are the update kinds the bot asks Telegram for.
var allowedUpdates = []string{"message", "callback_query", "my_chat_member"}

// handlerTimeout bounds the handling of one update, including after a stop.
const handlerTimeout = 10 * time.Second

// setup removes a webhook (getUpdates cannot run beside one) and registers
// the command menu in every language. Failures are logged: the bot works
// without a menu.
func (b *Bot) setup(ctx context.Context) {
	if _, err := b.sender.call(ctx, "deleteWebhook", tgbotapi.Params{"drop_pending_updates": "false"}); err != nil {
		b.log.Warn("delete webhook", "error", err)
	}
	for _, lang := range append([]string{""}, i18n.Languages...) {
		textLang := lang
		if lang == "" {
			textLang = i18n.Pick(b.defaultLang)
		}
		var cmds []tgbotapi.BotCommand
		for _, name := range b.menu {
			cmds = append(cmds, tgbotapi.BotCommand{Command: name, Description: i18n.T(textLang, "command."+name)})
		}
		raw, _ := json.Marshal(cmds)
		p := tgbotapi.Params{"commands": string(raw)}
		if lang != "" {
			p["language_code"] = lang
		}
		if _, err := b.sender.call(ctx, "setMyCommands", p); err != nil {
			b.log.Warn("register the command menu", "language", lang, "error", err)
		}
	}
}

// poll is the update loop: long-poll, handle each update, persist the offset
// after each one so that none is lost or handled twice across restarts.
func (b *Bot) poll(ctx context.Context) error {
	offset, err := b.store.UpdateOffset(ctx)
	if err != nil {
		return fmt.Errorf("read the update offset: %w", err)
	}
	wait := time.Second
	for ctx.Err() == nil {
		updates, err := b.client.GetUpdates(ctx, offset, b.pollTimeout, allowedUpdates)
		b.lastPoll.Store(b.now().UnixNano())
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			c := classify(err)
			switch c.verdict {
			case verdictUnauthorized:
				return ErrUnauthorized
			case verdictConflict:
				b.log.Warn("another instance is polling Telegram with the same token; stop it, or this bot gets no updates",
					"retry_in", wait)
			case verdictRetryAfter:
				wait = max(wait, c.retryAfter)
				b.log.Warn("getUpdates rate limited", "retry_in", wait)
			default:
				b.log.Warn("getUpdates failed", "error", err, "retry_in", wait)
			}
			if sleep(ctx, wait) != nil {
				return nil
			}
			wait = min(wait*2, time.Minute)
			continue
		}
		wait = time.Second
		for _, u := range updates {
			if u.UpdateID < offset {
				continue // already handled: Telegram resent it
			}
			b.handleSafely(ctx, u)
			offset = u.UpdateID + 1
			// The offset is saved even when ctx is done: the update was handled.
			if err := b.store.SetUpdateOffset(context.WithoutCancel(ctx), offset); err != nil {
				b.log.Error("save the update offset", "update_id", u.UpdateID, "error", err)
			}
			if ctx.Err() != nil {
				return nil
			}
		}
	}
	return nil
}

// handleSafely handles one update; a panic is logged with the update id and
// the loop goes on. Handling may outlive a stop by handlerTimeout.
func (b *Bot) handleSafely(ctx context.Context, u tgbotapi.Update) {
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), handlerTimeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			b.metrics.panics.Inc()
			b.log.Error("panic while handling an update", "update_id", u.UpdateID, "panic", fmt.Sprint(r),
				"stack", string(debug.Stack()))
		}
	}()
	b.metrics.updates.Inc()
	switch {
	case u.Message != nil:
		b.onMessage(hctx, u.Message)
	case u.CallbackQuery != nil:
		b.onCallback(hctx, u.CallbackQuery)
	case u.MyChatMember != nil:
		b.onMyChatMember(hctx, u.MyChatMember)
	}
}
