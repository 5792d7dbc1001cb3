package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/osipovichi/newsbot/subscriptions"
)

const noticeColumns = `id, admin_user_id, language, post_article, audience_section, audience_language, urgent, send_at,
	state, confirmed_by, stopped_by, recipients, digest, progress_chat_id, progress_message_id,
	created_at, confirmed_at, started_at, finished_at, reported_at`

func scanNotice(row interface{ Scan(...any) error }) (subscriptions.Notice, error) {
	var n subscriptions.Notice
	var post string
	var sendAt, created, confirmed, started, finished, reported int64
	err := row.Scan(&n.ID, &n.AdminUserID, &n.Language, &post, &n.Audience.Section, &n.Audience.Language, &n.Urgent, &sendAt,
		&n.State, &n.ConfirmedBy, &n.StoppedBy, &n.Recipients, &n.Digest, &n.ProgressChatID, &n.ProgressMessageID,
		&created, &confirmed, &started, &finished, &reported)
	if err != nil {
		return subscriptions.Notice{}, notFound(err)
	}
	if post != "" {
		n.Article = &subscriptions.Article{}
		if err := json.Unmarshal([]byte(post), n.Article); err != nil {
			return subscriptions.Notice{}, fmt.Errorf("notice %d: the article to post: %w", n.ID, err)
		}
	}
	n.SendAt, n.CreatedAt, n.ConfirmedAt, n.StartedAt = fromUnix(sendAt), fromUnix(created), fromUnix(confirmed), fromUnix(started)
	n.FinishedAt, n.ReportedAt = fromUnix(finished), fromUnix(reported)
	return n, nil
}

// readNotices runs a query of notice columns and reads the notices with their versions.
func readNotices(ctx context.Context, q querier, query string, args ...any) ([]subscriptions.Notice, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []subscriptions.Notice
	for rows.Next() {
		n, err := scanNotice(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for i := range out {
		if out[i].Versions, err = noticeVersions(ctx, q, out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// readNotice reads one notice with its versions, or ErrNotFound.
func readNotice(ctx context.Context, q querier, id int64) (subscriptions.Notice, error) {
	ns, err := readNotices(ctx, q, `SELECT `+noticeColumns+` FROM notices WHERE id = ?`, id)
	if err != nil {
		return subscriptions.Notice{}, err
	}
	if len(ns) == 0 {
		return subscriptions.Notice{}, subscriptions.ErrNotFound
	}
	return ns[0], nil
}

// noticeVersions reads the versions of a notice, the first one (in the
// notice's language) first, then in the order they were added.
func noticeVersions(ctx context.Context, q querier, n subscriptions.Notice) ([]subscriptions.NoticeVersion, error) {
	rows, err := q.QueryContext(ctx, `SELECT language, source_chat_id, message_ids FROM notice_versions
		WHERE notice_id = ? ORDER BY language <> ?, added_at, language`, n.ID, n.Language)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []subscriptions.NoticeVersion
	for rows.Next() {
		var v subscriptions.NoticeVersion
		var ids string
		if err := rows.Scan(&v.Language, &v.ChatID, &ids); err != nil {
			return nil, err
		}
		for _, f := range strings.Split(ids, ",") {
			id, err := strconv.Atoi(f)
			if err != nil {
				return nil, fmt.Errorf("notice %d: message ids %q", n.ID, ids)
			}
			v.MessageIDs = append(v.MessageIDs, id)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// validVersion checks a version before it is stored.
func validVersion(v subscriptions.NoticeVersion) error {
	if !subscriptions.ValidLanguage(v.Language) {
		return fmt.Errorf("version in unknown language %q", v.Language)
	}
	if len(v.MessageIDs) == 0 {
		return errors.New("version without a message")
	}
	return nil
}

func messageIDs(ids []int) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.Itoa(id)
	}
	return strings.Join(parts, ",")
}

// CreateNotice records a draft notice whose first version is v (its
// language is the notice's), to every subscriber until an audience is chosen.
func (s *Store) CreateNotice(ctx context.Context, adminID int64, v subscriptions.NoticeVersion, now time.Time) (subscriptions.Notice, error) {
	if err := validVersion(v); err != nil {
		return subscriptions.Notice{}, fmt.Errorf("create notice: %w", err)
	}
	n, err := s.createNotice(ctx, adminID, v.Language, "", now, func(tx *sql.Tx, id int64) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO notice_versions (notice_id, language, source_chat_id, message_ids, added_at)
			VALUES (?, ?, ?, ?, ?)`, id, v.Language, v.ChatID, messageIDs(v.MessageIDs), now.Unix()); err != nil {
			return err
		}
		return audit(ctx, tx, subscriptions.AuditEntry{At: now, UserID: adminID, Action: subscriptions.AuditNoticeCreated, Ref: id})
	})
	if err != nil {
		return subscriptions.Notice{}, fmt.Errorf("create notice: %w", err)
	}
	return n, nil
}

// CreatePost records a draft notice that sends the portal article a (/post):
// stored already, or to be stored when it is sent (a.Link, a.Title and
// a.Section are required).
func (s *Store) CreatePost(ctx context.Context, adminID int64, a subscriptions.Article, now time.Time) (subscriptions.Notice, error) {
	if err := postable(a); err != nil {
		return subscriptions.Notice{}, fmt.Errorf("create post: %w", err)
	}
	post, err := json.Marshal(a)
	if err != nil {
		return subscriptions.Notice{}, fmt.Errorf("create post: %w", err)
	}
	n, err := s.createNotice(ctx, adminID, a.Language, string(post), now, nil)
	if err != nil {
		return subscriptions.Notice{}, fmt.Errorf("create post: %w", err)
	}
	return n, nil
}

// createNotice records a draft notice and, in the same transaction, what
// fill adds to it; it returns the notice as recorded.
func (s *Store) createNotice(ctx context.Context, adminID int64, lang, post string, now time.Time,
	fill func(tx *sql.Tx, id int64) error) (subscriptions.Notice, error) {
	var n subscriptions.Notice
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO notices (admin_user_id, language, post_article, created_at)
			VALUES (?, ?, ?, ?) RETURNING id`, adminID, lang, post, now.Unix()).Scan(&id); err != nil {
			return err
		}
		if fill != nil {
			if err := fill(tx, id); err != nil {
				return err
			}
		}
		var err error
		n, err = readNotice(ctx, tx, id)
		return err
	})
	return n, err
}

// Notice returns the notice with id, or ErrNotFound.
func (s *Store) Notice(ctx context.Context, id int64) (subscriptions.Notice, error) {
	n, err := readNotice(ctx, s.db, id)
	if err != nil {
		return subscriptions.Notice{}, fmt.Errorf("read notice %d: %w", id, err)
	}
	return n, nil
}

// changeDraft runs an update of a draft notice (set is the SET clause,
// cond more conditions) and reports whether it changed the notice.
func (s *Store) changeDraft(ctx context.Context, id int64, set, cond string, args ...any) (bool, error) {
	r, err := s.db.ExecContext(ctx, `UPDATE notices SET `+set+` WHERE id = ? AND state = 'draft'`+cond, append(args, id)...)
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n == 1, err
}

// SetNoticeVersion adds the version of a draft in v.Language, or replaces
// it; it reports false when the notice is no longer a draft or is a post.
func (s *Store) SetNoticeVersion(ctx context.Context, id int64, v subscriptions.NoticeVersion, now time.Time) (bool, error) {
	if err := validVersion(v); err != nil {
		return false, fmt.Errorf("set notice %d version: %w", id, err)
	}
	var ok bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `INSERT INTO notice_versions (notice_id, language, source_chat_id, message_ids, added_at)
			SELECT id, ?, ?, ?, ? FROM notices WHERE id = ? AND state = 'draft' AND post_article = ''
			ON CONFLICT (notice_id, language) DO UPDATE SET source_chat_id = excluded.source_chat_id,
				message_ids = excluded.message_ids, added_at = excluded.added_at`,
			v.Language, v.ChatID, messageIDs(v.MessageIDs), now.Unix(), id)
		if err != nil {
			return err
		}
		n, err := r.RowsAffected()
		ok = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("set notice %d version: %w", id, err)
	}
	return ok, nil
}

// SetNoticeLanguage says in which language the first version of a draft
// is; it reports false when the notice is no longer a draft or another
// version is in that language.
func (s *Store) SetNoticeLanguage(ctx context.Context, id int64, lang string) (bool, error) {
	if !subscriptions.ValidLanguage(lang) {
		return false, fmt.Errorf("set notice %d language: unknown language %q", id, lang)
	}
	var ok bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var old string
		err := tx.QueryRowContext(ctx, `SELECT language FROM notices WHERE id = ? AND state = 'draft' AND post_article = ''
			AND NOT EXISTS (SELECT 1 FROM notice_versions v WHERE v.notice_id = notices.id AND v.language = ?
				AND v.language <> notices.language)`, id, lang).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE notice_versions SET language = ? WHERE notice_id = ? AND language = ?`, lang, id, old); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE notices SET language = ? WHERE id = ?`, lang, id)
		ok = err == nil
		return err
	})
	if err != nil {
		return false, fmt.Errorf("set notice %d language: %w", id, err)
	}
	return ok, nil
}

// SetNoticeAudience changes the audience of a draft; it reports false when
// the notice is no longer a draft.
func (s *Store) SetNoticeAudience(ctx context.Context, id int64, a subscriptions.Audience) (bool, error) {
	if err := a.Validate(); err != nil {
		return false, fmt.Errorf("set notice %d audience: %w", id, err)
	}
	ok, err := s.changeDraft(ctx, id, `audience_section = ?, audience_language = ?`, ``, a.Section, a.Language)
	if err != nil {
		return false, fmt.Errorf("set notice %d audience: %w", id, err)
	}
	return ok, nil
}

// SetNoticeUrgent makes a draft message notice urgent or not; it reports
// false when the notice is no longer a draft or is a post.
func (s *Store) SetNoticeUrgent(ctx context.Context, id int64, urgent bool) (bool, error) {
	ok, err := s.changeDraft(ctx, id, `urgent = ?`, ` AND post_article = ''`, boolInt(urgent))
	if err != nil {
		return false, fmt.Errorf("set notice %d urgent: %w", id, err)
	}
	return ok, nil
}

// SetNoticeSendAt sets the time a draft is to be sent at (zero: at once);
// it reports false when the notice is no longer a draft.
func (s *Store) SetNoticeSendAt(ctx context.Context, id int64, at time.Time) (bool, error) {
	ok, err := s.changeDraft(ctx, id, `send_at = ?`, ``, unix(at))
	if err != nil {
		return false, fmt.Errorf("set notice %d time: %w", id, err)
	}
	return ok, nil
}

// SetNoticeControl records the message that shows a notice and its
// buttons: the controls of a draft, later its progress and report.
func (s *Store) SetNoticeControl(ctx context.Context, id, chatID int64, messageID int) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE notices SET progress_chat_id = ?, progress_message_id = ? WHERE id = ?`,
		chatID, messageID, id); err != nil {
		return fmt.Errorf("set notice %d control message: %w", id, err)
	}
	return nil
}

// audienceFilter returns a condition on the chats table (alias c) that
// selects the audience among subscribed, active chats. Chats that have not
// chosen a language read defaultLang and belong to its audience.
// A chat that never chose sections receives every section, as for articles.
func audienceFilter(a subscriptions.Audience, defaultLang string) (string, []any, error) {
	if err := a.Validate(); err != nil {
		return "", nil, err
	}
	where := `c.subscribed = 1 AND c.status = 'active'`
	var args []any
	if a.Language != "" {
		where += ` AND (CASE WHEN c.language = '' THEN ? ELSE c.language END) = ?`
		args = append(args, defaultLang, a.Language)
	}
	if a.Section != "" {
		where += ` AND (EXISTS (SELECT 1 FROM chat_sections s WHERE s.chat_id = c.id AND s.section = ?)
			OR NOT EXISTS (SELECT 1 FROM chat_sections s WHERE s.chat_id = c.id))`
		args = append(args, a.Section)
	}
	return where, args, nil
}

// CountAudience returns how many chats a message notice to a would reach
// now, and how many of them are in digest mode: the chats its fan-out
// selects.
func (s *Store) CountAudience(ctx context.Context, a subscriptions.Audience, defaultLang string) (subscriptions.AudienceCount, error) {
	var n subscriptions.AudienceCount
	cond, args, err := audienceFilter(a, defaultLang)
	if err != nil {
		return n, fmt.Errorf("count audience %s: %w", a, err)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(c.digest_hour >= 0), 0) FROM chats c WHERE `+cond,
		args...).Scan(&n.Total, &n.Digest); err != nil {
		return n, fmt.Errorf("count audience %s: %w", a, err)
	}
	return n, nil
}

// errDryRun rolls back a transaction that was run to count what it would do.
var errDryRun = errors.New("dry run")

// PreviewPost returns what posting a would do now (how many chats would get
// it at once and in their digest), without doing it: the fan-out itself,
// rolled back.
func (s *Store) PreviewPost(ctx context.Context, a subscriptions.Article, now time.Time) (subscriptions.PostResult, error) {
	var res subscriptions.PostResult
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if res, err = postArticle(ctx, tx, a, now); err != nil {
			return err
		}
		return errDryRun
	})
	if err != nil && !errors.Is(err, errDryRun) {
		return subscriptions.PostResult{}, fmt.Errorf("preview post %s: %w", a.Link, err)
	}
	return res, nil
}

// ConfirmNotice sends a draft now: in one transaction the notice goes from
// draft to sending and its deliveries are created (see startNotice). Only
// the first confirmation does this (pressing Send twice, or two admins at
// once, sends once): started is false for the others, and for a notice
// that is not a draft. The notice is returned as it is after the call.
func (s *Store) ConfirmNotice(ctx context.Context, id, by int64, f subscriptions.FanOut, now time.Time) (started bool, n subscriptions.Notice, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE notices SET state = 'sending', confirmed_by = ?, confirmed_at = ?, send_at = 0
			WHERE id = ? AND state = 'draft'`, by, now.Unix(), id)
		if err != nil {
			return err
		}
		if k, err := r.RowsAffected(); err != nil || k == 0 {
			if err == nil {
				n, err = readNotice(ctx, tx, id)
			}
			return err // not a draft (any more): someone else sent or cancelled it
		}
		if n, err = readNotice(ctx, tx, id); err != nil {
			return err
		}
		started = true
		return startNotice(ctx, tx, &n, by, f, now)
	})
	if err != nil {
		return false, subscriptions.Notice{}, fmt.Errorf("confirm notice %d: %w", id, err)
	}
	return started, n, nil
}

// ScheduleNotice schedules a draft for its SendAt; it reports false when
// the notice is not a draft, or its time is not after now.
func (s *Store) ScheduleNotice(ctx context.Context, id, by int64, now time.Time) (bool, error) {
	var ok bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var sendAt int64
		err := tx.QueryRowContext(ctx, `UPDATE notices SET state = 'scheduled', confirmed_by = ?, confirmed_at = ?
			WHERE id = ? AND state = 'draft' AND send_at > ? RETURNING send_at`, by, now.Unix(), id, now.Unix()).Scan(&sendAt)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		ok = true
		return audit(ctx, tx, subscriptions.AuditEntry{At: now, UserID: by, Action: subscriptions.AuditNoticeScheduled, Ref: id,
			Details: "send_at=" + time.Unix(sendAt, 0).UTC().Format(time.RFC3339)})
	})
	if err != nil {
		return false, fmt.Errorf("schedule notice %d: %w", id, err)
	}
	return ok, nil
}

// UnscheduleNotice takes a scheduled notice back to a draft (its time
// kept); it reports false when the notice is not scheduled.
func (s *Store) UnscheduleNotice(ctx context.Context, id, by int64, now time.Time) (bool, error) {
	ok, err := s.transition(ctx, id, `state = 'draft', confirmed_by = 0, confirmed_at = 0`, `state = 'scheduled'`,
		subscriptions.AuditEntry{At: now, UserID: by, Action: subscriptions.AuditNoticeUnscheduled, Ref: id})
	if err != nil {
		return false, fmt.Errorf("unschedule notice %d: %w", id, err)
	}
	return ok, nil
}

// CancelNotice drops a draft or a scheduled notice; it reports false when
// the notice is neither.
func (s *Store) CancelNotice(ctx context.Context, id, by int64, now time.Time) (bool, error) {
	ok, err := s.transition(ctx, id, `state = 'cancelled', finished_at = ?, reported_at = ?`, `state IN ('draft', 'scheduled')`,
		subscriptions.AuditEntry{At: now, UserID: by, Action: subscriptions.AuditNoticeCancelled, Ref: id}, now.Unix(), now.Unix())
	if err != nil {
		return false, fmt.Errorf("cancel notice %d: %w", id, err)
	}
	return ok, nil
}

// transition changes a notice (set, with args) when it is in the states of
// cond, and records e in the audit trail when it did.
func (s *Store) transition(ctx context.Context, id int64, set, cond string, e subscriptions.AuditEntry, args ...any) (bool, error) {
	var ok bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE notices SET `+set+` WHERE id = ? AND `+cond, append(args, id)...)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil || n == 0 {
			return err
		}
		ok = true
		return audit(ctx, tx, e)
	})
	return ok, err
}

// StartDueNotices starts the scheduled notices whose time has come (by
// now), each in its own transaction as ConfirmNotice does, and returns
// them as started. A notice whose time passed while the bot was down starts
// now: once, whatever happens.
func (s *Store) StartDueNotices(ctx context.Context, f subscriptions.FanOut, now time.Time) ([]subscriptions.Notice, error) {
	due, err := readNotices(ctx, s.db, `SELECT `+noticeColumns+` FROM notices WHERE state = 'scheduled' AND send_at <= ?
		ORDER BY send_at, id`, now.Unix())
	if err != nil {
		return nil, fmt.Errorf("scheduled notices due: %w", err)
	}
	var started []subscriptions.Notice
	for _, n := range due {
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			r, err := tx.ExecContext(ctx, `UPDATE notices SET state = 'sending' WHERE id = ? AND state = 'scheduled'`, n.ID)
			if err != nil {
				return err
			}
			if k, err := r.RowsAffected(); err != nil || k == 0 {
				return err // cancelled or taken back meanwhile
			}
			if err := startNotice(ctx, tx, &n, 0, f, now); err != nil {
				return err
			}
			started = append(started, n)
			return nil
		})
		if err != nil {
			return started, fmt.Errorf("start scheduled notice %d: %w", n.ID, err)
		}
	}
	return started, nil
}

// startNotice creates the deliveries of a notice being started (by
// by, or by the bot for a scheduled one: 0) and records them. A message
// notice goes to the chats of its audience: at once, ahead of articles; to
// a chat in digest mode at its digest's next hour unless it is urgent. A
// post goes as news (see postArticle). n is updated.
func startNotice(ctx context.Context, tx *sql.Tx, n *subscriptions.Notice, by int64, f subscriptions.FanOut, now time.Time) error {
	var first, last int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM deliveries`).Scan(&first); err != nil {
		return err
	}
	e := subscriptions.AuditEntry{At: now, UserID: by, Action: subscriptions.AuditNoticeSent, Ref: n.ID}
	if n.IsPost() {
		res, err := postArticle(ctx, tx, *n.Article, now)
		if err != nil {
			return err
		}
		n.Article = &res.Article
		n.Recipients, n.Digest = res.Enqueued+res.Digest, res.Digest
		e.Action, e.Ref = subscriptions.AuditPost, res.Article.ID
		e.Details = fmt.Sprintf("link=%s recipients=%d digest=%d", res.Article.Link, n.Recipients, n.Digest)
	} else {
		var err error
		if n.Recipients, n.Digest, err = fanOutMessage(ctx, tx, *n, f, now); err != nil {
			return err
		}
		if n.Urgent {
			e.Action = subscriptions.AuditNoticeUrgent
		}
		langs := make([]string, len(n.Versions))
		for i, v := range n.Versions {
			langs[i] = v.Language
		}
		e.Details = fmt.Sprintf("audience=%s recipients=%d digest=%d versions=%s", n.Audience, n.Recipients, n.Digest,
			strings.Join(langs, ","))
		if by == 0 {
			e.Details += fmt.Sprintf(" scheduled_by=%d send_at=%s", n.ConfirmedBy, n.SendAt.UTC().Format(time.RFC3339))
		}
	}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM deliveries`).Scan(&last); err != nil {
		return err
	}
	post := ""
	if n.IsPost() {
		b, err := json.Marshal(n.Article)
		if err != nil {
			return err
		}
		post = string(b)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE notices SET state = 'sending', recipients = ?, digest = ?, first_delivery = ?,
			last_delivery = ?, started_at = ?, post_article = ? WHERE id = ?`,
		n.Recipients, n.Digest, first, max(first, last), now.Unix(), post, n.ID); err != nil {
		return err
	}
	n.State, n.StartedAt = subscriptions.NoticeSending, now
	return audit(ctx, tx, e)
}

// fanOutMessage creates a delivery of a message notice for every chat of
// its audience and returns how many, and how many of them wait for the
// chat's digest hour.
func fanOutMessage(ctx context.Context, tx *sql.Tx, n subscriptions.Notice, f subscriptions.FanOut, now time.Time) (recipients, digest int, err error) {
	cond, args, err := audienceFilter(n.Audience, f.DefaultLang)
	if err != nil {
		return 0, 0, err
	}
	// A chat in digest mode gets it at the next hour of its digest, unless it is urgent.
	when, whenArgs := "?", []any{now.Unix()}
	if !n.Urgent {
		when = "CASE c.digest_hour" + strings.Repeat(" WHEN ? THEN ?", 24) + " ELSE ? END"
		whenArgs = nil
		for h := range 24 {
			whenArgs = append(whenArgs, h, nextSlot(now.In(f.Location), h).Unix())
		}
		whenArgs = append(whenArgs, now.Unix())
	}
	r, err := tx.ExecContext(ctx, `INSERT INTO deliveries (chat_id, kind, ref, priority, next_attempt_at, created_at, updated_at)
		SELECT c.id, 'notice', ?, ?, `+when+`, ?, ? FROM chats c WHERE `+cond+`
		ON CONFLICT (chat_id, kind, ref) DO NOTHING`,
		slices.Concat([]any{n.ID, n.Priority()}, whenArgs, []any{now.Unix(), now.Unix()}, args)...)
	if err != nil {
		return 0, 0, fmt.Errorf("enqueue: %w", err)
	}
	k, err := r.RowsAffected()
	if err != nil {
		return 0, 0, err
	}
	if !n.Urgent {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM deliveries WHERE kind = 'notice' AND ref = ? AND next_attempt_at > ?`,
			n.ID, now.Unix()).Scan(&digest); err != nil {
			return 0, 0, err
		}
	}
	return int(k), digest, nil
}

// nextSlot is the first local hour:00 at or after local.
func nextSlot(local time.Time, hour int) time.Time {
	slot := time.Date(local.Year(), local.Month(), local.Day(), hour, 0, 0, 0, local.Location())
	if slot.Before(local) {
		slot = time.Date(local.Year(), local.Month(), local.Day()+1, hour, 0, 0, 0, local.Location())
	}
	return slot
}

// noticeDeliveries is the condition on deliveries (alias d) that selects
// those of notice ?: the ids its start created.
const noticeDeliveries = `d.id > (SELECT first_delivery FROM notices WHERE id = ?1)
	AND d.id <= (SELECT last_delivery FROM notices WHERE id = ?1)`

// StopNotice stops a notice being sent: what has not gone out yet is
// skipped with the reason StoppedByAdmin. It reports false when the notice
// is not being sent, and returns the ids of the deliveries it skipped (some
// may be in flight: their outcome is still recorded).
func (s *Store) StopNotice(ctx context.Context, id, by int64, now time.Time) (stopped bool, skipped []int64, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE notices SET state = 'stopped', stopped_by = ?, finished_at = ?
			WHERE id = ? AND state = 'sending'`, by, now.Unix(), id)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil || n == 0 {
			return err
		}
		stopped = true
		rows, err := tx.QueryContext(ctx, `UPDATE deliveries AS d SET state = 'skipped', last_error = ?2, updated_at = ?3
			WHERE `+noticeDeliveries+` AND d.state = 'pending' RETURNING id`, id, subscriptions.StoppedByAdmin, now.Unix())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var d int64
			if err := rows.Scan(&d); err != nil {
				return err
			}
			skipped = append(skipped, d)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return audit(ctx, tx, subscriptions.AuditEntry{At: now, UserID: by, Action: subscriptions.AuditNoticeStopped, Ref: id,
			Details: fmt.Sprintf("not_sent=%d", len(skipped))})
	})
	if err != nil {
		return false, nil, fmt.Errorf("stop notice %d: %w", id, err)
	}
	return stopped, skipped, nil
}

// FinishNotice marks a notice being sent as done once none of its
// deliveries is pending; it reports whether it did.
func (s *Store) FinishNotice(ctx context.Context, id int64, now time.Time) (bool, error) {
	var done bool
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE notices SET state = 'done', finished_at = ?2
			WHERE id = ?1 AND state = 'sending' AND NOT EXISTS (
				SELECT 1 FROM deliveries d WHERE `+noticeDeliveries+` AND d.state = 'pending')`, id, now.Unix())
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil || n == 0 {
			return err
		}
		done = true
		n, err := readNotice(ctx, tx, id)
		if err != nil {
			return err
		}
		p, err := noticeProgress(ctx, tx, id, now)
		if err != nil {
			return err
		}
		e := subscriptions.AuditEntry{At: now, Action: subscriptions.AuditNoticeFinished, Ref: id,
			Details: fmt.Sprintf("delivered=%d blocked=%d failed=%d", p.Sent, p.Blocked, p.Failed)}
		if n.IsPost() {
			e.Action, e.Ref = subscriptions.AuditPostFinished, n.Article.ID
			e.Details += fmt.Sprintf(" digest=%d", n.Digest)
		}
		return audit(ctx, tx, e)
	})
	if err != nil {
		return false, fmt.Errorf("finish notice %d: %w", id, err)
	}
	return done, nil
}

// NoticeProgress counts the deliveries of a notice by outcome (Waiting: those
// that wait for their chat's digest hour after now).
func (s *Store) NoticeProgress(ctx context.Context, id int64, now time.Time) (subscriptions.NoticeProgress, error) {
	p, err := noticeProgress(ctx, s.db, id, now)
	if err != nil {
		return subscriptions.NoticeProgress{}, fmt.Errorf("progress of notice %d: %w", id, err)
	}
	return p, nil
}

func noticeProgress(ctx context.Context, q querier, id int64, now time.Time) (subscriptions.NoticeProgress, error) {
	var p subscriptions.NoticeProgress
	rows, err := q.QueryContext(ctx, `SELECT d.state, d.state = 'skipped' AND d.last_error = ?2,
			d.state = 'pending' AND d.next_attempt_at > ?3 AND c.digest_hour >= 0, COUNT(*)
		FROM deliveries d JOIN chats c ON c.id = d.chat_id
		WHERE `+noticeDeliveries+` GROUP BY 1, 2, 3`, id, subscriptions.StoppedByAdmin, now.Unix())
	if err != nil {
		return p, err
	}
	defer rows.Close()
	for rows.Next() {
		var st subscriptions.DeliveryState
		var stopped, waiting bool
		var n int
		if err := rows.Scan(&st, &stopped, &waiting, &n); err != nil {
			return p, err
		}
		switch {
		case st == subscriptions.DeliverySent:
			p.Sent += n
		case st == subscriptions.DeliveryFailed:
			p.Failed += n
		case st == subscriptions.DeliveryPending:
			p.Pending += n
			if waiting {
				p.Waiting += n
			}
		case stopped:
			p.Stopped += n
		default:
			p.Blocked += n
		}
	}
	return p, rows.Err()
}

// NoticesToReport returns the notices whose progress message needs work:
// those being sent, and those finished whose final report is not written yet.
func (s *Store) NoticesToReport(ctx context.Context) ([]subscriptions.Notice, error) {
	out, err := readNotices(ctx, s.db, `SELECT `+noticeColumns+` FROM notices
		WHERE state = 'sending' OR (state IN ('stopped', 'done') AND reported_at = 0) ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("notices to report: %w", err)
	}
	return out, nil
}

// ScheduledNotices returns the notices scheduled and not started yet, the
// soonest first.
func (s *Store) ScheduledNotices(ctx context.Context) ([]subscriptions.Notice, error) {
	out, err := readNotices(ctx, s.db, `SELECT `+noticeColumns+` FROM notices WHERE state = 'scheduled' ORDER BY send_at, id`)
	if err != nil {
		return nil, fmt.Errorf("scheduled notices: %w", err)
	}
	return out, nil
}

// SetNoticeReported records that the final report of a finished notice was written.
func (s *Store) SetNoticeReported(ctx context.Context, id int64, now time.Time) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE notices SET reported_at = ? WHERE id = ? AND state IN ('stopped', 'done')`,
		now.Unix(), id); err != nil {
		return fmt.Errorf("set notice %d reported: %w", id, err)
	}
	return nil
}
