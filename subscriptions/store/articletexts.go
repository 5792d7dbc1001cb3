package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

// textBlock is a subscriptions.TextBlock as kept in article_texts.blocks.
type textBlock struct {
	Kind subscriptions.BlockKind `json:"k"`
	Text string                  `json:"t,omitempty"`
	URL  string                  `json:"u,omitempty"`
}

// ArticleText returns the kept text of an article, or ErrNotFound.
func (s *Store) ArticleText(ctx context.Context, articleID int64) (subscriptions.ArticleText, error) {
	t := subscriptions.ArticleText{ArticleID: articleID}
	var blocks string
	var truncated int
	var fetched int64
	err := s.db.QueryRowContext(ctx, `SELECT status, blocks, truncated, reason, fetched_at FROM article_texts
		WHERE article_id = ?`, articleID).Scan(&t.Status, &blocks, &truncated, &t.Reason, &fetched)
	if err != nil {
		return subscriptions.ArticleText{}, fmt.Errorf("read the text of article %d: %w", articleID, notFound(err))
	}
	var raw []textBlock
	if err := json.Unmarshal([]byte(blocks), &raw); err != nil {
		return subscriptions.ArticleText{}, fmt.Errorf("read the text of article %d: %w", articleID, err)
	}
	for _, b := range raw {
		t.Blocks = append(t.Blocks, subscriptions.TextBlock(b))
	}
	t.Truncated, t.FetchedAt = truncated != 0, fromUnix(fetched)
	return t, nil
}

// SaveArticleText keeps the text of an article (replacing what was kept)
// and, in the same transaction, forgets the texts read before forgetBefore:
// the cache stays as large as what residents read lately. An article that
// no longer exists is not an error: there is nothing to keep.
func (s *Store) SaveArticleText(ctx context.Context, t subscriptions.ArticleText, forgetBefore time.Time) error {
	raw := make([]textBlock, len(t.Blocks))
	for i, b := range t.Blocks {
		raw[i] = textBlock(b)
	}
	blocks, err := json.Marshal(raw)
	if err != nil {
		return fmt.Errorf("save the text of article %d: %w", t.ArticleID, err)
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM article_texts WHERE fetched_at < ?`, unix(forgetBefore)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO article_texts (article_id, status, blocks, truncated, reason, fetched_at)
			SELECT id, ?, ?, ?, ?, ? FROM articles WHERE id = ?
			ON CONFLICT (article_id) DO UPDATE SET status = excluded.status, blocks = excluded.blocks,
				truncated = excluded.truncated, reason = excluded.reason, fetched_at = excluded.fetched_at`,
			t.Status, string(blocks), boolInt(t.Truncated), t.Reason, unix(t.FetchedAt), t.ArticleID)
		return err
	})
	if err != nil {
		return fmt.Errorf("save the text of article %d: %w", t.ArticleID, err)
	}
	return nil
}
