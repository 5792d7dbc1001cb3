-- Notices that admins broadcast: a copy of one of their messages sent to an
-- audience through the outbox (deliveries of kind 'notice', ref = notices.id).
CREATE TABLE notices (
    id                  INTEGER PRIMARY KEY,
    admin_user_id       INTEGER NOT NULL,          -- who wrote it
    source_chat_id      INTEGER NOT NULL,          -- the message that is copied
    source_message_id   INTEGER NOT NULL,
    audience_kind       TEXT    NOT NULL DEFAULT 'all' CHECK (audience_kind IN ('all', 'section', 'language')),
    audience_value      TEXT    NOT NULL DEFAULT '',
    state               TEXT    NOT NULL DEFAULT 'draft'
                        CHECK (state IN ('draft', 'sending', 'stopped', 'done', 'cancelled')),
    confirmed_by        INTEGER NOT NULL DEFAULT 0,
    stopped_by          INTEGER NOT NULL DEFAULT 0,
    recipients          INTEGER NOT NULL DEFAULT 0, -- deliveries created on confirmation
    progress_chat_id    INTEGER NOT NULL DEFAULT 0, -- the message edited with the progress and the report
    progress_message_id INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL,
    confirmed_at        INTEGER NOT NULL DEFAULT 0,
    finished_at         INTEGER NOT NULL DEFAULT 0, -- done, stopped or cancelled
    reported_at         INTEGER NOT NULL DEFAULT 0  -- the final report was written
);
CREATE INDEX notices_state ON notices (state, reported_at);

-- Who did what and when: notices, posts, feed alerts. user_id 0 is the bot itself.
CREATE TABLE audit (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    user_id INTEGER NOT NULL DEFAULT 0,
    action  TEXT    NOT NULL,
    ref     INTEGER NOT NULL DEFAULT 0,
    details TEXT    NOT NULL DEFAULT ''
);

-- The progress of one notice or article is counted by (kind, ref).
CREATE INDEX deliveries_ref ON deliveries (kind, ref, state);
