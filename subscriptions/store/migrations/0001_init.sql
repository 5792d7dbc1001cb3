-- Chats the bot knows, with their preferences. id is Telegram's chat id.
CREATE TABLE chats (
    id            INTEGER PRIMARY KEY,
    type          TEXT    NOT NULL CHECK (type IN ('private', 'group', 'supergroup', 'channel')),
    title         TEXT    NOT NULL DEFAULT '',
    username      TEXT    NOT NULL DEFAULT '',
    language      TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked', 'left')),
    subscribed    INTEGER NOT NULL DEFAULT 0,
    link_previews INTEGER NOT NULL DEFAULT 1,
    quiet_start   INTEGER NOT NULL DEFAULT 0, -- minutes after local midnight; equal to quiet_end: off
    quiet_end     INTEGER NOT NULL DEFAULT 0,
    digest_hour   INTEGER NOT NULL DEFAULT -1, -- local hour of the daily digest; -1: instant delivery
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    subscribed_at INTEGER,
    unsubscribed_at INTEGER
);
CREATE INDEX chats_audience ON chats (subscribed, status);

-- Configured sources with their fetch validators and health.
CREATE TABLE feeds (
    id                   INTEGER PRIMARY KEY,
    url                  TEXT    NOT NULL UNIQUE,
    section              TEXT    NOT NULL,
    language             TEXT    NOT NULL DEFAULT '',
    resolved_url         TEXT    NOT NULL DEFAULT '',
    etag                 TEXT    NOT NULL DEFAULT '',
    last_modified        TEXT    NOT NULL DEFAULT '',
    initialized          INTEGER NOT NULL DEFAULT 0,
    last_attempt_at      INTEGER NOT NULL DEFAULT 0,
    last_success_at      INTEGER NOT NULL DEFAULT 0,
    last_error           TEXT    NOT NULL DEFAULT '',
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    item_count           INTEGER NOT NULL DEFAULT 0,
    failing_since        INTEGER NOT NULL DEFAULT 0,
    alerted_at           INTEGER NOT NULL DEFAULT 0
);

-- Every item ever seen, per feed: the seen-keys record and the archive.
CREATE TABLE articles (
    id           INTEGER PRIMARY KEY,
    feed_id      INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    item_key     TEXT    NOT NULL,
    title        TEXT    NOT NULL,
    summary      TEXT    NOT NULL DEFAULT '',
    link         TEXT    NOT NULL DEFAULT '',
    image_url    TEXT    NOT NULL DEFAULT '',
    published_at INTEGER NOT NULL,
    categories   TEXT    NOT NULL DEFAULT '', -- newline-separated
    section      TEXT    NOT NULL,
    language     TEXT    NOT NULL DEFAULT '',
    first_seen_at INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (feed_id, item_key)
);
CREATE INDEX articles_published ON articles (published_at DESC, id DESC);
CREATE INDEX articles_link ON articles (link) WHERE link <> '';

-- The outbox: one row per thing to send to one chat.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    chat_id         INTEGER NOT NULL REFERENCES chats (id) ON UPDATE CASCADE ON DELETE CASCADE,
    kind            TEXT    NOT NULL CHECK (kind IN ('article', 'notice', 'digest')),
    ref             INTEGER NOT NULL,
    priority        INTEGER NOT NULL DEFAULT 0,
    state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed', 'skipped')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT    NOT NULL DEFAULT '',
    message_id      INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (chat_id, kind, ref)
);
CREATE INDEX deliveries_due ON deliveries (priority DESC, next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX deliveries_updated ON deliveries (updated_at);

-- Small key/value state of the bot itself, e.g. the last handled update.
CREATE TABLE bot_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
