package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

// Keywords returns a chat's keywords: the include list first, then the
// exclusions, each in the order they were added.
func (s *Store) Keywords(ctx context.Context, chatID int64) ([]subscriptions.Keyword, error) {
	kws, err := keywords(ctx, s.db, chatID)
	if err != nil {
		return nil, fmt.Errorf("read keywords of chat %d: %w", chatID, err)
	}
	return kws, nil
}

func keywords(ctx context.Context, q querier, chatID int64) ([]subscriptions.Keyword, error) {
	rows, err := q.QueryContext(ctx, `SELECT word, exclude FROM chat_keywords WHERE chat_id = ?
		ORDER BY exclude, rowid`, chatID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []subscriptions.Keyword
	for rows.Next() {
		var k subscriptions.Keyword
		var ex int
		if err := rows.Scan(&k.Word, &ex); err != nil {
			return nil, err
		}
		k.Exclude = ex == 1
		out = append(out, k)
	}
	return out, rows.Err()
}

// AddKeywords adds normalised keywords (see NormalizeKeyword) to a chat, up
// to MaxKeywords. A word already there with the other sign changes sign.
func (s *Store) AddKeywords(ctx context.Context, chatID int64, kws []subscriptions.Keyword, now time.Time) (subscriptions.KeywordChange, error) {
	var ch subscriptions.KeywordChange
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		have, err := keywords(ctx, tx, chatID)
		if err != nil {
			return err
		}
		known := map[string]*subscriptions.Keyword{}
		for i := range have {
			known[subscriptions.Fold(have[i].Word)] = &have[i]
		}
		count := len(have)
		for _, k := range kws {
			key := subscriptions.Fold(k.Word)
			switch old := known[key]; {
			case old != nil && old.Exclude == k.Exclude:
				ch.Already = append(ch.Already, k)
			case old != nil:
				if _, err := tx.ExecContext(ctx, `UPDATE chat_keywords SET exclude = ? WHERE chat_id = ? AND word = ?`,
					boolInt(k.Exclude), chatID, old.Word); err != nil {
					return err
				}
				old.Exclude = k.Exclude
				ch.Switched = append(ch.Switched, k)
			case count >= subscriptions.MaxKeywords:
				ch.OverLimit = append(ch.OverLimit, k)
			default:
				if _, err := tx.ExecContext(ctx, `INSERT INTO chat_keywords (chat_id, word, exclude, created_at) VALUES (?, ?, ?, ?)`,
					chatID, k.Word, boolInt(k.Exclude), now.Unix()); err != nil {
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

// RemoveKeywords removes the chat's keywords that match words (compared
// folded, with or without a leading '-'). It returns those removed and the
// words that matched none.
func (s *Store) RemoveKeywords(ctx context.Context, chatID int64, words []string) (removed []subscriptions.Keyword, missing []string, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		have, err := keywords(ctx, tx, chatID)
		if err != nil {
			return err
		}
		for _, w := range words {
			k, err := subscriptions.NormalizeKeyword(w)
			if err != nil {
				missing = append(missing, w)
				continue
			}
			found := false
			for _, h := range have {
				if subscriptions.Fold(h.Word) != subscriptions.Fold(k.Word) {
					continue
				}
				res, err := tx.ExecContext(ctx, `DELETE FROM chat_keywords WHERE chat_id = ? AND word = ?`, chatID, h.Word)
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n > 0 {
					removed = append(removed, h)
				}
				found = true
			}
			if !found {
				missing = append(missing, k.Word)
			}
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
func keywordFilters(ctx context.Context, tx *sql.Tx) (map[int64]subscriptions.KeywordFilter, error) {
	rows, err := tx.QueryContext(ctx, `SELECT k.chat_id, k.word, k.exclude FROM chat_keywords k
		JOIN chats c ON c.id = k.chat_id WHERE c.subscribed = 1 AND c.status = 'active'
		ORDER BY k.chat_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byChat := map[int64][]subscriptions.Keyword{}
	for rows.Next() {
		var id int64
		var k subscriptions.Keyword
		var ex int
		if err := rows.Scan(&id, &k.Word, &ex); err != nil {
			return nil, err
		}
		k.Exclude = ex == 1
		byChat[id] = append(byChat[id], k)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make(map[int64]subscriptions.KeywordFilter, len(byChat))
	for id, kws := range byChat {
		out[id] = subscriptions.NewKeywordFilter(kws)
	}
	return out, nil
}
