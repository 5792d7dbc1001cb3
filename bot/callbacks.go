package bot

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/subscriptions"
)

// The data of the bot's inline buttons, one codec per family: a type that
// encodes itself and a decoder that accepts exactly what the encoder can
// produce. Telegram returns the data of a pressed button as it was sent,
// but anyone can forge a press, so every decoder rejects anything else, and
// handlers still check the presser's rights.
//
//	sub, unsub                           subscribeData
//	set:CHAT:SCREEN  set:CHAT:OP:ARG     settingsData
//	ntc:ACTION:ID[:ARG]                  noticeData
//	ch:l  ch:d:ID  ch:dy:ID              channelsData
//	kwo:ID                               offerData
//	rd:ARTICLE  rd:ARTICLE:PAGE          readData

// maxCallbackData is Telegram's limit on a button's data, in bytes.
const maxCallbackData = 64

// callbackData is the data of a button in one of the families.
type callbackData interface {
	// encode joins the parts; encodeCallback checks the result.
	encode() string
}

// encodeCallback encodes d and checks it against Telegram's limit.
func encodeCallback(d callbackData) (string, error) {
	s := d.encode()
	if len(s) > maxCallbackData {
		return "", fmt.Errorf("button data %q is %d bytes, more than Telegram's %d", s, len(s), maxCallbackData)
	}
	return s, nil
}

// family is the prefix of a button's data: which codec reads it.
func family(data string) string {
	prefix, _, _ := strings.Cut(data, ":")
	return prefix
}

// fields splits data into its prefix and n more parts separated by colons,
// the last of which takes the rest; ok is false when there are fewer parts
// or the data is not valid UTF-8 or longer than Telegram allows.
func fields(data, prefix string, n int) ([]string, bool) {
	if len(data) > maxCallbackData || !utf8.ValidString(data) {
		return nil, false
	}
	parts := strings.SplitN(data, ":", n+1)
	if len(parts) != n+1 || parts[0] != prefix {
		return nil, false
	}
	return parts[1:], true
}

// parseID reads an id written by strconv.FormatInt, and nothing else.
func parseID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id != 0 && strconv.FormatInt(id, 10) == s
}

// keyboard builds an inline keyboard. A button whose data does not fit
// Telegram's limit is left out, and the error kept in err.
type keyboard struct {
	rows delivery.Keyboard
	err  error
}

// key is a button to be: its label and its data.
type key struct {
	text string
	data callbackData
}

// row adds a row of the keys that can be encoded; an empty row is left out.
func (k *keyboard) row(keys ...key) {
	var row []delivery.Button
	for _, c := range keys {
		data, err := encodeCallback(c.data)
		if err != nil {
			k.err = err
			continue
		}
		row = append(row, delivery.Button{Text: c.text, Data: data})
	}
	if len(row) > 0 {
		k.rows = append(k.rows, row)
	}
}

// subscribeData is the subscribe or unsubscribe button of /start.
type subscribeData struct{ on bool }

const (
	cbSubscribe   = "sub"
	cbUnsubscribe = "unsub"
)

func (d subscribeData) encode() string {
	if d.on {
		return cbSubscribe
	}
	return cbUnsubscribe
}

func decodeSubscribe(data string) (subscribeData, bool) {
	switch data {
	case cbSubscribe:
		return subscribeData{on: true}, true
	case cbUnsubscribe:
		return subscribeData{on: false}, true
	}
	return subscribeData{}, false
}

// settingsData is a button of the settings menu of a chat: a screen to
// show (arg empty) or an action (op and arg).
type settingsData struct {
	chat    int64
	op, arg string
}

const cbSettings = "set"

// Settings screens, and the actions of the menu: op and the args it takes.
const (
	screenMain     = "m"
	screenSections = "sec"   // arg +SECTION or -SECTION
	screenLang     = "lang"  // arg a language
	screenDelivery = "dlv"   // arg -1 (instant) or a digest hour
	screenWeekly   = "wk"    // arg DAY (0 Sunday to 6: a screen of hours) or DAY-HOUR
	screenQuiet    = "quiet" // arg off or START-END, a preset
	screenKeywords = "kw"    // arg clear
	screenDisplay  = "disp"  // arg a subscriptions.Display
	opHeadlines    = "hl"    // arg minutes, one of subscriptions.HeadlinesIntervals
	opHashtags     = "ht"    // arg 0 or 1
	opPreviews     = "pv"    // arg 0 or 1
	opSubscribe    = "sub"   // arg 0 or 1
	opClose        = "x"
)

func (d settingsData) encode() string {
	s := cbSettings + ":" + strconv.FormatInt(d.chat, 10) + ":" + d.op
	if d.arg != "" {
		s += ":" + d.arg
	}
	return s
}

func decodeSettings(data string) (settingsData, bool) {
	parts, ok := fields(data, cbSettings, 2)
	if !ok {
		return settingsData{}, false
	}
	chat, ok := parseID(parts[0])
	if !ok {
		return settingsData{}, false
	}
	op, arg, _ := strings.Cut(parts[1], ":")
	d := settingsData{chat: chat, op: op, arg: arg}
	return d, validSetting(op, arg) && d.encode() == data
}

// validSetting reports whether arg is what op takes.
func validSetting(op, arg string) bool {
	switch op {
	case screenMain:
		return arg == ""
	case screenSections:
		return arg == "" || len(arg) > 1 && (arg[0] == '+' || arg[0] == '-')
	case screenLang:
		return arg == "" || subscriptions.ValidLanguage(arg)
	case screenDelivery:
		return arg == "" || arg == "-1" || digestHourArg(arg)
	case screenWeekly:
		day, hour, ok := strings.Cut(arg, "-")
		return arg == "" || weekdayArg(day) && (!ok || digestHourArg(hour))
	case screenDisplay:
		return arg == "" || slices.Contains(subscriptions.Displays(), subscriptions.Display(arg))
	case opHeadlines:
		return slices.ContainsFunc(subscriptions.HeadlinesIntervals(), func(m int) bool { return strconv.Itoa(m) == arg })
	case screenQuiet:
		return arg == "" || arg == "off" || quietPresetArg(arg)
	case screenKeywords:
		return arg == "" || arg == "clear"
	case opPreviews, opSubscribe, opHashtags:
		return arg == "0" || arg == "1"
	case opClose:
		return arg == ""
	}
	return false
}

func digestHourArg(arg string) bool {
	for _, h := range digestHours {
		if arg == strconv.Itoa(h) {
			return true
		}
	}
	return false
}

// weekdayArg reports whether arg is a day of the week as the menu writes it, 0 (Sunday) to 6.
func weekdayArg(arg string) bool { return len(arg) == 1 && '0' <= arg[0] && arg[0] <= '6' }

// quietArg is the arg of a quiet hours preset.
func quietArg(q [2]int) string { return fmt.Sprintf("%d-%d", q[0], q[1]) }

func quietPresetArg(arg string) bool {
	for _, q := range quietPresets {
		if arg == quietArg(q) {
			return true
		}
	}
	return false
}

// noticeData is a button of a notice: its action, the notice, and the
// argument some actions take (a section, a language, or all).
type noticeData struct {
	action string
	id     int64
	arg    string
}

const cbNotice = "ntc"

// Notice actions; those marked take an argument.
const (
	noticeSection    = "sec"   // arg: a section, or noticeAll
	noticeLanguage   = "lng"   // arg: a language, or noticeAll
	noticeVersion    = "ver"   // arg: the language of a version to add or replace
	noticeMainAsk    = "main"  // choose the language of the first version
	noticeMain       = "mainl" // arg: that language
	noticeUrgentAsk  = "urg"   // say what urgent does and ask to confirm
	noticeUrgentOn   = "urgy"
	noticeUrgentOff  = "urgn"
	noticeBack       = "back" // back to the controls
	noticeWhen       = "when" // ask for the time to send it
	noticeAtOnce     = "now"  // drop the time
	noticeSchedule   = "sch"
	noticeUnschedule = "unsch" // a scheduled notice back to a draft
	noticeOpen       = "open"  // show a scheduled notice again (from /scheduled)
	noticeSend       = "send"
	noticeCancel     = "cancel"
	noticeStop       = "stop"

	// noticeAll is the argument of every section or every language.
	noticeAll = "*"
)

func (d noticeData) encode() string {
	s := cbNotice + ":" + d.action + ":" + strconv.FormatInt(d.id, 10)
	if d.arg != "" {
		s += ":" + d.arg
	}
	return s
}

func decodeNotice(data string) (noticeData, bool) {
	parts, ok := fields(data, cbNotice, 2)
	if !ok {
		return noticeData{}, false
	}
	idText, arg, _ := strings.Cut(parts[1], ":")
	id, ok := parseID(idText)
	if !ok || id < 0 {
		return noticeData{}, false
	}
	d := noticeData{action: parts[0], id: id, arg: arg}
	switch d.action {
	case noticeSection:
		ok = arg != ""
	case noticeLanguage:
		ok = arg == noticeAll || subscriptions.ValidLanguage(arg)
	case noticeVersion, noticeMain:
		ok = subscriptions.ValidLanguage(arg)
	case noticeMainAsk, noticeUrgentAsk, noticeUrgentOn, noticeUrgentOff, noticeBack, noticeWhen, noticeAtOnce,
		noticeSchedule, noticeUnschedule, noticeOpen, noticeSend, noticeCancel, noticeStop:
		ok = arg == ""
	default:
		ok = false
	}
	return d, ok && d.encode() == data
}

// channelsData is a button of /channels: the list, or disconnecting a channel.
type channelsData struct {
	op string
	id int64 // the channel, for ask and confirm
}

const cbChannels = "ch"

// Channel list actions.
const (
	channelsList    = "l"
	channelsAsk     = "d"  // ask to confirm disconnecting
	channelsConfirm = "dy" // disconnect
)

func (d channelsData) encode() string {
	if d.op == channelsList {
		return cbChannels + ":" + channelsList
	}
	return cbChannels + ":" + d.op + ":" + strconv.FormatInt(d.id, 10)
}

func decodeChannels(data string) (channelsData, bool) {
	if data == cbChannels+":"+channelsList {
		return channelsData{op: channelsList}, true
	}
	parts, ok := fields(data, cbChannels, 2)
	if !ok || parts[0] != channelsAsk && parts[0] != channelsConfirm {
		return channelsData{}, false
	}
	id, ok := parseID(parts[1])
	return channelsData{op: parts[0], id: id}, ok
}

// offerData is the button under the answer to a plain question that adds
// the keyword it suggests; the keyword stays in the store (its id here:
// a keyword can take 80 bytes, the data 64).
type offerData struct{ id int64 }

const cbOffer = "kwo"

func (d offerData) encode() string { return cbOffer + ":" + strconv.FormatInt(d.id, 10) }

func decodeOffer(data string) (offerData, bool) {
	parts, ok := fields(data, cbOffer, 1)
	if !ok {
		return offerData{}, false
	}
	id, ok := parseID(parts[0])
	return offerData{id: id}, ok && id > 0
}

// readData is a button of the reading view: "📖 Read here" under an
// article (page 0: open its first page in a new message), or Next/Back
// under a page (that page, edited in place).
type readData struct {
	article int64
	page    int
}

const cbRead = "rd"

// maxReadPage bounds the page of a button: far more than MaxTextRunes makes.
const maxReadPage = 999

func (d readData) encode() string {
	s := cbRead + ":" + strconv.FormatInt(d.article, 10)
	if d.page > 0 {
		s += ":" + strconv.Itoa(d.page)
	}
	return s
}

func decodeRead(data string) (readData, bool) {
	parts, ok := fields(data, cbRead, 1)
	if !ok {
		return readData{}, false
	}
	idText, pageText, paged := strings.Cut(parts[0], ":")
	id, ok := parseID(idText)
	if !ok || id < 0 {
		return readData{}, false
	}
	d := readData{article: id}
	if paged {
		page, ok := parseID(pageText)
		if !ok || page < 1 || page > maxReadPage {
			return readData{}, false
		}
		d.page = int(page)
	}
	return d, d.encode() == data
}
