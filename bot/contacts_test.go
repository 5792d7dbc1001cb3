package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/internal/faketelegram"
)

const committeeContacts = "Горячая линия: +375 2235 5-55-55 (пн–пт 8:00–17:00)\n" +
	"Электронные обращения: [portal.gov.by](https://portal.gov.by/)"

func TestContactsCommand(t *testing.T) {
	h := newHarness(t, harnessOptions{contacts: committeeContacts, admins: []int64{admin.ID}})
	got := h.say(resident, "/contacts")
	if want := "📞 Как связаться с Осиповичским райисполкомом\n\n" + committeeContacts[:strings.Index(committeeContacts, "[")] + "portal.gov.by"; got.Plain != want {
		t.Errorf("/contacts:\ngot  %q\nwant %q", got.Plain, want)
	}
	if !strings.Contains(got.Text, `<a href="https://portal.gov.by/">portal.gov.by</a>`) || !strings.HasPrefix(got.Text, "<b>📞") {
		t.Errorf("/contacts HTML = %q, want a bold title and the link", got.Text)
	}
	en := faketelegram.User{ID: 5002, FirstName: "Anna", LanguageCode: "en"}
	if got := h.say(en, "/contacts"); !strings.HasPrefix(got.Plain, "📞 How to reach the Osipovichi District Executive Committee\n\n") {
		t.Errorf("/contacts in English = %q", got.Plain)
	}
	// /help and the command menu of every language name it.
	for _, lang := range []string{"ru", "be", "en"} {
		if !strings.Contains(i18n.T(lang, "help"), "/contacts — ") {
			t.Errorf("/help in %s does not list /contacts", lang)
		}
	}
	h.tg.WaitFor(t, 10*time.Second, func() bool { return len(h.tg.Commands()) == 4 }, "the command menus")
	for lang, cmds := range h.tg.Commands() {
		found := false
		for _, c := range cmds {
			found = found || c["command"] == "contacts" && c["description"] != ""
		}
		if !found {
			t.Errorf("the command menu %q lacks /contacts: %v", lang, cmds)
		}
	}
	// A question the news cannot answer points to the committee.
	got = h.say(resident, "Когда отремонтируют крышу в доме на Сумченко?")
	if !strings.Contains(got.Plain, i18n.T("ru", "question.contacts")) {
		t.Errorf("an unanswered question: %q, want the pointer to /contacts", got.Plain)
	}
}

func TestContactsNotSet(t *testing.T) {
	h := newHarness(t, harnessOptions{admins: []int64{admin.ID}})
	if got := h.say(resident, "/contacts"); got.Plain != i18n.T("ru", "contacts.unset") {
		t.Errorf("/contacts without contacts = %q, want %q", got.Plain, i18n.T("ru", "contacts.unset"))
	}
	if got := h.say(admin, "/contacts"); !strings.Contains(got.Plain, "NEWSBOT_CONTACTS") {
		t.Errorf("/contacts to an admin without contacts = %q, want the setting named", got.Plain)
	}
	if got := h.say(resident, "Когда отремонтируют крышу в доме на Сумченко?"); strings.Contains(got.Plain, "/contacts") {
		t.Errorf("an unanswered question points to contacts that are not set: %q", got.Plain)
	}
}
