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

// matches finds article rows by key: of feedID (same) or of the other
// feeds (!same), the oldest first. The title must be published within
// StoryWindow of published.
func matchQueries(same bool) [3]string {
	feed := "feed_id <> ?"
	if same {
		feed = "feed_id = ?"
	}
	return [3]string{
		`SELECT id, item_key, story_id, first_seen_at FROM articles WHERE link_key = ? AND ` + feed + ` ORDER BY id LIMIT 8`,
		`SELECT id, item_key, story_id, first_seen_at FROM articles WHERE portal_id = ? AND ` + feed + ` ORDER BY id LIMIT 8`,
		`SELECT id, item_key, story_id, first_seen_at FROM articles WHERE title_key = ? AND ` + feed +
			` AND published_at BETWEEN ? AND ? ORDER BY id LIMIT 8`,
	}
}

// keyMatch is a stored article found by one of its keys.
type keyMatch struct {
	id, story, firstSeen int64
	key                  string
}

// findByKeys returns the stored articles of feedID (same) or of the other
// feeds that share a key with k, oldest first, at most a few per key.
func findByKeys(ctx context.Context, tx *sql.Tx, same bool, feedID int64, k subscriptions.StoryKeys, published int64) ([]keyMatch, error) {
	qs := matchQueries(same)
	window := int64(subscriptions.StoryWindow.Seconds())
	var out []keyMatch
	for i, key := range []string{k.Link, k.PortalID, k.Title} {
		if key == "" {
			continue
		}
		args := []any{key, feedID}
		if i == 2 {
			args = append(args, published-window, published+window)
		}
		rows, err := tx.QueryContext(ctx, qs[i], args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var m keyMatch
			if err := rows.Scan(&m.id, &m.key, &m.story, &m.firstSeen); err != nil {
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

// ingestion stores the articles of one fetch of a feed (see IngestFeed).
type ingestion struct {
	feedID  int64
	at      int64
	fetch   fetchKeys
	claimed map[int64]bool // rows matched by an item of this fetch
	insert  *sql.Stmt
	update  *sql.Stmt
}

func newIngest(ctx context.Context, tx *sql.Tx, feedID int64, articles []subscriptions.Article, at int64) (*ingestion, error) {
	ing := &ingestion{feedID: feedID, at: at, fetch: newFetchKeys(articles), claimed: map[int64]bool{}}
	var err error
	if ing.insert, err = prepareInsert(ctx, tx); err != nil {
		return nil, err
	}
	// An edit updates the stored article; a summary or image missing from
	// this fetch (a feed hiccup, a listing without the teaser we once
	// read from the article page) does not erase the stored one.
	ing.update, err = tx.PrepareContext(ctx, `UPDATE articles SET title = ?1, summary = COALESCE(NULLIF(?2, ''), summary),
			link = ?3, image_url = COALESCE(NULLIF(?4, ''), image_url), categories = ?5, updated_at = ?6,
			link_key = ?7, title_key = ?8, portal_id = ?9
		WHERE id = ?10 AND (title <> ?1 OR (?2 <> '' AND summary <> ?2) OR link <> ?3
			OR (?4 <> '' AND image_url <> ?4) OR categories <> ?5)`)
	if err != nil {
		ing.insert.Close()
		return nil, err
	}
	return ing, nil
}

func (ing *ingestion) close() {
	ing.insert.Close()
	ing.update.Close()
}

// stored is what became of one article of the fetch.
type stored struct {
	article subscriptions.Article // with ID and StoryID
	isNew   bool
	updated bool // a known article whose content changed
	// fresh: a new article that is its story's first, or joins a story
	// recent enough to be announced (see storyFresh).
	fresh bool
}

// store stores one article of the fetch: a known one (by its key, or as
// the same item under a new GUID) is updated, a new one inserted in its story.
func (ing *ingestion) store(ctx context.Context, tx *sql.Tx, a subscriptions.Article) (stored, error) {
	a.FeedID = ing.feedID
	keys := subscriptions.KeysOf(a)
	var id, story int64
	err := tx.QueryRowContext(ctx, `SELECT id, story_id FROM articles WHERE feed_id = ? AND item_key = ?`, ing.feedID, a.Key).Scan(&id, &story)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if id, story, err = ing.sameItem(ctx, tx, a, keys); err != nil {
			return stored{}, err
		}
		if id != 0 { // the same item under a new GUID: the row follows it
			if _, err := tx.ExecContext(ctx, `UPDATE articles SET item_key = ? WHERE id = ?`, a.Key, id); err != nil {
				return stored{}, fmt.Errorf("rekey article %d: %w", id, err)
			}
		}
	case err != nil:
		return stored{}, err
	}
	if id != 0 {
		ing.claimed[id] = true
		a.ID, a.StoryID = id, story
		changed, err := ing.updateRow(ctx, a, keys)
		return stored{article: a, updated: changed}, err
	}

	matches, err := findByKeys(ctx, tx, false, ing.feedID, ing.fetch.telling(keys), a.Published.Unix())
	if err != nil {
		return stored{}, err
	}
	if a, err = insertArticle(ctx, tx, ing.insert, a, keys, matches, ing.at); err != nil {
		return stored{}, err
	}
	fresh := len(matches) == 0 || matches[0].firstSeen >= ing.at-int64(storyFresh.Seconds())
	return stored{article: a, isNew: true, fresh: fresh}, nil
}

// sameItem finds the stored article of the feed that an item with a new
// GUID is (by its telling keys), unless another item of the fetch holds
// that article's key or has claimed it: its id and story, or zeros.
func (ing *ingestion) sameItem(ctx context.Context, tx *sql.Tx, a subscriptions.Article, keys subscriptions.StoryKeys) (int64, int64, error) {
	matches, err := findByKeys(ctx, tx, true, ing.feedID, ing.fetch.telling(keys), a.Published.Unix())
	if err != nil {
		return 0, 0, err
	}
	for _, m := range matches {
		if !ing.claimed[m.id] && !ing.fetch.items[m.key] {
			return m.id, m.story, nil
		}
	}
	return 0, 0, nil
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

func prepareInsert(ctx context.Context, tx *sql.Tx) (*sql.Stmt, error) {
	return tx.PrepareContext(ctx, `INSERT INTO articles (feed_id, item_key, title, summary, link, image_url,
			published_at, categories, section, language, first_seen_at, updated_at, link_key, title_key, portal_id, story_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
}

// insertArticle inserts an article (insert is prepareInsert's) in the
// story of the first of matches, or in a story of its own, and returns it
// with its ID and StoryID.
func insertArticle(ctx context.Context, tx *sql.Tx, insert *sql.Stmt, a subscriptions.Article, k subscriptions.StoryKeys, matches []keyMatch, at int64) (subscriptions.Article, error) {
	a.StoryID = 0
	if len(matches) > 0 {
		a.StoryID = matches[0].story
	}
	err := insert.QueryRowContext(ctx, a.FeedID, a.Key, a.Title, a.Summary, a.Link, a.ImageURL, a.Published.Unix(),
		strings.Join(a.Categories, "\n"), a.Section, a.Language, unix(a.FirstSeen), at, k.Link, k.Title, k.PortalID, a.StoryID).Scan(&a.ID)
	if err != nil {
		return a, fmt.Errorf("store article %q: %w", a.Key, err)
	}
	if a.StoryID == 0 {
		a.StoryID = a.ID
		if _, err := tx.ExecContext(ctx, `UPDATE articles SET story_id = id WHERE id = ?`, a.ID); err != nil {
			return a, fmt.Errorf("store article %q: %w", a.Key, err)
		}
	}
	return a, nil
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
