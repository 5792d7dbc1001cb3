package i18n

var en = map[string]string{
	"month.1": "January", "month.2": "February", "month.3": "March", "month.4": "April",
	"month.5": "May", "month.6": "June", "month.7": "July", "month.8": "August",
	"month.9": "September", "month.10": "October", "month.11": "November", "month.12": "December",

	"start.welcome": "Hello! This bot brings you the news of the Osipovichi District Executive Committee portal (osipovichi.gov.by).\n\n" +
		"Subscribe and I will send you new articles from the portal as soon as they appear. " +
		"/latest shows the latest news, /help lists all commands.",
	"start.welcome_subscribed": "Hello! This bot brings you the news of the Osipovichi District Executive Committee portal (osipovichi.gov.by).\n\n" +
		"You are subscribed: new articles from the portal will arrive here. /latest shows the latest news, /help lists all commands.",
	"button.subscribe":   "🔔 Subscribe",
	"button.unsubscribe": "🔕 Unsubscribe",

	"subscribe.done":      "Done, you are subscribed. New articles from the portal will arrive here.",
	"subscribe.already":   "You are already subscribed. New articles from the portal arrive here.",
	"unsubscribe.done":    "You have unsubscribed and will no longer receive news. To come back: /subscribe",
	"unsubscribe.already": "You are not subscribed. To subscribe: /subscribe",

	"latest.header":   "Latest news",
	"latest.empty":    "No news yet: the bot has not received any articles from the portal. Please check back a little later.",
	"latest.bad_n":    "Give a number from 1 to %d, for example: /latest 10",
	"article.read":    "Read on the portal",
	"article.section": "Section",
	"digest.header":   "News of the day",

	"help": "What the bot can do:\n" +
		"/subscribe — subscribe to the portal's news\n" +
		"/unsubscribe — unsubscribe (or /stop)\n" +
		"/latest [N] — the N latest articles (5 by default, at most 20), for example /latest 10\n" +
		"/help — this help",
	"unknown":        "I don't know that command. The list of commands: /help",
	"plain_text":     "I only understand commands. The list of commands: /help",
	"error.internal": "Something went wrong. Please try again a little later.",

	"command.start":       "Get started",
	"command.subscribe":   "Subscribe to the news",
	"command.unsubscribe": "Unsubscribe from the news",
	"command.latest":      "Latest news",
	"command.help":        "Help",

	"admin.feed_down":      "⚠️ The %s feed has been failing for over an hour.\nURL: %s\nLast error: %s",
	"admin.feed_recovered": "✅ The %s feed works again.\nURL: %s",

	"section.news":          "News",
	"section.announcements": "Announcements",
	"section.economy":       "Economy",
	"section.society":       "Society",
	"group.admins_only":     "Only the group's administrators can change its subscription and settings.",
	"group.welcome":         "Hello! I bring the news of the Osipovichi District Executive Committee (osipovichi.gov.by). To get the news in this group, a group administrator can send /subscribe.",
	"button.outdated":       "This button is out of date. Send /start to get a new one.",
}
