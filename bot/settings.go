package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/subscriptions"
)

// prefsStore is what residents' choices need from the store.
type prefsStore interface {
	Preferences(ctx context.Context, chatID int64) (subscriptions.Preferences, error)
	InitPreferences(ctx context.Context, chatID int64, lang string, now time.Time) error
	SetSection(ctx context.Context, chatID int64, section string, on bool, now time.Time) error
	ChangeLanguage(ctx context.Context, chatID int64, lang string, now time.Time) error
	SetLinkPreviews(ctx context.Context, chatID int64, on bool, now time.Time) error
	SetQuietHours(ctx context.Context, id int64, start, end int, now time.Time) error
	SetDigestHour(ctx context.Context, id int64, hour int, now time.Time) error
	Keywords(ctx context.Context, chatID int64) ([]subscriptions.Keyword, error)
	AddKeywords(ctx context.Context, chatID int64, kws []subscriptions.Keyword, now time.Time) (subscriptions.KeywordChange, error)
	RemoveKeywords(ctx context.Context, chatID int64, words []string) ([]subscriptions.Keyword, []string, error)
	ClearKeywords(ctx context.Context, chatID int64) (int, error)
	SearchArticles(ctx context.Context, text string, limit int) ([]subscriptions.Article, error)
	ConnectChannel(ctx context.Context, info subscriptions.ChatInfo, userID int64, lang string, now time.Time) (bool, error)
	Channels(ctx context.Context, userID int64) ([]subscriptions.Chat, error)
	ChannelManagedBy(ctx context.Context, channelID, userID int64) (bool, error)
	DisconnectChannel(ctx context.Context, channelID, userID int64, now time.Time) (bool, error)
}

const cbSettings = "set" // set:CHAT:OP[:ARG]

// Choices offered in the menu.
var (
	digestHours  = []int{7, 8, 9, 12, 18, 20}
	quietPresets = [][2]int{{22 * 60, 8 * 60}, {23 * 60, 7 * 60}}
)

// Settings screens.
const (
	screenMain     = "m"
	screenSections = "sec"
	screenLang     = "lang"
	screenDelivery = "dlv"
	screenQuiet    = "quiet"
	screenKeywords = "kw"
)

// settingsFeature is /settings with its menu, and the /lang and /quiet shortcuts.
func (b *Bot) settingsFeature() {
	b.addCommands(
		command{name: "settings", aliases: []string{"prefs"}, menu: true, run: b.cmdSettings},
		command{name: "lang", aliases: []string{"language"}, menu: true, run: b.cmdLang},
		command{name: "quiet", run: b.cmdQuiet},
	)
	b.addCallbacks(map[string]callbackHandler{cbSettings: b.pressSettings})
}

// mayChange says whether the person behind req may change the settings of
// the chat they write in; when not, it replies with a polite refusal.
func (b *Bot) mayChange(ctx context.Context, req request) bool {
	if req.group() && !b.isGroupAdmin(ctx, req) {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "group.admins_only"))
		return false
	}
	return true
}

func (b *Bot) cmdSettings(ctx context.Context, req request, _ string) {
	if !b.mayChange(ctx, req) {
		return
	}
	b.sendMenu(ctx, req, req.chat.ID, screenMain)
}

// sendMenu sends a settings screen of target as a new message.
func (b *Bot) sendMenu(ctx context.Context, req request, target int64, screen string) {
	p, err := b.store.Preferences(ctx, target)
	if err != nil {
		b.log.Error("read preferences", "chat_id", target, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	html, kb := b.settingsView(req, p, screen)
	b.reply(ctx, req.chat, "sendMessage", withKeyboard(textParams(req.chat.ID, html, false, false), kb))
}

// editMenu replaces a message with a screen and its keyboard.
func (b *Bot) editMenu(ctx context.Context, chatID int64, messageID int, html string, kb *tgbotapi.InlineKeyboardMarkup) {
	p := tgbotapi.Params{
		"chat_id":              strconv.FormatInt(chatID, 10),
		"message_id":           strconv.Itoa(messageID),
		"text":                 html,
		"parse_mode":           "HTML",
		"link_preview_options": `{"is_disabled":true}`,
	}
	if kb != nil {
		p = withKeyboard(p, *kb)
	}
	if _, err := b.sender.call(ctx, "editMessageText", p); err != nil && !strings.Contains(err.Error(), "not modified") {
		b.log.Warn("update a menu", "chat_id", chatID, "error", err)
	}
}

// settingsTarget loads the chat whose settings a press or command changes,
// after checking that the person may: their own private chat, a group they
// administer, or a channel they connected and still administer. It returns
// the refusal to show otherwise.
func (b *Bot) settingsTarget(ctx context.Context, req request, target int64) (subscriptions.Preferences, string, bool) {
	switch {
	case target == req.chat.ID:
		if req.group() && !b.isGroupAdmin(ctx, req) {
			return subscriptions.Preferences{}, i18n.T(req.lang, "group.admins_only"), false
		}
	case req.group() || req.user == nil:
		return subscriptions.Preferences{}, "", false
	default:
		if ok, text := b.ownsChannel(ctx, req, target); !ok {
			return subscriptions.Preferences{}, text, false
		}
	}
	p, err := b.store.Preferences(ctx, target)
	if err != nil {
		if !errors.Is(err, subscriptions.ErrNotFound) {
			b.log.Error("read preferences", "chat_id", target, "error", err)
		}
		return p, i18n.T(req.lang, "error.internal"), false
	}
	return p, "", true
}

// pressSettings handles every button of the settings menu. A press that
// cannot be read (an old or forged menu) shows the current settings.
func (b *Bot) pressSettings(ctx context.Context, req request, q *tgbotapi.CallbackQuery, rest string) string {
	chatPart, action, _ := strings.Cut(rest, ":")
	op, arg, _ := strings.Cut(action, ":")
	target, err := strconv.ParseInt(chatPart, 10, 64)
	if err != nil || target == 0 {
		target, op, arg = req.chat.ID, "", ""
	}
	p, refusal, ok := b.settingsTarget(ctx, req, target)
	if !ok && refusal == "" && target != req.chat.ID {
		// Someone else's chat: show this chat's own settings instead.
		target, op, arg = req.chat.ID, "", ""
		p, refusal, ok = b.settingsTarget(ctx, req, target)
	}
	if !ok {
		return refusal
	}
	answer, screen := b.applySetting(ctx, req, &p, op, arg)
	if screen == "close" {
		b.editMenu(ctx, req.chat.ID, q.Message.MessageID, render.Plain(i18n.T(req.lang, "settings.closed")), nil)
		return answer
	}
	if screen == "" {
		screen, answer = screenMain, i18n.T(req.lang, "settings.refreshed")
	}
	if fresh, err := b.store.Preferences(ctx, target); err == nil {
		p = fresh
	}
	if target == req.chat.ID && p.Language != "" {
		req.lang = i18n.Pick(b.defaultLang, p.Language) // the interface follows a new language at once
	}
	html, kb := b.settingsView(req, p, screen)
	b.editMenu(ctx, req.chat.ID, q.Message.MessageID, html, &kb)
	return answer
}

// applySetting carries out one menu action and returns the answer to the
// press and the screen to show next ("" when the action was not understood).
func (b *Bot) applySetting(ctx context.Context, req request, p *subscriptions.Preferences, op, arg string) (answer, screen string) {
	saved := i18n.T(req.lang, "settings.saved")
	now := b.now()
	fail := func(err error, what string) (string, string) {
		b.log.Error("change settings", "chat_id", p.ID, "setting", what, "error", err)
		return i18n.T(req.lang, "error.internal"), screenMain
	}
	switch op {
	case screenMain, screenSections, screenLang, screenDelivery, screenQuiet, screenKeywords:
		if arg == "" {
			return "", op
		}
	case "x":
		return saved, "close"
	}
	switch {
	case op == screenSections && len(arg) > 1 && (arg[0] == '+' || arg[0] == '-'):
		err := b.store.SetSection(ctx, p.ID, arg[1:], arg[0] == '+', now)
		switch {
		case errors.Is(err, subscriptions.ErrLastSection):
			return i18n.T(req.lang, "settings.last_section"), screenSections
		case errors.Is(err, subscriptions.ErrNotFound):
			return "", "" // a section no longer offered
		case err != nil:
			return fail(err, "section")
		}
		return saved, screenSections
	case op == screenLang && subscriptions.ValidLanguage(arg):
		if err := b.store.ChangeLanguage(ctx, p.ID, arg, now); err != nil {
			return fail(err, "language")
		}
		if p.ID == req.chat.ID {
			return i18n.T(arg, "settings.saved"), screenMain
		}
		return saved, screenMain
	case op == screenDelivery:
		h, err := strconv.Atoi(arg)
		if err != nil || h != -1 && !slices.Contains(digestHours, h) {
			return "", ""
		}
		if h == p.DigestHour {
			return saved, screenMain
		}
		if err := b.store.SetDigestHour(ctx, p.ID, h, now); err != nil {
			return fail(err, "digest")
		}
		return saved, screenMain
	case op == screenQuiet:
		start, end, ok := 0, 0, arg == "off"
		if !ok {
			for _, q := range quietPresets {
				if arg == fmt.Sprintf("%d-%d", q[0], q[1]) {
					start, end, ok = q[0], q[1], true
				}
			}
		}
		if !ok {
			return "", ""
		}
		if err := b.store.SetQuietHours(ctx, p.ID, start, end, now); err != nil {
			return fail(err, "quiet hours")
		}
		return saved, screenMain
	case op == "pv" && (arg == "0" || arg == "1"):
		if err := b.store.SetLinkPreviews(ctx, p.ID, arg == "1", now); err != nil {
			return fail(err, "previews")
		}
		return saved, screenMain
	case op == "sub" && (arg == "0" || arg == "1"):
		on := arg == "1"
		if _, err := b.store.SetSubscribed(ctx, p.ID, on, now); err != nil {
			return fail(err, "subscription")
		}
		if on {
			if err := b.store.InitPreferences(ctx, p.ID, req.lang, now); err != nil {
				return fail(err, "defaults")
			}
			return i18n.T(req.lang, "settings.subscribed"), screenMain
		}
		return i18n.T(req.lang, "settings.unsubscribed"), screenMain
	case op == screenKeywords && arg == "clear":
		if _, err := b.store.ClearKeywords(ctx, p.ID); err != nil {
			return fail(err, "keywords")
		}
		return i18n.T(req.lang, "keywords.cleared"), screenKeywords
	}
	return "", ""
}

// settingsView renders one screen of the settings of p for the person
// behind req (in their language).
func (b *Bot) settingsView(req request, p subscriptions.Preferences, screen string) (string, tgbotapi.InlineKeyboardMarkup) {
	lang := req.lang
	data := func(op string) string { return cbSettings + ":" + strconv.FormatInt(p.ID, 10) + ":" + op }
	button := func(text, op string) tgbotapi.InlineKeyboardButton {
		return tgbotapi.NewInlineKeyboardButtonData(text, data(op))
	}
	back := tgbotapi.NewInlineKeyboardRow(button(i18n.T(lang, "button.back"), screenMain))
	mark := func(on bool, text string) string {
		if on {
			return "✅ " + text
		}
		return text
	}
	h := &render.Builder{}
	var rows [][]tgbotapi.InlineKeyboardButton
	switch screen {
	case screenSections:
		h.Bold(i18n.T(lang, "settings.sections"))
		h.Line()
		if len(p.Available) == 0 {
			h.Text(i18n.T(lang, "settings.no_sections"))
		} else {
			h.Text(i18n.T(lang, "settings.sections_hint"))
		}
		for _, sec := range p.Available {
			on := p.HasSection(sec)
			op := screenSections + ":+" + sec
			if on {
				op = screenSections + ":-" + sec
			}
			if len(data(op)) > 64 {
				continue // a section name too long for a button (names are at most 32 bytes)
			}
			name := i18n.Section(lang, sec)
			if !on {
				name = "▫️ " + name
			}
			rows = append(rows, tgbotapi.NewInlineKeyboardRow(button(mark(on, name), op)))
		}
		rows = append(rows, back)
	case screenLang:
		h.Bold(i18n.T(lang, "settings.language"))
		h.Line()
		h.Text(i18n.T(lang, "settings.language_hint"))
		var row []tgbotapi.InlineKeyboardButton
		for _, l := range i18n.Languages {
			row = append(row, button(mark(p.Language == l, i18n.T(l, "lang.name")), screenLang+":"+l))
		}
		rows = append(rows, row, back)
	case screenDelivery:
		h.Bold(i18n.T(lang, "settings.delivery"))
		h.Line()
		h.Text(i18n.T(lang, "settings.delivery_hint"))
		rows = append(rows, tgbotapi.NewInlineKeyboardRow(button(mark(p.DigestHour < 0, i18n.T(lang, "button.instant")), screenDelivery+":-1")))
		var row []tgbotapi.InlineKeyboardButton
		for _, hour := range digestHours {
			row = append(row, button(mark(p.DigestHour == hour, fmt.Sprintf("%02d:00", hour)), screenDelivery+":"+strconv.Itoa(hour)))
			if len(row) == 3 {
				rows, row = append(rows, row), nil
			}
		}
		rows = append(rows, back)
	case screenQuiet:
		h.Bold(i18n.T(lang, "settings.quiet"))
		h.Line()
		h.Text(i18n.T(lang, "settings.quiet_hint"))
		row := []tgbotapi.InlineKeyboardButton{button(mark(!p.QuietHoursOn(), i18n.T(lang, "button.quiet_off")), screenQuiet+":off")}
		for _, q := range quietPresets {
			on := p.QuietStart == q[0] && p.QuietEnd == q[1]
			row = append(row, button(mark(on, clockRange(q[0], q[1])), fmt.Sprintf("%s:%d-%d", screenQuiet, q[0], q[1])))
		}
		rows = append(rows, row, back)
	case screenKeywords:
		h.Bold(i18n.T(lang, "settings.keywords"))
		h.Line()
		h.Text(keywordSummary(lang, p.Keywords))
		h.Line()
		h.Line()
		h.Text(i18n.T(lang, "keywords.how", keywordsRef(p.Chat, req)))
		if len(p.Keywords) > 0 {
			rows = append(rows, tgbotapi.NewInlineKeyboardRow(button(i18n.T(lang, "button.clear_keywords"), screenKeywords+":clear")))
		}
		rows = append(rows, back)
	default:
		b.mainView(h, req, p)
		sub := button(i18n.T(lang, "button.subscribe"), "sub:1")
		if p.Subscribed {
			sub = button(i18n.T(lang, "button.unsubscribe"), "sub:0")
		}
		previews := button(i18n.T(lang, "button.previews_off"), "pv:0")
		if !p.LinkPreviews {
			previews = button(i18n.T(lang, "button.previews_on"), "pv:1")
		}
		rows = append(rows,
			tgbotapi.NewInlineKeyboardRow(sub),
			tgbotapi.NewInlineKeyboardRow(button(i18n.T(lang, "button.sections"), screenSections), button(i18n.T(lang, "button.language"), screenLang)),
			tgbotapi.NewInlineKeyboardRow(button(i18n.T(lang, "button.delivery"), screenDelivery), button(i18n.T(lang, "button.quiet"), screenQuiet)),
			tgbotapi.NewInlineKeyboardRow(previews, button(i18n.T(lang, "button.keywords"), screenKeywords)),
		)
		last := []tgbotapi.InlineKeyboardButton{button(i18n.T(lang, "button.done"), "x")}
		if p.Type == subscriptions.ChatChannel {
			last = append([]tgbotapi.InlineKeyboardButton{tgbotapi.NewInlineKeyboardButtonData(i18n.T(lang, "button.channels"), cbChannels+":l")}, last...)
		}
		rows = append(rows, last)
	}
	return h.String(), tgbotapi.NewInlineKeyboardMarkup(rows...)
}

// mainView writes the summary of every setting.
func (b *Bot) mainView(h *render.Builder, req request, p subscriptions.Preferences) {
	lang := req.lang
	switch p.Type {
	case subscriptions.ChatPrivate:
		h.Bold(i18n.T(lang, "settings.title"))
	case subscriptions.ChatChannel:
		h.Bold(i18n.T(lang, "settings.title_channel", p.Title))
	default:
		h.Bold(i18n.T(lang, "settings.title_group", p.Title))
	}
	line := func(label, value string) {
		h.Line()
		h.Text(label + ": ")
		h.Text(value)
	}
	h.Line()
	if p.Subscribed {
		line(i18n.T(lang, "settings.subscription"), i18n.T(lang, "settings.sub_on"))
	} else {
		line(i18n.T(lang, "settings.subscription"), i18n.T(lang, "settings.sub_off"))
	}
	newsLang := p.Language
	if newsLang == "" {
		newsLang = i18n.Pick(b.defaultLang)
	}
	line(i18n.T(lang, "settings.language"), i18n.T(newsLang, "lang.name"))
	var names []string
	for _, sec := range p.Sections {
		names = append(names, i18n.Section(lang, sec))
	}
	if len(names) == 0 {
		names = append(names, i18n.T(lang, "settings.sections_none"))
	}
	line(i18n.T(lang, "settings.sections"), strings.Join(names, ", "))
	if p.DigestHour >= 0 {
		line(i18n.T(lang, "settings.delivery"), i18n.T(lang, "settings.delivery_digest", fmt.Sprintf("%02d:00", p.DigestHour)))
	} else {
		line(i18n.T(lang, "settings.delivery"), i18n.T(lang, "settings.delivery_instant"))
	}
	if p.QuietHoursOn() {
		line(i18n.T(lang, "settings.quiet"), clockRange(p.QuietStart, p.QuietEnd))
	} else {
		line(i18n.T(lang, "settings.quiet"), i18n.T(lang, "settings.quiet_off"))
	}
	if p.LinkPreviews {
		line(i18n.T(lang, "settings.previews"), i18n.T(lang, "settings.previews_on"))
	} else {
		line(i18n.T(lang, "settings.previews"), i18n.T(lang, "settings.previews_off"))
	}
	line(i18n.T(lang, "settings.keywords"), keywordSummary(lang, p.Keywords))
}

// clockRange formats minutes after midnight as "22:00–08:00".
func clockRange(start, end int) string {
	return fmt.Sprintf("%02d:%02d–%02d:%02d", start/60, start%60, end/60, end%60)
}

func (b *Bot) cmdLang(ctx context.Context, req request, args string) {
	if !b.mayChange(ctx, req) {
		return
	}
	if args == "" {
		b.sendMenu(ctx, req, req.chat.ID, screenLang)
		return
	}
	lang, ok := languageNames[strings.ToLower(strings.TrimSpace(args))]
	if !ok {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "lang.unknown"))
		return
	}
	if err := b.store.ChangeLanguage(ctx, req.chat.ID, lang, b.now()); err != nil {
		b.log.Error("change language", "chat_id", req.chat.ID, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	b.replyText(ctx, req.chat, i18n.T(lang, "lang.done"))
}

// languageNames are the ways to name a language after /lang.
var languageNames = map[string]string{
	"ru": "ru", "rus": "ru", "русский": "ru", "русская": "ru", "руская": "ru", "russian": "ru",
	"be": "be", "by": "be", "bel": "be", "беларуская": "be", "белорусский": "be", "беларуский": "be", "belarusian": "be",
	"en": "en", "eng": "en", "english": "en", "английский": "en", "англійская": "en",
}

// quietRE reads "21:30-07:00", "22-8", "22.00 – 06.30".
var quietRE = regexp.MustCompile(`^(\d{1,2})(?:[:.](\d{2}))?\s*(?:-|–|—|до|to)\s*(\d{1,2})(?:[:.](\d{2}))?$`)

// parseQuiet reads quiet hours; off reports "/quiet off" (and its translations).
func parseQuiet(s string) (start, end int, off, ok bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "off", "no", "none", "0", "выкл", "выключить", "нет", "адкл", "адключыць", "не":
		return 0, 0, true, true
	}
	m := quietRE.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, false, false
	}
	clock := func(h, mm string) (int, bool) {
		hour, _ := strconv.Atoi(h)
		min := 0
		if mm != "" {
			min, _ = strconv.Atoi(mm)
		}
		if hour == 24 && min == 0 {
			hour = 0
		}
		return hour*60 + min, hour < 24 && min < 60
	}
	start, ok1 := clock(m[1], m[2])
	end, ok2 := clock(m[3], m[4])
	return start, end, false, ok1 && ok2 && start != end
}

func (b *Bot) cmdQuiet(ctx context.Context, req request, args string) {
	if !b.mayChange(ctx, req) {
		return
	}
	if args == "" {
		b.sendMenu(ctx, req, req.chat.ID, screenQuiet)
		return
	}
	start, end, off, ok := parseQuiet(args)
	if !ok {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "quiet.bad"))
		return
	}
	if err := b.store.SetQuietHours(ctx, req.chat.ID, start, end, b.now()); err != nil {
		b.log.Error("set quiet hours", "chat_id", req.chat.ID, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	if off {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "quiet.off"))
		return
	}
	b.replyText(ctx, req.chat, i18n.T(req.lang, "quiet.set", clockRange(start, end)))
}
