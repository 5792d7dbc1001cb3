-- Residents' choices: sections, keywords, channels managed from a private
-- chat, and the full-text index of the archive for /search.

-- The sections a chat receives. A chat without rows receives every section
-- (chats from before this migration, and chats that never chose); a new
-- subscriber gets the sections of its language.
CREATE TABLE chat_sections (
    chat_id INTEGER NOT NULL REFERENCES chats (id) ON UPDATE CASCADE ON DELETE CASCADE,
    section TEXT    NOT NULL,
    PRIMARY KEY (chat_id, section)
) WITHOUT ROWID;

-- Keywords of a chat: exclude = 0 is the include list (when not empty, an
-- article must match one), exclude = 1 drops every article that matches.
-- word is stored as typed (lowercased, spaces collapsed); rowid keeps the
-- order in which they were added.
CREATE TABLE chat_keywords (
    chat_id    INTEGER NOT NULL REFERENCES chats (id) ON UPDATE CASCADE ON DELETE CASCADE,
    word       TEXT    NOT NULL,
    exclude    INTEGER NOT NULL DEFAULT 0 CHECK (exclude IN (0, 1)),
    created_at INTEGER NOT NULL,
    UNIQUE (chat_id, word)
);

-- Channels connected from a private chat: user_id administers channel_id
-- and manages its settings from the private chat with the bot.
CREATE TABLE channels (
    channel_id INTEGER NOT NULL REFERENCES chats (id) ON UPDATE CASCADE ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (channel_id, user_id)
) WITHOUT ROWID;
CREATE INDEX channels_user ON channels (user_id);

-- The search index. It is contentless (rowid = articles.id; the text is
-- read from articles) because what it indexes is folded so that Russian and
-- Belarusian spellings meet: ё→е, і→и, ў→у, apostrophes dropped
-- (аб'ява→абява). The tokenizer lowercases every script but does not fold
-- these letters itself. The same folding is done in Go on the query side
-- (subscriptions.Fold); keep both in step.
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title, summary, categories,
    content = '', contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, summary, categories) VALUES (new.id,
        replace(replace(replace(replace(replace(replace(replace(replace(replace(new.title, 'ё', 'е'), 'Ё', 'Е'), 'ў', 'у'), 'Ў', 'У'), 'і', 'и'), 'І', 'И'), '''', ''), '’', ''), 'ʼ', ''),
        replace(replace(replace(replace(replace(replace(replace(replace(replace(new.summary, 'ё', 'е'), 'Ё', 'Е'), 'ў', 'у'), 'Ў', 'У'), 'і', 'и'), 'І', 'И'), '''', ''), '’', ''), 'ʼ', ''),
        replace(replace(replace(replace(replace(replace(replace(replace(replace(new.categories, 'ё', 'е'), 'Ё', 'Е'), 'ў', 'у'), 'Ў', 'У'), 'і', 'и'), 'І', 'И'), '''', ''), '’', ''), 'ʼ', ''));
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, summary, categories ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = old.id;
    INSERT INTO articles_fts (rowid, title, summary, categories) VALUES (new.id,
        replace(replace(replace(replace(replace(replace(replace(replace(replace(new.title, 'ё', 'е'), 'Ё', 'Е'), 'ў', 'у'), 'Ў', 'У'), 'і', 'и'), 'І', 'И'), '''', ''), '’', ''), 'ʼ', ''),
        replace(replace(replace(replace(replace(replace(replace(replace(replace(new.summary, 'ё', 'е'), 'Ё', 'Е'), 'ў', 'у'), 'Ў', 'У'), 'і', 'и'), 'І', 'И'), '''', ''), '’', ''), 'ʼ', ''),
        replace(replace(replace(replace(replace(replace(replace(replace(replace(new.categories, 'ё', 'е'), 'Ё', 'Е'), 'ў', 'у'), 'Ў', 'У'), 'і', 'и'), 'І', 'И'), '''', ''), '’', ''), 'ʼ', ''));
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = old.id;
END;

-- Back-fill the archive stored before this migration.
INSERT INTO articles_fts (rowid, title, summary, categories) SELECT id,
    replace(replace(replace(replace(replace(replace(replace(replace(replace(title, 'ё', 'е'), 'Ё', 'Е'), 'ў', 'у'), 'Ў', 'У'), 'і', 'и'), 'І', 'И'), '''', ''), '’', ''), 'ʼ', ''),
    replace(replace(replace(replace(replace(replace(replace(replace(replace(summary, 'ё', 'е'), 'Ё', 'Е'), 'ў', 'у'), 'Ў', 'У'), 'і', 'и'), 'І', 'И'), '''', ''), '’', ''), 'ʼ', ''),
    replace(replace(replace(replace(replace(replace(replace(replace(replace(categories, 'ё', 'е'), 'Ё', 'Е'), 'ў', 'у'), 'Ў', 'У'), 'і', 'и'), 'І', 'И'), '''', ''), '’', ''), 'ʼ', '')
FROM articles;
