package subscriptions

import "strings"

// SubscribePayload is the /start payload of the deep link that subscribes
// in one tap: t.me/BOT?start=subscribe. Posters and banners add a tag of
// their own (subscribe-poster1) so that /stats tells them apart.
const SubscribePayload = "subscribe"

// maxStartPayload is Telegram's limit on a deep link's payload.
const maxStartPayload = 64

// SubscribeLink reports whether a /start payload subscribes in one tap:
// SubscribePayload, or SubscribePayload, a hyphen and a tag of letters
// A-Z and a-z, digits, _ and - (the characters Telegram allows), at most
// 64 characters in all.
func SubscribeLink(payload string) bool {
	if payload == SubscribePayload {
		return true
	}
	tag, ok := strings.CutPrefix(payload, SubscribePayload+"-")
	if !ok || tag == "" || len(payload) > maxStartPayload {
		return false
	}
	for _, r := range tag {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}

// StartLinkCount says how many chats came through one subscribe deep link
// in a period, and how many of them it subscribed (the others were
// subscribed already).
type StartLinkCount struct {
	Payload    string
	Chats      int
	Subscribed int
}
