package render

import (
	"strings"
	"testing"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/subscriptions"
)

func TestOverflow(t *testing.T) {
	ov := subscriptions.Overflow{ID: 3, Section: "district", Count: 19990, Link: "https://osipovichi.gov.by/ru/news-rayon-ru/"}
	for _, lang := range subscriptions.Languages() {
		m := Overflow(ov, Options{Lang: lang})
		plain := m.Plain()
		for _, want := range []string{
			i18n.T(lang, "overflow.title", 19990),
			i18n.T(lang, "overflow.text", i18n.Sections{}.Name(lang, "district")),
			i18n.T(lang, "overflow.open"),
		} {
			if !strings.Contains(plain, want) {
				t.Errorf("%s: %q lacks %q", lang, plain, want)
			}
		}
		if !strings.Contains(m.Text, `<a href="https://osipovichi.gov.by/ru/news-rayon-ru/">`) || m.Photo != "" {
			t.Errorf("%s: %q, want a text message linking the section on the portal", lang, m.Text)
		}
	}
	// No usable link: no button text pointing nowhere.
	m := Overflow(subscriptions.Overflow{Section: "news", Count: 5, Link: "javascript:alert(1)"}, Options{Lang: "en"})
	if strings.Contains(m.Text, "<a ") || strings.Contains(m.Plain(), i18n.T("en", "overflow.open")) {
		t.Errorf("overflow without a usable link: %q", m.Text)
	}
}
