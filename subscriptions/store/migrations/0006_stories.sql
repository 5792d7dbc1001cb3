-- Feeds in the world (issues 16.4, 11.3, 11.1).

-- What an article is recognised by (subscriptions.StoryKeys, computed in Go:
-- the rows stored before this migration get theirs at the next start, see
-- fillStoryKeys) and the story it belongs to: the id of the story's first
-- article. Deliveries and digest items of feed articles refer to the story,
-- so that residents get a story once, whichever sections bring it.
ALTER TABLE articles ADD COLUMN story_id  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN link_key  TEXT    NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN title_key TEXT    NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN portal_id TEXT    NOT NULL DEFAULT '';
UPDATE articles SET story_id = id;
CREATE INDEX articles_story     ON articles (story_id);
CREATE INDEX articles_link_key  ON articles (link_key);
CREATE INDEX articles_title_key ON articles (title_key, published_at);
CREATE INDEX articles_portal_id ON articles (portal_id);

-- A new article waiting for its poll to decide how it is announced: one by
-- one, or in an overflow notice. A poll stores a big fetch in several short
-- transactions and announces in a last one; one cut short leaves its new
-- articles here, and the feed's next poll announces them.
ALTER TABLE articles ADD COLUMN unannounced INTEGER NOT NULL DEFAULT 0;
CREATE INDEX articles_unannounced ON articles (feed_id) WHERE unannounced = 1;

-- "And N more on the portal": a poll that found more new articles than may
-- be announced at once stores them all and announces the rest with one
-- notice (deliveries of kind 'article' with ref = -overflows.id).
CREATE TABLE overflows (
    id         INTEGER PRIMARY KEY,
    feed_id    INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    count      INTEGER NOT NULL,
    link       TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);

-- A language version of a configured source: a feed found, with its
-- language, on the page of the source (parent_id), polled in its own right.
-- 0 for the configured sources themselves.
ALTER TABLE feeds ADD COLUMN parent_id INTEGER NOT NULL DEFAULT 0;
