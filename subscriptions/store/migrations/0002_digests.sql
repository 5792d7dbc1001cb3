-- Articles waiting for a chat's daily digest. delivery_id is set when a
-- digest delivery takes them, so that each article goes into one digest only.
CREATE TABLE digest_items (
    chat_id     INTEGER NOT NULL REFERENCES chats (id) ON UPDATE CASCADE ON DELETE CASCADE,
    article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    delivery_id INTEGER REFERENCES deliveries (id) ON DELETE SET NULL,
    added_at    INTEGER NOT NULL,
    PRIMARY KEY (chat_id, article_id)
);
CREATE INDEX digest_items_waiting ON digest_items (chat_id) WHERE delivery_id IS NULL;
CREATE INDEX digest_items_delivery ON digest_items (delivery_id);
