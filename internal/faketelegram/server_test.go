package faketelegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func newBot(t *testing.T, tg *Server) *tgbotapi.BotAPI {
	t.Helper()
	bot, err := tgbotapi.NewBotAPIWithClient(tg.Token(), tg.Endpoint(), &http.Client{Timeout: 30 * time.Second})
	if err != nil {
		t.Fatalf("NewBotAPIWithClient: %v", err)
	}
	return bot
}

func start(t *testing.T, opts Options) (*Server, *tgbotapi.BotAPI) {
	t.Helper()
	tg := New(opts)
	t.Cleanup(tg.Close)
	return tg, newBot(t, tg)
}

// apiError asserts err is a *tgbotapi.Error with the code and description.
func apiError(t *testing.T, err error, code int, desc string) *tgbotapi.Error {
	t.Helper()
	var tgErr *tgbotapi.Error
	if !errors.As(err, &tgErr) {
		t.Fatalf("error = %v (%T), want *tgbotapi.Error %d %q", err, err, code, desc)
	}
	if tgErr.Code != code || tgErr.Message != desc {
		t.Fatalf("error = %d %q, want %d %q", tgErr.Code, tgErr.Message, code, desc)
	}
	return tgErr
}

var (
	alice   = User{ID: 501, FirstName: "Alice", Username: "alice", LanguageCode: "ru"}
	bob     = User{ID: 502, FirstName: "Bob", LanguageCode: "be"}
	aliceDM = PrivateChat(alice)
	group   = Chat{ID: -4001, Type: "group", Title: "Osipovichi"}
	super   = Chat{ID: -1001234567890, Type: "supergroup", Title: "Osipovichi news", Username: "osipovichi_chat"}
)

func TestGetMe(t *testing.T) {
	tg, bot := start(t, Options{})
	if got, want := bot.Self.UserName, DefaultBotUsername; got != want {
		t.Errorf("username = %q, want %q", got, want)
	}
	if got, want := bot.Self.ID, BotID; got != want {
		t.Errorf("id = %d, want %d", got, want)
	}
	if !bot.Self.IsBot {
		t.Errorf("is_bot = false, want true")
	}
	if got, want := tg.Endpoint(), tg.URL()+"/bot%s/%s"; got != want {
		t.Errorf("Endpoint() = %q, want %q", got, want)
	}

	_, err := tgbotapi.NewBotAPIWithClient("123:wrong", tg.Endpoint(), http.DefaultClient)
	apiError(t, err, 401, "Unauthorized")

	_, err = bot.MakeRequest("sendTelepathy", nil)
	apiError(t, err, 404, "Not Found")

	// Method names are case-insensitive; GET with a query string works.
	resp, err := http.Get(fmt.Sprintf(tg.Endpoint(), tg.Token(), "GETME"))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		OK     bool `json:"ok"`
		Result struct {
			Username string `json:"username"`
		} `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if !body.OK || body.Result.Username != DefaultBotUsername {
		t.Errorf("GET getMe = %+v, want ok with username %q", body, DefaultBotUsername)
	}
}

func TestSendRoundTrip(t *testing.T) {
	tg, bot := start(t, Options{})
	tg.AddChat(aliceDM)

	msg := tgbotapi.NewMessage(aliceDM.ID, "<b>Новости</b> &amp; погода")
	msg.ParseMode = tgbotapi.ModeHTML
	msg.DisableWebPagePreview = true
	msg.DisableNotification = true
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("Подписаться", "sub:1")),
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonURL("Сайт", "https://example.by/")),
	)
	got, err := bot.Send(msg)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if got.MessageID != 1 || got.Chat.ID != aliceDM.ID || got.Chat.Type != "private" {
		t.Errorf("message id %d chat %+v, want 1 in private chat %d", got.MessageID, got.Chat, aliceDM.ID)
	}
	if want := "Новости & погода"; got.Text != want {
		t.Errorf("result text = %q, want %q", got.Text, want)
	}
	if got.From == nil || got.From.ID != BotID {
		t.Errorf("from = %+v, want the bot", got.From)
	}
	if got.ReplyMarkup == nil || len(got.ReplyMarkup.InlineKeyboard) != 2 || *got.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "sub:1" {
		t.Errorf("result reply_markup = %+v, want the keyboard", got.ReplyMarkup)
	}

	sent := tg.Messages(aliceDM.ID)
	if len(sent) != 1 {
		t.Fatalf("Messages = %d, want 1", len(sent))
	}
	s := sent[0]
	if s.Method != "sendMessage" || s.Text != msg.Text || s.Plain != "Новости & погода" || s.ParseMode != "HTML" {
		t.Errorf("recorded %q %q %q %q, want sendMessage, the HTML, the plain text, HTML", s.Method, s.Text, s.Plain, s.ParseMode)
	}
	if !s.LinkPreviewDisabled || !s.DisableNotification {
		t.Errorf("LinkPreviewDisabled %v DisableNotification %v, want both true", s.LinkPreviewDisabled, s.DisableNotification)
	}
	wantKB := &InlineKeyboard{Rows: [][]Button{{{Text: "Подписаться", CallbackData: "sub:1"}}, {{Text: "Сайт", URL: "https://example.by/"}}}}
	if fmt.Sprint(s.ReplyMarkup) != fmt.Sprint(wantKB) {
		t.Errorf("ReplyMarkup = %+v, want %+v", s.ReplyMarkup, wantKB)
	}

	// link_preview_options, through MakeRequest.
	if _, err := bot.MakeRequest("sendMessage", tgbotapi.Params{"chat_id": "501", "text": "x", "link_preview_options": `{"is_disabled":true}`}); err != nil {
		t.Fatalf("MakeRequest: %v", err)
	}
	if s := tg.Messages(aliceDM.ID)[1]; !s.LinkPreviewDisabled || s.LinkPreviewOptions != `{"is_disabled":true}` || s.MessageID != 2 {
		t.Errorf("second message %+v, want id 2 with link preview disabled", s)
	}

	// Photos by URL and by upload.
	photo := tgbotapi.NewPhoto(aliceDM.ID, tgbotapi.FileURL("https://example.by/a.jpg"))
	photo.Caption = "<i>Фото</i>"
	photo.ParseMode = tgbotapi.ModeHTML
	pm, err := bot.Send(photo)
	if err != nil {
		t.Fatalf("send photo: %v", err)
	}
	if len(pm.Photo) == 0 || pm.Caption != "Фото" || pm.MessageID != 3 {
		t.Errorf("photo result %d sizes caption %q id %d, want sizes, \"Фото\", 3", len(pm.Photo), pm.Caption, pm.MessageID)
	}
	if _, err := bot.Send(tgbotapi.NewPhoto(aliceDM.ID, tgbotapi.FileBytes{Name: "a.jpg", Bytes: []byte("jpeg")})); err != nil {
		t.Fatalf("upload photo: %v", err)
	}
	sent = tg.Messages(aliceDM.ID)
	if sent[2].Photo != "https://example.by/a.jpg" || sent[2].Caption != "<i>Фото</i>" || sent[3].Photo != "upload:a.jpg" {
		t.Errorf("photos recorded as %q %q and %q, want the URL, the caption and upload:a.jpg", sent[2].Photo, sent[2].Caption, sent[3].Photo)
	}

	// copyMessage of a channel post.
	channel := Chat{ID: -1009999, Type: "channel", Title: "Portal", Username: "portal"}
	tg.SendMessage(channel, User{}, "post text")
	id, err := bot.CopyMessage(tgbotapi.NewCopyMessage(aliceDM.ID, channel.ID, 1))
	if err != nil {
		t.Fatalf("CopyMessage: %v", err)
	}
	if id.MessageID != 5 {
		t.Errorf("copy id = %d, want 5", id.MessageID)
	}
	c := tg.Messages(aliceDM.ID)[4]
	if c.Method != "copyMessage" || c.FromChatID != channel.ID || c.SourceMessageID != 1 || c.Text != "post text" {
		t.Errorf("copy recorded %+v, want copyMessage of %d/1 with its text", c, channel.ID)
	}
	_, err = bot.CopyMessage(tgbotapi.NewCopyMessage(aliceDM.ID, channel.ID, 99))
	apiError(t, err, 400, "Bad Request: message to copy not found")

	if got := len(tg.AllMessages()); got != 5 {
		t.Errorf("AllMessages = %d, want 5", got)
	}
	if got := tg.Stats().Messages; got != 5 {
		t.Errorf("Stats.Messages = %d, want 5", got)
	}

	// JSON bodies are accepted too.
	resp, err := http.Post(fmt.Sprintf(tg.Endpoint(), tg.Token(), "sendMessage"), "application/json",
		strings.NewReader(`{"chat_id":501,"text":"json","reply_markup":{"inline_keyboard":[[{"text":"a","callback_data":"b"}]]}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("JSON sendMessage status %d, want 200", resp.StatusCode)
	}
	if s := tg.Messages(aliceDM.ID)[5]; s.Text != "json" || s.ReplyMarkup == nil || s.ReplyMarkup.Rows[0][0].CallbackData != "b" {
		t.Errorf("JSON message recorded %+v", s)
	}
}

func TestSendValidation(t *testing.T) {
	tg, bot := start(t, Options{})
	tg.AddChat(aliceDM)
	long := strings.Repeat("я", 4096)
	tests := []struct {
		name   string
		params tgbotapi.Params
		method string
		want   string
	}{
		{"unknown chat", tgbotapi.Params{"chat_id": "777", "text": "x"}, "sendMessage", "Bad Request: chat not found"},
		{"unknown username", tgbotapi.Params{"chat_id": "@nobody", "text": "x"}, "sendMessage", "Bad Request: chat not found"},
		{"bad chat id", tgbotapi.Params{"chat_id": "abc", "text": "x"}, "sendMessage", "Bad Request: chat not found"},
		{"no chat id", tgbotapi.Params{"text": "x"}, "sendMessage", "Bad Request: chat_id is empty"},
		{"no text", tgbotapi.Params{"chat_id": "501"}, "sendMessage", "Bad Request: message text is empty"},
		{"blank text", tgbotapi.Params{"chat_id": "501", "text": " \n "}, "sendMessage", "Bad Request: message text is empty"},
		{"empty after tags", tgbotapi.Params{"chat_id": "501", "text": "<b> </b>", "parse_mode": "HTML"}, "sendMessage", "Bad Request: message text is empty"},
		{"unsupported tag", tgbotapi.Params{"chat_id": "501", "text": "0123456789ab<div>x</div>", "parse_mode": "HTML"}, "sendMessage", `Bad Request: can't parse entities: Unsupported start tag "div" at byte offset 12`},
		{"unclosed tag", tgbotapi.Params{"chat_id": "501", "text": "<b>x", "parse_mode": "HTML"}, "sendMessage", `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`},
		{"unescaped amp", tgbotapi.Params{"chat_id": "501", "text": "AT&T", "parse_mode": "HTML"}, "sendMessage", `Bad Request: can't parse entities: Character "&" must be escaped as "&amp;" at byte offset 2`},
		{"invalid utf8", tgbotapi.Params{"chat_id": "501", "text": "\xff"}, "sendMessage", "Bad Request: text must be encoded in UTF-8"},
		{"too long", tgbotapi.Params{"chat_id": "501", "text": long + "я"}, "sendMessage", "Bad Request: message is too long"},
		{"too long in UTF-16", tgbotapi.Params{"chat_id": "501", "text": strings.Repeat("😀", 2049)}, "sendMessage", "Bad Request: message is too long"},
		{"caption too long", tgbotapi.Params{"chat_id": "501", "photo": "https://e.by/a.jpg", "caption": strings.Repeat("a", 1025)}, "sendPhoto", "Bad Request: message caption is too long"},
		{"no photo", tgbotapi.Params{"chat_id": "501"}, "sendPhoto", "Bad Request: there is no photo in the request"},
		{"button data too long", tgbotapi.Params{"chat_id": "501", "text": "x", "reply_markup": `{"inline_keyboard":[[{"text":"a","callback_data":"` + strings.Repeat("d", 65) + `"}]]}`}, "sendMessage", "Bad Request: BUTTON_DATA_INVALID"},
		{"button data empty", tgbotapi.Params{"chat_id": "501", "text": "x", "reply_markup": `{"inline_keyboard":[[{"text":"a","callback_data":""}]]}`}, "sendMessage", "Bad Request: BUTTON_DATA_INVALID"},
		{"text button", tgbotapi.Params{"chat_id": "501", "text": "x", "reply_markup": `{"inline_keyboard":[[{"text":"a"}]]}`}, "sendMessage", "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"},
		{"bad markup JSON", tgbotapi.Params{"chat_id": "501", "text": "x", "reply_markup": `{"inline_keyboard":[[`}, "sendMessage", "Bad Request: can't parse reply keyboard markup JSON object"},
		{"bad markup type", tgbotapi.Params{"chat_id": "501", "text": "x", "reply_markup": `{"inline_keyboard":{}}`}, "sendMessage", "Bad Request: can't parse reply keyboard markup JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bot.MakeRequest(tt.method, tt.params)
			apiError(t, err, 400, tt.want)
		})
	}
	if got := tg.Messages(aliceDM.ID); len(got) != 0 {
		t.Errorf("recorded %d rejected messages, want 0", len(got))
	}
	if got := tg.Stats().Errors["Bad Request: BUTTON_DATA_INVALID"]; got != 2 {
		t.Errorf("Stats.Errors[BUTTON_DATA_INVALID] = %d, want 2", got)
	}

	// The limits themselves are accepted: 4096 units of text, 64 bytes of data.
	ok := []tgbotapi.Params{
		{"chat_id": "501", "text": long},
		{"chat_id": "501", "text": "<b>" + long + "</b>", "parse_mode": "HTML"},
		{"chat_id": "501", "text": strings.Repeat("😀", 2048)},
		{"chat_id": "501", "text": "x", "reply_markup": `{"inline_keyboard":[[{"text":"a","callback_data":"` + strings.Repeat("d", 64) + `"}]]}`},
	}
	for _, p := range ok {
		if _, err := bot.MakeRequest("sendMessage", p); err != nil {
			t.Errorf("sendMessage %.40v: %v, want success", p, err)
		}
	}
}

func TestEdits(t *testing.T) {
	tg, bot := start(t, Options{})
	tg.SendMessage(aliceDM, alice, "/start") // message 1, from the user
	kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("ru", "lang:ru")))
	msg := tgbotapi.NewMessage(aliceDM.ID, "Выберите язык")
	msg.ReplyMarkup = kb
	m, err := bot.Send(msg)
	if err != nil {
		t.Fatal(err)
	}
	if m.MessageID != 2 {
		t.Fatalf("message id = %d, want 2 (after the user's message)", m.MessageID)
	}

	edit := tgbotapi.NewEditMessageText(aliceDM.ID, 2, "<b>Язык: ru</b>")
	edit.ParseMode = tgbotapi.ModeHTML
	edit.ReplyMarkup = &kb
	em, err := bot.Send(edit)
	if err != nil {
		t.Fatalf("edit: %v", err)
	}
	if em.Text != "Язык: ru" || em.EditDate == 0 {
		t.Errorf("edit result text %q edit_date %d, want the plain text and a date", em.Text, em.EditDate)
	}
	if got, want := tg.MessageText(aliceDM.ID, 2), "<b>Язык: ru</b>"; got != want {
		t.Errorf("MessageText = %q, want %q", got, want)
	}

	_, err = bot.Send(edit)
	apiError(t, err, 400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")

	_, err = bot.Send(tgbotapi.NewEditMessageText(aliceDM.ID, 42, "x"))
	apiError(t, err, 400, "Bad Request: message to edit not found")
	_, err = bot.Send(tgbotapi.NewEditMessageText(aliceDM.ID, 1, "x"))
	apiError(t, err, 400, "Bad Request: message can't be edited")

	kb2 := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("be", "lang:be")))
	if _, err := bot.Send(tgbotapi.NewEditMessageReplyMarkup(aliceDM.ID, 2, kb2)); err != nil {
		t.Fatalf("edit markup: %v", err)
	}
	_, err = bot.Send(tgbotapi.NewEditMessageReplyMarkup(aliceDM.ID, 2, kb2))
	apiError(t, err, 400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")

	edits := tg.Edits(aliceDM.ID)
	if len(edits) != 2 || edits[0].Method != "editMessageText" || edits[1].Method != "editMessageReplyMarkup" {
		t.Fatalf("Edits = %+v, want editMessageText then editMessageReplyMarkup", edits)
	}
	if edits[1].ReplyMarkup.Rows[0][0].CallbackData != "lang:be" || edits[1].Text != "<b>Язык: ru</b>" {
		t.Errorf("markup edit recorded %+v", edits[1])
	}
	if got := tg.MessageMarkup(aliceDM.ID, 2); got == nil || got.Rows[0][0].Text != "be" {
		t.Errorf("MessageMarkup = %+v, want the be button", got)
	}

	if _, err := bot.Request(tgbotapi.NewDeleteMessage(aliceDM.ID, 2)); err != nil {
		t.Fatalf("delete: %v", err)
	}
	_, err = bot.Request(tgbotapi.NewDeleteMessage(aliceDM.ID, 2))
	apiError(t, err, 400, "Bad Request: message to delete not found")
	_, err = bot.Send(tgbotapi.NewEditMessageText(aliceDM.ID, 2, "x"))
	apiError(t, err, 400, "Bad Request: message to edit not found")
	if got := tg.Deleted(aliceDM.ID); len(got) != 1 || got[0] != 2 {
		t.Errorf("Deleted = %v, want [2]", got)
	}
}

func TestLongPoll(t *testing.T) {
	tg, bot := start(t, Options{})

	type result struct {
		updates []tgbotapi.Update
		err     error
		took    time.Duration
	}
	done := make(chan result)
	go func() {
		cfg := tgbotapi.NewUpdate(0)
		cfg.Timeout = 10
		begin := time.Now()
		u, err := bot.GetUpdates(cfg)
		done <- result{u, err, time.Since(begin)}
	}()
	tg.WaitFor(t, 5*time.Second, func() bool { return tg.Stats().Requests["getUpdates"] == 1 }, "the long poll to start")
	id := tg.SendMessage(aliceDM, alice, "/start@osipovichi_news_bot hello")

	r := <-done
	if r.err != nil {
		t.Fatalf("GetUpdates: %v", r.err)
	}
	if r.took > 5*time.Second {
		t.Errorf("long poll took %v, want an immediate answer once the update arrived", r.took)
	}
	if len(r.updates) != 1 || r.updates[0].UpdateID != id {
		t.Fatalf("updates = %+v, want update %d", r.updates, id)
	}
	m := r.updates[0].Message
	if m == nil || m.Text != "/start@osipovichi_news_bot hello" || m.From.ID != alice.ID || m.From.LanguageCode != "ru" {
		t.Fatalf("message = %+v, want alice's /start", m)
	}
	if !m.IsCommand() || m.Command() != "start" || m.CommandArguments() != "hello" {
		t.Errorf("command %q args %q, want start / hello", m.Command(), m.CommandArguments())
	}

	// Not confirmed yet: returned again.
	again, err := bot.GetUpdates(tgbotapi.NewUpdate(0))
	if err != nil || len(again) != 1 {
		t.Fatalf("unconfirmed update returned %d times, err %v; want again", len(again), err)
	}
	// offset confirms it.
	id2 := tg.SendMessage(aliceDM, alice, "second")
	got, err := bot.GetUpdates(tgbotapi.NewUpdate(id + 1))
	if err != nil || len(got) != 1 || got[0].UpdateID != id2 {
		t.Fatalf("GetUpdates(offset %d) = %+v, %v; want only update %d", id+1, got, err, id2)
	}
	if got := tg.Confirmed(); got != id+1 {
		t.Errorf("Confirmed = %d, want %d", got, id+1)
	}
	got, err = bot.GetUpdates(tgbotapi.NewUpdate(id2 + 1))
	if err != nil || len(got) != 0 {
		t.Fatalf("after confirming everything: %d updates, %v; want none", len(got), err)
	}

	// Timeout with nothing pending: an empty list after the timeout.
	cfg := tgbotapi.NewUpdate(id2 + 1)
	cfg.Timeout = 1
	begin := time.Now()
	got, err = bot.GetUpdates(cfg)
	if err != nil || len(got) != 0 {
		t.Fatalf("idle poll = %d updates, %v; want none", len(got), err)
	}
	if took := time.Since(begin); took < 900*time.Millisecond {
		t.Errorf("idle poll returned after %v, want about 1s", took)
	}
}

func TestLongPollCancel(t *testing.T) {
	tg, _ := start(t, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, fmt.Sprintf(tg.Endpoint(), tg.Token(), "getUpdates"),
			strings.NewReader("timeout=30"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()
	tg.WaitFor(t, 5*time.Second, func() bool { return tg.Stats().Requests["getUpdates"] == 1 }, "the long poll to start")
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled poll error = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("cancelled poll did not return")
	}
	// The server lets go of the request too.
	tg.WaitFor(t, 5*time.Second, func() bool {
		tg.mu.Lock()
		defer tg.mu.Unlock()
		return tg.pollStop == nil
	}, "the server to drop the cancelled poll")
	closed := make(chan struct{})
	go func() { tg.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close blocked on the cancelled poll")
	}
}

func TestPollConflict(t *testing.T) {
	tg, bot := start(t, Options{})
	errc := make(chan error, 1)
	go func() {
		cfg := tgbotapi.NewUpdate(0)
		cfg.Timeout = 10
		_, err := bot.GetUpdates(cfg)
		errc <- err
	}()
	tg.WaitFor(t, 5*time.Second, func() bool { return tg.Stats().Requests["getUpdates"] == 1 }, "the first poll")
	second := newBot(t, tg)
	go func() {
		cfg := tgbotapi.NewUpdate(0)
		cfg.Timeout = 1
		second.GetUpdates(cfg)
	}()
	apiError(t, <-errc, 409, Conflict().Description)
}

func TestLimits(t *testing.T) {
	clock := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	advance := func(d time.Duration) { mu.Lock(); clock = clock.Add(d); mu.Unlock() }
	send := func(bot *tgbotapi.BotAPI, chat int64) error {
		_, err := bot.Send(tgbotapi.NewMessage(chat, "x"))
		return err
	}
	retryAfter := func(t *testing.T, err error, want int) {
		t.Helper()
		e := apiError(t, err, 429, fmt.Sprintf("Too Many Requests: retry after %d", want))
		if e.RetryAfter != want {
			t.Errorf("RetryAfter = %d, want %d", e.RetryAfter, want)
		}
	}

	t.Run("private burst", func(t *testing.T) {
		tg, bot := start(t, Options{EnforceLimits: true, Now: now})
		tg.AddChat(aliceDM)
		for i := range 3 {
			if err := send(bot, aliceDM.ID); err != nil {
				t.Fatalf("message %d: %v, want accepted", i+1, err)
			}
		}
		retryAfter(t, send(bot, aliceDM.ID), 1)
		advance(time.Second)
		if err := send(bot, aliceDM.ID); err != nil {
			t.Fatalf("after a second: %v, want accepted", err)
		}
		if got := tg.Stats().TooManyRequests; got != 1 {
			t.Errorf("TooManyRequests = %d, want 1", got)
		}
		// Edits and callback answers are not counted.
		if _, err := bot.Send(tgbotapi.NewEditMessageText(aliceDM.ID, 1, "y")); err != nil {
			t.Errorf("edit under the limit: %v, want accepted", err)
		}
	})

	t.Run("private paced", func(t *testing.T) {
		tg, bot := start(t, Options{EnforceLimits: true, Now: now})
		tg.AddChat(aliceDM)
		for i := range 20 {
			if err := send(bot, aliceDM.ID); err != nil {
				t.Fatalf("message %d at 1/s: %v", i+1, err)
			}
			advance(time.Second)
		}
	})

	t.Run("group per minute", func(t *testing.T) {
		tg, bot := start(t, Options{EnforceLimits: true, Now: now})
		tg.AddChat(group)
		for i := range 20 {
			if err := send(bot, group.ID); err != nil {
				t.Fatalf("message %d: %v", i+1, err)
			}
			advance(time.Second / 10)
		}
		// The first message was sent 2 s ago: it leaves the window in 58 s.
		retryAfter(t, send(bot, group.ID), 58)
		advance(58 * time.Second)
		if err := send(bot, group.ID); err != nil {
			t.Fatalf("after the window moved: %v", err)
		}
	})

	t.Run("group paced", func(t *testing.T) {
		tg, bot := start(t, Options{EnforceLimits: true, Now: now})
		tg.AddChat(super)
		for i := range 40 {
			if err := send(bot, super.ID); err != nil {
				t.Fatalf("message %d at one per 3 s: %v", i+1, err)
			}
			advance(3 * time.Second)
		}
	})

	t.Run("global", func(t *testing.T) {
		tg, bot := start(t, Options{EnforceLimits: true, Now: now})
		chats := make([]Chat, 40)
		for i := range chats {
			chats[i] = Chat{ID: int64(1000 + i), Type: "private"}
		}
		tg.AddChats(chats)
		for i := range 30 {
			if err := send(bot, chats[i].ID); err != nil {
				t.Fatalf("message %d: %v", i+1, err)
			}
		}
		retryAfter(t, send(bot, chats[30].ID), 1)
		// Paid broadcasts are not held to 30/s.
		if _, err := bot.MakeRequest("sendMessage", tgbotapi.Params{"chat_id": "1031", "text": "x", "allow_paid_broadcast": "true"}); err != nil {
			t.Errorf("paid broadcast: %v, want accepted", err)
		}
		advance(time.Second)
		for i := 30; i < 40; i++ {
			if err := send(bot, chats[i].ID); err != nil {
				t.Fatalf("after a second, message to chat %d: %v", chats[i].ID, err)
			}
		}
	})

	// An album copied at once counts each of its items, and needs room in
	// the window for all of them.
	for _, tt := range []struct {
		before int  // single messages before the album of three
		fits   bool // the album is accepted
	}{{27, true}, {28, false}} {
		t.Run(fmt.Sprintf("album after %d", tt.before), func(t *testing.T) {
			tg, bot := start(t, Options{EnforceLimits: true, Now: now})
			for _, id := range []string{"a", "b", "c"} {
				tg.SendMessageUpdate(map[string]any{"chat": map[string]any{"id": bob.ID, "type": "private"}, "from": map[string]any{"id": bob.ID, "first_name": "Bob"},
					"media_group_id": "g", "photo": []any{map[string]any{"file_id": id, "file_unique_id": "u" + id, "width": 10, "height": 10}}})
			}
			chats := make([]Chat, tt.before+2)
			for i := range chats {
				chats[i] = Chat{ID: int64(2000 + i), Type: "private"}
			}
			tg.AddChats(chats)
			for i := range tt.before {
				if err := send(bot, chats[i].ID); err != nil {
					t.Fatalf("message %d: %v", i+1, err)
				}
			}
			_, err := bot.MakeRequest("copyMessages", tgbotapi.Params{"chat_id": fmt.Sprint(chats[tt.before].ID),
				"from_chat_id": fmt.Sprint(bob.ID), "message_ids": "[1,2,3]"})
			if !tt.fits {
				retryAfter(t, err, 1)
				return
			}
			if err != nil {
				t.Fatalf("album of three after %d messages: %v, want accepted", tt.before, err)
			}
			retryAfter(t, send(bot, chats[tt.before+1].ID), 1) // 27 + 3 = 30 in this second
		})
	}

	t.Run("off by default", func(t *testing.T) {
		tg, bot := start(t, Options{Now: now})
		tg.AddChat(aliceDM)
		for i := range 50 {
			if err := send(bot, aliceDM.ID); err != nil {
				t.Fatalf("message %d without limits: %v", i+1, err)
			}
		}
	})
}

func TestScriptedFailures(t *testing.T) {
	tg, bot := start(t, Options{})
	tg.AddChats([]Chat{aliceDM, group, super})

	tg.FailChat(aliceDM.ID, Blocked(), 1)
	_, err := bot.Send(tgbotapi.NewMessage(aliceDM.ID, "x"))
	apiError(t, err, 403, "Forbidden: bot was blocked by the user")
	if _, err := bot.Send(tgbotapi.NewMessage(aliceDM.ID, "x")); err != nil {
		t.Fatalf("after the scripted failure: %v, want accepted", err)
	}

	tg.FailChat(group.ID, Migrated(-1005555), 1)
	_, err = bot.Send(tgbotapi.NewMessage(group.ID, "x"))
	e := apiError(t, err, 400, "Bad Request: group chat was upgraded to a supergroup chat")
	if e.MigrateToChatID != -1005555 {
		t.Errorf("MigrateToChatID = %d, want -1005555", e.MigrateToChatID)
	}
	if _, err := bot.Send(tgbotapi.NewMessage(-1005555, "x")); err != nil {
		t.Errorf("send to the new supergroup: %v, want accepted", err)
	}

	tg.FailChat(super.ID, TooMany(7), 1)
	_, err = bot.Send(tgbotapi.NewMessage(super.ID, "x"))
	if e := apiError(t, err, 429, "Too Many Requests: retry after 7"); e.RetryAfter != 7 {
		t.Errorf("RetryAfter = %d, want 7", e.RetryAfter)
	}

	tg.FailChat(super.ID, Kicked(), -1)
	for range 3 {
		_, err = bot.Send(tgbotapi.NewMessage(super.ID, "x"))
		apiError(t, err, 403, "Forbidden: bot was kicked from the group chat")
	}
	tg.FailChat(super.ID, Failure{}, 0)
	if _, err := bot.Send(tgbotapi.NewMessage(super.ID, "x")); err != nil {
		t.Errorf("after clearing: %v, want accepted", err)
	}

	tg.FailMethod("getUpdates", Conflict(), 1)
	tg.FailMethod("getUpdates", Unauthorized(), 1)
	_, err = bot.GetUpdates(tgbotapi.NewUpdate(0))
	apiError(t, err, 409, Conflict().Description)
	_, err = bot.GetUpdates(tgbotapi.NewUpdate(0))
	apiError(t, err, 401, "Unauthorized")
	if _, err := bot.GetUpdates(tgbotapi.NewUpdate(0)); err != nil {
		t.Errorf("third getUpdates: %v, want success", err)
	}

	tg.FailMethod("sendMessage", ServerError(), 1)
	_, err = bot.Send(tgbotapi.NewMessage(aliceDM.ID, "x"))
	apiError(t, err, 500, "Internal Server Error")

	st := tg.Stats()
	if st.Errors["Forbidden: bot was kicked from the group chat"] != 3 || st.TooManyRequests != 1 {
		t.Errorf("Stats.Errors = %v, TooManyRequests %d; want 3 kicks and one 429", st.Errors, st.TooManyRequests)
	}
}

func TestBadGatewayHTML(t *testing.T) {
	tg, bot := start(t, Options{})
	tg.AddChat(aliceDM)
	tg.FailMethod("sendMessage", BadGatewayHTML(), 2)

	_, err := bot.Send(tgbotapi.NewMessage(aliceDM.ID, "x"))
	var tgErr *tgbotapi.Error
	var syntax *json.SyntaxError
	if err == nil || errors.As(err, &tgErr) || !errors.As(err, &syntax) {
		t.Errorf("error = %v (%T), want a JSON syntax error, not *tgbotapi.Error", err, err)
	}

	resp, err := http.PostForm(fmt.Sprintf(tg.Endpoint(), tg.Token(), "sendMessage"), url.Values{"chat_id": {"501"}, "text": {"x"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 502 || resp.Header.Get("Content-Type") != "text/html" || !strings.Contains(string(body), "502 Bad Gateway") {
		t.Errorf("got %d %q %q, want 502 text/html with nginx's page", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if got := len(tg.Messages(aliceDM.ID)); got != 0 {
		t.Errorf("recorded %d messages, want 0", got)
	}
}

func TestLatencyAndCancellation(t *testing.T) {
	tg, bot := start(t, Options{Latency: 300 * time.Millisecond})
	tg.AddChat(aliceDM)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, fmt.Sprintf(tg.Endpoint(), tg.Token(), "sendMessage"),
		strings.NewReader(url.Values{"chat_id": {"501"}, "text": {"lost"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("request with a 30ms deadline answered %d, want a timeout", resp.StatusCode)
	}
	tg.WaitFor(t, 5*time.Second, func() bool { return tg.Stats().Cancelled == 1 }, "the server to notice the cancellation")

	begin := time.Now()
	m, err := bot.Send(tgbotapi.NewMessage(aliceDM.ID, "kept"))
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(begin); took < 300*time.Millisecond {
		t.Errorf("send took %v, want at least the 300ms latency", took)
	}
	if m.MessageID != 1 {
		t.Errorf("message id = %d, want 1: the cancelled request must not take an id", m.MessageID)
	}
	if got := tg.Messages(aliceDM.ID); len(got) != 1 || got[0].Text != "kept" {
		t.Errorf("Messages = %+v, want only \"kept\"", got)
	}

	// A scripted Delay is cancellable the same way.
	tg.FailMethod("getMe", Failure{Code: 500, Description: "Internal Server Error", Delay: time.Hour}, 1)
	ctx2, cancel2 := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel2()
	req2, _ := http.NewRequestWithContext(ctx2, http.MethodGet, fmt.Sprintf(tg.Endpoint(), tg.Token(), "getMe"), nil)
	if resp, err := http.DefaultClient.Do(req2); err == nil {
		resp.Body.Close()
		t.Fatal("delayed request answered, want a timeout")
	}
	tg.WaitFor(t, 5*time.Second, func() bool { return tg.Stats().Cancelled == 2 }, "the delayed request to be abandoned")
}

func TestConcurrentSends(t *testing.T) {
	tg, bot := start(t, Options{Latency: time.Millisecond})
	const goroutines, each, chats = 50, 20, 10
	for c := range chats {
		tg.AddChat(Chat{ID: int64(2000 + c), Type: "private"})
	}
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*each)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				chat := int64(2000 + (g+i)%chats)
				if _, err := bot.Send(tgbotapi.NewMessage(chat, fmt.Sprintf("g%d m%d", g, i))); err != nil {
					errs <- err
				}
			}
		}()
	}
	for range 5 {
		go tg.Stats()
		go tg.AllMessages()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("send: %v", err)
	}
	if got := len(tg.AllMessages()); got != goroutines*each {
		t.Errorf("AllMessages = %d, want %d", got, goroutines*each)
	}
	for c := range chats {
		msgs := tg.Messages(int64(2000 + c))
		for i, m := range msgs {
			if m.MessageID != i+1 {
				t.Fatalf("chat %d message %d has id %d, want %d", 2000+c, i, m.MessageID, i+1)
			}
		}
	}
	st := tg.Stats()
	if st.Requests["sendMessage"] != goroutines*each || st.Messages != goroutines*each {
		t.Errorf("Stats = %d requests, %d messages; want %d", st.Requests["sendMessage"], st.Messages, goroutines*each)
	}
	if st.MaxInFlight < 2 {
		t.Errorf("MaxInFlight = %d, want concurrency > 1", st.MaxInFlight)
	}
}

func TestButtonsAndCallbacks(t *testing.T) {
	tg, bot := start(t, Options{})
	msg := tgbotapi.NewMessage(aliceDM.ID, "Темы")
	tg.AddChat(aliceDM)
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("Спорт", "topic:sport")))
	if _, err := bot.Send(msg); err != nil {
		t.Fatal(err)
	}
	uid, cbID := tg.PressButton(aliceDM, alice, 1, "topic:sport")
	updates, err := bot.GetUpdates(tgbotapi.NewUpdate(0))
	if err != nil || len(updates) != 1 || updates[0].UpdateID != uid {
		t.Fatalf("updates = %+v, %v; want the callback %d", updates, err, uid)
	}
	cq := updates[0].CallbackQuery
	if cq == nil || cq.ID != cbID || cq.Data != "topic:sport" || cq.From.ID != alice.ID || cq.Message.MessageID != 1 || cq.Message.Text != "Темы" || cq.Message.Chat.ID != aliceDM.ID {
		t.Fatalf("callback query = %+v, want alice pressing topic:sport under message 1", cq)
	}
	if cq.Message.ReplyMarkup == nil || *cq.Message.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "topic:sport" {
		t.Errorf("callback message markup = %+v, want the keyboard", cq.Message.ReplyMarkup)
	}
	if _, err := bot.Request(tgbotapi.NewCallback(cbID, "Готово")); err != nil {
		t.Fatalf("answer: %v", err)
	}
	_, err = bot.Request(tgbotapi.NewCallback(cbID, "again"))
	apiError(t, err, 400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
	answers := tg.CallbackAnswers()
	if len(answers) != 1 || answers[0].Text != "Готово" || answers[0].ChatID != aliceDM.ID || answers[0].CallbackQueryID != cbID {
		t.Errorf("CallbackAnswers = %+v, want one \"Готово\" for chat %d", answers, aliceDM.ID)
	}
}

func TestMembersAndChats(t *testing.T) {
	tg, bot := start(t, Options{})
	tg.AddChat(super)
	tg.SetChatAdmins(super.ID, alice.ID, bob.ID, BotID)
	tg.SendMessage(super, bob, "hi")

	member := func(chat string, user int64) (tgbotapi.ChatMember, error) {
		cfg := tgbotapi.GetChatMemberConfig{ChatConfigWithUser: tgbotapi.ChatConfigWithUser{SuperGroupUsername: chat, UserID: user}}
		return bot.GetChatMember(cfg)
	}
	tests := []struct {
		user int64
		want string
	}{{alice.ID, "creator"}, {bob.ID, "administrator"}, {BotID, "administrator"}, {999, "member"}}
	for _, tt := range tests {
		m, err := member("-1001234567890", tt.user)
		if err != nil {
			t.Fatalf("getChatMember %d: %v", tt.user, err)
		}
		if m.Status != tt.want || m.User == nil || m.User.ID != tt.user {
			t.Errorf("getChatMember %d = %q %+v, want %q", tt.user, m.Status, m.User, tt.want)
		}
	}
	if m, _ := member("-1001234567890", bob.ID); m.User.FirstName != "Bob" {
		t.Errorf("known user's name = %q, want Bob", m.User.FirstName)
	}
	// By @username, registered from the chat's username or explicitly.
	if m, err := member("@osipovichi_chat", alice.ID); err != nil || m.Status != "creator" {
		t.Errorf("getChatMember @osipovichi_chat = %q, %v; want creator", m.Status, err)
	}
	tg.SetUsernameChat("@news", super.ID)
	c, err := bot.GetChat(tgbotapi.ChatInfoConfig{ChatConfig: tgbotapi.ChatConfig{SuperGroupUsername: "@news"}})
	if err != nil || c.ID != super.ID || c.Title != super.Title || c.Type != "supergroup" {
		t.Errorf("getChat @news = %+v, %v; want %+v", c, err, super)
	}
	_, err = member("-777", alice.ID)
	apiError(t, err, 400, "Bad Request: chat not found")
	_, err = bot.GetChat(tgbotapi.ChatInfoConfig{ChatConfig: tgbotapi.ChatConfig{SuperGroupUsername: "@nobody"}})
	apiError(t, err, 400, "Bad Request: chat not found")

	if _, err := bot.Request(tgbotapi.NewChatAction(super.ID, tgbotapi.ChatTyping)); err != nil {
		t.Errorf("sendChatAction: %v", err)
	}
}

func TestMyChatMember(t *testing.T) {
	tg, bot := start(t, Options{})
	id := tg.ChatMemberUpdate(aliceDM, alice, "member", "kicked")
	updates, err := bot.GetUpdates(tgbotapi.NewUpdate(0))
	if err != nil || len(updates) != 1 || updates[0].UpdateID != id {
		t.Fatalf("updates = %+v, %v; want my_chat_member %d", updates, err, id)
	}
	mcm := updates[0].MyChatMember
	if mcm == nil || mcm.Chat.ID != aliceDM.ID || mcm.OldChatMember.Status != "member" || mcm.NewChatMember.Status != "kicked" || mcm.NewChatMember.User.ID != BotID {
		t.Fatalf("my_chat_member = %+v, want member -> kicked for the bot", mcm)
	}
	_, err = bot.Send(tgbotapi.NewMessage(aliceDM.ID, "x"))
	apiError(t, err, 403, "Forbidden: bot was blocked by the user")
	tg.ChatMemberUpdate(aliceDM, alice, "kicked", "member")
	if _, err := bot.Send(tgbotapi.NewMessage(aliceDM.ID, "x")); err != nil {
		t.Errorf("after unblocking: %v, want accepted", err)
	}

	tg.ChatMemberUpdate(group, alice, "member", "left")
	_, err = bot.Send(tgbotapi.NewMessage(group.ID, "x"))
	apiError(t, err, 403, "Forbidden: bot is not a member of the group chat")
}

func TestUpdatesInjection(t *testing.T) {
	tg, bot := start(t, Options{})
	photo := tg.SendMessageUpdate(map[string]any{
		"chat":    map[string]any{"id": group.ID, "type": "group", "title": group.Title},
		"from":    map[string]any{"id": bob.ID, "is_bot": false, "first_name": "Bob"},
		"photo":   []map[string]any{{"file_id": "F1", "file_unique_id": "U1", "width": 10, "height": 10}},
		"caption": "look",
	})
	channel := Chat{ID: -100777, Type: "channel", Title: "Portal"}
	post := tg.SendMessage(channel, User{}, "news")
	raw := tg.AddRawUpdate(map[string]any{"edited_message": map[string]any{"message_id": 1, "date": 1, "chat": map[string]any{"id": 9, "type": "private"}, "text": "e"}})
	reaction := tg.AddRawUpdate(map[string]any{"message_reaction": map[string]any{"chat": map[string]any{"id": 9, "type": "private"}}})

	updates, err := bot.GetUpdates(tgbotapi.NewUpdate(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(updates) != 3 {
		t.Fatalf("got %d updates, want 3 (message_reaction is not delivered by default)", len(updates))
	}
	if u := updates[0]; u.UpdateID != photo || u.Message == nil || len(u.Message.Photo) != 1 || u.Message.Caption != "look" || u.Message.MessageID != 1 {
		t.Errorf("photo update = %+v", u.Message)
	}
	if u := updates[1]; u.UpdateID != post || u.ChannelPost == nil || u.ChannelPost.Text != "news" || u.ChannelPost.From != nil {
		t.Errorf("channel post update = %+v", u.ChannelPost)
	}
	if u := updates[2]; u.UpdateID != raw || u.EditedMessage == nil || u.EditedMessage.Text != "e" {
		t.Errorf("raw update = %+v", u)
	}
	cfg := tgbotapi.NewUpdate(0)
	cfg.AllowedUpdates = []string{"message_reaction"}
	updates, err = bot.GetUpdates(cfg)
	if err != nil || len(updates) != 1 || updates[0].UpdateID != reaction {
		t.Errorf("with allowed_updates: %d updates, %v; want the reaction %d", len(updates), err, reaction)
	}
	// The chats became known.
	if _, err := bot.Send(tgbotapi.NewMessage(group.ID, "x")); err != nil {
		t.Errorf("send to the injected group: %v", err)
	}
}

func TestSetMyCommands(t *testing.T) {
	tg, bot := start(t, Options{})
	cmds := []tgbotapi.BotCommand{{Command: "start", Description: "Начать"}, {Command: "topics", Description: "Темы"}}
	if _, err := bot.Request(tgbotapi.NewSetMyCommandsWithScopeAndLanguage(tgbotapi.NewBotCommandScopeDefault(), "ru", cmds...)); err != nil {
		t.Fatal(err)
	}
	if _, err := bot.Request(tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "start", Description: "Start"})); err != nil {
		t.Fatal(err)
	}
	got := tg.Commands()
	if len(got["ru"]) != 2 || got["ru"][1]["command"] != "topics" || got["ru"][1]["description"] != "Темы" {
		t.Errorf("Commands()[ru] = %v, want start and topics", got["ru"])
	}
	if len(got[""]) != 1 || got[""][0]["description"] != "Start" {
		t.Errorf("Commands()[\"\"] = %v, want start", got[""])
	}
	_, err := bot.Request(tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "Bad-Command", Description: "x"}))
	apiError(t, err, 400, "Bad Request: BOT_COMMAND_INVALID")
	if _, err := bot.Request(tgbotapi.DeleteWebhookConfig{}); err != nil {
		t.Errorf("deleteWebhook: %v", err)
	}
}

// fakeTB records Fatalf instead of stopping the test.
type fakeTB struct {
	testing.TB
	failed string
}

func (f *fakeTB) Helper()                        {}
func (f *fakeTB) Fatalf(format string, a ...any) { f.failed = fmt.Sprintf(format, a...) }

func TestWait(t *testing.T) {
	tg, bot := start(t, Options{})
	tg.AddChat(aliceDM)
	go func() {
		for i := range 3 {
			bot.Send(tgbotapi.NewMessage(aliceDM.ID, fmt.Sprint("m", i)))
		}
	}()
	got := tg.WaitMessages(t, aliceDM.ID, 3, 5*time.Second)
	if len(got) != 3 {
		t.Errorf("WaitMessages returned %d, want 3", len(got))
	}

	ftb := &fakeTB{TB: t}
	tg.WaitMessages(ftb, aliceDM.ID, 5, 20*time.Millisecond)
	if !strings.Contains(ftb.failed, "for 5 messages in chat 501: got 3") || !strings.Contains(ftb.failed, `"m0"`) {
		t.Errorf("timeout message = %q, want the count and the texts", ftb.failed)
	}
	ftb.failed = ""
	tg.WaitFor(ftb, 20*time.Millisecond, func() bool { return false }, "godot")
	if !strings.Contains(ftb.failed, "waiting 20ms for godot") {
		t.Errorf("WaitFor timeout message = %q", ftb.failed)
	}
}

func BenchmarkSendMessage(b *testing.B) {
	tg := New(Options{EnforceLimits: true})
	defer tg.Close()
	chats := make([]Chat, 10000)
	for i := range chats {
		chats[i] = Chat{ID: int64(10000 + i), Type: "private"}
	}
	tg.AddChats(chats)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	bot, err := tgbotapi.NewBotAPIWithClient(tg.Token(), tg.Endpoint(), client)
	if err != nil {
		b.Fatal(err)
	}
	var n sync.Mutex
	next := 0
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n.Lock()
			chat := chats[next%len(chats)].ID
			next++
			n.Unlock()
			msg := tgbotapi.NewMessage(chat, "<b>Новость</b> дня")
			msg.ParseMode = tgbotapi.ModeHTML
			bot.Send(msg) // 429s expected beyond 30/s
		}
	})
	b.StopTimer()
	st := tg.Stats()
	b.ReportMetric(float64(st.Requests["sendMessage"])/b.Elapsed().Seconds(), "req/s")
}

func FuzzParseMarkup(f *testing.F) {
	for _, s := range []string{
		`{"inline_keyboard":[[{"text":"a","callback_data":"b"}]]}`,
		`{"inline_keyboard":[[{"text":"a","url":"https://e.by"}],[]]}`,
		`{"keyboard":[["a"]]}`, `{"inline_keyboard":null}`, `[]`, `null`, `{`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		kb, key, fail := parseMarkup(raw)
		if fail != nil && (kb != nil || key != "") {
			t.Fatalf("parseMarkup(%q) = %v, %q and a failure %v", raw, kb, key, fail)
		}
		if kb != nil {
			for _, row := range kb.Rows {
				for _, b := range row {
					if b.CallbackData == "" && b.URL == "" && len(row) == 0 {
						t.Fatalf("parseMarkup(%q) accepted an empty button", raw)
					}
					if n := len(b.CallbackData); n > 64 {
						t.Fatalf("parseMarkup(%q) accepted %d bytes of callback_data", raw, n)
					}
				}
			}
		}
	})
}

func TestCopyMessagesKeepsAnAlbum(t *testing.T) {
	tg, bot := start(t, Options{})
	photo := func(group, id string) map[string]any {
		return map[string]any{"chat": map[string]any{"id": bob.ID, "type": "private"}, "from": map[string]any{"id": bob.ID, "first_name": "Bob"},
			"media_group_id": group, "photo": []any{map[string]any{"file_id": id, "file_unique_id": "u" + id, "width": 10, "height": 10}}}
	}
	tg.SendMessageUpdate(photo("g", "a"))
	tg.SendMessageUpdate(photo("g", "b"))
	tg.SendMessageUpdate(map[string]any{"chat": map[string]any{"id": bob.ID, "type": "private"}, "poll": map[string]any{"question": "?"}})
	tg.AddChat(aliceDM)
	call := func(ids string) (*tgbotapi.APIResponse, error) {
		return bot.MakeRequest("copyMessages", tgbotapi.Params{"chat_id": fmt.Sprint(aliceDM.ID), "from_chat_id": fmt.Sprint(bob.ID),
			"message_ids": ids, "disable_notification": "true"})
	}
	resp, err := call("[1,2,9]")
	if err != nil {
		t.Fatalf("copyMessages: %v", err)
	}
	var ids []struct {
		MessageID int `json:"message_id"`
	}
	if err := json.Unmarshal(resp.Result, &ids); err != nil || len(ids) != 2 || ids[0].MessageID != 1 || ids[1].MessageID != 2 {
		t.Fatalf("copyMessages result = %s, %v; want the ids of the two copies (message 9 does not exist)", resp.Result, err)
	}
	got := tg.Messages(aliceDM.ID)
	if len(got) != 2 || got[0].Method != "copyMessages" || got[0].SourceMessageID != 1 || got[1].SourceMessageID != 2 ||
		got[0].Media != "photo" || !got[1].DisableNotification {
		t.Fatalf("recorded %+v, want the two photos copied silently", got)
	}
	if _, err := bot.CopyMessage(tgbotapi.NewCopyMessage(aliceDM.ID, bob.ID, 3)); err != nil {
		t.Fatal(err)
	}
	if m := tg.Messages(aliceDM.ID)[2]; m.Media != "poll" {
		t.Errorf("copy of a poll recorded media %q, want poll", m.Media)
	}
	_, err = call("[2,1]")
	apiError(t, err, 400, "Bad Request: message identifiers must be in a strictly increasing order")
	_, err = call("[7,8]")
	apiError(t, err, 400, "Bad Request: messages to copy not found")
	_, err = call("[]")
	apiError(t, err, 400, "Bad Request: message identifiers are not specified")
}
