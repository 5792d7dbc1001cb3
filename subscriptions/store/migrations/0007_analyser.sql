-- The text analyser (subscriptions/analyser) moves every folding rule to Go:
-- the search index is written by the store with the analyser's tokens
-- ("stem_suffix", already folded), in the transaction that stores the
-- article. The triggers of 0003 that folded text in SQL go, and the index
-- is made again with the analyser's tokenizer (analyser.IndexTokenizer: no
-- folding of its own, '_' inside tokens). It starts empty: at start the
-- bot fills it from articles (Store.RebuildSearchIndex), as it does
-- whenever analyser.Version changes.
DROP TRIGGER articles_fts_insert;
DROP TRIGGER articles_fts_update;
DROP TRIGGER articles_fts_delete;
DROP TABLE articles_fts;

CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, summary, categories,
    content = '', contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 0 tokenchars '_'"
);

-- A deleted article leaves the index (no text is analysed here).
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = old.id;
END;

DELETE FROM bot_state WHERE key IN ('search_index_version', 'search_index_rebuild');

-- The keyword a plain question suggests ("🔔 Notify me about «…»"): the
-- button carries the id (Telegram allows 64 bytes of data), the keyword
-- stays here. Offers older than a week are deleted when new ones are made.
CREATE TABLE keyword_offers (
    id         INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: an old button cannot add another keyword
    chat_id    INTEGER NOT NULL REFERENCES chats (id) ON UPDATE CASCADE ON DELETE CASCADE,
    keyword    TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX keyword_offers_created ON keyword_offers (created_at);
