package delivery

import (
	"encoding/json"
	"reflect"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/osipovichi/newsbot/subscriptions"
)

func TestFromLibrary(t *testing.T) {
	group := &tgbotapi.Chat{ID: -42, Type: "supergroup", Title: "Школа №2"}
	anna := &tgbotapi.User{ID: 7, FirstName: "Anna", LanguageCode: "be-BY"}
	command := func(text string, length int) *tgbotapi.Message {
		return &tgbotapi.Message{MessageID: 3, Chat: group, From: anna, Text: text,
			Entities: []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: length}}}
	}
	annaUser := &User{ID: 7, LanguageCode: "be-BY"}
	groupChat := Chat{ID: -42, Type: subscriptions.ChatSupergroup, Title: "Школа №2"}
	tests := []struct {
		name string
		in   tgbotapi.Update
		want Update
		ok   bool
	}{
		{"command to this bot", tgbotapi.Update{UpdateID: 1, Message: command("/Latest@news_bot 10", 16)},
			Update{ID: 1, Message: &Incoming{ID: 3, Chat: groupChat, From: annaUser, Text: "/Latest@news_bot 10", Content: ContentText,
				Command: "latest", CommandBot: "news_bot", Args: "10"}}, true},
		{"command without arguments", tgbotapi.Update{UpdateID: 2, Message: command("/help", 5)},
			Update{ID: 2, Message: &Incoming{ID: 3, Chat: groupChat, From: annaUser, Text: "/help", Content: ContentText, Command: "help"}}, true},
		{"forwarded photo of an album in a private chat", tgbotapi.Update{UpdateID: 3, Message: &tgbotapi.Message{MessageID: 4,
			Chat: &tgbotapi.Chat{ID: 7, Type: "private", FirstName: "Anna", LastName: "K"}, From: anna, MediaGroupID: "album",
			Photo:           []tgbotapi.PhotoSize{{FileID: "AgAC"}},
			ForwardFromChat: &tgbotapi.Chat{ID: -1001, Type: "channel", Title: "News", UserName: "news"}}},
			Update{ID: 3, Message: &Incoming{ID: 4, Chat: Chat{ID: 7, Type: subscriptions.ChatPrivate, Title: "Anna K"},
				From: annaUser, Content: ContentPhoto, MediaGroup: "album",
				ForwardedFrom: &Chat{ID: -1001, Type: subscriptions.ChatChannel, Title: "News", Username: "news"}}}, true},
		{"sticker", tgbotapi.Update{UpdateID: 8, Message: &tgbotapi.Message{MessageID: 5, Chat: &tgbotapi.Chat{ID: 7, Type: "private"}, From: anna,
			Sticker: &tgbotapi.Sticker{FileID: "CAACAgIAAxk", Emoji: "👍"}}},
			Update{ID: 8, Message: &Incoming{ID: 5, Chat: Chat{ID: 7, Type: subscriptions.ChatPrivate}, From: annaUser, Content: ContentSticker}}, true},
		{"group upgraded", tgbotapi.Update{UpdateID: 4, Message: &tgbotapi.Message{Chat: group, MigrateToChatID: -100777}},
			Update{ID: 4, Message: &Incoming{Chat: groupChat, MigrateTo: -100777}}, true},
		{"button press", tgbotapi.Update{UpdateID: 5, CallbackQuery: &tgbotapi.CallbackQuery{ID: "q", From: anna, Data: "sub",
			Message: &tgbotapi.Message{MessageID: 9, Chat: group}}},
			Update{ID: 5, Press: &Press{ID: "q", From: *annaUser, Chat: &groupChat, MessageID: 9, Data: "sub"}}, true},
		{"press on an inline-mode message", tgbotapi.Update{UpdateID: 6, CallbackQuery: &tgbotapi.CallbackQuery{ID: "q", From: anna, Data: "x"}},
			Update{ID: 6, Press: &Press{ID: "q", From: *annaUser, Data: "x"}}, true},
		{"bot removed", tgbotapi.Update{UpdateID: 7, MyChatMember: &tgbotapi.ChatMemberUpdated{Chat: *group, From: *anna,
			OldChatMember: tgbotapi.ChatMember{Status: "administrator"}, NewChatMember: tgbotapi.ChatMember{Status: "kicked"}}},
			Update{ID: 7, Member: &MemberUpdate{Chat: groupChat, From: *annaUser, Old: MemberAdministrator, New: MemberKicked}}, true},
		{"inline query", tgbotapi.Update{UpdateID: 9, InlineQuery: &tgbotapi.InlineQuery{ID: "iq", From: anna, Query: "дороги", Offset: "20", ChatType: "group"}},
			Update{ID: 9, Inline: &InlineQuery{ID: "iq", From: *annaUser, Query: "дороги", Offset: "20"}}, true},
		{"a kind the bot does not ask for", tgbotapi.Update{UpdateID: 8, EditedMessage: command("/help", 5)}, Update{ID: 8}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := fromLibrary(tt.in)
			if ok != tt.ok {
				t.Fatalf("ok = %t, want %t", ok, tt.ok)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("fromLibrary:\ngot  %s\nwant %s", dump(got), dump(tt.want))
			}
		})
	}
}

func TestMemberStatus(t *testing.T) {
	for _, tt := range []struct {
		s               MemberStatus
		admin, in, gone bool
	}{
		{MemberCreator, true, true, false}, {MemberAdministrator, true, true, false}, {MemberMember, false, true, false},
		{MemberRestricted, false, false, false}, {MemberLeft, false, false, true}, {MemberKicked, false, false, true},
	} {
		if tt.s.Admin() != tt.admin || tt.s.In() != tt.in || tt.s.Gone() != tt.gone {
			t.Errorf("%s: admin %t in %t gone %t; want %t %t %t", tt.s, tt.s.Admin(), tt.s.In(), tt.s.Gone(), tt.admin, tt.in, tt.gone)
		}
	}
}

// dump shows an update with what its pointers point to.
func dump(u Update) string {
	b, _ := json.Marshal(u)
	return string(b)
}

const bigPicture = `{"prefer_large_media":true,"show_above_text":true,"url":"https://x/a.jpg"}`

func TestRequests(t *testing.T) {
	kb := Keyboard{{{Text: "🔔 Subscribe", Data: "sub"}}}
	markup := `{"inline_keyboard":[[{"text":"🔔 Subscribe","callback_data":"sub"}]]}`
	tests := []struct {
		name       string
		request    func() (string, tgbotapi.Params)
		wantMethod string
		want       tgbotapi.Params
	}{
		{"text", Message{ChatID: 5, Text: "<b>x</b>", Keyboard: kb}.request,
			"sendMessage", tgbotapi.Params{"chat_id": "5", "text": "<b>x</b>", "parse_mode": "HTML",
				"link_preview_options": noPreviews, "reply_markup": markup}},
		{"article with previews, silent", Message{ChatID: 5, Text: "<b>x</b>", Previews: true, Silent: true}.request,
			"sendMessage", tgbotapi.Params{"chat_id": "5", "text": "<b>x</b>", "parse_mode": "HTML", "disable_notification": "true"}},
		{"photo", Message{ChatID: 5, Text: "<b>x</b>", Photo: "https://x/a.jpg", Previews: true}.request,
			"sendPhoto", tgbotapi.Params{"chat_id": "5", "photo": "https://x/a.jpg", "caption": "<b>x</b>", "parse_mode": "HTML"}},
		{"copy", Message{ChatID: 5, Text: "ignored", Copy: &Source{ChatID: 9, MessageIDs: []int{12}}}.request,
			"copyMessage", tgbotapi.Params{"chat_id": "5", "from_chat_id": "9", "message_id": "12"}},
		{"copy of an album, silent", Message{ChatID: 5, Copy: &Source{ChatID: 9, MessageIDs: []int{12, 13, 14}}, Silent: true}.request,
			"copyMessages", tgbotapi.Params{"chat_id": "5", "from_chat_id": "9", "message_ids": "[12,13,14]", "disable_notification": "true"}},
		{"edit", Edit{ChatID: 5, MessageID: 3, Text: "<b>x</b>"}.request,
			"editMessageText", tgbotapi.Params{"chat_id": "5", "message_id": "3", "text": "<b>x</b>", "parse_mode": "HTML",
				"link_preview_options": noPreviews}},
		{"edit the keyboard", Edit{ChatID: 5, MessageID: 3, Keyboard: kb}.request,
			"editMessageReplyMarkup", tgbotapi.Params{"chat_id": "5", "message_id": "3", "reply_markup": markup}},
		{"text with a picture above, a link button", Message{ChatID: 5, Text: "<b>x</b>", Preview: "https://x/a.jpg",
			Keyboard: Keyboard{{{Text: "Open", URL: "https://t.me/bot?start=read_1"}}}}.request,
			"sendMessage", tgbotapi.Params{"chat_id": "5", "text": "<b>x</b>", "parse_mode": "HTML", "link_preview_options": bigPicture,
				"reply_markup": `{"inline_keyboard":[[{"text":"Open","url":"https://t.me/bot?start=read_1"}]]}`}},
		{"edit with a picture above", Edit{ChatID: 5, MessageID: 3, Text: "<b>x</b>", Preview: "https://x/a.jpg"}.request,
			"editMessageText", tgbotapi.Params{"chat_id": "5", "message_id": "3", "text": "<b>x</b>", "parse_mode": "HTML",
				"link_preview_options": bigPicture}},
	}
	for _, tt := range tests {
		method, params := tt.request()
		if method != tt.wantMethod {
			t.Errorf("%s: method %s, want %s", tt.name, method, tt.wantMethod)
		}
		if !reflect.DeepEqual(params, tt.want) {
			t.Errorf("%s: params\ngot  %v\nwant %v", tt.name, params, tt.want)
		}
	}
}

func TestContent(t *testing.T) {
	for _, tt := range []struct {
		m    tgbotapi.Message
		want string
	}{
		{tgbotapi.Message{Text: "x"}, ContentText},
		{tgbotapi.Message{Photo: []tgbotapi.PhotoSize{{FileID: "p"}}, Caption: "x"}, ContentPhoto},
		{tgbotapi.Message{Video: &tgbotapi.Video{}}, ContentVideo},
		{tgbotapi.Message{Animation: &tgbotapi.Animation{}, Document: &tgbotapi.Document{}}, ContentAnimation},
		{tgbotapi.Message{Document: &tgbotapi.Document{}}, ContentDocument},
		{tgbotapi.Message{Audio: &tgbotapi.Audio{}}, ContentAudio},
		{tgbotapi.Message{Voice: &tgbotapi.Voice{}}, ContentVoice},
		{tgbotapi.Message{VideoNote: &tgbotapi.VideoNote{}}, ContentVideoNote},
		{tgbotapi.Message{Sticker: &tgbotapi.Sticker{}}, ContentSticker},
		{tgbotapi.Message{Venue: &tgbotapi.Venue{}, Location: &tgbotapi.Location{}}, ContentVenue},
		{tgbotapi.Message{Location: &tgbotapi.Location{}}, ContentLocation},
		{tgbotapi.Message{Contact: &tgbotapi.Contact{}}, ContentContact},
		{tgbotapi.Message{Poll: &tgbotapi.Poll{}}, ContentPoll},
		{tgbotapi.Message{Dice: &tgbotapi.Dice{}}, ContentDice},
		{tgbotapi.Message{Game: &tgbotapi.Game{}}, ContentGame},
		{tgbotapi.Message{Invoice: &tgbotapi.Invoice{}}, ContentInvoice},
		{tgbotapi.Message{PinnedMessage: &tgbotapi.Message{}}, ""},
	} {
		if got := content(&tt.m); got != tt.want {
			t.Errorf("content of %+v = %q, want %q", tt.m, got, tt.want)
		}
	}
}
