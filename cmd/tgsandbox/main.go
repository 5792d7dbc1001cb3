// Command tgsandbox lets you try newsbot by hand, without Telegram and
// without the portal: it serves the in-repo fake Bot API and a fake portal
// whose news feeds in Russian, Belarusian and English get a new article now
// and then, prints the command that starts the bot against both (with you
// as its admin), and lets you chat with the bot from the terminal.
//
//	go run ./cmd/tgsandbox
//	# in another terminal, from the same directory: the command it prints
//
// A line you type goes to the bot as your message (/start, /latest …).
// Lines that start with ":" are the sandbox's own (":help" lists them):
// publish an article now, press a button, become another user, talk in a
// group, type "@bot words" as in inline mode and post a result. The bot's
// messages are printed with their buttons, marked when they come silently
// (quiet hours); a photo the bot draws (the chart of /stats) is saved to a
// file.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	_ "time/tzdata" // Europe/Minsk wherever the sandbox runs

	"github.com/osipovichi/newsbot/internal/fakeportal"
	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/internal/tghtml"
)

// options are the sandbox's flags.
type options struct {
	addr       string        // the fake Bot API
	portalAddr string        // the fake portal
	lang       string        // the first user's Telegram language
	user       int64         // the first user, the bot's admin
	every      time.Duration // a new article this often; 0: only on :news
	db         string        // the bot's database, started afresh
	uploads    string        // where photos the bot uploads are saved
}

func main() {
	var o options
	flag.StringVar(&o.addr, "addr", "127.0.0.1:8081", "`host:port` to serve the fake Bot API on")
	flag.StringVar(&o.portalAddr, "portal", "127.0.0.1:8082", "`host:port` to serve the fake portal on")
	flag.StringVar(&o.lang, "lang", "ru", "Telegram `language` code of the first user")
	flag.Int64Var(&o.user, "user", 1001, "Telegram user `id` of the first user, the bot's admin")
	flag.DurationVar(&o.every, "news-every", 2*time.Minute, "publish a new article this often (0: only on :news)")
	flag.StringVar(&o.db, "db", "newsbot-sandbox.db", "the bot's database `path`, removed at start: the fake Bot API starts afresh too")
	flag.StringVar(&o.uploads, "uploads", os.TempDir(), "`directory` to save the photos the bot uploads to")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "tgsandbox:", err)
		os.Exit(1)
	}
}

// run serves the fakes and reads commands from in until it ends, ":quit"
// or ctx is done; everything goes to out.
func run(ctx context.Context, o options, in io.Reader, out io.Writer) error {
	for _, suffix := range []string{"", "-wal", "-shm"} { // its update offset would skip the new fake's updates
		if err := os.Remove(o.db + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("start the bot's database afresh: %w", err)
		}
	}
	tg := faketelegram.New(faketelegram.Options{InlineMode: true})
	defer tg.Close()
	portal := fakeportal.New(nil)
	defer portal.Close()

	var wg sync.WaitGroup
	defer wg.Wait() // after cancel, which the goroutines wait for
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var addrs []string
	for _, srv := range []struct {
		addr    string
		handler http.Handler
	}{{o.addr, tg}, {o.portalAddr, portal}} {
		ln, err := net.Listen("tcp", srv.addr)
		if err != nil {
			return err
		}
		hs := &http.Server{Handler: srv.handler, ReadHeaderTimeout: 5 * time.Second}
		wg.Add(2)
		go func() { defer wg.Done(); _ = hs.Serve(ln) }()
		go func() { defer wg.Done(); <-ctx.Done(); _ = hs.Close() }()
		addrs = append(addrs, ln.Addr().String())
	}

	s := &sandbox{
		tg: tg, out: out, uploads: o.uploads, chat: faketelegram.PrivateChat(user(o.user, o.lang)), user: user(o.user, o.lang),
		news:  &newsroom{portal: portal, base: "http://" + addrs[1], byLang: map[string]int{}, items: map[string][]article{}},
		shown: map[int64]int{}, edits: map[int64]int{}, buttons: map[int64]pressable{},
		watched: map[int64]string{},
	}
	s.watch(s.chat, "you")
	for i := seeded; i > 0; i-- { // one a day, the newest yesterday
		for _, lang := range languages {
			s.news.publish(lang, time.Now().AddDate(0, 0, -i))
		}
	}
	s.printf("Fake Bot API on http://%s, fake portal on %s (feeds in %s).\n\nStart the bot with (from this directory):\n\n  %s\n\n",
		addrs[0], s.news.base, strings.Join(languages, ", "), botCommand(tg.Token(), addrs[0], s.news, o))
	s.printf("You are user %d (%s), the bot's admin (NEWSBOT_ADMINS): /stats, /audit, /broadcast work for you; "+
		":user 2002 be makes you a resident.\n", o.user, o.lang)
	s.help()

	wg.Add(2)
	go func() { defer wg.Done(); s.show(ctx) }()
	go func() { defer wg.Done(); s.publishEvery(ctx, o.every) }()
	lines := make(chan string)
	go func() { // not waited for: a terminal's stdin stays open, the process ends
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		close(lines)
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok || strings.TrimSpace(line) == ":quit" {
				return nil
			}
			s.do(strings.TrimSpace(line))
		}
	}
}

// botCommand is the shell command that starts the bot against the fakes.
func botCommand(token, tgAddr string, news *newsroom, o options) string {
	var feeds []string
	for _, lang := range languages {
		feeds = append(feeds, "news/"+lang+"="+news.feedURL(lang))
	}
	return strings.Join([]string{
		"TELEGRAM_BOT_TOKEN=" + token,
		"TELEGRAM_API_ENDPOINT='http://" + tgAddr + "/bot%s/%s'",
		"NEWSBOT_FEEDS='" + strings.Join(feeds, ",") + "'",
		"NEWSBOT_POLL_INTERVAL=10s",
		"NEWSBOT_ADMINS=" + strconv.FormatInt(o.user, 10),
		"NEWSBOT_CONTACTS='" + sampleContacts + "'",
		"NEWSBOT_DB=" + o.db,
		"NEWSBOT_HTTP_ADDR=off",
		"go run ./cmd/newsbot",
	}, " ")
}

// sampleContacts show what /contacts looks like; marked as an example, as
// they are not the committee's.
const sampleContacts = `Пример для песочницы, не настоящие контакты:\nГорячая линия: +375 00 000-00-00 (пн–пт 8:00–17:00)\nОбращения: [portal.gov.by](https://portal.gov.by/)`

// sandbox is the terminal's side of the conversation.
type sandbox struct {
	tg      *faketelegram.Server
	news    *newsroom
	uploads string

	mu      sync.Mutex
	out     io.Writer
	user    faketelegram.User
	chat    faketelegram.Chat // where lines go: the user's private chat or the group
	group   *faketelegram.Chat
	watched map[int64]string // chats whose messages are printed, by label
	shown   map[int64]int    // messages printed, by chat
	edits   map[int64]int    // edits printed, by chat
	answers int              // button answers printed
	buttons map[int64]pressable
	inline  inlineQuery // the last :inline
}

// inlineQuery is what the person typed after @bot and the results the bot
// gave so far.
type inlineQuery struct {
	text    string
	next    string // the offset of the next page of results, or ""
	results []inlineResult
}

type inlineResult struct{ queryID, id string }

// pressable is the last message with buttons in a chat.
type pressable struct {
	messageID int
	buttons   []faketelegram.Button
}

func user(id int64, lang string) faketelegram.User {
	return faketelegram.User{ID: id, FirstName: "Tester", LanguageCode: lang}
}

func (s *sandbox) printf(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.out, format, args...)
}

func (s *sandbox) help() {
	s.printf(`
Type a message for the bot (/start, /latest, /settings, /contacts …), or:
  :news [ru|be|en]  publish a new article on the portal now (the bot polls every 10 s)
  :press N          press button N of the bot's last message with buttons here
  :user ID LANG     become another user, e.g. :user 2002 be
  :group            talk in a group with the bot, which you administer (/subscribe there); :private to come back
  :inline [TEXT]    type "@bot TEXT" in this chat (inline mode; :inline alone lists the latest news)
  :more             the next results of :inline
  :choose N         post result N of :inline in this chat
  :quiet            how to see a silent delivery
  :help, :quit
`)
}

// do runs one line typed in the terminal.
func (s *sandbox) do(line string) {
	f := strings.Fields(line)
	switch {
	case line == "":
	case f[0] == ":help":
		s.help()
	case f[0] == ":news":
		lang := languages[s.news.count()%len(languages)]
		if len(f) > 1 {
			lang = f[1]
		}
		if !s.news.known(lang) {
			s.printf("no feed in %q: use ru, be or en\n", lang)
			return
		}
		a := s.news.publish(lang, time.Now())
		s.printf("published on the %s feed: %s\n", lang, a.title)
	case f[0] == ":press" && len(f) == 2:
		s.press(f[1])
	case f[0] == ":user" && len(f) == 3:
		id, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil || id <= 0 {
			s.printf("usage: :user ID LANG, e.g. :user 2002 be\n")
			return
		}
		s.mu.Lock()
		s.user = user(id, f[2])
		s.chat = faketelegram.PrivateChat(s.user)
		s.mu.Unlock()
		s.watch(s.chat, "user "+f[1])
		s.printf("now user %d (%s), in the private chat with the bot\n", id, f[2])
	case f[0] == ":group":
		s.joinGroup()
	case f[0] == ":inline":
		q := strings.TrimSpace(strings.TrimPrefix(line, ":inline"))
		s.mu.Lock()
		s.inline = inlineQuery{text: q}
		s.mu.Unlock()
		s.askInline(q, "")
	case line == ":more":
		s.mu.Lock()
		q, next := s.inline.text, s.inline.next
		s.mu.Unlock()
		if next == "" {
			s.printf("no more results: :inline TEXT asks again\n")
			return
		}
		s.askInline(q, next)
	case f[0] == ":choose" && len(f) == 2:
		s.choose(f[1])
	case f[0] == ":private":
		s.mu.Lock()
		s.chat = faketelegram.PrivateChat(s.user)
		s.mu.Unlock()
		s.printf("back in your private chat with the bot\n")
	case f[0] == ":quiet":
		h := time.Now().In(minsk()).Hour()
		s.printf("Set quiet hours around now (Minsk time), e.g. /quiet %d-%d, subscribe, then :news: the article arrives marked (silent).\n", h, (h+2)%24)
	case strings.HasPrefix(f[0], ":"):
		s.printf("unknown sandbox command %s: :help lists them\n", f[0])
	default:
		s.mu.Lock()
		chat, u := s.chat, s.user
		s.mu.Unlock()
		s.tg.SendMessage(chat, u, line)
	}
}

// press presses a button of the last message with buttons in the current chat.
func (s *sandbox) press(arg string) {
	s.mu.Lock()
	chat, u, p := s.chat, s.user, s.buttons[s.chat.ID]
	s.mu.Unlock()
	n, err := strconv.Atoi(arg)
	if err != nil || n < 1 || n > len(p.buttons) {
		s.printf("no button %s here (there are %d)\n", arg, len(p.buttons))
		return
	}
	s.tg.PressButton(chat, u, p.messageID, p.buttons[n-1].CallbackData)
}

// askInline types "@bot q" (at offset, to scroll) as the current user and
// prints the bot's answer, numbering its results after those shown before.
func (s *sandbox) askInline(q, offset string) {
	s.mu.Lock()
	u := s.user
	s.mu.Unlock()
	_, id := s.tg.InlineQuery(u, q, offset)
	a := s.tg.WaitInlineAnswer(waitReport{s}, id, 10*time.Second)
	if a.QueryID == "" {
		return // not answered: waitReport said so
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.out, "\n--- bot (inline answer: cached %d s, personal %t)\n", a.CacheTime, a.Personal)
	if len(a.Results) == 0 {
		fmt.Fprintln(s.out, "no results")
	}
	for _, r := range a.Results {
		s.inline.results = append(s.inline.results, inlineResult{queryID: id, id: r.ID})
		fmt.Fprintf(s.out, "[%d] %s\n    %s\n", len(s.inline.results), r.Title, r.Description)
	}
	if s.inline.next = a.NextOffset; s.inline.next != "" {
		fmt.Fprintln(s.out, ":more for more results, :choose N to post one")
	}
}

// choose posts result N of the last :inline in the current chat, as
// choosing it in Telegram does, and prints the message posted.
func (s *sandbox) choose(arg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := strconv.Atoi(arg)
	if err != nil || n < 1 || n > len(s.inline.results) {
		fmt.Fprintf(s.out, "no result %s (there are %d)\n", arg, len(s.inline.results))
		return
	}
	r := s.inline.results[n-1]
	posted, ok := s.tg.ChooseInlineResult(s.chat, r.queryID, r.id)
	if !ok {
		fmt.Fprintf(s.out, "result %d is no longer there\n", n)
		return
	}
	s.showLocked("posted by you via the bot", posted, "")
}

// waitReport prints a wait for the bot that timed out instead of failing a test.
type waitReport struct{ s *sandbox }

func (waitReport) Helper() {}

func (w waitReport) Fatalf(format string, args ...any) {
	w.s.printf(format+" (is the bot running?)\n", args...)
}

// joinGroup adds the bot to a group the user administers and moves the conversation there.
func (s *sandbox) joinGroup() {
	s.mu.Lock()
	u, first := s.user, s.group == nil
	if first {
		s.group = &faketelegram.Chat{ID: -1001234567890, Type: "supergroup", Title: "Дом на Сумченко, 12"}
	}
	group := *s.group
	s.chat = group
	s.mu.Unlock()
	s.watch(group, "group")
	s.tg.AddChat(group)
	s.tg.SetChatAdmins(group.ID, u.ID)
	if first {
		s.tg.ChatMemberUpdate(group, u, "left", "member") // you add the bot to the group
	}
	s.printf("in the group %q, which you administer: /subscribe brings the news here, /settings sets them; :private to come back\n", group.Title)
}

func (s *sandbox) watch(c faketelegram.Chat, label string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.watched[c.ID]; !ok {
		s.watched[c.ID] = label
	}
}

// show prints what the bot sends to the watched chats until ctx is done.
func (s *sandbox) show(ctx context.Context) {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		s.mu.Lock()
		for id, label := range s.watched {
			for _, m := range s.tg.Messages(id)[s.shown[id]:] {
				s.shown[id]++
				s.showLocked(label, m, "")
			}
			for _, m := range s.tg.Edits(id)[s.edits[id]:] {
				s.edits[id]++
				text := s.tg.MessageText(id, m.MessageID)
				if plain, err := tghtml.ParseLenient(text); err == nil {
					text = plain
				}
				m.Plain = text
				s.showLocked(label, m, "edited")
			}
		}
		for _, a := range s.tg.CallbackAnswers()[s.answers:] {
			s.answers++
			if a.Text != "" {
				fmt.Fprintf(s.out, "\n--- bot (answer to the button)\n%s\n", a.Text)
			}
		}
		s.mu.Unlock()
	}
}

// showLocked prints one message of the bot and keeps its buttons.
func (s *sandbox) showLocked(label string, m faketelegram.Sent, note string) {
	notes := []string{label, m.Method}
	if m.DisableNotification {
		notes = append(notes, "silent")
	}
	if note != "" {
		notes = append(notes, note)
	}
	fmt.Fprintf(s.out, "\n--- bot (%s)\n", strings.Join(notes, ", "))
	if m.Plain != "" {
		fmt.Fprintln(s.out, m.Plain)
	}
	switch {
	case len(m.Upload) > 0:
		fmt.Fprintf(s.out, "[%s]\n", s.saveUpload(m))
	case m.Photo != "":
		fmt.Fprintf(s.out, "[photo %s]\n", m.Photo)
	}
	if m.ReplyMarkup == nil {
		return
	}
	var p pressable
	p.messageID = m.MessageID
	for _, row := range m.ReplyMarkup.Rows {
		var labels []string
		for _, b := range row {
			p.buttons = append(p.buttons, b)
			labels = append(labels, fmt.Sprintf("[%d] %s", len(p.buttons), b.Text))
		}
		fmt.Fprintln(s.out, strings.Join(labels, "   "))
	}
	s.buttons[m.ChatID] = p
}

// saveUpload saves a photo the bot uploaded and says where.
func (s *sandbox) saveUpload(m faketelegram.Sent) string {
	name := strings.TrimPrefix(m.Photo, "upload:")
	cfg, err := png.DecodeConfig(bytes.NewReader(m.Upload))
	if err != nil {
		return fmt.Sprintf("photo %s: %d bytes, not a PNG: %v", name, len(m.Upload), err)
	}
	path := filepath.Join(s.uploads, fmt.Sprintf("tgsandbox-chat%d-message%d-%s", m.ChatID, m.MessageID, name))
	if err := os.WriteFile(path, m.Upload, 0o644); err != nil {
		return fmt.Sprintf("photo %s, %d×%d PNG: %v", name, cfg.Width, cfg.Height, err)
	}
	return fmt.Sprintf("photo %s, %d×%d PNG, saved to %s", name, cfg.Width, cfg.Height, path)
}

// publishEvery publishes an article in each language in turn every d, until ctx is done.
func (s *sandbox) publishEvery(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	tick := time.NewTicker(d)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			a := s.news.publish(languages[s.news.count()%len(languages)], time.Now())
			s.printf("\n(the portal published: %s)\n", a.title)
		}
	}
}

// minsk is the bot's default time zone (NEWSBOT_TIMEZONE), for the quiet hours hint.
func minsk() *time.Location {
	loc, err := time.LoadLocation("Europe/Minsk") // time/tzdata has it
	if err != nil {
		panic(err)
	}
	return loc
}
