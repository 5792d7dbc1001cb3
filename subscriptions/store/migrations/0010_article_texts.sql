-- The full text of articles read from their pages on the portal, for reading
-- in Telegram ("📖 Read here"): one row per article, so that a page is read
-- at most once while its text is kept. A read that failed is kept too
-- (status gone: 404 or 410; failed: anything else), so that presses do not
-- ask the portal again and again. Rows go with their article.
CREATE TABLE article_texts (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    status     TEXT    NOT NULL CHECK (status IN ('ok', 'gone', 'failed')),
    blocks     TEXT    NOT NULL DEFAULT '[]', -- JSON: [{"k":"p","t":"text"},{"k":"img","u":"https://…"}, …]
    truncated  INTEGER NOT NULL DEFAULT 0,    -- the text was cut: the rest is on the portal
    reason     TEXT    NOT NULL DEFAULT '',   -- why the read failed, for the log
    fetched_at INTEGER NOT NULL
);
CREATE INDEX article_texts_fetched ON article_texts (fetched_at);
