-- How each chat reads its news (issue 15): a display, hashtags, a weekly
-- digest beside the daily one; what each digest delivery gathers; and who
-- came through the subscribe deep links of posters and the portal.

-- full: as before; compact: title, date and link; headlines: new articles
-- gathered into one numbered list, at most every headlines_every minutes.
ALTER TABLE chats ADD COLUMN display TEXT NOT NULL DEFAULT 'full'
    CHECK (display IN ('full', 'compact', 'headlines'));
ALTER TABLE chats ADD COLUMN headlines_every INTEGER NOT NULL DEFAULT 60 CHECK (headlines_every > 0);
-- Hashtags of the article's categories under each article.
ALTER TABLE chats ADD COLUMN hashtags INTEGER NOT NULL DEFAULT 0 CHECK (hashtags IN (0, 1));
-- With digest_hour >= 0: -1 is a daily digest, 0 (Sunday) to 6 (Saturday)
-- the day of a weekly one.
ALTER TABLE chats ADD COLUMN digest_weekday INTEGER NOT NULL DEFAULT -1 CHECK (digest_weekday BETWEEN -1 AND 6);

-- What a digest delivery (deliveries.kind = 'digest') gathers: its form
-- and the time it fell due (it holds the articles put aside before then).
-- Digest deliveries from before this migration have no row: they are daily.
-- The last headlines slot of a chat says when its next batch may go.
CREATE TABLE digest_deliveries (
    delivery_id INTEGER PRIMARY KEY REFERENCES deliveries (id) ON DELETE CASCADE,
    form        TEXT    NOT NULL CHECK (form IN ('daily', 'weekly', 'headlines', 'catchup')),
    slot        INTEGER NOT NULL
);

-- Chats that came through a subscribe deep link (t.me/BOT?start=subscribe,
-- subscribe-poster1 …), once per link, for /stats. subscribed: the link
-- subscribed the chat (it was not subscribed before).
CREATE TABLE start_links (
    payload    TEXT    NOT NULL,
    chat_id    INTEGER NOT NULL REFERENCES chats (id) ON UPDATE CASCADE ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    subscribed INTEGER NOT NULL CHECK (subscribed IN (0, 1)),
    PRIMARY KEY (payload, chat_id)
) WITHOUT ROWID;
CREATE INDEX start_links_at ON start_links (at);
