package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/delivery"
	"github.com/osipovichi/newsbot/subscriptions"
	"github.com/osipovichi/newsbot/subscriptions/analyser"
)

// questionStore is what answering plain messages needs from the store.
type questionStore interface {
	Keywords(ctx context.Context, chatID int64) ([]analyser.Keyword, error)
	AddKeywords(ctx context.Context, chatID int64, kws []analyser.Keyword, now time.Time) (subscriptions.KeywordChange, error)
	OfferKeyword(ctx context.Context, chatID int64, keyword string, now time.Time) (int64, error)
	KeywordOffer(ctx context.Context, chatID, id int64, now time.Time) (string, error)
	SetSubscribed(ctx context.Context, id int64, on bool, now time.Time) (bool, error)
	InitPreferences(ctx context.Context, chatID int64, lang string, now time.Time) error
}

// maxOffers bounds the keywords one answer suggests.
const maxOffers = 3

// questions answers what people write in a private chat that is not a
// command: a question is searched for its words that matter, and the
// answer offers to notify them about it (a keyword); emoji and stickers
// get a friendly line. Groups get no answer: people talk there.
type questions struct {
	*base
	store     questionStore
	search    *search
	contacts  *contacts          // offered when nothing is found
	newsWords []analyser.Keyword // compiled newsWords
}

func newQuestions(shared *base, store questionStore, search *search, contacts *contacts) *questions {
	b := &questions{base: shared, store: store, search: search, contacts: contacts}
	for _, w := range newsWords {
		k, err := analyser.ParseKeyword(w)
		if err != nil {
			panic(fmt.Sprintf("bot: news word %q: %v", w, err))
		}
		b.newsWords = append(b.newsWords, k)
	}
	return b
}

func (b *questions) register(r *Bot) {
	r.plain = b.answer
	r.addCallbacks(b.pressOffer, cbOffer)
}

// answer answers a plain message in a private chat.
func (b *questions) answer(ctx context.Context, req request, m *delivery.Incoming) {
	if m.Content == delivery.ContentSticker || m.Text != "" && !hasWord(m.Text) {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "plain.emoji"))
		return
	}
	if m.Text == "" {
		return // a photo, a voice message…: nothing to read
	}
	essentials := b.essentials(m.Text)
	if len(essentials) == 0 {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "plain.no_words"))
		return
	}
	shown := strings.Join(essentials, " ")
	q, err := analyser.ParseQuery(shown)
	if err != nil {
		b.replyText(ctx, req.chat, i18n.T(req.lang, "plain.no_words"))
		return
	}
	if !b.search.allowed(ctx, req) {
		return
	}
	found, partial, err := b.search.find(ctx, q)
	if err != nil {
		b.log.Error("answer a question", "chat_id", req.chat.ID, "error", err)
		b.replyText(ctx, req.chat, i18n.T(req.lang, "error.internal"))
		return
	}
	kb := b.offers(ctx, req, topics(m.Text, essentials), found)
	if len(found) > 0 {
		b.reply(ctx, req.chat, delivery.Message{Text: render.Search(shown, found, partial, b.renderOptions(req)), Keyboard: kb})
		return
	}
	lines := []string{i18n.T(req.lang, "question.none", render.Cut(shown, maxSearchQuery))}
	if len(kb) > 0 {
		lines = append(lines, i18n.T(req.lang, "question.offer"))
	}
	if offer := b.contacts.offer(req.lang); offer != "" {
		lines = append(lines, offer)
	}
	lines = append(lines, i18n.T(req.lang, "question.help"))
	b.reply(ctx, req.chat, delivery.Message{Text: render.Plain(strings.Join(lines, "\n\n")), Keyboard: kb})
}

// newsWords are words that every question to a news bot may hold and no
// answer needs ("есть новости о…?", "что нового в…?"): left out of the
// search and of the keywords suggested.
var newsWords = []string{"новость", "новости", "навіна", "навіны", "news", "новый", "новы", "new", "статья", "артыкул", "article", "бот", "bot"}

// essentials are the words that matter in a question (analyser.Essentials)
// but newsWords.
func (b *questions) essentials(text string) []string {
	var out []string
	for _, e := range analyser.Essentials(text) {
		d := analyser.Analyse(e)
		if !slices.ContainsFunc(b.newsWords, func(k analyser.Keyword) bool { return k.Match(d) }) {
			out = append(out, e)
		}
	}
	return out
}

// hasWord reports whether s holds a letter or a digit.
func hasWord(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

// topics are the keywords a question suggests: its words that matter,
// two standing next to each other in the text joined into a phrase
// ("горячая вода", "Сумченко"; a longer run is cut into pairs: a keyword
// of many words rarely occurs as such). essentials are
// analyser.Essentials(text), in the order of text.
func topics(text string, essentials []string) []string {
	var runs [][]string
	at := 0
	for _, e := range essentials {
		i := strings.Index(text[at:], e)
		if i < 0 {
			continue
		}
		if len(runs) > 0 && strings.TrimSpace(text[at:at+i]) == "" {
			runs[len(runs)-1] = append(runs[len(runs)-1], e)
		} else {
			runs = append(runs, []string{e})
		}
		at += i + len(e)
	}
	var out []string
	for _, r := range runs {
		for len(r) > 0 {
			n := min(len(r), 2)
			out = append(out, strings.Join(r[:n], " "))
			r = r[n:]
		}
	}
	return out
}

// offers makes the buttons that add the keywords a question suggests, when
// they would do what they say: for a chat that is not subscribed (the
// press subscribes it) or that chose keywords already. A subscriber
// without keywords gets every article of their sections, this one too: a
// keyword would narrow that to this topic alone. A keyword is not offered
// when the question found articles with its words but the keyword finds
// none of them: a word of a question may be in a form (в школе) that a
// keyword does not take for the word (школа).
func (b *questions) offers(ctx context.Context, req request, topics []string, found []render.Found) delivery.Keyboard {
	have, err := b.store.Keywords(ctx, req.chat.ID)
	if err != nil {
		b.log.Error("read keywords", "chat_id", req.chat.ID, "error", err)
		return nil
	}
	include, _ := splitKeywords(have)
	if req.chat.Subscribed && len(include) == 0 {
		return nil
	}
	known := map[string]bool{}
	for _, k := range have {
		known[k.Key()] = true
	}
	docs := make([]*analyser.Doc, len(found))
	for i, f := range found {
		docs[i] = f.Article.Analyse()
	}
	var kb keyboard
	for _, t := range topics {
		k, err := analyser.ParseKeyword(t)
		if err != nil || k.Exclude || known[k.Key()] || !slices.ContainsFunc(docs, k.Match) && foundBy(t, docs) {
			continue
		}
		known[k.Key()] = true
		id, err := b.store.OfferKeyword(ctx, req.chat.ID, k.Text, b.now())
		if err != nil {
			b.log.Error("offer a keyword", "chat_id", req.chat.ID, "error", err)
			return kb.rows
		}
		kb.row(key{i18n.T(req.lang, "button.notify", k.Text), offerData{id: id}})
		if len(kb.rows) == maxOffers {
			break
		}
	}
	return kb.rows
}

// foundBy reports whether a search for topic matches one of docs.
func foundBy(topic string, docs []*analyser.Doc) bool {
	q, err := analyser.ParseQuery(topic)
	return err == nil && slices.ContainsFunc(docs, q.Match)
}

// pressOffer adds the keyword a button offered, subscribing the chat first
// when it was not subscribed.
func (b *questions) pressOffer(ctx context.Context, req request, p *delivery.Press) string {
	d, ok := decodeOffer(p.Data)
	if !ok || req.group() {
		return i18n.T(req.lang, "button.outdated")
	}
	text, err := b.store.KeywordOffer(ctx, req.chat.ID, d.id, b.now())
	if errors.Is(err, subscriptions.ErrNotFound) {
		return i18n.T(req.lang, "button.outdated")
	}
	if err != nil {
		b.log.Error("read a keyword offer", "chat_id", req.chat.ID, "error", err)
		return i18n.T(req.lang, "error.internal")
	}
	k, err := analyser.ParseKeyword(text)
	if err != nil {
		return i18n.T(req.lang, "button.outdated")
	}
	now := b.now()
	var lines []string
	if !req.chat.Subscribed {
		if _, err := b.store.SetSubscribed(ctx, req.chat.ID, true, now); err != nil {
			b.log.Error("change subscription", "chat_id", req.chat.ID, "error", err)
			return i18n.T(req.lang, "error.internal")
		}
		if err := b.store.InitPreferences(ctx, req.chat.ID, req.lang, now); err != nil {
			b.log.Error("set default preferences", "chat_id", req.chat.ID, "error", err)
		}
		lines = append(lines, i18n.T(req.lang, "question.subscribed"))
	}
	ch, err := b.store.AddKeywords(ctx, req.chat.ID, []analyser.Keyword{k}, now)
	if err != nil {
		b.log.Error("add keywords", "chat_id", req.chat.ID, "error", err)
		return i18n.T(req.lang, "error.internal")
	}
	switch {
	case len(ch.OverLimit) > 0:
		return i18n.T(req.lang, "keywords.limit", subscriptions.MaxKeywords, k.Text)
	case len(ch.Already) > 0 && len(lines) == 0:
		return i18n.T(req.lang, "keywords.already", k.Text)
	}
	have, err := b.store.Keywords(ctx, req.chat.ID)
	if err != nil {
		b.log.Error("read keywords", "chat_id", req.chat.ID, "error", err)
	}
	include, _ := splitKeywords(have)
	lines = append(lines, i18n.T(req.lang, "question.added", k.Text, strings.Join(include, ", ")))
	b.replyText(ctx, req.chat, strings.Join(lines, " "))
	return i18n.T(req.lang, "keywords.added", k.Text)
}
