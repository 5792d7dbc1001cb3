package render

import (
	"strings"
	"testing"
)

// osipovichi is the kind of text an operator writes in NEWSBOT_CONTACTS.
const osipovichi = "Горячая линия: +375 2235 5-55-55 (пн–пт 8:00–17:00)\n" +
	"Электронные обращения: [portal.gov.by](https://portal.gov.by/)\n" +
	"Приём граждан: ул. Сумченко, 1 — [график](https://osipovichi.gov.by/ru/priem/) & <по записи>"

func TestContacts(t *testing.T) {
	got, err := Contacts("📞 Контакты", osipovichi)
	if err != nil {
		t.Fatal(err)
	}
	want := "<b>📞 Контакты</b>\n\nГорячая линия: +375 2235 5-55-55 (пн–пт 8:00–17:00)\n" +
		`Электронные обращения: <a href="https://portal.gov.by/">portal.gov.by</a>` + "\n" +
		`Приём граждан: ул. Сумченко, 1 — <a href="https://osipovichi.gov.by/ru/priem/">график</a> &amp; &lt;по записи&gt;`
	if got != want {
		t.Errorf("Contacts:\ngot  %q\nwant %q", got, want)
	}
	valid(t, got, MaxText)

	for _, tt := range []struct{ text, want string }{
		{"  [a] b [c]\r\n(d)  ", "[a] b [c]\n(d)"}, // brackets of the text stay text
		{"[x] (y) [z](https://x.by)", `[x] (y) <a href="https://x.by">z</a>`},
		{"no title", "no title"},
	} {
		if got, err := Contacts("", tt.text); err != nil || got != tt.want {
			t.Errorf("Contacts(%q) = %q, %v; want %q", tt.text, got, err, tt.want)
		}
	}

	for _, tt := range []struct{ text, wantErr string }{
		{"", "empty"},
		{" \n\t", "empty"},
		{"a\x00b", "control character"},
		{"\xff", "UTF-8"},
		{"[почта](mailto:info@osipovichi.gov.by)", "e-mail addresses and phone numbers as plain text"},
		{"[телефон](tel:+375223555555)", "http or https"},
		{"[сайт](osipovichi.gov.by)", "absolute http or https"},
		{"[сайт](https://osipovichi.gov.by", "not closed"},
		{"[сайт](https://osipovichi.gov.by\n)", "not closed"},
		{"[ ](https://osipovichi.gov.by)", "no text"},
		{strings.Repeat("телефон ", 500), "more than the 3500"},
	} {
		if _, err := Contacts("t", tt.text); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("Contacts(%.40q) error = %v, want one saying %q", tt.text, err, tt.wantErr)
		}
	}
}

func FuzzContacts(f *testing.F) {
	f.Add(osipovichi)
	f.Add("[a](https://x.by)[b](http://y.by/?q=<\">)")
	f.Add("[[x](https://x.by)](https://y.by)")
	f.Add("](\n[(")
	f.Fuzz(func(t *testing.T, text string) {
		got, err := Contacts("📞 Контакты", text)
		if err != nil {
			return
		}
		plain := valid(t, got, MaxText)
		if !strings.HasPrefix(plain, "📞 Контакты\n\n") {
			t.Fatalf("the title is not first: %q", plain)
		}
	})
}
