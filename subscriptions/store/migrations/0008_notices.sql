-- Notices in several languages, to a section and a language at once,
-- urgent, scheduled; /post through the same preview and report (issue 14).
--
-- The notices table is made again: its state gains 'scheduled' (a CHECK
-- cannot be altered), the audience becomes a section and a language, and
-- the copied messages move to notice_versions.

-- The message of each notice so far becomes its one version. Its language
-- was not recorded: it is taken to be Russian (the bot's default), which
-- only names it, as every reader gets the one version; a draft open at the
-- upgrade can say otherwise with its button.
CREATE TEMPORARY TABLE old_versions AS
    SELECT id AS notice_id, source_chat_id, CAST(source_message_id AS TEXT) AS message_ids, created_at FROM notices;

CREATE TABLE notices_new (
    id                  INTEGER PRIMARY KEY,
    admin_user_id       INTEGER NOT NULL,          -- who wrote it
    language            TEXT    NOT NULL DEFAULT '', -- of the first version: the one readers of other languages get
    post_article        TEXT    NOT NULL DEFAULT '', -- /post: the portal article (JSON) sent instead of a message
    audience_section    TEXT    NOT NULL DEFAULT '', -- '': every section
    audience_language   TEXT    NOT NULL DEFAULT '', -- '': every language
    urgent              INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),
    send_at             INTEGER NOT NULL DEFAULT 0, -- the time chosen to send it; 0: at once
    state               TEXT    NOT NULL DEFAULT 'draft'
                        CHECK (state IN ('draft', 'scheduled', 'sending', 'stopped', 'done', 'cancelled')),
    confirmed_by        INTEGER NOT NULL DEFAULT 0,
    stopped_by          INTEGER NOT NULL DEFAULT 0,
    recipients          INTEGER NOT NULL DEFAULT 0, -- chats it went to when it started
    digest              INTEGER NOT NULL DEFAULT 0, -- of them, those that get it with their daily digest
    -- Its deliveries: every delivery with an id in (first_delivery, last_delivery],
    -- all created in the transaction that started it.
    first_delivery      INTEGER NOT NULL DEFAULT 0,
    last_delivery       INTEGER NOT NULL DEFAULT 0,
    progress_chat_id    INTEGER NOT NULL DEFAULT 0, -- the message with its buttons, then its progress and report
    progress_message_id INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL,
    confirmed_at        INTEGER NOT NULL DEFAULT 0, -- sent or scheduled
    started_at          INTEGER NOT NULL DEFAULT 0, -- deliveries created
    finished_at         INTEGER NOT NULL DEFAULT 0, -- done, stopped or cancelled
    reported_at         INTEGER NOT NULL DEFAULT 0  -- the final report was written
);

INSERT INTO notices_new (id, admin_user_id, language, audience_section, audience_language, state, confirmed_by, stopped_by,
        recipients, first_delivery, last_delivery, progress_chat_id, progress_message_id,
        created_at, confirmed_at, started_at, finished_at, reported_at)
    SELECT n.id, n.admin_user_id, 'ru',
        CASE n.audience_kind WHEN 'section' THEN n.audience_value ELSE '' END,
        CASE n.audience_kind WHEN 'language' THEN n.audience_value ELSE '' END,
        n.state, n.confirmed_by, n.stopped_by, n.recipients,
        COALESCE((SELECT MIN(d.id) - 1 FROM deliveries d WHERE d.kind = 'notice' AND d.ref = n.id), 0),
        COALESCE((SELECT MAX(d.id) FROM deliveries d WHERE d.kind = 'notice' AND d.ref = n.id), 0),
        n.progress_chat_id, n.progress_message_id,
        n.created_at, n.confirmed_at, n.confirmed_at, n.finished_at, n.reported_at
    FROM notices n;

DROP TABLE notices;
ALTER TABLE notices_new RENAME TO notices;
CREATE INDEX notices_state ON notices (state, reported_at);
CREATE INDEX notices_due ON notices (send_at) WHERE state = 'scheduled';

-- The versions of a message notice, one per language: the message copied,
-- or the items of an album (ids in order, separated by commas).
CREATE TABLE notice_versions (
    notice_id      INTEGER NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    language       TEXT    NOT NULL,
    source_chat_id INTEGER NOT NULL,
    message_ids    TEXT    NOT NULL,
    added_at       INTEGER NOT NULL,
    PRIMARY KEY (notice_id, language)
) WITHOUT ROWID;

INSERT INTO notice_versions (notice_id, language, source_chat_id, message_ids, added_at)
    SELECT notice_id, 'ru', source_chat_id, message_ids, created_at FROM old_versions;
DROP TABLE old_versions;
