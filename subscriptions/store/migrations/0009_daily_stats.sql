-- The figures of each local calendar day (NEWSBOT_TIMEZONE), written once
-- after the day has ended, for the 30-day chart of /stats. A day the bot did
-- not see end (it was down) has no row: the chart shows a gap, not zeros.
CREATE TABLE daily_stats (
    day         TEXT    PRIMARY KEY, -- the local date, "2006-01-02"
    active      INTEGER NOT NULL,    -- subscribed chats the bot could write to, at the end of the day
    new         INTEGER NOT NULL,    -- chats that subscribed during the day
    lost        INTEGER NOT NULL,    -- subscribers lost during the day: unsubscribed, blocked the bot, removed it
    delivered   INTEGER NOT NULL,    -- messages delivered during the day
    starts_at   INTEGER NOT NULL,    -- the day as [starts_at, ends_at), UTC unix seconds
    ends_at     INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL
);
