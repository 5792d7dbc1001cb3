package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
	"github.com/osipovichi/newsbot/subscriptions/analyser"
)

// Keywords are stored as the analyser shows them (Keyword.Text, and the
// sign in exclude) and compiled when read. Compiling a keyword (its forms,
// stemmed) costs up to a few hundred microseconds, so whatever reads many
// chats' keywords compiles each distinct stored text once (see compiler).

// compiler compiles stored keywords ("text" or "-text"), each distinct one
// once: a fan-out to 10,000 chats compiles a few hundred keywords, not
// tens of thousands.
type compiler map[string]keywordEntry

type keywordEntry struct {
	k   analyser.Keyword
	err error
}

func (c compiler) get(stored string) (analyser.Keyword, error) {
	e, ok := c[stored]
	if !ok {
		e.k, e.err = analyser.ParseKeyword(stored)
		c[stored] = e
	}
	return e.k, e.err
}

// storedKeyword is a keyword as a row holds it: its text and sign.
func storedKeyword(word string, exclude bool) string {
	if exclude {
		return "-" + word
	}
	return word
}

// Keywords returns a chat's keywords: the include list first, then the
// exclusions, each in the order they were added.
func (s *Store) Keywords(ctx context.Context, chatID int64) ([]analyser.Keyword, error) {
	kws, err := keywords(ctx, s.db, chatID)
	if err != nil {
		return nil, fmt.Errorf("read keywords of chat %d: %w", chatID, err)
	}
	return kws, nil
}

// keywords reads and compiles a chat's keywords. A stored keyword that the
// analyser refuses (one kept from an older analyser, which MigrateKeywords
// had not seen yet) is left out.
func keywords(ctx context.Context, q querier, chatID int64) ([]analyser.Keyword, error) {
	rows, err := q.QueryContext(ctx, `SELECT word, exclude FROM chat_keywords WHERE chat_id = ?
		ORDER BY exclude, rowid`, chatID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []analyser.Keyword
	for rows.Next() {
		var word string
		var ex bool
		if err := rows.Scan(&word, &ex); err != nil {
			return nil, err
		}
		if k, err := analyser.ParseKeyword(storedKeyword(word, ex)); err == nil {
			out = append(out, k)
		}
	}
	return out, rows.Err()
}

// AddKeywords adds keywords to a chat, up to MaxKeywords. Keywords are the
// same when their keys are (analyser.Keyword.Key): one already there with
// the other sign changes sign.
func (s *Store) AddKeywords(ctx context.Context, chatID int64, kws []analyser.Keyword, now time.Time) (subscriptions.KeywordChange, error) {
	var ch subscriptions.KeywordChange
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		have, err := keywords(ctx, tx, chatID)
		if err != nil {
			return err
		}
		known := map[string]*analyser.Keyword{}
		for i := range have {
			known[have[i].Key()] = &have[i]
		}
		count := len(have)
		for _, k := range kws {
			key := k.Key()
			switch old := known[key]; {
			case old != nil && old.Exclude == k.Exclude:
				ch.Already = append(ch.Already, *old)
			case old != nil:
				if _, err := tx.ExecContext(ctx, `UPDATE chat_keywords SET word = ?, exclude = ? WHERE chat_id = ? AND word = ?`,
					k.Text, k.Exclude, chatID, old.Text); err != nil {
					return err
				}
				*old = k
				ch.Switched = append(ch.Switched, k)
			case count >= subscriptions.MaxKeywords:
				ch.OverLimit = append(ch.OverLimit, k)
			default:
				if _, err := tx.ExecContext(ctx, `INSERT INTO chat_keywords (chat_id, word, exclude, created_at) VALUES (?, ?, ?, ?)`,
					chatID, k.Text, k.Exclude, now.Unix()); err != nil {
					return err
				}
				kk := k
				known[key] = &kk
				count++
				ch.Added = append(ch.Added, k)
			}
		}
		return nil
	})
	if err != nil {
		return subscriptions.KeywordChange{}, fmt.Errorf("add keywords to chat %d: %w", chatID, err)
	}
	return ch, nil
}

// RemoveKeywords removes the chat's keywords with the keys of kws, whatever
// their sign. It returns the keywords removed, as they were stored, and
// those of kws that the chat did not have.
func (s *Store) RemoveKeywords(ctx context.Context, chatID int64, kws []analyser.Keyword) (removed, missing []analyser.Keyword, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		have, err := keywords(ctx, tx, chatID)
		if err != nil {
			return err
		}
		byKey := map[string]analyser.Keyword{}
		for _, h := range have {
			byKey[h.Key()] = h
		}
		for _, k := range kws {
			h, ok := byKey[k.Key()]
			if !ok {
				missing = append(missing, k)
				continue
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM chat_keywords WHERE chat_id = ? AND word = ?`, chatID, h.Text); err != nil {
				return err
			}
			delete(byKey, k.Key())
			removed = append(removed, h)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("remove keywords of chat %d: %w", chatID, err)
	}
	return removed, missing, nil
}

// ClearKeywords removes every keyword of a chat and returns how many there were.
func (s *Store) ClearKeywords(ctx context.Context, chatID int64) (int, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM chat_keywords WHERE chat_id = ?`, chatID)
	if err != nil {
		return 0, fmt.Errorf("clear keywords of chat %d: %w", chatID, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// keywordFilters compiles the keywords of every subscribed active chat that
// has some, in one query (the audience of an article needs them all).
func keywordFilters(ctx context.Context, tx *sql.Tx) (map[int64]analyser.Filter, error) {
	rows, err := tx.QueryContext(ctx, `SELECT k.chat_id, k.word, k.exclude FROM chat_keywords k
		JOIN chats c ON c.id = k.chat_id WHERE c.subscribed = 1 AND c.status = 'active'
		ORDER BY k.chat_id, k.exclude, k.rowid`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byChat := map[int64][]analyser.Keyword{}
	compiled := compiler{}
	for rows.Next() {
		var id int64
		var word string
		var ex bool
		if err := rows.Scan(&id, &word, &ex); err != nil {
			return nil, err
		}
		k, err := compiled.get(storedKeyword(word, ex))
		if err != nil {
			continue // refused by this analyser: see MigrateKeywords
		}
		byChat[id] = append(byChat[id], k)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make(map[int64]analyser.Filter, len(byChat))
	for id, kws := range byChat {
		out[id] = analyser.NewFilter(kws)
	}
	return out, nil
}

const stateKeywordsVersion = "keywords_analyser_version"

// MigrateKeywords brings the stored keywords to the rules of this
// analyser, once per analyser.Version: each is stored as the analyser
// shows it, keywords of a chat that now have one key become one (the first
// added stays), and those the analyser refuses are deleted. It does
// nothing when the keywords were migrated for this version already.
func (s *Store) MigrateKeywords(ctx context.Context) (subscriptions.KeywordMigration, error) {
	var m subscriptions.KeywordMigration
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var done string
		err := tx.QueryRowContext(ctx, `SELECT value FROM bot_state WHERE key = ?`, stateKeywordsVersion).Scan(&done)
		if err == nil && done == strconv.Itoa(analyser.Version) {
			return nil
		}
		type row struct {
			id      int64
			chat    int64
			word    string
			exclude bool
		}
		rows, err := tx.QueryContext(ctx, `SELECT rowid, chat_id, word, exclude FROM chat_keywords ORDER BY chat_id, rowid`)
		if err != nil {
			return err
		}
		var all []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.chat, &r.word, &r.exclude); err != nil {
				rows.Close()
				return err
			}
			all = append(all, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		// Deletions first: a rewritten keyword may take the text of a duplicate.
		var drop []int64
		rewrite := map[int64]string{}
		kept := map[int64]map[string]bool{} // chat → keys kept
		compiled := compiler{}
		for _, r := range all {
			m.Checked++
			k, err := compiled.get(storedKeyword(r.word, r.exclude))
			switch {
			case err != nil:
				m.Dropped++
				drop = append(drop, r.id)
				continue
			case kept[r.chat][k.Key()]:
				m.Merged++
				drop = append(drop, r.id)
				continue
			case k.Text != r.word:
				m.Rewritten++
				rewrite[r.id] = k.Text
			}
			if kept[r.chat] == nil {
				kept[r.chat] = map[string]bool{}
			}
			kept[r.chat][k.Key()] = true
		}
		for _, id := range drop {
			if _, err := tx.ExecContext(ctx, `DELETE FROM chat_keywords WHERE rowid = ?`, id); err != nil {
				return err
			}
		}
		for id, word := range rewrite {
			if _, err := tx.ExecContext(ctx, `UPDATE chat_keywords SET word = ? WHERE rowid = ?`, word, id); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO bot_state (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, stateKeywordsVersion, strconv.Itoa(analyser.Version))
		return err
	})
	if err != nil {
		return subscriptions.KeywordMigration{}, fmt.Errorf("migrate keywords: %w", err)
	}
	return m, nil
}

// offerLifetime is how long the button of a suggested keyword works.
const offerLifetime = 7 * 24 * time.Hour

// OfferKeyword keeps a keyword suggested to a chat (its text as the
// analyser shows it) for the button that adds it, and returns the id the
// button carries. Offers older than offerLifetime are deleted meanwhile.
func (s *Store) OfferKeyword(ctx context.Context, chatID int64, keyword string, now time.Time) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM keyword_offers WHERE created_at < ?`, now.Add(-offerLifetime).Unix()); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO keyword_offers (chat_id, keyword, created_at) VALUES (?, ?, ?) RETURNING id`,
			chatID, keyword, now.Unix()).Scan(&id)
	})
	if err != nil {
		return 0, fmt.Errorf("offer a keyword to chat %d: %w", chatID, err)
	}
	return id, nil
}

// KeywordOffer returns the keyword offered to a chat under id, or
// ErrNotFound when there is none: unknown, expired, or another chat's.
func (s *Store) KeywordOffer(ctx context.Context, chatID, id int64, now time.Time) (string, error) {
	var kw string
	err := s.db.QueryRowContext(ctx, `SELECT keyword FROM keyword_offers WHERE id = ? AND chat_id = ? AND created_at >= ?`,
		id, chatID, now.Add(-offerLifetime).Unix()).Scan(&kw)
	if err != nil {
		return "", fmt.Errorf("read keyword offer %d: %w", id, notFound(err))
	}
	return kw, nil
}
