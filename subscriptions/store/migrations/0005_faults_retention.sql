-- Outages and retention (issues 16.3 and 10.5).

-- When a delivery first failed with an error that may go away by itself
-- (Telegram down, a timeout): the delivery is given up only once that has
-- lasted longer than the delivery horizon. 0: not failing.
ALTER TABLE deliveries ADD COLUMN failing_since INTEGER NOT NULL DEFAULT 0;

-- Retention deletes settled deliveries by age (deliveries_updated serves it)
-- and, with them, the digest items they carried; items still waiting for a
-- digest are found by age here.
CREATE INDEX digest_items_waiting_added ON digest_items (added_at) WHERE delivery_id IS NULL;
