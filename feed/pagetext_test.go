package feed

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/osipovichi/newsbot/internal/fakeportal"
	"github.com/osipovichi/newsbot/subscriptions"
)

func TestParsePageText(t *testing.T) {
	const pageURL = "https://osipovichi.gov.by/ru/news-ru/view/5/"
	p := func(s string) subscriptions.TextBlock {
		return subscriptions.TextBlock{Kind: subscriptions.BlockParagraph, Text: s}
	}
	img := func(u string) subscriptions.TextBlock {
		return subscriptions.TextBlock{Kind: subscriptions.BlockImage, URL: u}
	}
	tests := []struct {
		name, doc, selector string
		want                []subscriptions.TextBlock
	}{
		{"portal layout", `<html><body><div class="menu">Меню сайта</div>
			<div class="news_inner"><h2>Заголовок</h2><div class="news_inner_one_text">
			<p>Первый&nbsp;абзац   текста.</p>
			<p><a href="/files/big.jpg"><img src="/files/small.jpg" alt=""></a></p>
			<h3>Подзаголовок</h3>
			<p>Строка один<br>строка два<br><br>Новый абзац после двух br.</p>
			<ul><li>пункт <b>один</b></li><li>пункт два</li></ul>
			<blockquote>Цитата</blockquote>
			<script>var x = "не текст";</script><style>p{}</style>
			<div class="ya-share2">Поделиться</div>
			<img src="https://mc.yandex.ru/watch/1" width="1" height="1">
			<img src="/files/small.jpg">
			<img src="data:image/gif;base64,R0lGOD">
			<p style="display: none">скрыто</p>
			<table><tr><td>ячейка</td><td>вторая</td></tr></table>
			</div></div></body></html>`, "",
			[]subscriptions.TextBlock{
				p("Первый абзац текста."),
				img("https://osipovichi.gov.by/files/big.jpg"),
				{Kind: subscriptions.BlockHeading, Text: "Подзаголовок"},
				p("Строка один\nстрока два"), p("Новый абзац после двух br."),
				{Kind: subscriptions.BlockItem, Text: "пункт один"}, {Kind: subscriptions.BlockItem, Text: "пункт два"},
				{Kind: subscriptions.BlockQuote, Text: "Цитата"},
				img("https://osipovichi.gov.by/files/small.jpg"),
				p("ячейка вторая"),
			}},
		{"text in bare lines of a div", `<div class="news_inner_one_text">Раз<br/>два<br><br>три<img data-src="a.png"></div>`, "",
			[]subscriptions.TextBlock{p("Раз\nдва"), p("три"), img("https://osipovichi.gov.by/ru/news-ru/view/5/a.png")}},
		{"an empty first match gives way to the next selector", `<div class="news_inner_one_text"> </div><article><p>Текст</p></article>`, "",
			[]subscriptions.TextBlock{p("Текст")}},
		{"an override", `<div class="body-copy"><p>Own layout</p></div><article><p>Other</p></article>`, ".body-copy",
			[]subscriptions.TextBlock{p("Own layout")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePageText([]byte(tt.doc), pageURL, tt.selector)
			if err != nil {
				t.Fatal(err)
			}
			if got.Truncated {
				t.Error("truncated, want whole")
			}
			if !reflect.DeepEqual(got.Blocks, tt.want) {
				t.Errorf("blocks:\ngot  %q\nwant %q", got.Blocks, tt.want)
			}
		})
	}
}

func TestParsePageTextNoText(t *testing.T) {
	for _, tt := range []struct{ name, doc, selector string }{
		{"no text block", `<html><body><div class="menu">Меню</div></body></html>`, ""},
		{"only a photo", `<div class="news_inner_one_text"><img src="/a.jpg"></div>`, ""},
		{"the override finds nothing", `<div class="news_inner_one_text"><p>Текст</p></div>`, ".nothing"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePageText([]byte(tt.doc), "https://osipovichi.gov.by/x/", tt.selector)
			var nt *NoTextError
			if !errors.As(err, &nt) || !errors.Is(err, ErrNoText) {
				t.Fatalf("got %v, want a NoTextError", err)
			}
			if tt.selector != "" && nt.Selector != tt.selector {
				t.Errorf("selector %q, want %q", nt.Selector, tt.selector)
			}
		})
	}
	if _, err := ParsePageText([]byte(`<p>x`), "https://osipovichi.gov.by/x/", "p[class="); err == nil || !strings.Contains(err.Error(), "not a valid CSS selector") {
		t.Errorf("bad selector: got %v", err)
	}
}

func TestParsePageTextTruncates(t *testing.T) {
	para := strings.Repeat("слово ", 2000) // 12,000 runes
	doc := `<div class="news_inner_one_text">` + strings.Repeat("<p>"+para+"</p>", 5) + `</div>`
	got, err := ParsePageText([]byte(doc), "https://osipovichi.gov.by/x/", "")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Truncated {
		t.Error("60,000 runes of text: not truncated")
	}
	n := 0
	for _, b := range got.Blocks {
		n += utf8.RuneCountInString(b.Text)
		if strings.HasSuffix(b.Text, "сл") {
			t.Errorf("cut inside a word: …%q", b.Text[len(b.Text)-20:])
		}
	}
	if n > MaxTextRunes || n < MaxTextRunes-10 {
		t.Errorf("kept %d runes, want just under %d", n, MaxTextRunes)
	}
}

func TestReadPageText(t *testing.T) {
	huge := bytes.Repeat([]byte("<p>Абзац текста новости.</p>\n"), 5<<20/40)
	mux := http.NewServeMux()
	mux.HandleFunc("/news/1/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=windows-1251")
		// "Новости" in windows-1251.
		w.Write([]byte(`<div class="news_inner_one_text"><p>` + "\xcd\xee\xe2\xee\xf1\xf2\xe8" + `</p></div>`))
	})
	mux.HandleFunc("/news/huge/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(append([]byte(`<div class="news_inner_one_text">`), huge...))
	})
	mux.HandleFunc("/news/empty/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<html><body><p class="menu">Menu</p></body></html>`))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	// The fetcher's own cap (10 MiB by default) is above the reader's.
	f := NewFetcher(FetcherOptions{Timeout: 5 * time.Second})
	ctx := context.Background()

	got, err := f.ReadPageText(ctx, srv.URL+"/news/1/", "")
	if err != nil {
		t.Fatal(err)
	}
	if want := []subscriptions.TextBlock{{Kind: subscriptions.BlockParagraph, Text: "Новости"}}; !reflect.DeepEqual(got.Blocks, want) {
		t.Errorf("windows-1251 page: got %q, want %q", got.Blocks, want)
	}
	if _, err := f.ReadPageText(ctx, srv.URL+"/news/huge/", ""); !errors.Is(err, ErrBodyTooLarge) || !strings.Contains(err.Error(), "2 MiB") {
		t.Errorf("a 5 MB page: got %v, want ErrBodyTooLarge naming the 2 MiB limit", err)
	}
	if _, err := f.ReadPageText(ctx, srv.URL+"/news/empty/", ""); !errors.Is(err, ErrNoText) {
		t.Errorf("a page without a text block: got %v, want ErrNoText", err)
	}
	var he *HTTPError
	if _, err := f.ReadPageText(ctx, srv.URL+"/news/deleted/", ""); !errors.As(err, &he) || he.Status != http.StatusNotFound {
		t.Errorf("a deleted page: got %v, want an HTTPError 404", err)
	}
}

// FuzzParsePageText feeds article pages from outside to the text reader:
// nothing may panic, text is valid UTF-8 within the limit, photos are http(s).
func FuzzParsePageText(f *testing.F) {
	f.Add(`<div class="news_inner_one_text"><p>a<br>b</p><img src="/i.png"></div>`)
	f.Add(`<article><h2>x</h2><ul><li>1<li>2</ul><blockquote>q`)
	f.Add("<article>\xff<img data-src=\"//x/\x00\"><a href=\"a.jpg\"><img src=b></a>")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParsePageText([]byte(s), "https://osipovichi.gov.by/a/b", "")
		if err != nil {
			if !errors.Is(err, ErrNoText) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		n := 0
		for _, b := range got.Blocks {
			n += utf8.RuneCountInString(b.Text)
			if !utf8.ValidString(b.Text) {
				t.Errorf("invalid UTF-8 in %q", b.Text)
			}
			if b.Kind == subscriptions.BlockImage && !strings.HasPrefix(b.URL, "http://") && !strings.HasPrefix(b.URL, "https://") {
				t.Errorf("photo %q is not http(s)", b.URL)
			}
			if b.Kind != subscriptions.BlockImage && strings.TrimSpace(b.Text) == "" {
				t.Errorf("empty %s block", b.Kind)
			}
		}
		if n > MaxTextRunes {
			t.Errorf("%d runes, more than %d", n, MaxTextRunes)
		}
	})
}

// TestParsePageTextPortalPages reads the article pages of the fake portal
// as the reader in Telegram does.
func TestParsePageTextPortalPages(t *testing.T) {
	tests := []struct {
		name                            string
		photos, headings, items, quotes int
		first, firstPhoto               string
	}{
		{fakeportal.ArticleRU, 4, 4, 4, 1, "Программа ремонта дорог местного значения на 2023 год утверждена",
			"/files/00570/obj/110/41400/img/doroga_1_big.jpg"},
		{fakeportal.ArticleBE, 2, 2, 4, 1, "У цэнтральнай раённай бібліятэцы імя Івана Шамякіна", "/files/00570/obj/110/41410/img/vystava_1.jpg"},
		{fakeportal.ArticleEN, 2, 1, 4, 1, "More than 150 young specialists", "/files/00570/obj/110/41420/img/forum_1.jpg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePageText(fakeportal.ArticlePage(tt.name), "https://osipovichi.gov.by/ru/news-ru/view/1/", "")
			if err != nil {
				t.Fatal(err)
			}
			count := map[subscriptions.BlockKind]int{}
			var text strings.Builder
			firstText := ""
			for _, b := range got.Blocks {
				count[b.Kind]++
				text.WriteString(b.Text + "\n")
				if firstText == "" && b.Kind == subscriptions.BlockParagraph {
					firstText = b.Text
				}
			}
			if count[subscriptions.BlockImage] != tt.photos || count[subscriptions.BlockHeading] != tt.headings ||
				count[subscriptions.BlockItem] != tt.items || count[subscriptions.BlockQuote] != tt.quotes {
				t.Errorf("blocks %v, want %d photos, %d headings, %d items, %d quotes", count, tt.photos, tt.headings, tt.items, tt.quotes)
			}
			if !strings.HasPrefix(firstText, tt.first) {
				t.Errorf("first paragraph %q, want it to start with %q", firstText, tt.first)
			}
			if got.Blocks[0].URL != "https://osipovichi.gov.by"+tt.firstPhoto {
				t.Errorf("first block %+v, want the photo %s", got.Blocks[0], tt.firstPhoto)
			}
			for _, junk := range []string{"Поделиться", "Падзяліцца", "Комментари", "dataLayer", "Главная", "Галоўная"} {
				if strings.Contains(text.String(), junk) {
					t.Errorf("the text has %q from around the text block", junk)
				}
			}
		})
	}
	if _, err := ParsePageText(fakeportal.ArticlePage(fakeportal.ArticleNoText), "https://osipovichi.gov.by/x/", ""); !errors.Is(err, ErrNoText) {
		t.Errorf("a gallery page: got %v, want ErrNoText", err)
	}
}
