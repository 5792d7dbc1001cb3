package feed

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
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

func TestDecode(t *testing.T) {
	cp1251 := func(s string) []byte {
		b, err := charmap.Windows1251.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name        string
		body        []byte
		contentType string
		want        string
		encoding    string
		source      string
	}{
		{"bom wins over prolog", append([]byte("\xef\xbb\xbf"), `<?xml version="1.0" encoding="windows-1251"?><a>Новости</a>`...), "",
			`<?xml version="1.0" encoding="UTF-8"?><a>Новости</a>`, "utf-8", SourceBOM},
		{"prolog wins over header", cp1251(`<?xml version='1.0' encoding='WINDOWS-1251'?><a>Новости</a>`), "text/xml; charset=utf-8",
			`<?xml version='1.0' encoding='UTF-8'?><a>Новости</a>`, "windows-1251", SourceProlog},
		{"header when no prolog", cp1251(`<a>Новости</a>`), "application/rss+xml; charset=cp1251",
			`<a>Новости</a>`, "windows-1251", SourceHeader},
		{"header when prolog has no encoding", cp1251(`<?xml version="1.0"?><a>Новости</a>`), `text/xml; charset="windows-1251"`,
			`<?xml version="1.0"?><a>Новости</a>`, "windows-1251", SourceHeader},
		{"sloppy header", cp1251(`<a>Новости</a>`), "text/xml; charset=windows-1251;;",
			`<a>Новости</a>`, "windows-1251", SourceHeader},
		{"unknown prolog label falls back to header", cp1251(`<?xml version="1.0" encoding="x-bogus"?><a>Новости</a>`), "text/xml; charset=windows-1251",
			`<?xml version="1.0" encoding="UTF-8"?><a>Новости</a>`, "windows-1251", SourceHeader},
		{"html meta", cp1251(`<html><head><meta charset="windows-1251"><title>Новости</title>`), "text/html",
			`<html><head><meta charset="windows-1251"><title>Новости</title>`, "windows-1251", SourceMeta},
		{"default utf-8", []byte(`<a>Новости</a>`), "", `<a>Новости</a>`, "utf-8", SourceDefault},
		{"invalid utf-8 replaced", []byte("<a>Нов\xff\xfeости</a>"), "text/xml; charset=utf-8", "<a>Нов\uFFFDости</a>", "utf-8", SourceHeader},
		{"utf-16 label without bom ignored", []byte(`<?xml version="1.0" encoding="UTF-16"?><a>x</a>`), "",
			`<?xml version="1.0" encoding="UTF-8"?><a>x</a>`, "utf-8", SourceDefault},
		{"utf-16le bom", []byte("\xff\xfe<\x00a\x00>\x00\x1d\x04<\x00/\x00a\x00>\x00"), "", "<a>Н</a>", "utf-16le", SourceBOM},
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
		})
	}
}
