package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/subscriptions"
)

// settingsStore is what residents' choices need from the store.
type settingsStore interface {
	Preferences(ctx context.Context, chatID int64) (subscriptions.Preferences, error)
	InitPreferences(ctx context.Context, chatID int64, lang string, now time.Time) error
	SetSubscribed(ctx context.Context, id int64, on bool, now time.Time) (bool, error)
	SetSection(ctx context.Context, chatID int64, section string, on bool, now time.Time) error
	ChangeLanguage(ctx context.Context, chatID int64, lang string, now time.Time) error
	SetLinkPreviews(ctx context.Context, chatID int64, on bool, now time.Time) error
	SetQuietHours(ctx context.Context, id int64, start, end int, now time.Time) error
	SetDigestHour(ctx context.Context, id int64, hour int, now time.Time) error
	SetWeeklyDigest(ctx context.Context, id int64, day time.Weekday, hour int, now time.Time) error
	SetDisplay(ctx context.Context, id int64, d subscriptions.Display, now time.Time) error
	SetHeadlinesEvery(ctx context.Context, id int64, minutes int, now time.Time) error
	SetHashtags(ctx context.Context, chatID int64, on bool, now time.Time) error
	ClearKeywords(ctx context.Context, chatID int64) (int, error)
}

// Choices offered in the menu.
var (
	digestHours  = []int{7, 8, 9, 12, 18, 20}
	quietPresets = [][2]int{{22 * 60, 8 * 60}, {23 * 60, 7 * 60}}
	// weekdays in the order of the menu: the week starts on Monday.
	weekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
)

// settings is /settings with its menu, and the /lang and /quiet shortcuts.
// A person changes their private chat, a group they administer, or a
// channel they connected (see channels).
type settings struct {
	*base
	store    settingsStore
	channels *channels
	engine   waker // sends at once what a change of schedule set free
}

func (b *settings) register(r *Bot) {
	r.addCommands(
		command{name: "settings", aliases: []string{"prefs"}, menu: true, run: b.cmdSettings},
		command{name: "lang", aliases: []string{"language"}, menu: true, run: b.cmdLang},
		command{name: "quiet", run: b.cmdQuiet},
	)
	r.addCallbacks(b.pressSettings, cbSettings)
}

func (b *settings) cmdSettings(ctx context.Context, req request, _ string) {
	if !b.mayChange(ctx, req) {
		return
	}
	b.sendMenu(ctx, req, req.chat.ID, screenMain)
}

// sendMenu sends a settings screen of target as a new message.
func (b *settings) sendMenu(ctx context.Context, req request, target int64, screen string) {
	p, err := b.store.Preferences(ctx, target)
	if err != nil {
		b.log.Error("read preferences", "chat_id", target, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	html, kb := b.settingsView(req, p, screen)
	b.reply(ctx, req.chat, delivery.Message{Text: html, Keyboard: kb})
}

// settingsTarget loads the chat whose settings a press or command changes,
// after checking that the person may: their own private chat, a group they
// administer, or a channel they connected and still administer. It returns
// the refusal to show otherwise.
func (b *settings) settingsTarget(ctx context.Context, req request, target int64) (subscriptions.Preferences, string, bool) {
	switch {
	case target == req.chat.ID:
		if req.group() && !b.isGroupAdmin(ctx, req) {
			return subscriptions.Preferences{}, i18n.T(req.lang, "group.admins_only"), false
		}
	case req.group() || req.user == nil:
		return subscriptions.Preferences{}, "", false
	default:
		if ok, text := b.channels.ownsChannel(ctx, req, target); !ok {
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
func (b *settings) pressSettings(ctx context.Context, req request, press *delivery.Press) string {
	d, ok := decodeSettings(press.Data)
	if !ok {
		d = settingsData{chat: req.chat.ID}
	}
	p, refusal, ok := b.settingsTarget(ctx, req, d.chat)
	if !ok && refusal == "" && d.chat != req.chat.ID {
		// Someone else's chat: show this chat's own settings instead.
		d = settingsData{chat: req.chat.ID}
		p, refusal, ok = b.settingsTarget(ctx, req, d.chat)
	}
	if !ok {
		return refusal
	}
	answer, screen := b.applySetting(ctx, req, &p, d.op, d.arg)
	if screen == opClose {
		b.edit(ctx, req.chat.ID, press.MessageID, render.Plain(i18n.T(req.lang, "settings.closed")), nil)
		return answer
	}
	if screen == "" {
		screen, answer = screenMain, i18n.T(req.lang, "settings.refreshed")
	}
	if fresh, err := b.store.Preferences(ctx, d.chat); err == nil {
		p = fresh
	}
	if d.chat == req.chat.ID && p.Language != "" {
		req.lang = i18n.Pick(b.defaultLang, p.Language) // the interface follows a new language at once
	}
	html, kb := b.settingsView(req, p, screen)
	b.edit(ctx, req.chat.ID, press.MessageID, html, kb)
	return answer
}

// applySetting carries out one menu action (decoded, so well-formed) and
// returns the answer to the press and the screen to show next: opClose to
// close the menu, "" when the action cannot be carried out (a section no
// longer offered, a press that could not be read).
func (b *settings) applySetting(ctx context.Context, req request, p *subscriptions.Preferences, op, arg string) (answer, screen string) {
	saved := i18n.T(req.lang, "settings.saved")
	now := b.now()
	fail := func(err error, what string) (string, string) {
		b.log.Error("change settings", "chat_id", p.ID, "setting", what, "error", err)
		return i18n.T(req.lang, "error.internal"), screenMain
	}
	// A new schedule may have made a catch-up or a batch of headlines due.
	rescheduled := func(screen string) (string, string) {
		b.engine.Wake()
		return saved, screen
	}
	switch {
	case op == "":
		return "", ""
	case op == opClose:
		return saved, opClose
	case arg == "":
		return "", op // a screen
	case op == screenSections:
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
	case op == screenLang:
		if err := b.store.ChangeLanguage(ctx, p.ID, arg, now); err != nil {
			return fail(err, "language")
		}
		if p.ID == req.chat.ID {
			return i18n.T(arg, "settings.saved"), screenMain
		}
		return saved, screenMain
	case op == screenDelivery:
		h, _ := strconv.Atoi(arg)
		if h == p.DigestHour && !p.Weekly() {
			return saved, screenMain
		}
		if err := b.store.SetDigestHour(ctx, p.ID, h, now); err != nil {
			return fail(err, "digest")
		}
		return rescheduled(screenMain)
	case op == screenWeekly:
		day, hourArg, ok := strings.Cut(arg, "-")
		if !ok {
			return "", screenWeekly + ":" + day // the hours of that day
		}
		d, _ := strconv.Atoi(day)
		h, _ := strconv.Atoi(hourArg)
		if err := b.store.SetWeeklyDigest(ctx, p.ID, time.Weekday(d), h, now); err != nil {
			return fail(err, "weekly digest")
		}
		return rescheduled(screenMain)
	case op == screenDisplay:
		if err := b.store.SetDisplay(ctx, p.ID, subscriptions.Display(arg), now); err != nil {
			return fail(err, "display")
		}
		return rescheduled(screenDisplay)
	case op == opHeadlines:
		m, _ := strconv.Atoi(arg)
		if err := b.store.SetHeadlinesEvery(ctx, p.ID, m, now); err != nil {
			return fail(err, "headlines interval")
		}
		return rescheduled(screenDisplay)
	case op == opHashtags:
		if err := b.store.SetHashtags(ctx, p.ID, arg == "1", now); err != nil {
			return fail(err, "hashtags")
		}
		return saved, screenDisplay
	case op == screenQuiet:
		start, end := 0, 0
		for _, q := range quietPresets {
			if arg == quietArg(q) {
				start, end = q[0], q[1]
			}
		}
		if err := b.store.SetQuietHours(ctx, p.ID, start, end, now); err != nil {
			return fail(err, "quiet hours")
		}
		return saved, screenMain
	case op == opPreviews:
		if err := b.store.SetLinkPreviews(ctx, p.ID, arg == "1", now); err != nil {
			return fail(err, "previews")
		}
		return saved, screenMain
	case op == opSubscribe:
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
	case op == screenKeywords:
		if _, err := b.store.ClearKeywords(ctx, p.ID); err != nil {
			return fail(err, "keywords")
		}
		return i18n.T(req.lang, "keywords.cleared"), screenKeywords
	}
	return "", ""
}

// settingsView renders one screen of the settings of p for the person
// behind req (in their language).
func (b *settings) settingsView(req request, p subscriptions.Preferences, screen string) (string, delivery.Keyboard) {
	lang := req.lang
	to := func(op, arg string) settingsData { return settingsData{chat: p.ID, op: op, arg: arg} }
	back := key{i18n.T(lang, "button.back"), to(screenMain, "")}
	mark := func(on bool, text string) string {
		if on {
			return "✅ " + text
		}
		return text
	}
	h := &render.Builder{}
	var kb keyboard
	screen, screenArg, _ := strings.Cut(screen, ":")
	zone := i18n.Zone(lang, b.loc, b.now())
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
			arg := "+" + sec
			if on {
				arg = "-" + sec
			}
			name := b.sections.Name(lang, sec)
			if !on {
				name = "▫️ " + name
			}
			kb.row(key{mark(on, name), to(screenSections, arg)})
		}
		kb.row(back)
	case screenLang:
		h.Bold(i18n.T(lang, "settings.language"))
		h.Line()
		h.Text(i18n.T(lang, "settings.language_hint"))
		var row []key
		for _, l := range subscriptions.Languages() {
			row = append(row, key{mark(p.Language == l, i18n.T(l, "lang.name")), to(screenLang, l)})
		}
		kb.row(row...)
		kb.row(back)
	case screenDelivery:
		h.Bold(i18n.T(lang, "settings.delivery"))
		h.Line()
		h.Text(i18n.T(lang, "settings.delivery_hint", zone))
		kb.row(key{mark(p.DigestHour < 0, i18n.T(lang, "button.instant")), to(screenDelivery, "-1")})
		hourRows(&kb, func(hour int) key {
			return key{mark(p.Daily() && p.DigestHour == hour, hourText(hour)), to(screenDelivery, strconv.Itoa(hour))}
		})
		kb.row(key{mark(p.Weekly(), i18n.T(lang, "button.weekly")), to(screenWeekly, "")})
		kb.row(back)
	case screenWeekly:
		h.Bold(i18n.T(lang, "settings.delivery"))
		h.Line()
		if screenArg == "" {
			h.Text(i18n.T(lang, "settings.weekly_hint"))
			var row []key
			for i, d := range weekdays {
				row = append(row, key{mark(p.Weekly() && p.DigestWeekday == d, weekdayShort(lang, d)),
					to(screenWeekly, strconv.Itoa(int(d)))})
				if len(row) == 4 || i == len(weekdays)-1 {
					kb.row(row...)
					row = nil
				}
			}
			kb.row(key{i18n.T(lang, "button.back"), to(screenDelivery, "")})
			break
		}
		day, _ := strconv.Atoi(screenArg)
		h.Text(i18n.T(lang, "settings.weekly_hour_hint", weekdayEvery(lang, time.Weekday(day)), zone))
		hourRows(&kb, func(hour int) key {
			on := p.Weekly() && int(p.DigestWeekday) == day && p.DigestHour == hour
			return key{mark(on, hourText(hour)), to(screenWeekly, screenArg+"-"+strconv.Itoa(hour))}
		})
		kb.row(key{i18n.T(lang, "button.back"), to(screenWeekly, "")})
	case screenDisplay:
		h.Bold(i18n.T(lang, "settings.display"))
		h.Line()
		h.Text(i18n.T(lang, "settings.display_hint"))
		var row []key
		for _, d := range subscriptions.Displays() {
			row = append(row, key{mark(p.Display == d, displayButton(lang, d)), to(screenDisplay, string(d))})
		}
		kb.row(row...)
		if p.Display == subscriptions.DisplayHeadlines && p.DigestHour < 0 { // a digest has its own time
			h.Line()
			h.Line()
			h.Text(i18n.T(lang, "settings.headlines_every", interval(lang, p.HeadlinesEvery)))
			row = nil
			for _, m := range subscriptions.HeadlinesIntervals() {
				row = append(row, key{mark(p.HeadlinesEvery == m, interval(lang, m)), to(opHeadlines, strconv.Itoa(m))})
			}
			kb.row(row...)
		}
		if p.Hashtags {
			kb.row(key{i18n.T(lang, "button.hashtags_off"), to(opHashtags, "0")})
		} else {
			kb.row(key{i18n.T(lang, "button.hashtags_on"), to(opHashtags, "1")})
		}
		kb.row(back)
	case screenQuiet:
		h.Bold(i18n.T(lang, "settings.quiet"))
		h.Line()
		h.Text(i18n.T(lang, "settings.quiet_hint", zone))
		if p.QuietHoursOn() {
			h.Line()
			h.Line()
			h.Text(i18n.T(lang, "settings.quiet_now", clockRange(p.QuietStart, p.QuietEnd)))
		}
		row := []key{{mark(!p.QuietHoursOn(), i18n.T(lang, "button.quiet_off")), to(screenQuiet, "off")}}
		custom := p.QuietHoursOn()
		for _, q := range quietPresets {
			on := p.QuietStart == q[0] && p.QuietEnd == q[1]
			custom = custom && !on
			row = append(row, key{mark(on, clockRange(q[0], q[1])), to(screenQuiet, quietArg(q))})
		}
		kb.row(row...)
		if custom { // set with /quiet: shown, and pressing it keeps it
			kb.row(key{mark(true, clockRange(p.QuietStart, p.QuietEnd)), to(screenQuiet, "")})
		}
		kb.row(back)
	case screenKeywords:
		h.Bold(i18n.T(lang, "settings.keywords"))
		h.Line()
		h.Text(keywordSummary(lang, p.Keywords))
		h.Line()
		h.Line()
		h.Text(i18n.T(lang, "keywords.how", keywordsRef(p.Chat, req)))
		if len(p.Keywords) > 0 {
			kb.row(key{i18n.T(lang, "button.clear_keywords"), to(screenKeywords, "clear")})
		}
		kb.row(back)
	default:
		b.mainView(h, req, p)
		sub := key{i18n.T(lang, "button.subscribe"), to(opSubscribe, "1")}
		if p.Subscribed {
			sub = key{i18n.T(lang, "button.unsubscribe"), to(opSubscribe, "0")}
		}
		previews := key{i18n.T(lang, "button.previews_off"), to(opPreviews, "0")}
		if !p.LinkPreviews {
			previews = key{i18n.T(lang, "button.previews_on"), to(opPreviews, "1")}
		}
		kb.row(sub)
		kb.row(key{i18n.T(lang, "button.sections"), to(screenSections, "")}, key{i18n.T(lang, "button.language"), to(screenLang, "")})
		kb.row(key{i18n.T(lang, "button.delivery"), to(screenDelivery, "")}, key{i18n.T(lang, "button.quiet"), to(screenQuiet, "")})
		kb.row(key{i18n.T(lang, "button.display"), to(screenDisplay, "")}, key{i18n.T(lang, "button.keywords"), to(screenKeywords, "")})
		kb.row(previews)
		last := []key{{i18n.T(lang, "button.done"), to(opClose, "")}}
		if p.Type == subscriptions.ChatChannel {
			last = append([]key{{i18n.T(lang, "button.channels"), channelsData{op: channelsList}}}, last...)
		}
		kb.row(last...)
	}
	if kb.err != nil {
		b.log.Warn("a settings button left out", "chat_id", p.ID, "error", kb.err)
	}
	return h.String(), kb.rows
}

// mainView writes the summary of every setting.
func (b *settings) mainView(h *render.Builder, req request, p subscriptions.Preferences) {
	lang := req.lang
	switch p.Type {
	case subscriptions.ChatPrivate:
		h.Bold(i18n.T(lang, "settings.title"))
	case subscriptions.ChatChannel:
		h.Bold(i18n.T(lang, "settings.title_channel", p.Title))
	default:
		h.Bold(i18n.T(lang, "settings.title_group", p.Title))
	}
	h.Line()
	for _, l := range summaryLines(lang, b.defaultLang, b.sections, p, summarySubscription, summaryLanguage, summarySections,
		summaryDelivery, summaryDisplay, summaryQuiet, summaryPreviews, summaryKeywords) {
		h.Line()
		h.Text(l)
	}
}

// summaryItem is a line of the summary of a chat's settings.
type summaryItem int

const (
	summarySubscription summaryItem = iota
	summaryLanguage
	summarySections
	summaryDelivery
	summaryDisplay // and hashtags
	summaryQuiet
	summaryPreviews
	summaryKeywords
)

// summaryLines says in lang what the chat p gets, one "label: value" line
// per item: the settings menu and the confirmation of a subscription.
func summaryLines(lang, defaultLang string, names i18n.Sections, p subscriptions.Preferences, items ...summaryItem) []string {
	var out []string
	line := func(labelKey, value string) { out = append(out, i18n.T(lang, labelKey)+": "+value) }
	for _, it := range items {
		switch it {
		case summarySubscription:
			if p.Subscribed {
				line("settings.subscription", i18n.T(lang, "settings.sub_on"))
			} else {
				line("settings.subscription", i18n.T(lang, "settings.sub_off"))
			}
		case summaryLanguage:
			line("settings.language", i18n.T(i18n.Pick(defaultLang, p.Language), "lang.name"))
		case summarySections:
			var secs []string
			for _, sec := range p.Sections {
				secs = append(secs, names.Name(lang, sec))
			}
			if len(secs) == 0 {
				secs = append(secs, i18n.T(lang, "settings.sections_none"))
			}
			line("settings.sections", strings.Join(secs, ", "))
		case summaryDelivery:
			switch {
			case p.Weekly():
				line("settings.delivery", i18n.T(lang, "settings.delivery_weekly",
					weekdayEvery(lang, p.DigestWeekday), hourText(p.DigestHour)))
			case p.Daily():
				line("settings.delivery", i18n.T(lang, "settings.delivery_digest", hourText(p.DigestHour)))
			default:
				line("settings.delivery", i18n.T(lang, "settings.delivery_instant"))
			}
		case summaryDisplay:
			switch p.Display {
			case subscriptions.DisplayCompact:
				line("settings.display", i18n.T(lang, "settings.display_compact"))
			case subscriptions.DisplayHeadlines:
				if p.DigestHour >= 0 { // the digest has its own time
					line("settings.display", i18n.T(lang, "settings.display_list"))
				} else {
					line("settings.display", i18n.T(lang, "settings.display_headlines", interval(lang, p.HeadlinesEvery)))
				}
			default:
				line("settings.display", i18n.T(lang, "settings.display_full"))
			}
			if p.Hashtags {
				line("settings.hashtags", i18n.T(lang, "settings.hashtags_on"))
			} else {
				line("settings.hashtags", i18n.T(lang, "settings.hashtags_off"))
			}
		case summaryQuiet:
			if p.QuietHoursOn() {
				line("settings.quiet", clockRange(p.QuietStart, p.QuietEnd))
			} else {
				line("settings.quiet", i18n.T(lang, "settings.quiet_off"))
			}
		case summaryPreviews:
			if p.LinkPreviews {
				line("settings.previews", i18n.T(lang, "settings.previews_on"))
			} else {
				line("settings.previews", i18n.T(lang, "settings.previews_off"))
			}
		case summaryKeywords:
			line("settings.keywords", strings.Join(keywordPhrases(p.Keywords,
				func(list string) string { return i18n.T(lang, "settings.keywords_only", list) },
				func(list string) string { return i18n.T(lang, "settings.keywords_except", list) },
				i18n.T(lang, "settings.keywords_none")), "; "))
		}
	}
	return out
}

// displayButton is the text of the button that chooses display d.
func displayButton(lang string, d subscriptions.Display) string {
	key := "button.display_full"
	switch d {
	case subscriptions.DisplayCompact:
		key = "button.display_compact"
	case subscriptions.DisplayHeadlines:
		key = "button.display_headlines"
	}
	return i18n.T(lang, key)
}

// hourRows adds the digest hours to kb, three a row, each key made by k.
func hourRows(kb *keyboard, k func(hour int) key) {
	for i := 0; i < len(digestHours); i += 3 {
		var row []key
		for _, hour := range digestHours[i:min(i+3, len(digestHours))] {
			row = append(row, k(hour))
		}
		kb.row(row...)
	}
}

// weekdayShort names a day on a button: "Пн".
func weekdayShort(lang string, d time.Weekday) string {
	return i18n.T(lang, "weekday.short."+strconv.Itoa(int(d)))
}

// weekdayEvery says "every such day" in a sentence: "по понедельникам".
func weekdayEvery(lang string, d time.Weekday) string {
	return i18n.T(lang, "weekday.every."+strconv.Itoa(int(d)))
}

// interval says a number of minutes in lang: "15 мин", "1 ч".
func interval(lang string, minutes int) string {
	if minutes%60 == 0 {
		return i18n.T(lang, "span.hours", minutes/60)
	}
	return i18n.T(lang, "span.minutes", minutes)
}

// hourText formats an hour as "08:00".
func hourText(hour int) string { return fmt.Sprintf("%02d:00", hour) }

// clockRange formats minutes after midnight as "22:00–08:00".
func clockRange(start, end int) string {
	return fmt.Sprintf("%02d:%02d–%02d:%02d", start/60, start%60, end/60, end%60)
}

func (b *settings) cmdLang(ctx context.Context, req request, args string) {
	if !b.mayChange(ctx, req) {
		return
	}
	if args == "" {
		b.sendMenu(ctx, req, req.chat.ID, screenLang)
		return
	}
	lang, ok := parseLanguage(args)
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

func (b *settings) cmdQuiet(ctx context.Context, req request, args string) {
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
	b.replyText(ctx, req.chat, i18n.T(req.lang, "quiet.set", clockRange(start, end), i18n.Zone(req.lang, b.loc, b.now())))
}
