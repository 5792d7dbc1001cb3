// Package pace decides when each request to the Bot API may leave, so that
// Telegram, which counts requests when they arrive, never sees more than it
// allows.
//
// # The contract
//
// A caller asks for a [Permit] with [Limiter.Acquire] right before its HTTP
// request. Acquire returns only at the moment the request may start; nothing
// is booked ahead, so a pause that begins while a request waits holds that
// request too. Under that rule:
//
//   - In any sliding second, messages started ≤ the configured rate, and
//     ordinary (unpaid) messages ≤ 30 whatever the configuration; paid
//     broadcasts (bulk with allow_paid_broadcast) up to the configured rate,
//     at most 1000. Messages are also spaced evenly (1/pace apart), and
//     ordinary ones stay ≤ 30 in any window of 1 s + Margin: see Margin.
//   - Replies to people share the same window and go ahead of bulk messages,
//     never above the limit. A reply that meets a 429 waits its turn and goes
//     again; only one that cannot leave within MaxReplyWait of the moment the
//     person asked is given up ([ErrTooLate]), and the caller logs it.
//   - After a 429 that pauses the bot, no request at all (messages, replies,
//     calls) is let go before retry_after has passed.
//   - After a 429 the pace backs off multiplicatively (×0.8) and, from the
//     end of the pause, recovers additively: quickly (a twentieth of the
//     configured rate a second) up to 95% of the pace that drew the 429,
//     then slowly (a two-hundredth a second, halved for every other 429 in
//     the last ten minutes). A lone 429 costs a few seconds at a lower pace;
//     a bot whose real ceiling is lower than configured meets it less and
//     less often and settles just below it. [Limiter.Stats] reports the
//     current pace.
//   - A request that sends several messages at once (an album copied with
//     copyMessages: [Request.Messages]) counts each of them, as Telegram
//     does: its items are spaced as if one interval apart, the last when it
//     starts; the windows must have room for all of them (an album bigger
//     than the rate goes alone in its second); a group or channel waits one
//     spacing per item, a private chat one spacing after the album.
//   - A chat gets one message per second + Margin (private) or per three
//     seconds + Margin (groups and channels: 20 a minute); a 429 pauses it for
//     retry_after and doubles its spacing until Telegram accepts a message
//     for it again.
//
// # Whose 429 is it?
//
// Telegram's 429 does not say whether the chat's limit or the bot's was hit.
// Taking a global 429 for a chat's own lets other requests run into the ban
// (each one making it longer); taking a chat's 429 for a global one costs
// retry_after seconds of throughput once. So a 429 pauses the whole bot,
// unless the evidence says it is the chat's own: that chat already drew a
// 429 in the last ten minutes and had no message accepted since, Telegram
// accepted a request to another chat that left after that earlier 429 (so
// the bot was not banned), and no other chat has drawn a 429 since. A chat
// that keeps answering 429 therefore pauses the bot once, then only itself;
// a 429 for a call without a chat (answerCallbackQuery, getChatMember, ...)
// always pauses the bot.
//
// # Odd retry_after values
//
// A 429 without retry_after, or with 0, pauses for [DefaultRetryAfter]; a
// retry_after above [MaxRetryAfter] is held to it. Neither can make a caller
// spin: every wait is a timer on the injected [Clock].
//
// # Margin
//
// Telegram counts at arrival, and arrivals are the starts shifted by each
// request's trip to Telegram. If those trips differ by up to d, two starts
// 1 s + d apart can arrive 1 s apart: ordinary messages are therefore held to
// 30 in any 1 s + Margin, and chat spacings include Margin. BENCHMARKS.md
// records how the default was chosen.
package pace
