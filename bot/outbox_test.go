package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/subscriptions"
)

func TestOutboxDeliversOnceToEachSubscriber(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.subscribe(1, 2, 3)
	h.publish("news", "ru", newsArticle(1), newsArticle(2))
	h.waitDelivered()
	for _, id := range []int64{1, 2, 3} {
		msgs := h.tg.Messages(id)
		if len(msgs) != 2 {
			t.Fatalf("chat %d got %d messages, want 2", id, len(msgs))
		}
		if !strings.Contains(msgs[0].Plain, "Новость номер 1") || !strings.Contains(msgs[1].Plain, "Новость номер 2") {
			t.Errorf("chat %d: got %q then %q, want articles 1 then 2", id, msgs[0].Plain, msgs[1].Plain)
		}
		if msgs[0].LinkPreviewDisabled || msgs[0].DisableNotification {
			t.Errorf("chat %d: previews disabled=%t, silent=%t; want previews on, not silent", id,
				msgs[0].LinkPreviewDisabled, msgs[0].DisableNotification)
		}
	}
}

func TestOutboxQuietHoursAndDigest(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	ctx := context.Background()
	h.subscribe(1, 2)
	// Chat 1 is quiet from 22:00 to 08:00; chat 2 wants a digest at 08:00.
	if err := h.store.SetQuietHours(ctx, 1, 22*60, 8*60, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := h.store.SetDigestHour(ctx, 2, 8, h.clock.Now()); err != nil {
		t.Fatal(err)
	}
	h.clock.Set(time.Date(2023, 3, 2, 23, 15, 0, 0, h.minsk))
	h.publish("news", "ru", newsArticle(1), newsArticle(2), newsArticle(3))
	h.waitDelivered()
	msgs := h.tg.Messages(1)
	if len(msgs) != 3 || !msgs[0].DisableNotification {
		t.Fatalf("quiet chat: %d messages, silent=%t; want 3 silent", len(msgs), len(msgs) > 0 && msgs[0].DisableNotification)
	}
	if n := len(h.tg.Messages(2)); n != 0 {
		t.Fatalf("digest chat got %d messages before 08:00, want 0", n)
	}
	h.clock.Set(time.Date(2023, 3, 3, 8, 1, 0, 0, h.minsk))
	h.engine.CreateDigests(ctx)
	got := h.tg.WaitMessages(t, 2, 1, 10*time.Second)
	for i := 1; i <= 3; i++ {
		if strings.Count(got[0].Plain, "Новость номер "+string(rune('0'+i))) != 1 {
			t.Errorf("digest lacks article %d exactly once: %q", i, got[0].Plain)
		}
	}
	h.waitDelivered()
	h.engine.CreateDigests(ctx)
	h.waitDelivered()
	if n := len(h.tg.Messages(2)); n != 1 {
		t.Fatalf("digest chat got %d messages, want exactly one digest", n)
	}
}

func TestOutboxErrorMatrix(t *testing.T) {
	h := newHarness(t, harnessOptions{noStart: true})
	ctx := context.Background()
	const (
		okChat       = 10
		blocked      = 11
		kicked       = 12
		deactivated  = 13
		notFound     = 14
		migrated     = 15
		newID        = -1001234567890
		globalLimit  = 16
		serverError  = 17
		htmlBody     = 18
		slowChat     = 19
		entities     = 20
		tooLongWords = 21
	)
	h.subscribe(okChat, blocked, kicked, deactivated, notFound, migrated, globalLimit, serverError, htmlBody, slowChat, entities, tooLongWords)
	h.tg.FailChat(blocked, faketelegram.Blocked(), -1)
	h.tg.FailChat(kicked, faketelegram.Kicked(), -1)
	h.tg.FailChat(deactivated, faketelegram.Deactivated(), -1)
	h.tg.FailChat(notFound, faketelegram.ChatNotFound(), -1)
	h.tg.FailChat(migrated, faketelegram.Migrated(newID), 1)
	h.tg.FailChat(globalLimit, faketelegram.TooMany(1), 1)
	h.tg.FailChat(serverError, faketelegram.ServerError(), 2)
	h.tg.FailChat(htmlBody, faketelegram.BadGatewayHTML(), 1)
	h.tg.FailChat(slowChat, faketelegram.Failure{Code: 500, Description: "Internal Server Error", Delay: 2 * time.Second}, 1)
	h.tg.FailChat(entities, faketelegram.Failure{Code: 400, Description: "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 3"}, -1)
	h.tg.FailChat(tooLongWords, faketelegram.Failure{Code: 400, Description: "Bad Request: message is too long"}, -1)
	h.publish("news", "ru", newsArticle(1))
	h.tg.Client().Timeout = time.Second // the slow chat times out
	h.start()

	// Retries are due later: move the clock on until the outbox is drained.
	h.tg.WaitFor(t, 60*time.Second, func() bool {
		c, _ := h.store.DeliveryCounts(ctx)
		if c[subscriptions.DeliveryPending] == 0 {
			return true
		}
		h.clock.Advance(30 * time.Second)
		h.engine.Wake()
		return false
	}, "the outbox to drain")

	for _, id := range []int64{okChat, globalLimit, serverError, htmlBody, slowChat} {
		if n := len(h.tg.Messages(id)); n != 1 {
			t.Errorf("chat %d got %d messages, want exactly 1", id, n)
		}
	}
	if n := len(h.tg.Messages(newID)); n != 1 {
		t.Errorf("migrated supergroup got %d messages, want 1", n)
	}
	wantStatus := map[int64]subscriptions.ChatStatus{
		blocked: subscriptions.StatusBlocked, kicked: subscriptions.StatusLeft,
		deactivated: subscriptions.StatusBlocked, notFound: subscriptions.StatusLeft,
	}
	for id, want := range wantStatus {
		c, err := h.store.Chat(ctx, id)
		if err != nil || c.Status != want {
			t.Errorf("chat %d status = %q (%v), want %q", id, c.Status, err, want)
		}
	}
	if c, err := h.store.Chat(ctx, newID); err != nil || !c.Subscribed {
		t.Errorf("migrated chat = %+v, %v; want subscribed under the new id", c, err)
	}
	counts, _ := h.store.DeliveryCounts(ctx)
	if counts[subscriptions.DeliveryFailed] != 2 || counts[subscriptions.DeliverySkipped] != 4 {
		t.Errorf("delivery counts = %v, want 2 failed (entities, too long) and 4 skipped", counts)
	}
	if !strings.Contains(h.logs.String(), "telegram refused a message the bot rendered") {
		t.Errorf("a rendering bug was not logged as an error")
	}
	// The 429 is not counted: the one attempt is the successful one.
	if d, err := h.store.Delivery(ctx, globalLimit, subscriptions.KindArticle, 1); err != nil || d.Attempts != 1 || d.State != subscriptions.DeliverySent {
		t.Errorf("delivery after a 429 = %+v, %v; want sent with 1 attempt", d, err)
	}
	if d, err := h.store.Delivery(ctx, serverError, subscriptions.KindArticle, 1); err != nil || d.Attempts != 3 {
		t.Errorf("delivery after two 500s = %+v, %v; want sent at the 3rd attempt", d, err)
	}
}
