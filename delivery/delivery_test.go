package delivery

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/subscriptions"
	sqlstore "github.com/osipovichi/newsbot/subscriptions/store"
)

// newTestEngine builds an engine against the fake Bot API and a real store;
// tune changes its configuration.
func newTestEngine(t *testing.T, tune ...func(*Config)) (*Engine, *faketelegram.Server, *sqlstore.Store) {
	t.Helper()
	tg := faketelegram.New(faketelegram.Options{})
	t.Cleanup(tg.Close)
	store, err := sqlstore.Open(context.Background(), filepath.Join(t.TempDir(), "delivery.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	client, err := NewClient(context.Background(), tg.Token(), tg.Endpoint(), tg.Client())
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Client: client, Store: store, Location: time.UTC}
	for _, f := range tune {
		f(&cfg)
	}
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e, tg, store
}

func TestNewRequiresItsParts(t *testing.T) {
	if _, err := New(Config{}); err == nil {
		t.Errorf("New without a client, a store and a location: want an error")
	}
}

// A 429 on a look-up pauses the bot like one on a message: nothing leaves
// before retry_after, and the next look-up waits for it.
func TestLookUpsShareThe429Bookkeeping(t *testing.T) {
	e, tg, _ := newTestEngine(t)
	group := faketelegram.Chat{ID: -4001, Type: "group", Title: "Школа"}
	tg.AddChat(group)
	tg.SetChatAdmins(group.ID, 7)
	tg.FailMethod("getChatMember", faketelegram.TooMany(1), 1)
	before := time.Now()
	if _, err := e.Member(context.Background(), "-4001", 7); err == nil || !IsTemporary(err) {
		t.Fatalf("Member during a 429 = %v, want a temporary error", err)
	}
	if n := e.RateLimited(); n != 1 {
		t.Errorf("RateLimited = %d, want 1", n)
	}
	if until := e.sender.pacer.stats().PausedUntil; until.Before(before.Add(time.Second)) {
		t.Errorf("paused until %v, want 1 s after the 429", until)
	}
	m, err := e.Member(context.Background(), "-4001", 7)
	if err != nil || !m.Status.Admin() {
		t.Errorf("Member after the 429 = %+v, %v; want an administrator", m, err)
	}
	if waited := time.Since(before); waited < time.Second {
		t.Errorf("the next look-up went %v after the 429, want after its retry_after of 1 s", waited)
	}
}

func TestEditThatChangesNothingIsDone(t *testing.T) {
	e, tg, _ := newTestEngine(t)
	u := faketelegram.User{ID: 5, FirstName: "Anna"}
	tg.AddChat(faketelegram.PrivateChat(u))
	ctx := context.Background()
	if err := e.Reply(ctx, Message{ChatID: u.ID, Text: "menu"}); err != nil {
		t.Fatal(err)
	}
	id := tg.Messages(u.ID)[0].MessageID
	kb := Keyboard{{{Text: "back", Data: "set:5:m"}}}
	for i := 0; i < 2; i++ { // the second edit changes nothing
		if err := e.Edit(ctx, Edit{ChatID: u.ID, MessageID: id, Text: "<b>menu</b>", Keyboard: kb}); err != nil {
			t.Fatalf("edit %d: %v, want done", i+1, err)
		}
	}
	if err := e.Edit(ctx, Edit{ChatID: u.ID, MessageID: id + 1, Text: "x"}); err == nil {
		t.Errorf("edit of a message that does not exist: want an error")
	}
}

func TestReplyRecordsWhatTelegramSaysOfTheChat(t *testing.T) {
	e, tg, store := newTestEngine(t)
	ctx := context.Background()
	u := faketelegram.User{ID: 6, FirstName: "Ivan"}
	tg.AddChat(faketelegram.PrivateChat(u))
	if _, err := store.TouchChat(ctx, subscriptions.ChatInfo{ID: u.ID, Type: subscriptions.ChatPrivate}, time.Now()); err != nil {
		t.Fatal(err)
	}
	tg.FailChat(u.ID, faketelegram.Blocked(), -1)
	if err := e.Reply(ctx, Message{ChatID: u.ID, Text: "hello"}); err == nil {
		t.Fatal("reply to a chat that blocked the bot: want an error")
	}
	if c, err := store.Chat(ctx, u.ID); err != nil || c.Status != subscriptions.StatusBlocked {
		t.Errorf("chat after the reply = %+v, %v; want it blocked", c, err)
	}
	if err := e.Reply(ctx, Message{ChatID: 999, Text: "x"}); err == nil || IsTemporary(err) {
		t.Errorf("reply to an unknown chat = %v, want a permanent error", err)
	}
}

// A photo the bot drew goes up with the request, and what Telegram says of
// the chat is read from the answer to an upload as from any other.
func TestReplyUploadsAPhoto(t *testing.T) {
	e, tg, store := newTestEngine(t)
	ctx := context.Background()
	u := faketelegram.User{ID: 8, FirstName: "Olga"}
	tg.AddChat(faketelegram.PrivateChat(u))
	png := []byte("\x89PNG\r\n\x1a\nnot really")
	if err := e.Reply(ctx, Message{ChatID: u.ID, Text: "<b>chart</b>", Upload: &Upload{Name: "stats.png", Data: png}}); err != nil {
		t.Fatal(err)
	}
	got := tg.Messages(u.ID)
	if len(got) != 1 || got[0].Method != "sendPhoto" || got[0].Photo != "upload:stats.png" || string(got[0].Upload) != string(png) || got[0].Plain != "chart" {
		t.Fatalf("sent %+v, want the photo uploaded with its caption", got)
	}

	if _, err := store.TouchChat(ctx, subscriptions.ChatInfo{ID: u.ID, Type: subscriptions.ChatPrivate}, time.Now()); err != nil {
		t.Fatal(err)
	}
	tg.FailChat(u.ID, faketelegram.Blocked(), 1)
	if err := e.Reply(ctx, Message{ChatID: u.ID, Upload: &Upload{Name: "stats.png", Data: png}}); err == nil || IsTemporary(err) {
		t.Fatalf("upload to a chat that blocked the bot = %v, want a permanent error", err)
	}
	if c, err := store.Chat(ctx, u.ID); err != nil || c.Status != subscriptions.StatusBlocked {
		t.Errorf("chat after the upload = %+v, %v; want it blocked", c, err)
	}
}

// ignoreUpdates is a Handler that does nothing.
type ignoreUpdates struct{}

func (ignoreUpdates) Handle(context.Context, Update) {}

// A stop as the engine starts is a stop, not a failure (the bot's tests
// that end within milliseconds stop it while it reads the update offset).
func TestRunStoppedAsItStarts(t *testing.T) {
	e, _, _ := newTestEngine(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := e.Run(ctx, ignoreUpdates{}, textComposer{}); err != nil {
		t.Errorf("Run stopped before it started: %v, want nil", err)
	}
}
