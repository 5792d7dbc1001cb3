package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

// Preferences returns a chat with its sections and keywords, or ErrNotFound.
func (s *Store) Preferences(ctx context.Context, chatID int64) (subscriptions.Preferences, error) {
	var p subscriptions.Preferences
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		c, err := scanChat(tx.QueryRowContext(ctx, `SELECT `+chatColumns+` FROM chats WHERE id = ?`, chatID))
		if err != nil {
			return err
		}
		p.Chat = c
		if p.Available, err = sectionsOf(ctx, tx, c.Language); err != nil {
			return err
		}
		chosen, err := chatSections(ctx, tx, chatID)
		if err != nil {
			return err
		}
		p.Sections = effectiveSections(p.Available, chosen)
		p.Keywords, err = keywords(ctx, tx, chatID)
		return err
	})
	if err != nil {
		if errors.Is(err, subscriptions.ErrNotFound) {
			return subscriptions.Preferences{}, subscriptions.ErrNotFound
		}
		return subscriptions.Preferences{}, fmt.Errorf("read preferences of chat %d: %w", chatID, err)
	}
	return p, nil
}

// effectiveSections are the available sections a chat receives: all of
// them when it never chose (no rows), else those it chose.
func effectiveSections(available, chosen []string) []string {
	if len(chosen) == 0 {
		return slices.Clone(available)
	}
	var out []string
	for _, s := range available {
		if slices.Contains(chosen, s) {
			out = append(out, s)
		}
	}
	return out
}

// sectionsOf returns the sections offered in a language: those of its
// feeds and of the feeds without a language, in configuration order. An
// empty language offers every section.
func sectionsOf(ctx context.Context, tx *sql.Tx, lang string) ([]string, error) {
	return queryStrings(ctx, tx, `SELECT section FROM feeds WHERE ? = '' OR language = '' OR language = ?
		GROUP BY section ORDER BY MIN(id)`, lang, lang)
}

func chatSections(ctx context.Context, tx *sql.Tx, chatID int64) ([]string, error) {
	return queryStrings(ctx, tx, `SELECT section FROM chat_sections WHERE chat_id = ? ORDER BY section`, chatID)
}

func replaceSections(ctx context.Context, tx *sql.Tx, chatID int64, sections []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM chat_sections WHERE chat_id = ?`, chatID); err != nil {
		return err
	}
	for _, sec := range sections {
		if _, err := tx.ExecContext(ctx, `INSERT INTO chat_sections (chat_id, section) VALUES (?, ?)
			ON CONFLICT DO NOTHING`, chatID, sec); err != nil {
			return err
		}
	}
	return nil
}

// SetSection turns one section on or off for a chat. Turning off the last
// section a chat receives fails with ErrLastSection; an unknown section
// (not offered in the chat's language) fails with ErrNotFound.
func (s *Store) SetSection(ctx context.Context, chatID int64, section string, on bool, now time.Time) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		c, err := scanChat(tx.QueryRowContext(ctx, `SELECT `+chatColumns+` FROM chats WHERE id = ?`, chatID))
		if err != nil {
			return err
		}
		available, err := sectionsOf(ctx, tx, c.Language)
		if err != nil {
			return err
		}
		if !slices.Contains(available, section) {
			return subscriptions.ErrNotFound
		}
		chosen, err := chatSections(ctx, tx, chatID)
		if err != nil {
			return err
		}
		current := effectiveSections(available, chosen)
		var next []string
		for _, sec := range available {
			if sec == section && on || sec != section && slices.Contains(current, sec) {
				next = append(next, sec)
			}
		}
		if len(next) == 0 {
			return subscriptions.ErrLastSection
		}
		// Sections of other languages the chat chose stay, for when it switches back.
		for _, sec := range chosen {
			if !slices.Contains(available, sec) {
				next = append(next, sec)
			}
		}
		if err := replaceSections(ctx, tx, chatID, next); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE chats SET updated_at = ? WHERE id = ?`, now.Unix(), chatID)
		return err
	})
	if err != nil {
		if errors.Is(err, subscriptions.ErrLastSection) || errors.Is(err, subscriptions.ErrNotFound) {
			return err
		}
		return fmt.Errorf("set section %q of chat %d: %w", section, chatID, err)
	}
	return nil
}

// InitPreferences gives a chat that starts receiving news its defaults: the
// language lang when it has none yet, and the sections of its language when
// it never chose any.
func (s *Store) InitPreferences(ctx context.Context, chatID int64, lang string, now time.Time) error {
	if err := s.inTx(ctx, func(tx *sql.Tx) error { return initPreferences(ctx, tx, chatID, lang, now) }); err != nil {
		return fmt.Errorf("initialise preferences of chat %d: %w", chatID, err)
	}
	return nil
}

func initPreferences(ctx context.Context, tx *sql.Tx, chatID int64, lang string, now time.Time) error {
	c, err := scanChat(tx.QueryRowContext(ctx, `SELECT `+chatColumns+` FROM chats WHERE id = ?`, chatID))
	if err != nil {
		return err
	}
	if c.Language == "" && subscriptions.ValidLanguage(lang) {
		if _, err := tx.ExecContext(ctx, `UPDATE chats SET language = ?, updated_at = ? WHERE id = ?`,
			lang, now.Unix(), chatID); err != nil {
			return err
		}
		c.Language = lang
	}
	chosen, err := chatSections(ctx, tx, chatID)
	if err != nil || len(chosen) > 0 {
		return err
	}
	available, err := sectionsOf(ctx, tx, c.Language)
	if err != nil {
		return err
	}
	return replaceSections(ctx, tx, chatID, available)
}

// ChangeLanguage sets a chat's language and offers it that language's
// sections: a chat that received every section of its old language
// receives every section of the new one; otherwise it keeps the sections it
// chose that the new language has, or gets all of them when none is left.
func (s *Store) ChangeLanguage(ctx context.Context, chatID int64, lang string, now time.Time) error {
	if !subscriptions.ValidLanguage(lang) {
		return fmt.Errorf("change language of chat %d: unknown language %q", chatID, lang)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		c, err := scanChat(tx.QueryRowContext(ctx, `SELECT `+chatColumns+` FROM chats WHERE id = ?`, chatID))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE chats SET language = ?, updated_at = ? WHERE id = ?`,
			lang, now.Unix(), chatID); err != nil {
			return err
		}
		chosen, err := chatSections(ctx, tx, chatID)
		if err != nil {
			return err
		}
		oldAvail, err := sectionsOf(ctx, tx, c.Language)
		if err != nil {
			return err
		}
		newAvail, err := sectionsOf(ctx, tx, lang)
		if err != nil {
			return err
		}
		// A chat that never chose had every section; now it chooses a language.
		had := effectiveSections(oldAvail, chosen)
		var next []string
		if len(chosen) > 0 && len(had) < len(oldAvail) {
			next = effectiveSections(newAvail, chosen)
		}
		if len(next) == 0 {
			next = newAvail
		}
		return replaceSections(ctx, tx, chatID, next)
	})
	if err != nil {
		return fmt.Errorf("change language of chat %d: %w", chatID, err)
	}
	return nil
}

// SetLinkPreviews turns link previews under a chat's news on or off.
func (s *Store) SetLinkPreviews(ctx context.Context, chatID int64, on bool, now time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE chats SET link_previews = ?, updated_at = ? WHERE id = ?`,
		boolInt(on), now.Unix(), chatID); err != nil {
		return fmt.Errorf("set link previews of chat %d: %w", chatID, err)
	}
	return nil
}

// SetHashtags turns the hashtags under a chat's articles on or off.
func (s *Store) SetHashtags(ctx context.Context, chatID int64, on bool, now time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE chats SET hashtags = ?, updated_at = ? WHERE id = ?`,
		boolInt(on), now.Unix(), chatID); err != nil {
		return fmt.Errorf("set hashtags of chat %d: %w", chatID, err)
	}
	return nil
}

// movePreferences gives newID the sections and keywords of oldID in place
// of its own (a group upgraded to a supergroup that spoke before the
// upgrade was noticed keeps the choices made in the group).
func movePreferences(ctx context.Context, tx *sql.Tx, oldID, newID int64) error {
	for _, table := range []string{"chat_sections", "chat_keywords"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE chat_id = ?`, newID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET chat_id = ? WHERE chat_id = ?`, newID, oldID); err != nil {
			return err
		}
	}
	return nil
}
