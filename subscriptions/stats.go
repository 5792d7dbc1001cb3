package subscriptions

// Stats are the figures of /stats.
type Stats struct {
	// Subscribed chats by status.
	Active, Blocked, Left int
	// Active subscribers by the language they chose ("" means not chosen: the default).
	ByLanguage map[string]int
	// Active subscribers receiving each configured section (chats that never chose receive all).
	BySection map[string]int
	// Active subscribers by delivery mode.
	Instant, Digest int
	// Active subscribers by kind of chat (groups include supergroups).
	Private, Groups, Channels int
	// Since the period start: chats that subscribed, and subscribers lost
	// (unsubscribed, or blocked the bot or removed it while subscribed).
	New, Lost int
	// Deliveries settled since the delivery period start, by outcome.
	Sent, Failed, Skipped int
	// Deliveries waiting in the outbox.
	Pending int
}

// DayFigures are one local day's figures, kept for the chart of /stats.
type DayFigures struct {
	// Day is the local calendar date, "2006-01-02".
	Day string
	// Active counts the subscribed chats the bot could write to at the end
	// of the day (or now, for today).
	Active int
	// New and Lost count the chats that subscribed during the day and the
	// subscribers lost (unsubscribed, blocked the bot or removed it).
	New, Lost int
	// Delivered counts the messages delivered during the day.
	Delivered int
}
