package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/osipovichi/newsbot/subscriptions"
)

// The identity rules of subscriptions (identity.go) are applied here, in
// the transaction that stores the articles: the same item under a new
// GUID (sameItem), the story an article belongs to (storyOf).

// storyFresh is how recent a story must be for an article that joins it
// from another section to be announced to the chats that had not had it:
// older stories are old news, and their deliveries may have been pruned.
const storyFresh = 2 * subscriptions.StoryWindow

// fetchKeys counts the keys of one fetch: a key two of its items share
// tells nothing about either.
type fetchKeys struct {
	items                 map[string]bool // item keys (GUIDs) of the fetch
	links, titles, portal map[string]int
}

func newFetchKeys(articles []subscriptions.Article) fetchKeys {
	fk := fetchKeys{items: make(map[string]bool, len(articles)), links: map[string]int{}, titles: map[string]int{}, portal: map[string]int{}}
	for _, a := range articles {
		fk.items[a.Key] = true
		k := subscriptions.KeysOf(a)
		fk.links[k.Link]++
		fk.titles[k.Title]++
		fk.portal[k.PortalID]++
	}
	return fk
}

// telling keeps the keys of k that no other item of the fetch shares.
func (fk fetchKeys) telling(k subscriptions.StoryKeys) subscriptions.StoryKeys {
	if fk.links[k.Link] > 1 {
		k.Link = ""
	}
	if fk.titles[k.Title] > 1 {
		k.Title = ""
	}
	if fk.portal[k.PortalID] > 1 {
		k.PortalID = ""
	}
	return k
}

// keyMatch is a stored article found by one of its keys.
type keyMatch struct {
	id, feed, story, firstSeen int64
	key                        string
}

// keyFinder finds stored articles by their keys: prepared statements for
// the link, the portal id and the title (published within StoryWindow).
type keyFinder [3]*sql.Stmt

func prepareKeyFinder(ctx context.Context, tx *sql.Tx) (keyFinder, error) {
	var kf keyFinder
	for i, where := range []string{"link_key = ?", "portal_id = ?", "title_key = ? AND published_at BETWEEN ? AND ?"} {
		st, err := tx.PrepareContext(ctx, `SELECT id, feed_id, item_key, story_id, first_seen_at FROM articles WHERE `+where+` ORDER BY id LIMIT 16`)
		if err != nil {
			kf.close()
			return keyFinder{}, err
		}
		kf[i] = st
	}
	return kf, nil
}

func (kf keyFinder) close() {
	for _, st := range kf {
		if st != nil {
			st.Close()
		}
	}
}

// find returns the stored articles, of any feed, that share a key with
// k, oldest first, a few per key.
func (kf keyFinder) find(ctx context.Context, k subscriptions.StoryKeys, published int64) ([]keyMatch, error) {
	window := int64(subscriptions.StoryWindow.Seconds())
	var out []keyMatch
	for i, key := range []string{k.Link, k.PortalID, k.Title} {
		if key == "" {
			continue
		}
		args := []any{key}
		if i == 2 {
			args = append(args, published-window, published+window)
		}
		rows, err := kf[i].QueryContext(ctx, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var m keyMatch
			if err := rows.Scan(&m.id, &m.feed, &m.key, &m.story, &m.firstSeen); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// otherFeeds keeps the matches of feeds other than feedID.
func otherFeeds(ms []keyMatch, feedID int64) []keyMatch {
	var out []keyMatch
	for _, m := range ms {
		if m.feed != feedID {
			out = append(out, m)
		}
	}
	return out
}

// ingestion stores the articles of one fetch of a feed (see IngestFeed),
// in one or several transactions: begin prepares its statements in one,
// end closes them.
type ingestion struct {
	feedID  int64
	at      int64
	fetch   fetchKeys
	claimed map[int64]bool // rows matched by an item of this fetch
	// announce marks the new articles to announce as unannounced, for the
	// transaction that decides how they are announced.
	announce bool
	// The statements of the current transaction, prepared once for
	// thousands of items.
	tx                                     *sql.Tx // of the search index rows
	keys                                   keyFinder
	byKey, insert, update, rekey, setStory *sql.Stmt
}

func newIngestion(feedID int64, articles []subscriptions.Article, at int64, announce bool) *ingestion {
	return &ingestion{feedID: feedID, at: at, fetch: newFetchKeys(articles), claimed: map[int64]bool{}, announce: announce}
}

func (ing *ingestion) begin(ctx context.Context, tx *sql.Tx) error {
	ing.tx = tx
	var err error
	if ing.keys, err = prepareKeyFinder(ctx, tx); err != nil {
		return err
	}
	for _, p := range []struct {
		st  **sql.Stmt
		sql string
	}{
		{&ing.byKey, `SELECT id, story_id FROM articles WHERE feed_id = ? AND item_key = ?`},
		{&ing.rekey, `UPDATE articles SET item_key = ? WHERE id = ?`},
		{&ing.setStory, `UPDATE articles SET story_id = id WHERE id = ?`},
		{&ing.insert, `INSERT INTO articles (feed_id, item_key, title, summary, link, image_url, published_at, categories,
				section, language, first_seen_at, updated_at, link_key, title_key, portal_id, story_id, unannounced)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`},
		// An edit updates the stored article; a summary or image missing from
		// this fetch (a feed hiccup, a listing without the teaser we once
		// read from the article page) does not erase the stored one.
		{&ing.update, `UPDATE articles SET title = ?1, summary = COALESCE(NULLIF(?2, ''), summary),
				link = ?3, image_url = COALESCE(NULLIF(?4, ''), image_url), categories = ?5, updated_at = ?6,
				link_key = ?7, title_key = ?8, portal_id = ?9
			WHERE id = ?10 AND (title <> ?1 OR (?2 <> '' AND summary <> ?2) OR link <> ?3
				OR (?4 <> '' AND image_url <> ?4) OR categories <> ?5)`},
	} {
		if *p.st, err = tx.PrepareContext(ctx, p.sql); err != nil {
			ing.end()
			return err
		}
	}
	return nil
}

func (ing *ingestion) end() {
	ing.keys.close()
	for _, st := range []*sql.Stmt{ing.byKey, ing.insert, ing.update, ing.rekey, ing.setStory} {
		if st != nil {
			st.Close()
		}
	}
	ing.tx, ing.keys, ing.byKey, ing.insert, ing.update, ing.rekey, ing.setStory = nil, keyFinder{}, nil, nil, nil, nil, nil
}

// stored is what became of one article of the fetch.
type stored struct {
	article subscriptions.Article // with ID and StoryID
	isNew   bool
	updated bool // a known article whose content changed
}

// store stores one article of the fetch: a known one (by its key, or as
// the same item under a new GUID) is updated, a new one inserted in its
// story. A new article is left unannounced (when the ingestion announces)
// if it is its story's first, or joins a story recent enough to be
// announced to the chats that have not had it (see storyFresh).
func (ing *ingestion) store(ctx context.Context, a subscriptions.Article) (stored, error) {
	a.FeedID = ing.feedID
	keys := subscriptions.KeysOf(a)
	var id, story int64
	err := ing.byKey.QueryRowContext(ctx, ing.feedID, a.Key).Scan(&id, &story)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return stored{}, err
	}
	var matches []keyMatch
	if id == 0 {
		if matches, err = ing.keys.find(ctx, ing.fetch.telling(keys), a.Published.Unix()); err != nil {
			return stored{}, err
		}
		if id, story = ing.sameItem(matches); id != 0 { // the same item under a new GUID: the row follows it
			if _, err := ing.rekey.ExecContext(ctx, a.Key, id); err != nil {
				return stored{}, fmt.Errorf("rekey article %d: %w", id, err)
			}
		}
	}
	if id != 0 {
		ing.claimed[id] = true
		a.ID, a.StoryID = id, story
		changed, err := ing.updateRow(ctx, a, keys)
		if err == nil && changed {
			err = reindexStored(ctx, ing.tx, id)
		}
		return stored{article: a, updated: changed}, err
	}

	others := otherFeeds(matches, ing.feedID)
	fresh := len(others) == 0 || others[0].firstSeen >= ing.at-int64(storyFresh.Seconds())
	a.StoryID = 0
	if len(others) > 0 {
		a.StoryID = others[0].story
	}
	err = ing.insert.QueryRowContext(ctx, a.FeedID, a.Key, a.Title, a.Summary, a.Link, a.ImageURL, a.Published.Unix(),
		strings.Join(a.Categories, "\n"), a.Section, a.Language, unix(a.FirstSeen), ing.at, keys.Link, keys.Title, keys.PortalID,
		a.StoryID, boolInt(ing.announce && fresh)).Scan(&a.ID)
	if err != nil {
		return stored{}, fmt.Errorf("store article %q: %w", a.Key, err)
	}
	if a.StoryID == 0 {
		a.StoryID = a.ID
		if _, err := ing.setStory.ExecContext(ctx, a.ID); err != nil {
			return stored{}, fmt.Errorf("store article %q: %w", a.Key, err)
		}
	}
	if err := indexArticle(ctx, ing.tx, a); err != nil {
		return stored{}, err
	}
	return stored{article: a, isNew: true}, nil
}

// sameItem picks, among the stored articles that share a telling key with
// an item whose GUID is new, the one of the feed that the item is, unless
// another item of the fetch holds that article's key or has claimed it:
// its id and story, or zeros.
func (ing *ingestion) sameItem(matches []keyMatch) (int64, int64) {
	for _, m := range matches {
		if m.feed == ing.feedID && !ing.claimed[m.id] && !ing.fetch.items[m.key] {
			return m.id, m.story
		}
	}
	return 0, 0
}

// updateRow writes what an item says now into its stored article; it
// reports whether the content changed.
func (ing *ingestion) updateRow(ctx context.Context, a subscriptions.Article, k subscriptions.StoryKeys) (bool, error) {
	r, err := ing.update.ExecContext(ctx, a.Title, a.Summary, a.Link, a.ImageURL, strings.Join(a.Categories, "\n"), ing.at,
		k.Link, k.Title, k.PortalID, a.ID)
	if err != nil {
		return false, fmt.Errorf("update article %q: %w", a.Key, err)
	}
	n, _ := r.RowsAffected()
	return n == 1, nil
}

// stateStoryKeys marks the articles stored before migration 0006 as given
// their keys.
const stateStoryKeys = "story_keys"

// fillStoryKeys computes the keys of the articles stored before migration
// 0006, in batches, once.
func (s *Store) fillStoryKeys(ctx context.Context) error {
	if _, err := s.State(ctx, stateStoryKeys); err == nil {
		return nil
	} else if !errors.Is(err, subscriptions.ErrNotFound) {
		return err
	}
	const batch = 1000
	var last int64
	for {
		n := 0
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT id, title, link, language FROM articles WHERE id > ? ORDER BY id LIMIT ?`, last, batch)
			if err != nil {
				return err
			}
			var as []subscriptions.Article
			for rows.Next() {
				var a subscriptions.Article
				if err := rows.Scan(&a.ID, &a.Title, &a.Link, &a.Language); err != nil {
					rows.Close()
					return err
				}
				as = append(as, a)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, a := range as {
				k := subscriptions.KeysOf(a)
				if _, err := tx.ExecContext(ctx, `UPDATE articles SET link_key = ?, title_key = ?, portal_id = ? WHERE id = ?`,
					k.Link, k.Title, k.PortalID, a.ID); err != nil {
					return err
				}
				last = a.ID
			}
			n = len(as)
			return nil
		})
		if err != nil {
			return fmt.Errorf("fill story keys after article %d: %w", last, err)
		}
		if n < batch {
			return s.SetState(ctx, stateStoryKeys, "1")
		}
	}
}
