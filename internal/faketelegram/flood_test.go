package faketelegram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// manualNow is a clock for Options.Now that moves when the test says.
func manualNow() (now func() time.Time, advance func(time.Duration)) {
	var mu sync.Mutex
	clock := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	return func() time.Time { mu.Lock(); defer mu.Unlock(); return clock },
		func(d time.Duration) { mu.Lock(); clock = clock.Add(d); mu.Unlock() }
}

func sendTo(bot *tgbotapi.BotAPI, chat int64) error {
	_, err := bot.Send(tgbotapi.NewMessage(chat, "x"))
	return err
}

func privateChats(tg *Server, n int) []int64 {
	ids := make([]int64, n)
	chats := make([]Chat, n)
	for i := range chats {
		ids[i] = int64(2000 + i)
		chats[i] = Chat{ID: ids[i], Type: "private"}
	}
	tg.AddChats(chats)
	return ids
}

func TestStrictPrivateLimit(t *testing.T) {
	now, advance := manualNow()
	tg, bot := start(t, Options{EnforceLimits: true, PrivateBurst: 1, Now: now})
	tg.AddChat(aliceDM)
	if err := sendTo(bot, aliceDM.ID); err != nil {
		t.Fatal(err)
	}
	advance(999 * time.Millisecond)
	apiError(t, sendTo(bot, aliceDM.ID), 429, "Too Many Requests: retry after 1")
	advance(time.Second)
	if err := sendTo(bot, aliceDM.ID); err != nil {
		t.Fatalf("a second after the 429: %v, want accepted", err)
	}
	got := tg.TooManyAnswers()
	if len(got) != 1 || got[0].Global || got[0].ChatID != aliceDM.ID || got[0].Cause != "limit" || got[0].Method != "sendMessage" {
		t.Errorf("TooManyAnswers = %+v, want one chat limit for alice", got)
	}
}

// A retry_after is a ban: requests inside it are refused and, since the bot
// had been told, recorded as violations.
func TestBansAndViolations(t *testing.T) {
	now, advance := manualNow()
	tg, bot := start(t, Options{EnforceLimits: true, Now: now})
	ids := privateChats(tg, 40)
	for i := range 30 { // 30 in 0.9 s
		if err := sendTo(bot, ids[i]); err != nil {
			t.Fatal(err)
		}
		advance(30 * time.Millisecond)
	}
	apiError(t, sendTo(bot, ids[30]), 429, "Too Many Requests: retry after 1")
	// 0.6 s later the window has room again, but the ban holds for 1 s.
	advance(600 * time.Millisecond)
	apiError(t, sendTo(bot, ids[31]), 429, "Too Many Requests: retry after 1")
	// Edits are held by the ban too; paid broadcasts are not.
	if _, err := bot.Send(tgbotapi.NewEditMessageText(ids[0], 1, "y")); err == nil {
		t.Error("an edit inside the ban was accepted")
	}
	if _, err := bot.MakeRequest("sendMessage", tgbotapi.Params{"chat_id": fmt.Sprint(ids[32]), "text": "x", "allow_paid_broadcast": "true"}); err != nil {
		t.Errorf("paid broadcast inside the ban: %v, want accepted", err)
	}
	advance(400 * time.Millisecond)
	if err := sendTo(bot, ids[33]); err != nil {
		t.Fatalf("after the ban: %v, want accepted", err)
	}
	v := tg.Violations()
	if len(v) != 2 || !v[0].Global || v[0].ChatID != ids[31] || v[1].Method != "editMessageText" {
		t.Errorf("Violations = %v, want the send and the edit inside the ban", v)
	}
	if st := tg.Stats(); st.Violations != 2 || st.TooManyRequests != 3 {
		t.Errorf("Stats: %d violations, %d 429s; want 2 and 3", st.Violations, st.TooManyRequests)
	}
	causes := ""
	for _, a := range tg.TooManyAnswers() {
		causes += a.Cause + " "
	}
	if causes != "limit ban ban " {
		t.Errorf("causes = %q, want the limit, then two refusals inside the ban", causes)
	}
}

// A request that arrives after Telegram decided on a 429 but before that
// answer reached the bot is refused, but it is not the bot's fault.
func TestViolationsCountFromTheAnswer(t *testing.T) {
	now, advance := manualNow()
	tg, bot := start(t, Options{EnforceLimits: true, PrivateBurst: 1, Now: now,
		RoundTrip: RoundTrip{Min: 400 * time.Millisecond, Max: 400 * time.Millisecond}})
	tg.AddChat(aliceDM)
	if err := sendTo(bot, aliceDM.ID); err != nil {
		t.Fatal(err)
	}
	refused := make(chan error, 1)
	go func() { refused <- sendTo(bot, aliceDM.ID) }() // 429; its answer travels 400 ms
	tg.WaitFor(t, 5*time.Second, func() bool { return len(tg.TooManyAnswers()) == 1 }, "the 429")
	inFlight := sendTo(bot, aliceDM.ID) // arrives while that answer is on its way
	if err := <-refused; err == nil {
		t.Fatal("second message accepted, want 429")
	}
	apiError(t, inFlight, 429, "Too Many Requests: retry after 1")
	if v := tg.Violations(); len(v) != 0 {
		t.Fatalf("Violations = %v, want none: the bot had not heard of the 429", v)
	}
	advance(500 * time.Millisecond)
	apiError(t, sendTo(bot, aliceDM.ID), 429, "Too Many Requests: retry after 1")
	if v := tg.Violations(); len(v) != 1 || v[0].Global || v[0].ChatID != aliceDM.ID {
		t.Fatalf("Violations = %v, want one for alice's chat", v)
	}
}

// A request already on its way when the 429 reached the bot is refused,
// but it is no violation either.
func TestViolationsCountFromWhenTheRequestLeft(t *testing.T) {
	now, advance := manualNow()
	tg, bot := start(t, Options{EnforceLimits: true, PrivateBurst: 1, Now: now,
		RoundTrip: RoundTrip{Min: 400 * time.Millisecond, Max: 400 * time.Millisecond, Arrival: 1}})
	tg.AddChat(aliceDM)
	if err := sendTo(bot, aliceDM.ID); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 2)
	for i := range 2 { // both leave now, arrive 400 ms later: the first gets the 429
		go func() { errs <- sendTo(bot, aliceDM.ID) }()
		tg.WaitFor(t, 5*time.Second, func() bool { return tg.Stats().Requests["sendMessage"] == 2+i }, "the request to leave")
	}
	advance(10 * time.Millisecond) // the 429 is decided and told 10 ms after they left
	for range 2 {
		if err := <-errs; err == nil {
			t.Fatal("a second message within the second was accepted, want 429")
		}
	}
	if v := tg.Violations(); len(v) != 0 {
		t.Fatalf("Violations = %v, want none: both left before the 429 reached the bot", v)
	}
	apiError(t, sendTo(bot, aliceDM.ID), 429, "Too Many Requests: retry after 1")
	if v := tg.Violations(); len(v) != 1 || v[0].Left.Sub(v[0].Told) != 0 {
		t.Fatalf("Violations = %v, want the one sent after the 429", v)
	}
}

func TestGlobalTooManyEvery(t *testing.T) {
	now, advance := manualNow()
	tg, bot := start(t, Options{Now: now, GlobalTooMany: GlobalTooMany{Every: 3, RetryAfter: 2}})
	ids := privateChats(tg, 10)
	for round := range 2 {
		for i := range 3 {
			if err := sendTo(bot, ids[i]); err != nil {
				t.Fatalf("round %d, message %d: %v", round, i, err)
			}
		}
		e := apiError(t, sendTo(bot, ids[3]), 429, "Too Many Requests: retry after 2")
		if e.RetryAfter != 2 {
			t.Errorf("RetryAfter = %d, want 2", e.RetryAfter)
		}
		advance(time.Second)
		apiError(t, sendTo(bot, ids[4]), 429, "Too Many Requests: retry after 1")
		advance(time.Second)
	}
	if st := tg.Stats(); st.Violations != 2 || st.TooManyRequests != 4 || st.Messages != 6 {
		t.Errorf("Stats = %+v, want 6 messages, 4 429s, 2 violations", st)
	}
}

func TestScriptedTooManyIsWatched(t *testing.T) {
	now, advance := manualNow()
	tg, bot := start(t, Options{Now: now})
	tg.AddChats([]Chat{aliceDM, PrivateChat(bob)})
	tg.FailChat(aliceDM.ID, TooMany(5), 1)
	apiError(t, sendTo(bot, aliceDM.ID), 429, "Too Many Requests: retry after 5")
	advance(time.Second)
	if err := sendTo(bot, bob.ID); err != nil {
		t.Fatalf("another chat: %v", err)
	}
	if err := sendTo(bot, aliceDM.ID); err != nil { // not enforced, but watched
		t.Fatalf("alice after a scripted 429: %v, want accepted", err)
	}
	if v := tg.Violations(); len(v) != 1 || v[0].ChatID != aliceDM.ID || v[0].Global {
		t.Errorf("Violations = %v, want alice's resend", v)
	}
	// A scripted 429 without retry_after announces no pause.
	tg.FailMethod("sendMessage", Failure{Code: 429, Description: "Too Many Requests"}, 1)
	apiError(t, sendTo(bot, bob.ID), 429, "Too Many Requests")
	if err := sendTo(bot, bob.ID); err != nil || len(tg.Violations()) != 1 {
		t.Errorf("after a 429 without retry_after: %v, %d violations; want accepted, still 1", err, len(tg.Violations()))
	}
}

func TestOutage(t *testing.T) {
	tg, bot := start(t, Options{RoundTrip: RoundTrip{Seed: 7}})
	tg.AddChat(aliceDM)

	tg.SetOutage(&Outage{Failure: ServerError()})
	if _, err := bot.GetMe(); err == nil {
		t.Fatal("getMe during a 5xx storm succeeded")
	}
	apiError(t, sendTo(bot, aliceDM.ID), 500, "Internal Server Error")
	tg.SetOutage(nil)
	if err := sendTo(bot, aliceDM.ID); err != nil {
		t.Fatalf("after the storm: %v", err)
	}

	tg.SetOutage(&Outage{Failure: BadGatewayHTML(), Share: 0.5})
	failed := 0
	for range 200 {
		if _, err := bot.GetMe(); err != nil {
			failed++
		}
	}
	if failed < 60 || failed > 140 {
		t.Errorf("%d of 200 requests failed at a share of 0.5", failed)
	}

	// Hanging: a client that gives up is not served; one still waiting when
	// Telegram comes back is.
	tg.SetOutage(&Outage{Hang: true})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf(tg.Endpoint(), tg.Token(), "getMe"), nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("a request during a hanging outage was answered")
	}
	tg.WaitFor(t, 5*time.Second, func() bool { return tg.Stats().Cancelled == 1 }, "the abandoned request to be counted")
	before := tg.Stats().Requests["sendMessage"]
	done := make(chan error, 1)
	go func() { done <- sendTo(bot, aliceDM.ID) }()
	tg.WaitFor(t, 5*time.Second, func() bool { return tg.Stats().Requests["sendMessage"] > before }, "the send to hang")
	select {
	case err := <-done:
		t.Fatalf("a send was answered during the outage: %v", err)
	default:
	}
	tg.SetOutage(nil)
	if err := <-done; err != nil {
		t.Fatalf("the waiting send after the outage: %v", err)
	}
	if n := len(tg.Messages(aliceDM.ID)); n != 2 {
		t.Errorf("alice has %d messages, want 2", n)
	}
}

func TestRoundTrip(t *testing.T) {
	tg, bot := start(t, Options{RoundTrip: RoundTrip{Min: 150 * time.Millisecond, Max: 150 * time.Millisecond, Arrival: 0.5}})
	tg.AddChat(aliceDM)
	begin := time.Now()
	if err := sendTo(bot, aliceDM.ID); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(begin); took < 150*time.Millisecond {
		t.Errorf("send took %v, want the 150 ms round trip", took)
	}
	// A client that gives up on the way back: Telegram sent the message,
	// the bot never heard.
	ctx, cancel := context.WithTimeout(context.Background(), 110*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet,
		fmt.Sprintf(tg.Endpoint(), tg.Token(), "sendMessage")+fmt.Sprintf("?chat_id=%d&text=unheard", aliceDM.ID), nil)
	if resp, err := http.DefaultClient.Do(req); err == nil || !errors.Is(err, context.DeadlineExceeded) {
		if err == nil {
			resp.Body.Close()
		}
		t.Fatalf("request with a 110 ms deadline: %v, want a timeout", err)
	}
	tg.WaitFor(t, 5*time.Second, func() bool { return tg.Stats().LostAnswers == 1 }, "the lost answer")
	if got := tg.Messages(aliceDM.ID); len(got) != 2 || got[1].Text != "unheard" {
		t.Errorf("alice's messages = %d, want the unheard one recorded second", len(got))
	}
}

// Random round trips are drawn uniformly between Min and Max.
func TestRoundTripSpread(t *testing.T) {
	tg := New(Options{RoundTrip: RoundTrip{Min: 20 * time.Millisecond, Max: 300 * time.Millisecond, Seed: 1}})
	defer tg.Close()
	lo, hi := time.Hour, time.Duration(0)
	for range 2000 {
		there, back := tg.drawRoundTrip()
		if there != 0 {
			t.Fatalf("way there %v with Arrival 0, want 0", there)
		}
		lo, hi = min(lo, back), max(hi, back)
	}
	if lo < 20*time.Millisecond || lo > 25*time.Millisecond || hi > 300*time.Millisecond || hi < 295*time.Millisecond {
		t.Errorf("round trips from %v to %v, want 20–300 ms", lo, hi)
	}
}
