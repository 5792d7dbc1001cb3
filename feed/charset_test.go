package feed

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"

	"github.com/osipovichi/newsbot/subscriptions"
)

var update = flag.Bool("update", false, "regenerate the non-UTF-8 fixtures in testdata/ from news-utf8.xml")

// charsetFixtures are generated from testdata/news-utf8.xml (see testdata/README.md).
var charsetFixtures = []struct {
	file        string
	enc         encoding.Encoding
	prolog      string // replaces the UTF-8 prolog; "" removes it
	contentType string // as the fake portal serves it
	want        string // encoding Decode must report
}{
	{"news-cp1251.xml", charmap.Windows1251, `<?xml version="1.0" encoding="windows-1251"?>`, "application/rss+xml", "windows-1251"},
	{"news-cp1251-noprolog.xml", charmap.Windows1251, "", "application/rss+xml; charset=windows-1251", "windows-1251"},
	{"news-koi8r.xml", charmap.KOI8R, `<?xml version="1.0" encoding="KOI8-R"?>`, "text/xml", "koi8-r"},
}

const utf8Prolog = `<?xml version="1.0" encoding="UTF-8"?>`

func encodeFixture(t *testing.T, src []byte, enc encoding.Encoding, prolog string) []byte {
	t.Helper()
	body := bytes.TrimPrefix(src, []byte(utf8Prolog))
	if prolog == "" {
		body = bytes.TrimLeft(body, "\r\n")
	} else {
		body = append([]byte(prolog), body...)
	}
	out, err := enc.NewEncoder().Bytes(body)
	if err != nil {
		t.Fatalf("encode fixture: %v", err)
	}
	return out
}

// TestCharsetFixtures checks that the committed non-UTF-8 fixtures really
// are news-utf8.xml in their encodings; with -update it writes them.
func TestCharsetFixtures(t *testing.T) {
	src, err := os.ReadFile("testdata/news-utf8.xml")
	if err != nil {
		t.Fatal(err)
	}
	for _, fx := range charsetFixtures {
		want := encodeFixture(t, src, fx.enc, fx.prolog)
		path := filepath.Join("testdata", fx.file)
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./feed -run TestCharsetFixtures -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not news-utf8.xml in %s; run go test ./feed -run TestCharsetFixtures -update", fx.file, fx.want)
		}
		if bytes.Contains(got, []byte("Осиповичи")) || !bytes.ContainsAny(got, "\xc0\xd0\xe0\xf0") {
			t.Errorf("%s: bytes are UTF-8 or not Cyrillic in a single-byte encoding", fx.file)
		}
	}
}

// TestCharsetsIdentical: the same Cyrillic text served as UTF-8, windows-1251
// (with a prolog, or with the charset only in the header) and KOI8-R gives
// identical articles.
func TestCharsetsIdentical(t *testing.T) {
	now := time.Date(2023, 3, 3, 12, 0, 0, 0, time.UTC)
	feed := subscriptions.Feed{ID: 1, URL: "https://osipovichi.gov.by/ru/rss-ru/", Section: "news"}
	src, err := os.ReadFile("testdata/news-utf8.xml")
	if err != nil {
		t.Fatal(err)
	}
	p, want, err := ParseArticles(src, "application/rss+xml", feed.URL, feed, now)
	if err != nil {
		t.Fatal(err)
	}
	if p.Encoding() != "utf-8" || len(want) != 2 {
		t.Fatalf("utf-8 reference: got encoding %q and %d articles, want utf-8 and 2", p.Encoding(), len(want))
	}
	if want[0].Title != "Ёлочный базар откроется в центре Осиповичей" {
		t.Fatalf("utf-8 reference title: got %q", want[0].Title)
	}
	if want[1].Title != "Объявление о проведении «прямой линии»" {
		t.Fatalf("utf-8 reference title: got %q", want[1].Title)
	}
	for _, fx := range charsetFixtures {
		t.Run(fx.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", fx.file))
			if err != nil {
				t.Fatal(err)
			}
			p, got, err := ParseArticles(body, fx.contentType, feed.URL, feed, now)
			if err != nil {
				t.Fatal(err)
			}
			if p.Encoding() != fx.want {
				t.Errorf("encoding: got %q, want %q", p.Encoding(), fx.want)
			}
			assertArticles(t, got, want)
		})
	}
}

// encode writes s in enc for a test.
func encode(t testing.TB, enc encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode %q: %v", s, err)
	}
	return b
}

func TestDecode(t *testing.T) {
	const (
		ru    = "Новости Осиповичского района: итоги заседания райисполкома"
		fr    = "Le conseil de la commune a déclaré la fête d'été ouverte après la réunion"
		cafe  = "Café crème à l'hôtel"
		tail  = "</title></item></channel></rss>"
		start = `<rss version="2.0"><channel><item><title>`
	)
	cp1251 := func(s string) []byte { return encode(t, charmap.Windows1251, s) }
	tests := []struct {
		name        string
		body        []byte
		contentType string
		want        string // the body as UTF-8
		encoding    string
		source      string
		evidence    []string // Evidence.String() of each, in order
	}{
		{"bom wins over prolog", append([]byte("\xef\xbb\xbf"), `<?xml version="1.0" encoding="windows-1251"?><a>Новости</a>`...), "",
			`<?xml version="1.0" encoding="UTF-8"?><a>Новости</a>`, "utf-8", SourceBOM,
			[]string{"bom: utf-8: used", "xml prolog: windows-1251: ignored: an earlier declaration fits the bytes", "sniffed: utf-8: the bytes are valid UTF-8"}},
		{"prolog wins over header", cp1251(`<?xml version='1.0' encoding='WINDOWS-1251'?><a>` + ru + `</a>`), "text/xml; charset=windows-1251",
			`<?xml version='1.0' encoding='UTF-8'?><a>` + ru + `</a>`, "windows-1251", SourceProlog,
			[]string{"xml prolog: windows-1251: used", "content-type header: windows-1251: agrees", "sniffed: windows-1251: the most plausible reading of the text"}},
		{"prolog after a comment", cp1251("<!-- generated -->\n<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<a>" + ru + "</a>"), "",
			"<!-- generated -->\n<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>" + ru + "</a>", "windows-1251", SourceProlog, nil},
		{"prolog after stray text and a doctype", cp1251("\r\nWarning: cache is stale\n<!DOCTYPE rss [<!ENTITY x \"?>\">]><?xml version=\"1.0\" encoding=\"cp1251\"?><a>" + ru + "</a>"), "",
			"\r\nWarning: cache is stale\n<!DOCTYPE rss [<!ENTITY x \"?>\">]><?xml version=\"1.0\" encoding=\"UTF-8\"?><a>" + ru + "</a>", "windows-1251", SourceProlog,
			[]string{`xml prolog: "cp1251" = windows-1251: used`, "sniffed: windows-1251: the most plausible reading of the text"}},
		{"header when no prolog", cp1251(`<a>` + ru + `</a>`), "application/rss+xml; charset=cp1251",
			`<a>` + ru + `</a>`, "windows-1251", SourceHeader, nil},
		{"header when prolog has no encoding", cp1251(`<?xml version="1.0"?><a>` + ru + `</a>`), `text/xml; charset="windows-1251"`,
			`<?xml version="1.0"?><a>` + ru + `</a>`, "windows-1251", SourceHeader, nil},
		{"sloppy header", cp1251(`<a>` + ru + `</a>`), "text/xml; charset=windows-1251;;",
			`<a>` + ru + `</a>`, "windows-1251", SourceHeader, nil},
		{"unknown prolog label falls back to header", cp1251(`<?xml version="1.0" encoding="x-bogus"?><a>` + ru + `</a>`), "text/xml; charset=windows-1251",
			`<?xml version="1.0" encoding="UTF-8"?><a>` + ru + `</a>`, "windows-1251", SourceHeader,
			[]string{`xml prolog: "x-bogus": unknown label, ignored`, "content-type header: windows-1251: used", "sniffed: windows-1251: the most plausible reading of the text"}},
		{"html meta", cp1251(`<html><head><meta charset="windows-1251"><title>` + ru + `</title>`), "text/html",
			`<html><head><meta charset="windows-1251"><title>` + ru + `</title>`, "windows-1251", SourceMeta, nil},
		{"header utf-8 over windows-1251 bytes", cp1251(start + ru + tail), "application/rss+xml; charset=utf-8",
			start + ru + tail, "windows-1251", SourceSniffed,
			[]string{"content-type header: utf-8: not used: the bytes are not valid UTF-8; windows-1251 reads cleanly", "sniffed: windows-1251: used: the most plausible reading of the text"}},
		{"header windows-1251 over koi8-r bytes", encode(t, charmap.KOI8R, start+ru+tail), "application/rss+xml; charset=windows-1251",
			start + ru + tail, "koi8-r", SourceSniffed,
			[]string{"content-type header: windows-1251: not used: it reads as mojibake; koi8-r reads as text", "sniffed: koi8-r: used: the most plausible reading of the text"}},
		{"prolog koi8-r over iso-8859-5 bytes", encode(t, charmap.ISO8859_5, `<?xml version="1.0" encoding="koi8-r"?>`+start+ru+tail), "",
			`<?xml version="1.0" encoding="UTF-8"?>` + start + ru + tail, "iso-8859-5", SourceSniffed, nil},
		{"prolog windows-1252 over valid utf-8", []byte(`<?xml version="1.0" encoding="ISO-8859-1"?>` + start + cafe + tail), "",
			`<?xml version="1.0" encoding="UTF-8"?>` + start + cafe + tail, "utf-8", SourceSniffed,
			[]string{`xml prolog: "ISO-8859-1" = windows-1252: not used: the bytes are valid UTF-8 (as windows-1252 they would read as mojibake)`, "sniffed: utf-8: used: the bytes are valid UTF-8"}},
		{"prolog windows-1251 over latin-1 bytes", encode(t, charmap.ISO8859_1, `<?xml version="1.0" encoding="windows-1251"?>`+start+fr+tail), "",
			`<?xml version="1.0" encoding="UTF-8"?>` + start + fr + tail, "windows-1252", SourceSniffed, nil},
		{"undeclared windows-1251", cp1251(start + ru + tail), "", start + ru + tail, "windows-1251", SourceSniffed, nil},
		{"undeclared koi8-r", encode(t, charmap.KOI8R, start+ru+tail), "", start + ru + tail, "koi8-r", SourceSniffed, nil},
		{"undeclared iso-8859-5", encode(t, charmap.ISO8859_5, start+ru+tail), "", start + ru + tail, "iso-8859-5", SourceSniffed, nil},
		{"undeclared latin-1", encode(t, charmap.ISO8859_1, start+fr+tail), "", start + fr + tail, "windows-1252", SourceSniffed, nil},
		{"undeclared utf-8", []byte(start + ru + tail), "", start + ru + tail, "utf-8", SourceSniffed, nil},
		{"ascii declares nothing", []byte(`<a>News</a>`), "", `<a>News</a>`, "utf-8", SourceDefault, nil},
		{"ascii keeps its declaration", []byte(`<?xml version="1.0" encoding="koi8-r"?><a>News</a>`), "",
			`<?xml version="1.0" encoding="UTF-8"?><a>News</a>`, "koi8-r", SourceProlog, []string{"xml prolog: koi8-r: used"}},
		{"a few invalid bytes in utf-8", []byte(start + ru + "\xff" + ru + tail), "text/xml; charset=utf-8",
			start + ru + "\uFFFD" + ru + tail, "utf-8", SourceHeader, nil},
		{"a character cut at the end", []byte(start + ru)[:len(start+ru)-1], "",
			start + strings.TrimSuffix(ru, "а") + "\uFFFD", "utf-8", SourceSniffed, nil},
		{"utf-16 label without bom ignored", []byte(`<?xml version="1.0" encoding="UTF-16"?><a>x</a>`), "",
			`<?xml version="1.0" encoding="UTF-8"?><a>x</a>`, "utf-8", SourceDefault, nil},
		{"utf-16le bom", []byte("\xff\xfe<\x00a\x00>\x00\x1d\x04<\x00/\x00a\x00>\x00"), "", "<a>Н</a>", "utf-16le", SourceBOM, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, d := Decode(tt.body, tt.contentType)
			if string(got) != tt.want {
				t.Errorf("body: got %q, want %q", got, tt.want)
			}
			if d.Encoding != tt.encoding || d.Source != tt.source {
				t.Errorf("decoding: got %s, want %s (%s)", d, tt.encoding, tt.source)
			}
			if tt.evidence != nil {
				var ev []string
				for _, e := range d.Evidence {
					ev = append(ev, e.String())
				}
				if strings.Join(ev, "\n") != strings.Join(tt.evidence, "\n") {
					t.Errorf("evidence:\n%s\nwant:\n%s", strings.Join(ev, "\n"), strings.Join(tt.evidence, "\n"))
				}
			}
		})
	}
}

// declScenario is how a document in one encoding declares it.
type declScenario struct {
	name string
	// doc returns the text before the <rss> element and the Content-Type,
	// for text in enc; wrong is another encoding.
	doc func(enc, wrong string) (prefix, contentType string)
}

func prologOf(enc string) string { return `<?xml version="1.0" encoding="` + enc + `"?>` + "\n" }

var declScenarios = []declScenario{
	{"declared right in the prolog", func(enc, _ string) (string, string) { return prologOf(enc), "application/rss+xml" }},
	{"declared right in the header", func(enc, _ string) (string, string) { return "", "application/rss+xml; charset=" + enc }},
	{"declared wrong in the prolog", func(_, wrong string) (string, string) { return prologOf(wrong), "application/rss+xml" }},
	{"declared wrong in the header", func(_, wrong string) (string, string) { return "", "text/xml; charset=" + wrong }},
	{"declared wrong in the prolog, right in the header", func(enc, wrong string) (string, string) {
		return prologOf(wrong), "text/xml; charset=" + enc
	}},
	{"undeclared", func(_, _ string) (string, string) { return "", "application/rss+xml" }},
	{"prolog after a comment", func(enc, _ string) (string, string) {
		return "<!-- RSS generated by the CMS -->\n" + prologOf(enc), "application/rss+xml"
	}},
	{"wrong prolog after a comment", func(_, wrong string) (string, string) {
		return "<!-- RSS generated by the CMS -->\n" + prologOf(wrong), ""
	}},
}

// scenarioDoc is a one-item feed with title and summary, in enc, declared as sc says.
func scenarioDoc(t testing.TB, te int, sc declScenario, wrong int, title, summary string) ([]byte, string) {
	t.Helper()
	prefix, ct := sc.doc(testEncodings[te].name, testEncodings[wrong].name)
	doc := prefix + `<rss version="2.0"><channel><title>News</title><link>https://osipovichi.gov.by/ru/</link>
<item><title>` + title + `</title><link>https://osipovichi.gov.by/ru/news-ru/view/1/</link><description>` + summary + `</description></item>
</channel></rss>`
	b, err := testEncodings[te].enc.NewEncoder().Bytes([]byte(doc))
	if err != nil {
		t.Fatalf("encode in %s: %v", testEncodings[te].name, err)
	}
	return b, ct
}

// TestDecodeScenarios: text in every encoding, declared right, wrong, late
// or not at all, comes out of decode, parse and normalise exactly.
func TestDecodeScenarios(t *testing.T) {
	texts := map[textLang][2]string{
		langRussian: {"Ёлочный базар откроется в центре Осиповичей 20 декабря",
			"Жители района смогут купить ели и сосны у лесхоза; торговля продлится до 31 декабря."},
		langBelarusian: {"У аграгарадку адбудзецца свята Гуканне вясны для ўсіх жыхароў",
			"Запрашаем дзяцей і дарослых на канцэрт, гульні і кірмаш у цэнтры вёскі."},
		langLatin: {"La commune a déclaré la fête d'été ouverte après la réunion",
			"Les élèves de l'école présentent un spectacle au théâtre municipal."},
	}
	f := subscriptions.Feed{ID: 1, URL: "https://osipovichi.gov.by/ru/rss-ru/", Section: "news"}
	for te, enc := range testEncodings {
		for _, lang := range enc.langs {
			for _, sc := range declScenarios {
				for wrong := range testEncodings {
					if wrong == te || wrong != (te+1)%len(testEncodings) && !strings.Contains(sc.name, "wrong") {
						continue // one other encoding where the declaration is right
					}
					title, summary := texts[lang][0], texts[lang][1]
					t.Run(fmt.Sprintf("%s/%d/%s/%s", enc.name, lang, sc.name, testEncodings[wrong].name), func(t *testing.T) {
						body, ct := scenarioDoc(t, te, sc, wrong, title, summary)
						p, arts, err := ParseArticles(body, ct, f.URL, f, testNow)
						if err != nil {
							t.Fatal(err)
						}
						if len(arts) != 1 || arts[0].Title != title || arts[0].Summary != summary {
							t.Fatalf("got %+v, want title %q and summary %q (read as %s)", arts, title, summary, p.Decoding)
						}
						if want := canonicalName(enc.name); p.Encoding() != want && enc.name != "utf-8" {
							t.Errorf("encoding: got %s, want %s", p.Decoding, want)
						}
					})
				}
			}
		}
	}
}

// FuzzDecodeScenarios: random headlines in Russian, Belarusian or a Latin
// language, in UTF-8, windows-1251, KOI8-R, ISO-8859-5 or ISO-8859-1,
// declared right, wrong, after a comment or not at all, come out exactly,
// without U+FFFD or mojibake.
func FuzzDecodeScenarios(f *testing.F) {
	for i := range 8 {
		f.Add(uint64(i), uint8(i), uint8(i), uint8(i), uint8(i+1), false)
	}
	feed := subscriptions.Feed{ID: 1, URL: "https://osipovichi.gov.by/ru/rss-ru/", Section: "news"}
	f.Fuzz(func(t *testing.T, seed uint64, langSel, encSel, scSel, wrongSel uint8, short bool) {
		te := int(encSel) % len(testEncodings)
		enc := testEncodings[te]
		lang := enc.langs[int(langSel)%len(enc.langs)]
		sc := declScenarios[int(scSel)%len(declScenarios)]
		wrong := int(wrongSel) % len(testEncodings)
		if wrong == te {
			wrong = (wrong + 1) % len(testEncodings)
		}
		rnd := rand.New(rand.NewPCG(seed, 0))
		minLen, maxLen := 60, 200
		if short {
			minLen, maxLen = 30, 60
		}
		title, _ := encodableHeadline(rnd, enc.enc, lang, minLen, maxLen, enc.rich)
		summary, _ := encodableHeadline(rnd, enc.enc, lang, minLen, maxLen, enc.rich)
		body, ct := scenarioDoc(t, te, sc, wrong, title, summary)
		p, arts, err := ParseArticles(body, ct, feed.URL, feed, testNow)
		if err != nil {
			t.Fatal(err)
		}
		if len(arts) != 1 || arts[0].Title != title || arts[0].Summary != summary {
			t.Fatalf("%s in %s, %s (%s): got %+v, want title %q (read as %s)", sc.name, enc.name, testEncodings[wrong].name, ct, arts, title, p.Decoding)
		}
	})
}
