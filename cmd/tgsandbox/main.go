// Command tgsandbox is a local stand-in for the Telegram Bot API, for trying
// newsbot by hand without Telegram: it serves the in-repo fake Bot API on a
// fixed address and lets you chat with the bot from the terminal.
//
//	go run ./cmd/tgsandbox -addr 127.0.0.1:8081
//	# in another terminal, with the line it prints:
//	TELEGRAM_BOT_TOKEN=... TELEGRAM_API_ENDPOINT=http://127.0.0.1:8081/bot%s/%s go run ./cmd/newsbot
//
// Type a line to send it as a message from the test user (/start, /latest …);
// ":press N" presses button N of the bot's last message with buttons;
// ":inline [TEXT]" types "@bot TEXT" (inline mode; ":inline" alone lists the
// latest news), ":more" scrolls its results, ":choose N" posts result N in
// the chat; ":user ID LANG" switches to another user (e.g. ":user 2002 be");
// ":quit" ends.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/osipovichi/newsbot/internal/faketelegram"
	"github.com/osipovichi/newsbot/internal/tghtml"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8081", "address to serve the fake Bot API on")
	lang := flag.String("lang", "ru", "Telegram language code of the test user")
	id := flag.Int64("user", 1001, "Telegram user id of the test user")
	flag.Parse()
	if err := run(*addr, *lang, *id); err != nil {
		fmt.Fprintln(os.Stderr, "tgsandbox:", err)
		os.Exit(1)
	}
}

func run(addr, lang string, userID int64) error {
	tg := faketelegram.New(faketelegram.Options{InlineMode: true})
	defer tg.Close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: tg, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln) //nolint:errcheck // ends with the process
	fmt.Printf("Fake Bot API on http://%s. Run the bot with:\n\n  TELEGRAM_BOT_TOKEN=%s TELEGRAM_API_ENDPOINT='http://%s/bot%%s/%%s' go run ./cmd/newsbot\n\n",
		addr, tg.Token(), addr)
	fmt.Println("Type a message (/start, /latest, /settings …), :press N, :inline TEXT, :more, :choose N, :user ID LANG or :quit.")

	var mu sync.Mutex
	user := faketelegram.User{ID: userID, FirstName: "Tester", LanguageCode: lang}
	var lastButtons []faketelegram.Button
	var lastMessageID int
	var inline inlineState
	shown := map[int64]int{}
	edits := map[int64]int{}
	answers := 0
	go func() { // print what the bot sends to the current user
		for range time.Tick(200 * time.Millisecond) {
			mu.Lock()
			u := user
			for _, m := range tg.Messages(u.ID)[shown[u.ID]:] {
				shown[u.ID]++
				lastButtons, lastMessageID = show(m, lastButtons, lastMessageID)
			}
			for _, m := range tg.Edits(u.ID)[edits[u.ID]:] {
				edits[u.ID]++
				text := tg.MessageText(u.ID, m.MessageID)
				if plain, err := tghtml.ParseLenient(text); err == nil {
					text = plain
				}
				m.Plain = "(edited) " + text
				lastButtons, lastMessageID = show(m, lastButtons, lastMessageID)
			}
			for _, a := range tg.CallbackAnswers()[answers:] {
				answers++
				if a.Text != "" {
					fmt.Printf("\n--- bot (button answer)\n%s\n", a.Text)
				}
			}
			mu.Unlock()
		}
	}()
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		line := strings.TrimSpace(in.Text())
		mu.Lock()
		switch f := strings.Fields(line); {
		case line == "":
		case line == ":quit":
			mu.Unlock()
			return nil
		case f[0] == ":press" && len(f) == 2:
			n, err := strconv.Atoi(f[1])
			if err != nil || n < 1 || n > len(lastButtons) {
				fmt.Printf("no button %s (there are %d)\n", f[1], len(lastButtons))
				break
			}
			tg.PressButton(faketelegram.PrivateChat(user), user, lastMessageID, lastButtons[n-1].CallbackData)
		case f[0] == ":inline":
			inline = inlineState{query: strings.TrimSpace(strings.TrimPrefix(line, ":inline"))}
			go inline.ask(tg, user, "")
		case line == ":more":
			if inline.next == "" {
				fmt.Println("no more results")
				break
			}
			go inline.ask(tg, user, inline.next)
		case f[0] == ":choose" && len(f) == 2:
			n, err := strconv.Atoi(f[1])
			if err != nil || n < 1 || n > len(inline.results) {
				fmt.Printf("no result %s (there are %d)\n", f[1], len(inline.results))
				break
			}
			r := inline.results[n-1]
			if posted, ok := tg.ChooseInlineResult(faketelegram.PrivateChat(user), r.queryID, r.id); ok {
				lastButtons, lastMessageID = show(posted, lastButtons, lastMessageID)
			}
		case f[0] == ":user" && len(f) == 3:
			id, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				fmt.Println("usage: :user ID LANG")
				break
			}
			user = faketelegram.User{ID: id, FirstName: "Tester", LanguageCode: f[2]}
			fmt.Printf("now user %d (%s)\n", id, f[2])
		default:
			tg.SendMessage(faketelegram.PrivateChat(user), user, line)
		}
		mu.Unlock()
	}
	return in.Err()
}

// show prints one message of the bot and returns its buttons (or the previous ones if it has none).
func show(m faketelegram.Sent, buttons []faketelegram.Button, msgID int) ([]faketelegram.Button, int) {
	fmt.Printf("\n--- bot (%s)\n%s\n", m.Method, m.Plain)
	if m.Photo != "" {
		fmt.Printf("[photo %s]\n", m.Photo)
	}
	if m.ReplyMarkup == nil {
		return buttons, msgID
	}
	buttons = nil
	for _, row := range m.ReplyMarkup.Rows {
		var labels []string
		for _, b := range row {
			buttons = append(buttons, b)
			labels = append(labels, fmt.Sprintf("[%d] %s", len(buttons), b.Text))
		}
		fmt.Println(strings.Join(labels, "   "))
	}
	return buttons, m.MessageID
}

// inlineState is the last inline query of the sandbox and its results so far.
type inlineState struct {
	mu      sync.Mutex
	query   string
	next    string // offset of the next page, or ""
	results []inlineResult
}

type inlineResult struct{ queryID, id string }

// ask sends the query at offset and prints the bot's answer.
func (s *inlineState) ask(tg *faketelegram.Server, u faketelegram.User, offset string) {
	_, id := tg.InlineQuery(u, s.query, offset)
	a := tg.WaitInlineAnswer(failer{}, id, 10*time.Second)
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Printf("\n--- bot (inline answer: cache %d s, personal %t)\n", a.CacheTime, a.Personal)
	for _, r := range a.Results {
		s.results = append(s.results, inlineResult{queryID: id, id: r.ID})
		fmt.Printf("[%d] %s\n    %s\n", len(s.results), r.Title, r.Description)
	}
	if s.next = a.NextOffset; s.next != "" {
		fmt.Println(":more for more results")
	}
}

// failer reports a wait that timed out instead of failing a test.
type failer struct{}

func (failer) Helper() {}

func (failer) Fatalf(format string, args ...any) { fmt.Printf(format+"\n", args...) }
