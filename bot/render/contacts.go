package render

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxContacts is the most visible text the committee's contacts may have:
// with their title they fit one message.
const MaxContacts = 3500

// Contacts renders the committee's contacts as the operator wrote them
// (NEWSBOT_CONTACTS) under a bold title: plain text whose lines are kept,
// with links written [text](https://…). Addresses, e-mail addresses and
// phone numbers written as text stay text (Telegram makes them tappable).
// The error says what is wrong with text, for the operator: invalid UTF-8,
// control characters, a link that is not closed or not http(s), an empty
// text, a text over MaxContacts.
func Contacts(title, text string) (string, error) {
	if !utf8.ValidString(text) {
		return "", errors.New("it is not valid UTF-8 text")
	}
	if i := strings.IndexFunc(text, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' }); i >= 0 {
		return "", fmt.Errorf("it holds a control character (%U) at byte %d", []rune(text[i:])[0], i)
	}
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	if text == "" {
		return "", errors.New("it is empty")
	}
	var body Builder
	for rest := text; rest != ""; {
		open := strings.Index(rest, "[")
		if open < 0 {
			body.Text(rest)
			break
		}
		label, href, after, found, err := cutLink(rest[open:])
		switch {
		case err != nil:
			return "", err
		case !found:
			body.Text(rest[:open+1])
			rest = rest[open+1:]
			continue
		case strings.TrimSpace(label) == "":
			return "", fmt.Errorf("the link to %s has no text: write [text](%s)", href, href)
		}
		if _, ok := linkURL(href); !ok {
			return "", fmt.Errorf("link [%s](%s): use an absolute http or https address; write e-mail addresses and phone numbers as plain text, Telegram makes them tappable", label, href)
		}
		body.Text(rest[:open])
		body.Link(label, href)
		rest = after
	}
	if body.Len() > MaxContacts {
		return "", fmt.Errorf("it is %d characters long, more than the %d that fit a message", body.Len(), MaxContacts)
	}
	var b Builder
	if title != "" {
		b.Bold(title)
		b.Line()
		b.Line()
	}
	b.Append(&body)
	return b.String(), nil
}

// cutLink reads a link "[label](href)" at the start of s. found is false
// when s does not start with one (a "[" of the text); a link whose address
// is not closed by ")" on its line is an error.
func cutLink(s string) (label, href, rest string, found bool, err error) {
	end := strings.Index(s, "](")
	if end < 0 || strings.ContainsAny(s[1:end], "[\n") {
		return "", "", "", false, nil
	}
	label = s[1:end]
	closing := strings.IndexAny(s[end+2:], ")\n")
	if closing < 0 || s[end+2+closing] != ')' {
		return "", "", "", false, fmt.Errorf("the link [%s](… is not closed: end its address with )", label)
	}
	return label, strings.TrimSpace(s[end+2 : end+2+closing]), s[end+2+closing+1:], true, nil
}
