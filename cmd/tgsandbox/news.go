package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html"
	"sync"
	"time"

	"github.com/osipovichi/newsbot/internal/fakeportal"
)

// languages are the portal's feeds, in the order articles are published in turn.
var languages = []string{"ru", "be", "en"}

// seeded is how many articles each feed has when the sandbox starts: the
// bot's first poll records them without announcing, /latest shows them.
const seeded = 4

// headlines are what the sandbox's portal publishes, in turn.
var headlines = map[string][][2]string{
	"ru": {
		{"В Осиповичах открылся обновлённый сквер на улице Сумченко", "Работы по благоустройству завершены в срок. Жители могут отдыхать в сквере уже в эти выходные."},
		{"Отключение горячей воды: график на июнь", "На время ремонта тепловых сетей горячая вода будет отключена поочерёдно в разных районах города."},
		{"Районный субботник пройдёт в субботу", "Осиповичский райисполком приглашает жителей принять участие в благоустройстве дворов и парков."},
		{"Ремонт дороги Осиповичи — Бобруйск: движение по одной полосе", "Дорожные работы продлятся до конца месяца, водителей просят соблюдать скоростной режим."},
		{"Приём граждан председателем райисполкома", "Личный приём проводится по предварительной записи по телефону приёмной."},
		{"Детская школа искусств приглашает на отчётный концерт", "Концерт состоится в районном Доме культуры, вход свободный."},
	},
	"be": {
		{"У Асіповічах адкрыўся абноўлены сквер на вуліцы Сумчанкі", "Работы па добраўпарадкаванні завершаны ў тэрмін. Жыхары могуць адпачываць у скверы ўжо ў гэтыя выхадныя."},
		{"Адключэнне гарачай вады: графік на чэрвень", "На час рамонту цеплавых сетак гарачая вада будзе адключацца па чарзе ў розных раёнах горада."},
		{"Раённы суботнік пройдзе ў суботу", "Асіповіцкі райвыканкам запрашае жыхароў паўдзельнічаць у добраўпарадкаванні двароў і паркаў."},
		{"Рамонт дарогі Асіповічы — Бабруйск: рух па адной паласе", "Дарожныя работы працягнуцца да канца месяца, вадзіцеляў просяць выконваць хуткасны рэжым."},
		{"Прыём грамадзян старшынёй райвыканкама", "Асабісты прыём праводзіцца па папярэднім запісе па тэлефоне прыёмнай."},
		{"Дзіцячая школа мастацтваў запрашае на справаздачны канцэрт", "Канцэрт адбудзецца ў раённым Доме культуры, уваход вольны."},
	},
	"en": {
		{"A renewed square opens on Sumchenko Street in Osipovichi", "The improvement works were finished on time. Residents can enjoy the square this weekend."},
		{"Hot water outages: the June schedule", "While the heating network is repaired, hot water will be off in different parts of the town in turn."},
		{"District clean-up day on Saturday", "The Osipovichi District Executive Committee invites residents to help tidy up courtyards and parks."},
		{"Osipovichi–Babruysk road repairs: one lane open", "The road works will last until the end of the month; drivers are asked to keep to the speed limit."},
		{"The committee chairman receives citizens", "Personal reception is by appointment through the reception office."},
		{"The children's art school invites you to its annual concert", "The concert takes place at the district House of Culture; admission is free."},
	},
}

// channelTitles are the feeds' titles.
var channelTitles = map[string]string{
	"ru": "Осиповичский районный исполнительный комитет — Новости",
	"be": "Асіповіцкі раённы выканаўчы камітэт — Навіны",
	"en": "Osipovichi District Executive Committee — News",
}

// article is one item of a feed.
type article struct {
	title, summary, link, image string
	at                          time.Time
}

// newsroom is the sandbox's portal: it writes each language's feed anew
// when it publishes an article.
type newsroom struct {
	portal *fakeportal.Portal
	base   string // the portal's URL, e.g. http://127.0.0.1:8082

	mu     sync.Mutex
	n      int                  // articles published
	byLang map[string]int       // articles published, by language: each takes the next headline
	items  map[string][]article // newest first, by language
}

func (r *newsroom) feedPath(lang string) string { return "/" + lang + "/rss-" + lang + "/" }

func (r *newsroom) feedURL(lang string) string { return r.base + r.feedPath(lang) }

func (r *newsroom) known(lang string) bool { _, ok := headlines[lang]; return ok }

// count is the number of articles published so far.
func (r *newsroom) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

// publish adds an article to lang's feed, dated at, and returns it. Every
// third one has a photo.
func (r *newsroom) publish(lang string, at time.Time) article {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.n++
	h := headlines[lang][r.byLang[lang]%len(headlines[lang])]
	r.byLang[lang]++
	path := fmt.Sprintf("/%s/news-%s/view/%d/", lang, lang, r.n)
	a := article{title: h[0], summary: h[1], link: r.base + path, at: at}
	if r.n%3 == 0 {
		a.image = fmt.Sprintf("%s/images/news/%d.jpg", r.base, r.n)
	}
	r.portal.Set(path, page(lang, a), "text/html; charset=utf-8") // for 📖 Read here
	items := append([]article{a}, r.items[lang]...)
	r.items[lang] = items[:min(len(items), 20)]
	r.portal.Set(r.feedPath(lang), rss(lang, r.base, r.items[lang]), "application/rss+xml; charset=utf-8")
	return a
}

// page writes an article's page in the layout of the portal's CMS: its
// text block holds the summary and, when it has one, the photo.
func page(lang string, a article) []byte {
	esc := html.EscapeString
	var b bytes.Buffer
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"><title>%s</title></head>\n<body><div class=\"news_inner\">\n<h2>%s</h2>\n<div class=\"news_inner_one_text\">\n",
		lang, esc(a.title), esc(a.title))
	if a.image != "" {
		fmt.Fprintf(&b, "<p><img src=\"%s\" alt=\"\"></p>\n", esc(a.image))
	}
	fmt.Fprintf(&b, "<p>%s</p>\n</div>\n</div></body></html>\n", esc(a.summary))
	return b.Bytes()
}

// rss writes a feed of items as the portal's CMS does.
func rss(lang, base string, items []article) []byte {
	esc := func(s string) string {
		var b bytes.Buffer
		_ = xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<rss version=\"2.0\"><channel>\n")
	fmt.Fprintf(&b, "<title>%s</title><link>%s/%s/</link><language>%s</language>\n", esc(channelTitles[lang]), esc(base), lang, lang)
	for _, a := range items {
		fmt.Fprintf(&b, "<item><title>%s</title><link>%s</link><guid>%s</guid><pubDate>%s</pubDate><description>%s</description>",
			esc(a.title), esc(a.link), esc(a.link), a.at.UTC().Format(time.RFC1123Z), esc(a.summary))
		if a.image != "" {
			fmt.Fprintf(&b, `<enclosure url="%s" type="image/jpeg" length="0"/>`, esc(a.image))
		}
		b.WriteString("</item>\n")
	}
	b.WriteString("</channel></rss>\n")
	return b.Bytes()
}
