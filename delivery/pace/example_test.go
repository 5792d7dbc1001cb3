package pace_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/osipovichi/newsbot/delivery/pace"
)

// callTelegram stands for one Bot API request: it returns retry_after and
// true for a 429.
func callTelegram(ctx context.Context, chat int64, paid bool) (retryAfter time.Duration, tooMany bool, err error) {
	return 0, false, nil
}

// The way a sender uses the limiter: a permit right before each request,
// the answer reported back. A reply goes again after a 429 (Acquire waits
// out the pause, the chat's or the bot's) until it gets through or is too
// late; a bulk message's 429 goes back to the outbox for later.
func Example() {
	l, err := pace.New(pace.Config{Rate: 29})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	reply := pace.Request{Class: pace.Reply, Chat: 501, Asked: time.Now()}
	for {
		p, err := l.Acquire(ctx, reply)
		if errors.Is(err, pace.ErrTooLate) {
			fmt.Println("reply given up") // the caller logs it
			return
		}
		if err != nil {
			return // shutting down
		}
		retryAfter, tooMany, err := callTelegram(ctx, reply.Chat, p.Paid())
		switch {
		case err != nil:
			return // no answer from Telegram (network, 5xx): nothing to report; retry later
		case tooMany:
			pause := p.TooMany(retryAfter)
			fmt.Println("429, global:", pause.Global)
			continue
		default:
			p.Answered()
		}
		fmt.Println("replied")
		return
	}
	// Output: replied
}
