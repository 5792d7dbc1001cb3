package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
	"github.com/osipovichi/newsbot/subscriptions/analyser"
)

// feedsIn configures feeds "section/lang" and returns them by that label.
func feedsIn(t testing.TB, s *Store, labels ...string) map[string]subscriptions.Feed {
	t.Helper()
	var cfgs []subscriptions.FeedConfig
	for _, l := range labels {
		sec, lang, _ := strings.Cut(l, "/")
		cfgs = append(cfgs, subscriptions.FeedConfig{Section: sec, Language: lang, URL: "https://osipovichi.gov.by/" + l})
	}
	feeds, err := s.EnsureFeeds(context.Background(), cfgs)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]subscriptions.Feed{}
	for i, f := range feeds {
		// The first poll records what is there without announcing it.
		if _, err := s.IngestFeed(context.Background(), f.ID, subscriptions.FetchResult{At: t0}, nil); err != nil {
			t.Fatal(err)
		}
		out[labels[i]] = f
	}
	return out
}

func chatWith(t *testing.T, s *Store, id int64, typ subscriptions.ChatType, lang string) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.TouchChat(ctx, subscriptions.ChatInfo{ID: id, Type: typ, Title: fmt.Sprint("chat ", id), Language: lang}, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetSubscribed(ctx, id, true, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.InitPreferences(ctx, id, lang, t0); err != nil {
		t.Fatal(err)
	}
}

// kw parses a keyword as a resident types it.
func kw(t testing.TB, s string) analyser.Keyword {
	t.Helper()
	k, err := analyser.ParseKeyword(s)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func ingest(t testing.TB, s *Store, f subscriptions.Feed, as ...subscriptions.Article) subscriptions.IngestResult {
	t.Helper()
	for i := range as {
		as[i].Section, as[i].Language = f.Section, f.Language
		if as[i].Key == "" {
			as[i].Key = fmt.Sprintf("%s-%d-%s", f.URL, i, as[i].Title)
		}
		if as[i].Published.IsZero() {
			as[i].Published = t0
		}
	}
	res, err := s.IngestFeed(context.Background(), f.ID, subscriptions.FetchResult{At: t0}, as)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// recipients returns the chats with a delivery (or a digest item) of an article.
func recipients(t *testing.T, s *Store, articleID int64) []int64 {
	t.Helper()
	rows, err := s.db.Query(`SELECT chat_id FROM deliveries WHERE kind = 'article' AND ref = ?
		UNION SELECT chat_id FROM digest_items WHERE article_id = ? ORDER BY 1`, articleID, articleID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

func TestPreferencesDefaultsAndLanguage(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	feedsIn(t, s, "news/ru", "news/be", "economy/ru", "culture/be", "announcements")
	chatWith(t, s, 1, subscriptions.ChatPrivate, subscriptions.LangRU)
	p, err := s.Preferences(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"news", "economy", "announcements"}; !slices.Equal(p.Available, want) || !slices.Equal(p.Sections, want) {
		t.Fatalf("new ru subscriber: available %v, sections %v; want both %v", p.Available, p.Sections, want)
	}

	// Every section of ru → every section of be.
	if err := s.ChangeLanguage(ctx, 1, subscriptions.LangBE, t0); err != nil {
		t.Fatal(err)
	}
	p, _ = s.Preferences(ctx, 1)
	if want := []string{"news", "culture", "announcements"}; !slices.Equal(p.Sections, want) || p.Language != subscriptions.LangBE {
		t.Fatalf("after switching to be: language %q, sections %v; want be, %v", p.Language, p.Sections, want)
	}
	// A choice is kept across languages where it can be.
	if err := s.SetSection(ctx, 1, "culture", false, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSection(ctx, 1, "announcements", false, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.ChangeLanguage(ctx, 1, subscriptions.LangRU, t0); err != nil {
		t.Fatal(err)
	}
	p, _ = s.Preferences(ctx, 1)
	if want := []string{"news"}; !slices.Equal(p.Sections, want) {
		t.Fatalf("news only, back to ru: sections %v, want %v", p.Sections, want)
	}
	// The last section cannot be turned off; an unknown one is not found.
	if err := s.SetSection(ctx, 1, "news", false, t0); !errors.Is(err, subscriptions.ErrLastSection) {
		t.Fatalf("turning off the last section: got %v, want ErrLastSection", err)
	}
	if err := s.SetSection(ctx, 1, "culture", true, t0); !errors.Is(err, subscriptions.ErrNotFound) {
		t.Fatalf("a be-only section in ru: got %v, want ErrNotFound", err)
	}
	if err := s.SetSection(ctx, 1, "economy", true, t0); err != nil {
		t.Fatal(err)
	}
	p, _ = s.Preferences(ctx, 1)
	if want := []string{"news", "economy"}; !slices.Equal(p.Sections, want) {
		t.Fatalf("after turning economy on: %v, want %v", p.Sections, want)
	}
	if err := s.SetLinkPreviews(ctx, 1, false, t0); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Chat(ctx, 1); c.LinkPreviews {
		t.Fatalf("link previews still on after SetLinkPreviews(false)")
	}
}

func TestAudienceHonoursSectionsLanguageAndKeywords(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	f := feedsIn(t, s, "news/ru", "news/be", "economy/ru")
	const (
		ruAll     = 1 // ru, every section
		beAll     = 2 // be
		ruEconomy = 3 // ru, economy only
		ruRoads   = 4 // ru, only articles about roads
		ruNoAds   = 5 // ru, no advertising
		legacy    = 6 // subscribed before preferences: no language, no sections
		digest    = 7 // ru, daily digest
		beLegacy  = 8 // be, but no sections chosen (subscribed before the sections were known)
	)
	for _, id := range []int64{ruAll, ruEconomy, ruRoads, ruNoAds, digest} {
		chatWith(t, s, id, subscriptions.ChatPrivate, subscriptions.LangRU)
	}
	chatWith(t, s, beAll, subscriptions.ChatPrivate, subscriptions.LangBE)
	chatWith(t, s, beLegacy, subscriptions.ChatPrivate, subscriptions.LangBE)
	if _, err := s.db.Exec(`DELETE FROM chat_sections WHERE chat_id = ?`, beLegacy); err != nil {
		t.Fatal(err)
	}
	subscribe(t, s, legacy)
	if _, err := s.db.Exec(`UPDATE chats SET language = '' WHERE id = ?`, legacy); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSection(ctx, ruEconomy, "news", false, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddKeywords(ctx, ruRoads, []analyser.Keyword{kw(t, "дорога")}, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddKeywords(ctx, ruNoAds, []analyser.Keyword{kw(t, "-реклама")}, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDigestHour(ctx, digest, 8, t0); err != nil {
		t.Fatal(err)
	}

	ruRoad := ingest(t, s, f["news/ru"], subscriptions.Article{Title: "Ремонт дорог в районе", Summary: "Реклама подрядчика"}).New[0]
	ruOther := ingest(t, s, f["news/ru"], subscriptions.Article{Title: "Концерт в доме культуры"}).New[0]
	beRoad := ingest(t, s, f["news/be"], subscriptions.Article{Title: "Рамонт дарог у раёне"}).New[0]
	eco := ingest(t, s, f["economy/ru"], subscriptions.Article{Title: "Итоги работы предприятий"}).New[0]

	tests := []struct {
		name string
		a    subscriptions.Article
		want []int64
	}{
		{"ru news about roads with an ad", ruRoad, []int64{ruAll, ruRoads, legacy, digest}},
		{"ru news about a concert", ruOther, []int64{ruAll, ruNoAds, legacy, digest}},
		{"be news", beRoad, []int64{beAll, legacy, beLegacy}},
		{"ru economy (no be version)", eco, []int64{ruAll, ruEconomy, ruNoAds, legacy, digest, beLegacy}},
	}
	for _, tt := range tests {
		if got := recipients(t, s, tt.a.ID); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got recipients %v, want %v", tt.name, got, tt.want)
		}
	}

	// /latest honours the same sections and language.
	latest, err := s.LatestArticles(ctx, 10, subscriptions.ArticleFilter{Chat: ruEconomy})
	if err != nil || len(latest) != 1 || latest[0].ID != eco.ID {
		t.Errorf("latest for the economy chat = %v, %v; want the economy article only", titles(latest), err)
	}
	latest, _ = s.LatestArticles(ctx, 10, subscriptions.ArticleFilter{Chat: beAll})
	if len(latest) != 1 || latest[0].ID != beRoad.ID {
		t.Errorf("latest for the be chat = %v, want the be article only", titles(latest))
	}
	latest, _ = s.LatestArticles(ctx, 10, subscriptions.ArticleFilter{Chat: beLegacy})
	if len(latest) != 2 || latest[0].ID != eco.ID || latest[1].ID != beRoad.ID {
		t.Errorf("latest for a be chat without sections = %v, want the be article and the economy one (no be version)", titles(latest))
	}
	latest, _ = s.LatestArticles(ctx, 10, subscriptions.ArticleFilter{Chat: legacy})
	if len(latest) != 4 {
		t.Errorf("latest for a chat that chose nothing = %d articles, want all 4", len(latest))
	}
	if all, _ := s.LatestArticles(ctx, 10); len(all) != 4 {
		t.Errorf("latest without a filter = %d articles, want 4", len(all))
	}
}

func titles(as []subscriptions.Article) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Title)
	}
	return out
}

// seedAudience creates n subscribed Russian chats with the news section, a
// third of them with an include and an exclude keyword.
func seedAudience(tb testing.TB, s *Store, n int64) {
	tb.Helper()
	err := s.inTx(context.Background(), func(tx *sql.Tx) error {
		for id := int64(1); id <= n; id++ {
			if _, err := tx.Exec(`INSERT INTO chats (id, type, language, subscribed, created_at, updated_at)
				VALUES (?, 'private', 'ru', 1, 0, 0)`, id); err != nil {
				return err
			}
			if _, err := tx.Exec(`INSERT INTO chat_sections (chat_id, section) VALUES (?, 'news')`, id); err != nil {
				return err
			}
			if id%3 == 0 {
				if _, err := tx.Exec(`INSERT INTO chat_keywords (chat_id, word, exclude, created_at) VALUES (?, 'дорога', 0, 0), (?, 'реклама', 1, 0)`, id, id); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func TestAudienceWithKeywords(t *testing.T) {
	s := openTest(t)
	f := feedsIn(t, s, "news/ru", "economy/ru")
	seedAudience(t, s, 300)
	res := ingest(t, s, f["news/ru"], subscriptions.Article{Title: "Ремонт дороги"}, subscriptions.Article{Title: "Концерт"})
	if want := 300 + 300 - 100; res.Enqueued != want {
		t.Errorf("enqueued %d deliveries, want %d (the concert skips the 100 chats that want roads only)", res.Enqueued, want)
	}
}

// BenchmarkIngestFor10000Chats measures recording two new articles for
// 10,000 subscribers, a third of them with keywords.
func BenchmarkIngestFor10000Chats(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
		if err != nil {
			b.Fatal(err)
		}
		f := feedsIn(b, s, "news/ru", "economy/ru")
		seedAudience(b, s, 10000)
		b.StartTimer()
		res := ingest(b, s, f["news/ru"], subscriptions.Article{Title: "Ремонт дороги"}, subscriptions.Article{Title: "Концерт"})
		b.StopTimer()
		if res.Enqueued != 10000+10000-3333 {
			b.Fatalf("enqueued %d", res.Enqueued)
		}
		s.Close()
	}
}

func TestKeywordsStore(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	chatWith(t, s, 1, subscriptions.ChatPrivate, subscriptions.LangRU)
	ch, err := s.AddKeywords(ctx, 1, []analyser.Keyword{kw(t, "дорога"), kw(t, "школа"), kw(t, "-реклама")}, t0)
	if err != nil || len(ch.Added) != 3 {
		t.Fatalf("AddKeywords = %+v, %v; want 3 added", ch, err)
	}
	ch, _ = s.AddKeywords(ctx, 1, []analyser.Keyword{kw(t, "дорога"), kw(t, "-школа"), kw(t, "ёлка"), kw(t, "елка")}, t0)
	if len(ch.Already) != 2 || len(ch.Switched) != 1 || len(ch.Added) != 1 {
		t.Fatalf("second AddKeywords = %+v; want дорога and елка already there, школа switched, ёлка added", ch)
	}
	kws, _ := s.Keywords(ctx, 1)
	var got []string
	for _, k := range kws {
		got = append(got, k.String())
	}
	if want := []string{"дорога", "ёлка", "-школа", "-реклама"}; !slices.Equal(got, want) {
		t.Fatalf("Keywords = %q, want %q", got, want)
	}
	removed, missing, err := s.RemoveKeywords(ctx, 1, []analyser.Keyword{kw(t, "ДОРОГА"), kw(t, "-елка"), kw(t, "мост")})
	if err != nil || len(removed) != 2 || len(missing) != 1 || missing[0].Text != "мост" {
		t.Fatalf("RemoveKeywords = %v, %v, %v; want 2 removed, мост missing", removed, missing, err)
	}
	// The limit.
	var many []analyser.Keyword
	for i := 0; i < subscriptions.MaxKeywords+3; i++ {
		many = append(many, kw(t, fmt.Sprintf("слово%d", i)))
	}
	ch, _ = s.AddKeywords(ctx, 1, many, t0)
	if len(ch.Added) != subscriptions.MaxKeywords-2 || len(ch.OverLimit) != 5 {
		t.Fatalf("adding %d to 2: added %d, over the limit %d; want %d and 5", len(many), len(ch.Added), len(ch.OverLimit), subscriptions.MaxKeywords-2)
	}
	if n, err := s.ClearKeywords(ctx, 1); err != nil || n != subscriptions.MaxKeywords {
		t.Fatalf("ClearKeywords = %d, %v; want %d", n, err, subscriptions.MaxKeywords)
	}
}

func TestMigrateChatKeepsPreferences(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	feedsIn(t, s, "news/ru", "economy/ru", "news/be", "economy/be")
	const group, super, super2 = -100, -1001000000001, -1001000000002
	// Plain migration: the id changes, the rows follow.
	chatWith(t, s, group, subscriptions.ChatGroup, subscriptions.LangBE)
	if err := s.SetSection(ctx, group, "news", false, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddKeywords(ctx, group, []analyser.Keyword{kw(t, "дарога")}, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.MigrateChat(ctx, group, super, t0); err != nil {
		t.Fatal(err)
	}
	p, err := s.Preferences(ctx, super)
	if err != nil || !slices.Equal(p.Sections, []string{"economy"}) || len(p.Keywords) != 1 || p.Language != subscriptions.LangBE {
		t.Fatalf("after migration: %+v, %v; want be, economy, 1 keyword", p, err)
	}
	// The supergroup spoke first: the group's choices win.
	chatWith(t, s, -200, subscriptions.ChatGroup, subscriptions.LangRU)
	if err := s.SetSection(ctx, -200, "economy", false, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddKeywords(ctx, -200, []analyser.Keyword{kw(t, "школа")}, t0); err != nil {
		t.Fatal(err)
	}
	chatWith(t, s, super2, subscriptions.ChatSupergroup, subscriptions.LangRU)
	if _, err := s.AddKeywords(ctx, super2, []analyser.Keyword{kw(t, "-реклама")}, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.MigrateChat(ctx, -200, super2, t0); err != nil {
		t.Fatal(err)
	}
	p, _ = s.Preferences(ctx, super2)
	if !slices.Equal(p.Sections, []string{"news"}) || len(p.Keywords) != 1 || p.Keywords[0].Text != "школа" {
		t.Fatalf("after merge: sections %v, keywords %v; want news, школа", p.Sections, p.Keywords)
	}
	var left int
	s.db.QueryRow(`SELECT COUNT(*) FROM chat_keywords WHERE chat_id = -200`).Scan(&left)
	if left != 0 {
		t.Fatalf("%d keywords left under the old id, want 0", left)
	}
}

func TestChannels(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	feedsIn(t, s, "news/ru", "news/en")
	const channel, owner, other = -1002000000001, 42, 43
	already, err := s.ConnectChannel(ctx, subscriptions.ChatInfo{ID: channel, Title: "Школа №1", Username: "school1"}, owner, subscriptions.LangEN, t0)
	if err != nil || already {
		t.Fatalf("ConnectChannel = %t, %v; want a new connection", already, err)
	}
	p, err := s.Preferences(ctx, channel)
	if err != nil || !p.Subscribed || p.Type != subscriptions.ChatChannel || p.Language != subscriptions.LangEN || !slices.Equal(p.Sections, []string{"news"}) {
		t.Fatalf("connected channel = %+v, %v; want a subscribed en channel with news", p, err)
	}
	if already, _ := s.ConnectChannel(ctx, subscriptions.ChatInfo{ID: channel, Title: "Школа №1"}, owner, subscriptions.LangRU, t0); !already {
		t.Errorf("connecting twice: want already connected")
	}
	if p, _ := s.Preferences(ctx, channel); p.Language != subscriptions.LangEN {
		t.Errorf("connecting again changed the language to %q", p.Language)
	}
	if ok, _ := s.ChannelManagedBy(ctx, channel, other); ok {
		t.Errorf("a stranger manages the channel")
	}
	list, err := s.Channels(ctx, owner)
	if err != nil || len(list) != 1 || list[0].ID != channel {
		t.Fatalf("Channels = %v, %v; want the channel", list, err)
	}
	if found, err := s.DisconnectChannel(ctx, channel, owner, t0); err != nil || !found {
		t.Fatalf("DisconnectChannel = %t, %v", found, err)
	}
	if c, _ := s.Chat(ctx, channel); c.Subscribed {
		t.Errorf("disconnected channel still subscribed")
	}
	if list, _ := s.Channels(ctx, owner); len(list) != 0 {
		t.Errorf("Channels after disconnect = %v, want none", list)
	}
}

// With a single feed whose articles are in Russian, a Belarusian or English
// speaker still gets them: the language only chooses between versions of a
// section that the portal actually offers.
func TestSingleFeedReachesEveryLanguage(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	f := feedsIn(t, s, "news")["news"]
	for id, lang := range map[int64]string{1: subscriptions.LangRU, 2: subscriptions.LangBE, 3: subscriptions.LangEN} {
		chatWith(t, s, id, subscriptions.ChatPrivate, lang)
	}
	// The feed has no configured language; its articles say they are Russian.
	a := subscriptions.Article{Key: "n1", Title: "Новость", Section: "news", Language: subscriptions.LangRU, Published: t0}
	res, err := s.IngestFeed(ctx, f.ID, subscriptions.FetchResult{At: t0}, []subscriptions.Article{a})
	if err != nil {
		t.Fatal(err)
	}
	if res.Enqueued != 3 {
		t.Fatalf("enqueued %d, want 3 (every language)", res.Enqueued)
	}
	for _, id := range []int64{1, 2, 3} {
		got, err := s.LatestArticles(ctx, 5, subscriptions.ArticleFilter{Chat: id})
		if err != nil || len(got) != 1 {
			t.Errorf("latest for chat %d = %d articles, %v; want 1", id, len(got), err)
		}
	}
}

func TestKeywordOffers(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	chatWith(t, s, 1, subscriptions.ChatPrivate, subscriptions.LangRU)
	chatWith(t, s, 2, subscriptions.ChatPrivate, subscriptions.LangRU)
	old, err := s.OfferKeyword(ctx, 1, "горячая вода", t0)
	if err != nil {
		t.Fatal(err)
	}
	if kw, err := s.KeywordOffer(ctx, 1, old, t0.Add(time.Hour)); err != nil || kw != "горячая вода" {
		t.Fatalf("KeywordOffer = %q, %v; want горячая вода", kw, err)
	}
	if _, err := s.KeywordOffer(ctx, 2, old, t0); !errors.Is(err, subscriptions.ErrNotFound) {
		t.Errorf("another chat's offer: %v, want ErrNotFound", err)
	}
	week := 7 * 24 * time.Hour
	if _, err := s.KeywordOffer(ctx, 1, old, t0.Add(week+time.Second)); !errors.Is(err, subscriptions.ErrNotFound) {
		t.Errorf("an expired offer: %v, want ErrNotFound", err)
	}
	fresh, err := s.OfferKeyword(ctx, 2, "сумченко", t0.Add(week+time.Second))
	if err != nil || fresh == old {
		t.Fatalf("OfferKeyword = %d, %v; want a new id", fresh, err)
	}
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM keyword_offers`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d offers kept, %v; want the expired one deleted", n, err)
	}
}
