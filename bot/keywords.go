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
)

// keywordStore is what /keywords needs from the store.
type keywordStore interface {
	Keywords(ctx context.Context, chatID int64) ([]subscriptions.Keyword, error)
	AddKeywords(ctx context.Context, chatID int64, kws []subscriptions.Keyword, now time.Time) (subscriptions.KeywordChange, error)
	RemoveKeywords(ctx context.Context, chatID int64, words []string) ([]subscriptions.Keyword, []string, error)
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

// cmdKeywords handles /keywords [@channel] [add|remove|clear|list] [words].
// Without a sub-command, words are added (the most likely wish).
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

// splitKeywords splits a list of keywords: by commas (and semicolons, new
// lines) when there are any, so that "детский сад, школа" keeps its phrase;
// otherwise by spaces.
func splitKeywords(s string) []string {
	var parts []string
	if strings.ContainsAny(s, ",;\n") {
		parts = strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' })
	} else {
		parts = strings.Fields(s)
	}
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (b *keywords) addKeywords(ctx context.Context, req request, target subscriptions.Chat, list string) {
	items := splitKeywords(list)
	if len(items) == 0 {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "keywords.how", keywordsRef(target, req)))
		return
	}
	items = items[:min(len(items), 2*subscriptions.MaxKeywords)] // more could never be added
	var kws []subscriptions.Keyword
	var report []string
	var tooLong, empty []string
	for _, it := range items {
		k, err := subscriptions.NormalizeKeyword(it)
		switch {
		case errors.Is(err, subscriptions.ErrKeywordTooLong):
			tooLong = append(tooLong, it)
		case err != nil:
			empty = append(empty, it)
		default:
			kws = append(kws, k)
		}
	}
	ch, err := b.store.AddKeywords(ctx, target.ID, kws, b.now())
	if err != nil {
		b.log.Error("add keywords", "chat_id", target.ID, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	if len(ch.Added)+len(ch.Switched) > 0 {
		report = append(report, i18n.T(req.lang, "keywords.added", joinKeywords(append(ch.Added, ch.Switched...))))
	}
	if len(ch.Already) > 0 {
		report = append(report, i18n.T(req.lang, "keywords.already", joinKeywords(ch.Already)))
	}
	if len(tooLong) > 0 {
		report = append(report, i18n.T(req.lang, "keywords.too_long", subscriptions.MaxKeywordLen, strings.Join(tooLong, ", ")))
	}
	if len(empty) > 0 {
		report = append(report, i18n.T(req.lang, "keywords.empty", strings.Join(empty, ", ")))
	}
	if len(ch.OverLimit) > 0 {
		report = append(report, i18n.T(req.lang, "keywords.limit", subscriptions.MaxKeywords, joinKeywords(ch.OverLimit)))
	}
	b.replyKeywords(ctx, req, target, report)
}

func (b *keywords) removeKeywords(ctx context.Context, req request, target subscriptions.Chat, list string) {
	items := splitKeywords(list)
	if len(items) == 0 {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "keywords.how", keywordsRef(target, req)))
		return
	}
	removed, missing, err := b.store.RemoveKeywords(ctx, target.ID, items)
	if err != nil {
		b.log.Error("remove keywords", "chat_id", target.ID, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	var report []string
	if len(removed) > 0 {
		report = append(report, i18n.T(req.lang, "keywords.removed", joinKeywords(removed)))
	}
	if len(missing) > 0 {
		report = append(report, i18n.T(req.lang, "keywords.missing", strings.Join(missing, ", ")))
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

func joinKeywords(kws []subscriptions.Keyword) string {
	s := make([]string, len(kws))
	for i, k := range kws {
		s[i] = k.String()
	}
	return strings.Join(s, ", ")
}

// keywordSummary says in one or two lines what a chat's keywords do.
func keywordSummary(lang string, kws []subscriptions.Keyword) string {
	var inc, exc []string
	for _, k := range kws {
		if k.Exclude {
			exc = append(exc, k.Word)
		} else {
			inc = append(inc, k.Word)
		}
	}
	var lines []string
	if len(inc) > 0 {
		lines = append(lines, i18n.T(lang, "keywords.only", strings.Join(inc, ", ")))
	}
	if len(exc) > 0 {
		lines = append(lines, i18n.T(lang, "keywords.except", strings.Join(exc, ", ")))
	}
	if len(lines) == 0 {
		return i18n.T(lang, "keywords.none")
	}
	return strings.Join(lines, "\n")
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
