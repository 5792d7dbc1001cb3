package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/subscriptions"
)

func TestGroupAdminChecks(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.feeds("news/ru", "news/be", "economy/ru")
	group := faketelegram.Chat{ID: -4001, Type: "group", Title: "Школа №2"}
	boss, member := userIn("be", 8001), userIn("ru", 8002)
	h.tg.SetChatAdmins(group.ID, boss.ID)
	h.tg.ChatMemberUpdate(group, boss, "left", "member")
	welcome := h.tg.WaitMessages(t, group.ID, 1, 10*time.Second)[0]
	if !strings.Contains(welcome.Plain, "/subscribe") {
		t.Fatalf("welcome in a new group: %q", welcome.Plain)
	}

	refusal := i18n.T("ru", "group.admins_only")
	for _, cmd := range []string{"/subscribe", "/settings", "/lang be", "/quiet 22-7", "/keywords add дорога", "/settings@" + faketelegram.DefaultBotUsername} {
		if got := h.sayIn(group, member, cmd).Plain; got != refusal {
			t.Errorf("%s by a member: %q, want %q", cmd, got, refusal)
		}
	}
	if c, _ := h.store.Chat(context.Background(), group.ID); c.Subscribed {
		t.Fatalf("a member subscribed the group")
	}
	// Anyone may read: the keyword list and a search.
	if got := h.sayIn(group, member, "/keywords").Plain; !strings.Contains(got, i18n.T("ru", "keywords.none")) {
		t.Errorf("/keywords by a member: %q", got)
	}
	// Commands addressed to another bot are not ours.
	before := len(h.tg.Messages(group.ID))
	h.tg.SendMessage(group, boss, "/settings@some_other_bot")
	if got := h.sayIn(group, boss, "/subscribe@"+faketelegram.DefaultBotUsername).Plain; !strings.HasPrefix(got, i18n.T("be", "subscribe.done")) {
		t.Fatalf("/subscribe@bot by the admin: %q", got)
	}
	if n := len(h.tg.Messages(group.ID)); n != before+1 {
		t.Errorf("%d messages in the group after two commands, want 1 (none for the other bot)", n-before)
	}
	p := h.prefs(group.ID)
	if !p.Subscribed || p.Language != "be" || len(p.Sections) != 1 || p.Sections[0] != "news" {
		t.Fatalf("group after the admin subscribed it: %+v; want be with news", p)
	}

	// The admin's menu: a member's press is refused and changes nothing.
	m := h.sayIn(group, boss, "/settings")
	text, kb := h.menu(group.ID, m.MessageID)
	if !strings.Contains(text, i18n.T("be", "settings.title_group", "Школа №2")) {
		t.Fatalf("group menu: %q", text)
	}
	off := button(t, kb, i18n.T("be", "button.previews_off"))
	if a := h.press(group, member, m.MessageID, off); a.Text != i18n.T("be", "group.admins_only") {
		t.Errorf("a member's press: answer %q, want a refusal", a.Text)
	}
	if !h.prefs(group.ID).LinkPreviews {
		t.Fatalf("a member's press changed the group's settings")
	}
	if a := h.press(group, boss, m.MessageID, off); a.Text != i18n.T("be", "settings.saved") {
		t.Errorf("the admin's press: answer %q", a.Text)
	}
	h.sayIn(group, boss, "/keywords add школа")
	if h.prefs(group.ID).LinkPreviews || len(h.prefs(group.ID).Keywords) != 1 {
		t.Fatalf("the admin's changes were not saved: %+v", h.prefs(group.ID))
	}
	// A member who becomes admin can, once the short cache expires.
	h.tg.SetChatAdmins(group.ID, boss.ID, member.ID)
	h.clock.Advance(adminCacheTTL + time.Second)
	if got := h.sayIn(group, member, "/quiet 23:00-07:00").Plain; !strings.Contains(got, "23:00–07:00") {
		t.Errorf("/quiet by a new admin: %q", got)
	}

	// The group becomes a supergroup: everything follows the new id.
	const super = -1009000000001
	h.tg.SendMessageUpdate(map[string]any{"chat": map[string]any{"id": group.ID, "type": "group", "title": group.Title},
		"from": map[string]any{"id": boss.ID, "first_name": "Boss"}, "migrate_to_chat_id": super})
	h.tg.WaitFor(t, 10*time.Second, func() bool {
		_, err := h.store.Chat(context.Background(), super)
		return err == nil
	}, "the supergroup to be recorded")
	p = h.prefs(super)
	if !p.Subscribed || p.Language != "be" || p.LinkPreviews || len(p.Keywords) != 1 || p.QuietStart != 23*60 || len(p.Sections) != 1 {
		t.Errorf("supergroup after migration: %+v; want the group's settings", p)
	}
}

func TestChannelConnectFlow(t *testing.T) {
	h := newHarness(t, harnessOptions{})
	h.feeds("news/ru", "economy/ru", "news/en")
	owner, stranger := userIn("en", 8101), userIn("ru", 8102)
	ownerChat := faketelegram.PrivateChat(owner)
	school := faketelegram.Chat{ID: -1008000000001, Type: "channel", Title: "Osipovichi School 1", Username: "osip_school1"}
	noBot := faketelegram.Chat{ID: -1008000000002, Type: "channel", Title: "Village council", Username: "selsovet"}
	private := faketelegram.Chat{ID: -1008000000003, Type: "channel", Title: "Housing association"}
	aGroup := faketelegram.Chat{ID: -1008000000004, Type: "supergroup", Title: "Parents", Username: "parents_chat"}
	for _, c := range []faketelegram.Chat{school, noBot, private, aGroup} {
		h.tg.AddChat(c)
	}
	h.tg.SetChatAdmins(school.ID, owner.ID, faketelegram.BotID)
	h.tg.SetChatAdmins(noBot.ID, owner.ID) // the bot is a plain member
	h.tg.SetChatAdmins(private.ID, owner.ID, faketelegram.BotID)
	h.tg.SetChatAdmins(aGroup.ID, owner.ID, faketelegram.BotID)

	steps := []struct {
		u    faketelegram.User
		in   string
		want string
	}{
		{owner, "/channel", i18n.T("en", "channel.hint")},
		{owner, "/channel not a name!", i18n.T("en", "channel.hint")},
		{owner, "/channel @nosuchchannel", i18n.T("en", "channel.not_found", "@nosuchchannel")},
		{owner, "/channel @parents_chat", i18n.T("en", "channel.not_channel")},
		{owner, "/channel https://t.me/selsovet", i18n.T("en", "channel.bot_not_admin", "Village council")},
		{stranger, "/channel @osip_school1", i18n.T("ru", "channel.not_admin", "Osipovichi School 1")},
		{owner, "/channels", i18n.T("en", "channels.none")},
		{owner, "/channel @OSIP_SCHOOL1", i18n.T("en", "channel.connected", "Osipovichi School 1")},
		{owner, "/channel osip_school1", i18n.T("en", "channel.already", "Osipovichi School 1")},
	}
	for _, s := range steps {
		if got := h.say(s.u, s.in).Plain; got != s.want {
			t.Errorf("%d: %s: got %q, want %q", s.u.ID, s.in, got, s.want)
		}
	}
	if _, err := h.store.Chat(context.Background(), noBot.ID); err == nil {
		t.Errorf("a channel without the bot as admin was recorded")
	}
	p := h.prefs(school.ID)
	if !p.Subscribed || p.Type != subscriptions.ChatChannel || p.Language != "en" || len(p.Sections) != 1 {
		t.Fatalf("connected channel: %+v; want subscribed, en, news", p)
	}

	// A forwarded post connects a channel without a username.
	before := len(h.tg.Messages(owner.ID))
	h.tg.SendMessageUpdate(map[string]any{"chat": map[string]any{"id": owner.ID, "type": "private", "first_name": owner.FirstName},
		"from":              map[string]any{"id": owner.ID, "first_name": owner.FirstName, "language_code": "en"},
		"text":              "Meeting on Friday",
		"forward_from_chat": map[string]any{"id": private.ID, "type": "channel", "title": private.Title},
		"forward_date":      h.clock.Now().Unix()})
	got := h.tg.WaitMessages(t, owner.ID, before+1, 10*time.Second)[before]
	if got.Plain != i18n.T("en", "channel.connected", "Housing association") {
		t.Fatalf("forwarded post: %q", got.Plain)
	}

	// The channel gets the news with its own settings.
	h.publish("news", "en", subscriptions.Article{Title: "Spring clean-up day", Link: "https://osipovichi.gov.by/en/1"})
	h.publish("news", "ru", subscriptions.Article{Title: "Субботник", Link: "https://osipovichi.gov.by/ru/1"})
	h.waitDelivered()
	if msgs := h.tg.Messages(school.ID); len(msgs) != 1 || !strings.Contains(msgs[0].Plain, "Spring clean-up day") {
		t.Fatalf("channel messages: %v; want the English article only", msgs)
	}

	// /channels lists them; the settings open in place and act on the channel.
	m := h.say(owner, "/channels")
	text, kb := h.menu(owner.ID, m.MessageID)
	if !strings.Contains(text, "Osipovichi School 1 (@osip_school1)") || !strings.Contains(text, "Housing association") {
		t.Fatalf("/channels: %q", text)
	}
	h.press(ownerChat, owner, m.MessageID, button(t, kb, "Osipovichi School 1"))
	text, kb = h.menu(owner.ID, m.MessageID)
	if !strings.Contains(text, i18n.T("en", "settings.title_channel", "Osipovichi School 1")) {
		t.Fatalf("channel settings: %q", text)
	}
	h.press(ownerChat, owner, m.MessageID, button(t, kb, i18n.T("en", "button.previews_off")))
	h.press(ownerChat, owner, m.MessageID, button(t, kb, i18n.T("en", "button.language")))
	_, kb = h.menu(owner.ID, m.MessageID)
	h.press(ownerChat, owner, m.MessageID, button(t, kb, "Русский"))
	p = h.prefs(school.ID)
	if p.LinkPreviews || p.Language != "ru" {
		t.Errorf("channel after its menu: previews %t, language %q; want off, ru", p.LinkPreviews, p.Language)
	}
	if own, _ := h.store.Chat(context.Background(), owner.ID); !own.LinkPreviews || own.Language != "en" {
		t.Errorf("the owner's own chat changed: %+v", own)
	}
	text, _ = h.menu(owner.ID, m.MessageID)
	if !strings.Contains(text, i18n.T("en", "settings.title_channel", "Osipovichi School 1")) {
		t.Errorf("the menu left the owner's language: %q", text)
	}
	// Keywords of the channel, from the private chat.
	if got := h.say(owner, "/keywords @osip_school1 add школа").Plain; !strings.Contains(got, i18n.T("en", "keywords.added", "школа")) {
		t.Errorf("/keywords @channel add: %q", got)
	}
	if got := h.say(stranger, "/keywords @osip_school1 add реклама").Plain; got != i18n.T("ru", "channel.unknown", "@osip_school1") {
		t.Errorf("/keywords @channel by a stranger: %q", got)
	}
	if kws := keywordStrings(t, h, school.ID); len(kws) != 1 || kws[0] != "школа" {
		t.Errorf("channel keywords = %q, want [школа]", kws)
	}

	// A stranger forging the channel's buttons gets their own settings.
	sm := h.say(stranger, "/settings")
	forged := cbSettings + ":" + "-1008000000001" + ":sub:0"
	if a := h.press(faketelegram.PrivateChat(stranger), stranger, sm.MessageID, forged); a.Text != i18n.T("ru", "settings.refreshed") {
		t.Errorf("forged press: answer %q", a.Text)
	}
	if !h.prefs(school.ID).Subscribed {
		t.Fatalf("a stranger unsubscribed the channel")
	}

	// The owner is no longer an admin: presses are refused once the cache expires.
	h.tg.SetChatAdmins(school.ID, stranger.ID, faketelegram.BotID)
	h.clock.Advance(adminCacheTTL + time.Second)
	_, kb = h.menu(owner.ID, m.MessageID)
	if a := h.press(ownerChat, owner, m.MessageID, button(t, kb, i18n.T("en", "button.sections"))); a.Text != i18n.T("en", "channel.no_longer_admin") {
		t.Errorf("press by a former admin: answer %q", a.Text)
	}
	h.tg.SetChatAdmins(school.ID, owner.ID, faketelegram.BotID)
	h.clock.Advance(adminCacheTTL + time.Second)

	// Disconnect, with a confirmation.
	m = h.say(owner, "/channels")
	_, kb = h.menu(owner.ID, m.MessageID)
	var disconnect string
	for _, row := range kb.Rows {
		if strings.Contains(row[0].Text, "Osipovichi School 1") {
			disconnect = row[1].CallbackData
		}
	}
	h.press(ownerChat, owner, m.MessageID, disconnect)
	text, kb = h.menu(owner.ID, m.MessageID)
	if text != i18n.T("en", "channels.confirm", "Osipovichi School 1") {
		t.Fatalf("disconnect asks: %q", text)
	}
	if !h.prefs(school.ID).Subscribed {
		t.Fatalf("disconnected before the confirmation")
	}
	if a := h.press(ownerChat, owner, m.MessageID, button(t, kb, i18n.T("en", "button.disconnect_yes"))); a.Text != i18n.T("en", "channels.disconnected") {
		t.Errorf("disconnect: answer %q", a.Text)
	}
	text, _ = h.menu(owner.ID, m.MessageID)
	if h.prefs(school.ID).Subscribed || strings.Contains(text, "Osipovichi School 1") || !strings.Contains(text, "Housing association") {
		t.Errorf("after disconnecting: subscribed=%t, list %q", h.prefs(school.ID).Subscribed, text)
	}
	// In a group, channels are not managed.
	if got := h.sayIn(faketelegram.Chat{ID: -4100, Type: "group", Title: "G"}, owner, "/channel @osip_school1").Plain; got != i18n.T("en", "channel.private_only") {
		t.Errorf("/channel in a group: %q", got)
	}
}

func TestChannelRef(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"@osip_news", "@osip_news", true},
		{"osip_news", "@osip_news", true},
		{"https://t.me/osip_news", "@osip_news", true},
		{"t.me/osip_news/", "@osip_news", true},
		{"-1001234567890", "-1001234567890", true},
		{"12345", "", false},
		{"@a", "", false},
		{"@name; DROP", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got, ok := channelRef(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("channelRef(%q) = %q, %t; want %q, %t", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
