package delivery

import (
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/osipovichi/newsbot/subscriptions"
)

// The types below are all the Bot API the rest of the program sees: what
// comes in (updates) and what goes out (messages, edits, keyboards). They
// carry only what newsbot uses; conversion from and to the client library
// happens in this package alone.

// Chat is a Telegram chat.
type Chat struct {
	ID       int64
	Type     subscriptions.ChatType
	Title    string // a group's or channel's title, or the person's name
	Username string
}

// User is a Telegram user.
type User struct {
	ID           int64
	IsBot        bool
	LanguageCode string // as the person's Telegram app reports it: "ru", "be-BY", …
}

// Update is one update from Telegram: exactly one of its parts is set for
// the kinds the bot asks for.
type Update struct {
	ID      int
	Message *Incoming
	Press   *Press
	Member  *MemberUpdate
	Inline  *InlineQuery
}

// Incoming is a message someone sent in a chat the bot is in.
type Incoming struct {
	ID   int
	Chat Chat
	From *User // nil in channels
	Text string
	// Command is the /command the message starts with, lower case and
	// without the @bot part; empty when the message is not a command.
	Command string
	// CommandBot is the bot a command is addressed to ("/start@name" gives
	// "name"), or empty.
	CommandBot string
	// Args is the text after the command.
	Args string
	// MigrateTo is the new id of a group that became a supergroup, or 0.
	MigrateTo int64
	// Content is what the message holds, as Telegram names it (see content).
	Content string
	// MediaGroup is the album the message is one of (several media sent
	// together), or empty.
	MediaGroup string
	// ForwardedFrom is the channel a forwarded post comes from, or nil.
	ForwardedFrom *Chat
}

// Press is a press of an inline button under one of the bot's messages.
type Press struct {
	ID   string // to answer it
	From User
	// Chat and MessageID locate the message with the button; Chat is nil
	// for a message sent through inline mode.
	Chat      *Chat
	MessageID int
	Data      string // the button's callback data: never trusted
}

// InlineQuery is what a person types after the bot's @username in any
// chat (inline mode, turned on in @BotFather).
type InlineQuery struct {
	ID   string // to answer it
	From User
	// Query is the text typed (up to 256 characters); Offset is the
	// NextOffset of the answer this query continues, or empty. Neither is
	// trusted.
	Query, Offset string
}

// MemberUpdate says that the bot's own membership of a chat changed.
type MemberUpdate struct {
	Chat     Chat
	From     User // who made the change
	Old, New MemberStatus
}

// MemberStatus is a chat member's status, as Telegram names it.
type MemberStatus string

// The statuses Telegram knows.
const (
	MemberCreator       MemberStatus = "creator"
	MemberAdministrator MemberStatus = "administrator"
	MemberMember        MemberStatus = "member"
	MemberRestricted    MemberStatus = "restricted"
	MemberLeft          MemberStatus = "left"
	MemberKicked        MemberStatus = "kicked"
)

// Admin reports whether the status administers the chat.
func (s MemberStatus) Admin() bool { return s == MemberCreator || s == MemberAdministrator }

// In reports whether the status is a full member's: one who reads the chat
// and, for the bot, may be written to there.
func (s MemberStatus) In() bool { return s == MemberMember || s.Admin() }

// Gone reports whether the member has left or was removed.
func (s MemberStatus) Gone() bool { return s == MemberLeft || s == MemberKicked }

// Member is a user's membership of a chat.
type Member struct {
	Status MemberStatus
	// CanPostMessages says an administrator of a channel may post there.
	CanPostMessages bool
}

// Button is an inline button that sends its Data back when pressed, or
// opens URL.
type Button struct {
	Text string
	Data string // at most 64 bytes: the caller's codecs check it
	URL  string // instead of Data: an absolute http(s) or tg:// link
}

// Keyboard is an inline keyboard, row by row; nil for none.
type Keyboard [][]Button

// Message is one message to send.
type Message struct {
	ChatID int64
	// Group paces the message as Telegram does for groups, supergroups and
	// channels (20 a minute) rather than for private chats.
	Group bool
	// Text is HTML (from the renderer); with Photo it is the caption.
	Text string
	// Photo is the URL of an image: the message is that photo.
	Photo string
	// Upload is an image the bot made (a chart), sent with the request:
	// the message is that photo, Photo is unused.
	Upload *Upload
	// Copy makes the message a copy of another one, or of the items of an
	// album (a notice), formatting and media kept; Text, Photo, Upload,
	// Previews and Keyboard are then unused.
	Copy *Source
	// Previews shows a preview of the first link (text messages).
	Previews bool
	// Preview is the address of a picture shown large above the text
	// (text messages): a text message with a photo and up to 4096 characters.
	Preview string
	// Silent sends without a notification (quiet hours).
	Silent   bool
	Keyboard Keyboard
}

// Upload is a file sent with the request that uses it.
type Upload struct {
	Name string // e.g. "stats.png": Telegram reads the type from it
	Data []byte
}

// Source is a message to copy, or the items of an album: copied together
// (copyMessages), they stay an album.
type Source struct {
	ChatID     int64
	MessageIDs []int // in order
}

// Edit replaces the text and keyboard of one of the bot's messages; with
// Text empty it replaces only the keyboard. A nil Keyboard removes it.
type Edit struct {
	ChatID    int64
	MessageID int
	Text      string // HTML
	Preview   string // as Message.Preview; without it, no link preview
	Keyboard  Keyboard
}

// InlineAnswer answers an inline query with articles.
type InlineAnswer struct {
	QueryID string
	Results []InlineResult // at most 50
	// CacheTime is how long Telegram may give this answer to the same query
	// again without asking; Personal keeps it to the person who asked.
	CacheTime time.Duration
	Personal  bool
	// NextOffset is the Offset of the query that asks for more, or empty
	// when there is no more (at most 64 bytes).
	NextOffset string
}

// InlineResult is one result of an inline answer: chosen, it posts a text
// message in the chat the person is in.
type InlineResult struct {
	ID                 string // unique in the answer, at most 64 bytes
	Title, Description string // plain text, shown in the list
	Thumb              string // address of a small picture shown in the list
	Text               string // HTML of the message posted
	Preview            string // as Message.Preview
	Keyboard           Keyboard
}

// Command is an entry of the bot's command menu.
type Command struct {
	Name        string
	Description string
}

// allowedUpdates are the update kinds the bot asks Telegram for: those Update holds.
var allowedUpdates = []string{"message", "callback_query", "my_chat_member", "inline_query"}

// fromLibrary converts an update of the client library; ok is false for
// kinds the bot does not handle.
func fromLibrary(u tgbotapi.Update) (Update, bool) {
	out := Update{ID: u.UpdateID}
	switch {
	case u.Message != nil && u.Message.Chat != nil:
		out.Message = incoming(u.Message)
	case u.CallbackQuery != nil:
		q := u.CallbackQuery
		p := &Press{ID: q.ID, Data: q.Data}
		if q.From != nil {
			p.From = user(*q.From)
		}
		if q.Message != nil && q.Message.Chat != nil {
			c := chat(*q.Message.Chat)
			p.Chat, p.MessageID = &c, q.Message.MessageID
		}
		out.Press = p
	case u.InlineQuery != nil:
		q := u.InlineQuery
		in := &InlineQuery{ID: q.ID, Query: q.Query, Offset: q.Offset}
		if q.From != nil {
			in.From = user(*q.From)
		}
		out.Inline = in
	case u.MyChatMember != nil:
		m := u.MyChatMember
		out.Member = &MemberUpdate{Chat: chat(m.Chat), From: user(m.From),
			Old: MemberStatus(m.OldChatMember.Status), New: MemberStatus(m.NewChatMember.Status)}
	default:
		return out, false
	}
	return out, true
}

func incoming(m *tgbotapi.Message) *Incoming {
	in := &Incoming{ID: m.MessageID, Chat: chat(*m.Chat), Text: m.Text, MigrateTo: m.MigrateToChatID,
		Content: content(m), MediaGroup: m.MediaGroupID}
	if m.From != nil {
		u := user(*m.From)
		in.From = &u
	}
	if m.IsCommand() {
		in.Command = strings.ToLower(m.Command())
		if _, to, ok := strings.Cut(m.CommandWithAt(), "@"); ok {
			in.CommandBot = to
		}
		in.Args = m.CommandArguments()
	}
	if m.ForwardFromChat != nil {
		c := chat(*m.ForwardFromChat)
		in.ForwardedFrom = &c
	}
	return in
}

// The kinds of content of a message, as Telegram names its fields.
const (
	ContentText      = "text"
	ContentPhoto     = "photo"
	ContentVideo     = "video"
	ContentAnimation = "animation"
	ContentDocument  = "document"
	ContentAudio     = "audio"
	ContentVoice     = "voice"
	ContentVideoNote = "video_note"
	ContentSticker   = "sticker"
	ContentLocation  = "location"
	ContentVenue     = "venue"
	ContentContact   = "contact"
	ContentPoll      = "poll"
	ContentDice      = "dice"
	ContentGame      = "game"
	ContentInvoice   = "invoice"
)

// content says what a message holds; empty for a service message (a
// member joined, a pin) or a kind this library does not know (a story).
func content(m *tgbotapi.Message) string {
	switch {
	case m.Text != "":
		return ContentText
	case m.Animation != nil: // an animation comes with a document too
		return ContentAnimation
	case len(m.Photo) > 0:
		return ContentPhoto
	case m.Video != nil:
		return ContentVideo
	case m.Document != nil:
		return ContentDocument
	case m.Audio != nil:
		return ContentAudio
	case m.Voice != nil:
		return ContentVoice
	case m.VideoNote != nil:
		return ContentVideoNote
	case m.Sticker != nil:
		return ContentSticker
	case m.Venue != nil: // a venue comes with its location
		return ContentVenue
	case m.Location != nil:
		return ContentLocation
	case m.Contact != nil:
		return ContentContact
	case m.Poll != nil:
		return ContentPoll
	case m.Dice != nil:
		return ContentDice
	case m.Game != nil:
		return ContentGame
	case m.Invoice != nil:
		return ContentInvoice
	}
	return ""
}

func chat(c tgbotapi.Chat) Chat {
	title := c.Title
	if title == "" {
		title = strings.TrimSpace(c.FirstName + " " + c.LastName)
	}
	return Chat{ID: c.ID, Type: subscriptions.ChatType(c.Type), Title: title, Username: c.UserName}
}

func user(u tgbotapi.User) User {
	return User{ID: u.ID, IsBot: u.IsBot, LanguageCode: u.LanguageCode}
}
