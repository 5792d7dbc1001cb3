// Package faketelegram is an in-process fake of the Telegram Bot API for
// end-to-end tests and benchmarks. It runs on net/http/httptest, speaks the
// wire format telegram-bot-api/v5 expects, validates requests the way
// Telegram does, enforces Telegram's flood limits when asked, and records
// everything the bot did so tests can assert on it.
//
// # Starting it
//
//	tg := faketelegram.New(faketelegram.Options{})
//	defer tg.Close()
//	bot, err := tgbotapi.NewBotAPIWithClient(tg.Token(), tg.Endpoint(), http.DefaultClient)
//
// Endpoint returns "URL/bot%s/%s", the format NewBotAPIWithClient takes.
// Requests may be form-encoded, multipart or JSON POSTs, or GETs with a
// query string. Method names are case-insensitive, as on Telegram. A wrong
// token answers 401 Unauthorized, an unknown method 404 Not Found.
//
// # Playing the users
//
// Chats become known when they appear in an injected update or are added
// with AddChat/AddChats; sending to any other chat answers 400 "Bad
// Request: chat not found". Inject updates with SendMessage (a leading
// "/cmd" or "/cmd@bot" gets a bot_command entity), SendMessageUpdate,
// PressButton, ChatMemberUpdate, InlineQuery (with Options.InlineMode) and
// AddRawUpdate. Each returns the update id; update ids start at 1.
// ChooseInlineResult posts a result of an answered inline query in a chat,
// as a person choosing it does. getUpdates long-polls like Telegram: it waits
// up to timeout seconds, returns as soon as an update is pending, and
// forgets every update below the offset it is given (see Confirmed). A
// second concurrent getUpdates terminates the first with 409 Conflict.
//
// ChatMemberUpdate also changes the bot's membership: after "kicked" or
// "left", sends to the chat answer 403 as Telegram does ("Forbidden: bot
// was blocked by the user" in a private chat, "Forbidden: bot was kicked
// from the group chat", "Forbidden: bot is not a member of the channel
// chat", ...) until a later "member" or "administrator" update.
//
// # Asserting on what the bot did
//
// Messages, AllMessages, Edits, Deleted, CallbackAnswers, InlineAnswers and
// Commands return copies of what was accepted; rejected requests are not recorded
// but are counted in Stats by description. Sent.Text and Sent.Caption are
// the parameters as sent (the HTML source); Sent.Plain is the visible text
// after entity parsing. MessageText returns a message's current text after
// edits. Each chat numbers its messages from 1, shared by injected and bot
// messages, as in Telegram.
//
// Never sleep in a test: WaitMessages and WaitFor wait for a condition
// with a deadline and fail the test with what they saw.
//
// # Validation
//
// Text is checked as Telegram checks it, with Telegram's error descriptions:
// invalid UTF-8, parse_mode=HTML through internal/tghtml (which is stricter
// than Telegram about unescaped '&' and '>'), empty text after parsing and
// trimming, more than 4096 UTF-16 units of text or 1024 of caption, inline
// keyboards (callback_data 1..64 bytes, a URL or callback per button, valid
// JSON), message existence for edits, deletes and copies, "message is not
// modified" for identical edits. answerInlineQuery is checked as Telegram
// checks it: a known query answered once, at most 50 results, ids of 1 to
// 64 bytes and unique, titles of articles, message texts (or captions)
// within the limits and valid HTML, keyboards, next_offset of at most 64
// bytes.
//
// # Limits and failures
//
// copyMessages copies several messages at once, as Telegram copies an album
// (one Sent per copy; Sent.Media says what a copied message held).
//
// With Options.EnforceLimits, sendMessage, sendPhoto, copyMessage and each
// copy of copyMessages are subject to Telegram's flood control, counted
// when a request arrives: 30 messages in any 1 s window in total
// (allow_paid_broadcast=true messages are exempt; an album needs room for
// all its items), one a second per private chat (an album counting once
// there) after a burst of
// Options.PrivateBurst (3 unless set; 1 is exactly one in any sliding
// second), and 20 messages in any 60 s window per group, supergroup or
// channel. Excess requests get 429 with parameters.retry_after, and the
// retry_after is a ban: every send or edit that arrives inside it (for the
// chat, or for any chat after a global 429; paid broadcasts are outside the
// global ban) is refused with 429 too. Options.GlobalTooMany bans the whole
// bot after every N messages, whatever its pace. Options.Now injects the
// clock the limits use.
//
// Every 429 is recorded (TooManyAnswers, Stats.TooManyRequests), and so is
// every request that the bot sent after a 429 had reached it and that
// arrives inside its retry_after (Violations, Stats.Violations): the
// measure of a limiter that does not listen. Scripted 429s are watched the
// same way but not enforced.
//
// Options.Latency delays every send, copy and edit on its way to Telegram;
// Options.RoundTrip adds a seeded random answer time, split into the way
// there (before the request is counted) and the way back (after it). A
// request whose client gives up on the way there (or during a
// Failure.Delay) is not processed at all; one that gives up on the way
// back was processed but never heard the answer (Stats.LostAnswers).
//
// FailChat and FailMethod script failures; Blocked, Kicked, Deactivated,
// ChatNotFound, Migrated, TooMany, Conflict, Unauthorized, BadGatewayHTML
// and ServerError build the usual ones. SetOutage fails every method (a 5xx
// storm, for all requests or a share of them) or leaves them unanswered
// until the outage ends or their client gives up.
//
// The Server is safe for concurrent use; all state lives in maps keyed by
// chat, so large benchmarks stay linear.
package faketelegram
