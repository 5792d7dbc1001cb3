package bot

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/subscriptions"
	"github.com/osipovichi/newsbot/subscriptions/analyser"
)

// keywordStore is what /keywords needs from the store.
type keywordStore interface {
	Keywords(ctx context.Context, chatID int64) ([]analyser.Keyword, error)
	AddKeywords(ctx context.Context, chatID int64, kws []analyser.Keyword, now time.Time) (subscriptions.KeywordChange, error)
	RemoveKeywords(ctx context.Context, chatID int64, kws []analyser.Keyword) (removed, missing []analyser.Keyword, err error)
	ClearKeywords(ctx context.Context, chatID int64) (int, error)
}

// keywords is /keywords: the words that choose a chat's news, for the chat
// itself or a channel connected from it.
type keywords struct {
	*base
	store    keywordStore
	channels *channels
}

func (b *keywords) register(r *Bot) {
	r.addCommands(command{name: "keywords", aliases: []string{"keyword", "kw"}, menu: true, run: b.cmdKeywords})
}

// Sub-commands of /keywords, in every language.
var (
	keywordsAdd    = []string{"add", "+", "добавить", "дадаць"}
	keywordsRemove = []string{"remove", "delete", "del", "rm", "удалить", "убрать", "выдаліць", "прыбраць"}
	keywordsClear  = []string{"clear", "reset", "очистить", "сбросить", "ачысціць", "скінуць"}
	keywordsList   = []string{"list", "show", "список", "спіс"}
)

// cmdKeywords handles /keywords [@channel] [add|remove|clear|list] [list].
// Without a sub-command, the list is added (the most likely wish). A list
// is read by analyser.ParseKeywords: commas, semicolons and new lines
// separate keywords, the words between them are one keyword (a phrase).
func (b *keywords) cmdKeywords(ctx context.Context, req request, args string) {
	target := req.chat
	// A channel connected from this private chat: /keywords @name add ...
	if first, rest, _ := strings.Cut(args, " "); strings.HasPrefix(first, "@") || strings.HasPrefix(first, "-100") {
		if req.group() {
			b.replyText(ctx, req.chat, i18n.T(req.lang, "channel.private_only"))
			return
		}
		ch, ok := b.channels.channelByRef(ctx, req, first)
		if !ok {
			return
		}
		target, args = ch, strings.TrimSpace(rest)
	}
	verb, rest, _ := strings.Cut(args, " ")
	verb = strings.ToLower(verb)
	rest = strings.TrimSpace(rest)
	if args == "" || slices.Contains(keywordsList, verb) {
		kws, err := b.store.Keywords(ctx, target.ID)
		if err != nil {
			b.log.Error("read keywords", "chat_id", target.ID, "error", err)
			b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
			return
		}
		b.replyText(ctx, req.chat, keywordSummary(req.lang, kws)+"\n\n"+i18n.T(req.lang, "keywords.how", keywordsRef(target, req)))
		return
	}
	if target.ID == req.chat.ID && !b.mayChange(ctx, req) {
		return
	}
	switch {
	case slices.Contains(keywordsClear, verb):
		n, err := b.store.ClearKeywords(ctx, target.ID)
		if err != nil {
			b.log.Error("clear keywords", "chat_id", target.ID, "error", err)
			b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
			return
		}
		if n == 0 {
			b.replyText(ctx, req.chat, i18n.T(req.lang, "keywords.none"))
			return
		}
		b.replyText(ctx, req.chat, i18n.T(req.lang, "keywords.cleared"))
	case slices.Contains(keywordsRemove, verb):
		b.removeKeywords(ctx, req, target, rest)
	case slices.Contains(keywordsAdd, verb):
		b.addKeywords(ctx, req, target, rest)
	default:
		b.addKeywords(ctx, req, target, args)
	}
}

// maxKeywordsRead bounds the keywords read from one message: more could
// never be added, and each costs some stemming.
const maxKeywordsRead = 2 * subscriptions.MaxKeywords

func (b *keywords) addKeywords(ctx context.Context, req request, target subscriptions.Chat, list string) {
	parsed := analyser.ParseKeywords(list, maxKeywordsRead)
	if len(parsed.Keywords)+len(parsed.Errors) == 0 {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "keywords.how", keywordsRef(target, req)))
		return
	}
	ch, err := b.store.AddKeywords(ctx, target.ID, parsed.Keywords, b.now())
	if err != nil {
		b.log.Error("add keywords", "chat_id", target.ID, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	var report []string
	if len(ch.Added)+len(ch.Switched) > 0 {
		report = append(report, i18n.T(req.lang, "keywords.added", joinKeywords(append(ch.Added, ch.Switched...))))
	}
	if len(ch.Already) > 0 {
		report = append(report, i18n.T(req.lang, "keywords.already", joinKeywords(ch.Already)))
	}
	report = append(report, refusals(req.lang, parsed.Errors)...)
	if len(ch.OverLimit) > 0 {
		report = append(report, i18n.T(req.lang, "keywords.limit", subscriptions.MaxKeywords, joinKeywords(ch.OverLimit)))
	}
	if parsed.More > 0 {
		report = append(report, i18n.T(req.lang, "keywords.not_read", parsed.More, maxKeywordsRead))
	}
	b.replyKeywords(ctx, req, target, report)
}

// refusals says, one line per reason, which keywords were refused.
func refusals(lang string, errs []*analyser.KeywordError) []string {
	byKey := map[string][]string{}
	var keys []string
	for _, e := range errs {
		key := "keywords.empty"
		switch {
		case errors.Is(e, analyser.ErrKeywordTooLong):
			key = "keywords.too_long"
		case errors.Is(e, analyser.ErrKeywordCommon):
			key = "keywords.common"
		case errors.Is(e, analyser.ErrKeywordInvalid):
			key = "keywords.invalid"
		}
		if byKey[key] == nil {
			keys = append(keys, key)
		}
		byKey[key] = append(byKey[key], e.Input)
	}
	var out []string
	for _, key := range keys {
		list := strings.Join(byKey[key], ", ")
		switch key {
		case "keywords.too_long":
			out = append(out, i18n.T(lang, "keywords.too_long", analyser.MaxKeywordLen, list))
		case "keywords.common":
			out = append(out, i18n.T(lang, "keywords.common", list))
		case "keywords.invalid":
			out = append(out, i18n.T(lang, "keywords.invalid", list))
		default:
			out = append(out, i18n.T(lang, "keywords.empty", list))
		}
	}
	return out
}

func (b *keywords) removeKeywords(ctx context.Context, req request, target subscriptions.Chat, list string) {
	parsed := analyser.ParseKeywords(list, maxKeywordsRead)
	if len(parsed.Keywords)+len(parsed.Errors) == 0 {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "keywords.how", keywordsRef(target, req)))
		return
	}
	removed, missing, err := b.store.RemoveKeywords(ctx, target.ID, parsed.Keywords)
	if err != nil {
		b.log.Error("remove keywords", "chat_id", target.ID, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	var report []string
	if len(removed) > 0 {
		report = append(report, i18n.T(req.lang, "keywords.removed", joinKeywords(removed)))
	}
	notThere := make([]string, 0, len(missing)+len(parsed.Errors))
	for _, k := range missing {
		notThere = append(notThere, k.String())
	}
	for _, e := range parsed.Errors {
		notThere = append(notThere, e.Input)
	}
	if len(notThere) > 0 {
		report = append(report, i18n.T(req.lang, "keywords.missing", strings.Join(notThere, ", ")))
	}
	b.replyKeywords(ctx, req, target, report)
}

// replyKeywords answers a change with what happened and the list as it is now.
func (b *keywords) replyKeywords(ctx context.Context, req request, target subscriptions.Chat, report []string) {
	kws, err := b.store.Keywords(ctx, target.ID)
	if err != nil {
		b.log.Error("read keywords", "chat_id", target.ID, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	b.replyText(ctx, req.chat, strings.Join(append(report, "", keywordSummary(req.lang, kws)), "\n"))
}

func joinKeywords(kws []analyser.Keyword) string {
	s := make([]string, len(kws))
	for i, k := range kws {
		s[i] = k.String()
	}
	return strings.Join(s, ", ")
}

// keywordSummary says in one or two lines what a chat's keywords do.
func keywordSummary(lang string, kws []analyser.Keyword) string {
	return strings.Join(keywordPhrases(kws,
		func(list string) string { return i18n.T(lang, "keywords.only", list) },
		func(list string) string { return i18n.T(lang, "keywords.except", list) },
		i18n.T(lang, "keywords.none")), "\n")
}

// keywordPhrases says what a chat's keywords do: only(the include list),
// except(the exclusions), each when there is one, or none.
func keywordPhrases(kws []analyser.Keyword, only, except func(list string) string, none string) []string {
	inc, exc := splitKeywords(kws)
	var out []string
	if len(inc) > 0 {
		out = append(out, only(strings.Join(inc, ", ")))
	}
	if len(exc) > 0 {
		out = append(out, except(strings.Join(exc, ", ")))
	}
	if len(out) == 0 {
		out = append(out, none)
	}
	return out
}

// splitKeywords returns the texts of the include list and of the exclusions.
func splitKeywords(kws []analyser.Keyword) (include, exclude []string) {
	for _, k := range kws {
		if k.Exclude {
			exclude = append(exclude, k.Text)
		} else {
			include = append(include, k.Text)
		}
	}
	return include, exclude
}

// keywordsRef is what goes between /keywords and its sub-command for a
// chat managed from elsewhere ("@channel "), empty for the chat itself.
func keywordsRef(target subscriptions.Chat, req request) string {
	if target.ID == req.chat.ID {
		return ""
	}
	if target.Username != "" {
		return "@" + target.Username + " "
	}
	return strconv.FormatInt(target.ID, 10) + " "
}
