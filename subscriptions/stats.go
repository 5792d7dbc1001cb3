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
