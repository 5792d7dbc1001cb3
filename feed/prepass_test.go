package feed

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"runtime"
	rtmetrics "runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	"github.com/osipovichi/newsbot/subscriptions"
)

const (
	rssHead = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<rss version="2.0"><channel><title>Новости</title><link>https://osipovichi.gov.by/ru/</link>`
	item1   = `<item><title>Первая новость</title><link>https://osipovichi.gov.by/ru/news-ru/view/1/</link><description><![CDATA[<p>Текст первой.</p>]]></description></item>`
	item2   = `<item><title>Вторая новость</title><link>https://osipovichi.gov.by/ru/news-ru/view/2/</link><description>Текст второй.</description></item>`
	rssTail = `</channel></rss>`
)

// nested is n nested elements in a foreign namespace, as in issue 16's hostile feed.
func nested(n int) string {
	return `<a xmlns="urn:x">` + strings.Repeat("<a>", n-1) + strings.Repeat("</a>", n)
}

func TestPrepareXML(t *testing.T) {
	whole := rssHead + item1 + item2 + rssTail
	tests := []struct {
		name string
		in   string
		want string // "" when the document must come out unchanged
		rec  Recovery
		err  error
	}{
		{name: "a whole feed is untouched", in: whole},
		{name: "final end tag missing", in: rssHead + item1 + item2 + "</channel>",
			want: rssHead + item1 + item2 + "</channel></rss>", rec: Recovery{Truncated: true}},
		{name: "last > missing", in: rssHead + item1 + item2 + "</channel></rss",
			want: rssHead + item1 + item2 + "</channel></rss>", rec: Recovery{Truncated: true}},
		{name: "cut inside the last item", in: rssHead + item1 + item2[:40],
			want: rssHead + item1 + "</channel></rss>", rec: Recovery{Truncated: true, DroppedItem: true}},
		{name: "cut inside a CDATA section", in: rssHead + item1 + strings.Replace(item1, "первой", "третьей", 1)[:120],
			want: rssHead + item1 + "</channel></rss>", rec: Recovery{Truncated: true, DroppedItem: true}},
		{name: "cut inside an attribute", in: rssHead + item1 + `<item><enclosure url="https://osipovichi.gov.by/fi`,
			want: rssHead + item1 + "</channel></rss>", rec: Recovery{Truncated: true, DroppedItem: true}},
		{name: "cut inside a start tag of an item", in: rssHead + item1 + "\n<ite",
			want: rssHead + item1 + "</channel></rss>", rec: Recovery{Truncated: true}},
		{name: "cut before the first item", in: rssHead + item1[:30], err: ErrTruncated},
		{name: "atom entry cut", in: `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>1</id><title>a</title></entry><entry><id>2</id><ti`,
			want: `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><entry><id>1</id><title>a</title></entry></feed>`,
			rec:  Recovery{Truncated: true, DroppedItem: true}},
		{name: "rss 1.0 item cut", in: `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>t</title></channel><item rdf:about="1"><title>a</title></item><item rdf:about="2">`,
			want: `<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>t</title></channel><item rdf:about="1"><title>a</title></item></rdf:RDF>`,
			rec:  Recovery{Truncated: true, DroppedItem: true}},
		{name: "a document that is not a feed is left to the parser", in: "<html><body><p>cut"},
		{name: "illegal characters removed", in: rssHead + `<item><title>Звонок&#x7; и&#7;` + "\x07\x00" + `<![CDATA[ текст` + "\x1b" + `]]></title><link>https://x/?a=1&#x1;</link><guid a="&#x8;` + "\x01" + `">1</guid><description>&#xFFFE;&#x41;&#1085;&#x1F600;` + "\uFFFF" + `</description></item>` + rssTail,
			want: rssHead + `<item><title>Звонок и<![CDATA[ текст]]></title><link>https://x/?a=1</link><guid a="">1</guid><description>&#x41;&#1085;&#x1F600;</description></item>` + rssTail,
			rec:  Recovery{IllegalChars: 10}},
		{name: "a prolog after a comment becomes the only prolog", in: "<!-- made by the CMS -->\n" + whole,
			want: xmlProlog + whole[len(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"):]},
		{name: "stray text and a doctype before the root dropped", in: "Warning: stale cache\n<!DOCTYPE rss [<!ENTITY a \"b\">]>\n<rss version=\"2.0\"><channel></channel></rss>",
			want: xmlProlog + "<rss version=\"2.0\"><channel></channel></rss>"},
		{name: "a second xml declaration dropped", in: rssHead + `<?xml version="1.0" encoding="koi8-r"?>` + item1 + rssTail, want: rssHead + item1 + rssTail},
		{name: "nesting at the limit", in: rssHead + "<item>" + nested(MaxDepth-3) + "</item>" + rssTail},
		{name: "nesting beyond the limit", in: rssHead + "<item>" + nested(MaxDepth-2) + "</item>" + rssTail, err: ErrTooDeep},
		{name: "self-closing elements do not nest", in: rssHead + "<item>" + strings.Repeat("<a/>", 1000) + "</item>" + rssTail},
		{name: "too many elements", in: rssHead + "<item>" + strings.Repeat("<a/>", MaxNodes) + "</item>" + rssTail, err: ErrTooManyNodes},
		{name: "attributes count", in: rssHead + "<item>" + strings.Repeat(`<a b="1" c='2'/>`, MaxNodes/3) + "</item>" + rssTail, err: ErrTooManyNodes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := []byte(tt.in)
			out, rec, err := prepareXML(in)
			if !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) {
				t.Fatalf("error: got %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			want := tt.want
			if want == "" {
				want = tt.in
				if len(out) > 0 && &out[0] != &in[0] {
					t.Errorf("an unchanged document was copied")
				}
			}
			if string(out) != want {
				t.Errorf("got\n%q\nwant\n%q", out, want)
			}
			if rec != tt.rec {
				t.Errorf("recovery: got %+v, want %+v", rec, tt.rec)
			}
		})
	}
}

// TestRecoveredFeeds goes the whole way: a truncated feed gives its complete
// items, and an illegal character in one item costs nothing.
func TestRecoveredFeeds(t *testing.T) {
	f := subscriptions.Feed{ID: 1, URL: "https://osipovichi.gov.by/ru/rss-ru/", Section: "news"}
	cut := []byte(rssHead + item1 + item2[:60])
	p, arts, err := ParseArticles(cut, "application/rss+xml", f.URL, f, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(arts) != 1 || arts[0].Title != "Первая новость" || !p.Recovery.Truncated || !p.Recovery.DroppedItem {
		t.Errorf("truncated feed: got %d articles (%+v), recovery %+v; want the first one, truncated", len(arts), arts, p.Recovery)
	}
	if want := "truncated: the document was cut off; the complete items before the cut were read, the item cut in the middle was dropped"; p.Recovery.String() != want {
		t.Errorf("recovery: got %q, want %q", p.Recovery, want)
	}

	bell := []byte(rssHead + strings.Replace(item1, "Первая", "Первая&#x7;", 1) + item2 + rssTail)
	p, arts, err = ParseArticles(bell, "application/rss+xml", f.URL, f, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(arts) != 2 || arts[0].Title != "Первая новость" || p.Recovery.IllegalChars != 1 || p.Recovery.Truncated {
		t.Errorf("illegal character: got %+v, recovery %+v; want both items", arts, p.Recovery)
	}

	// Issue 16: 2,000,000 nested elements in a foreign namespace, 6 MB.
	hostile := []byte(rssHead + "<item><title>x</title><a xmlns=\"urn:x\">" + strings.Repeat("<a>", 2_000_000) + "</item>" + rssTail)
	_, _, err = ParseArticles(hostile, "application/rss+xml", f.URL, f, testNow)
	if !errors.Is(err, ErrTooDeep) {
		t.Fatalf("hostile feed: got %v, want ErrTooDeep", err)
	}
	if want := "the feed nests elements more than 256 levels deep, which no real feed does; it was not read, to protect the bot (parse " + f.URL + ")"; err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
}

// FuzzPrepareXML builds nested and wide documents around arbitrary bytes,
// cut anywhere, under small limits: nothing panics, the limits hold, what
// is accepted parses, and titles are clean.
func FuzzPrepareXML(f *testing.F) {
	f.Add([]byte("текст"), uint16(3), uint16(4), uint16(0), true)
	f.Add([]byte("<![CDATA[x"), uint16(20), uint16(0), uint16(90), false)
	f.Add([]byte("&#x7;\x00<b a='&#1;'>"), uint16(0), uint16(600), uint16(0), true)
	f.Add([]byte("</channel></rss"), uint16(1), uint16(1), uint16(150), false)
	f.Add([]byte("<?xml version='1.0' encoding='koi8-r'?>"), uint16(2), uint16(2), uint16(0), true)
	const maxDepth, maxNodes = 16, 500
	feed := subscriptions.Feed{ID: 1, URL: "https://osipovichi.gov.by/ru/rss-ru/", Section: "news"}
	f.Fuzz(func(t *testing.T, data []byte, depth, width, cut uint16, atom bool) {
		var b bytes.Buffer
		head, open, close, tail := rssHead, "<item><title>", "</title>", "</item>"+rssTail
		if atom {
			head, open, tail = `<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>`, "<entry><title>", "</entry></feed>"
		}
		b.WriteString(head + open + "Заголовок")
		b.Write(data)
		b.WriteString(close)
		d := int(depth % 40)
		b.WriteString(strings.Repeat(`<x:a xmlns:x="urn:x">`, d))
		b.WriteString(strings.Repeat(`<w v="1"/>`, int(width%700)))
		b.WriteString(strings.Repeat(`</x:a>`, d))
		b.WriteString(tail)
		doc := b.Bytes()
		if cut > 0 {
			doc = doc[:int(cut)%len(doc)]
		}

		out, rec, err := prepareXMLWithin(doc, maxDepth, maxNodes)
		if err != nil {
			return
		}
		// Whatever is accepted stays within the limits.
		if got := maxOpenDepth(out); got > maxDepth {
			t.Fatalf("accepted a document %d levels deep", got)
		}
		if rec.Truncated && !bytes.HasSuffix(out, []byte(">")) {
			t.Fatalf("a recovered document does not end in a tag: %q", out)
		}
		p := &Parsed{FetchURL: feed.URL}
		if fp, _, err := parseFeed(out); err == nil {
			p.Feed = fp
			for _, a := range Normalise(p, feed, testNow) {
				checkText(t, "title", a.Title, false)
			}
		}
	})
}

// maxOpenDepth is the deepest nesting the XML decoder gofeed uses sees in b
// (not strict, as gofeed's), as far as it can read.
func maxOpenDepth(b []byte) int {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = false
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	depth, deepest := 0, 0
	for {
		tok, err := d.Token()
		if err != nil {
			return deepest
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
			deepest = max(deepest, depth)
		case xml.EndElement:
			depth--
		}
	}
}

// TestNoControlCharacters: the recovered text holds no control characters.
func TestNoControlCharacters(t *testing.T) {
	out, _, err := prepareXML([]byte(rssHead + "<item><title>a\x01b&#x2;c</title></item>" + rssTail))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range string(out) {
		if unicode.IsControl(r) && r != '\n' {
			t.Errorf("control character %U left in %q", r, out)
		}
	}
}

// hostileFeeds are documents of up to 10 MiB built to exhaust a parser, and
// the largest a feed may be within the limits.
func hostileFeeds() []struct {
	name string
	doc  []byte
	err  error
} {
	item := func(s string) []byte { return []byte(rssHead + "<item><title>x</title>" + s + "</item>" + rssTail) }
	const tenMiB = 10 << 20
	return []struct {
		name string
		doc  []byte
		err  error
	}{
		{"nested-2M-6MB", item(`<a xmlns="urn:x">` + strings.Repeat("<a>", 2_000_000)), ErrTooDeep},
		{"nested-10MiB", item(`<a xmlns="urn:x">` + strings.Repeat("<a>", tenMiB/3)), ErrTooDeep},
		{"wide-10MiB", item(`<a xmlns="urn:x">` + strings.Repeat("<a/>", tenMiB/4) + "</a>"), ErrTooManyNodes},
		{"attributes-10MiB", item(`<a xmlns="urn:x" ` + strings.Repeat(`b="" `, tenMiB/5) + "/>"), ErrTooManyNodes},
		{"deepest-accepted", item(nested(MaxDepth - 3)), nil},
		{"widest-accepted", item(`<a xmlns="urn:x">` + strings.Repeat("<a/>", MaxNodes-10) + "</a>"), nil},
	}
}

// BenchmarkHostileFeed parses each hostile document the whole way (decode,
// pre-pass, gofeed, normalise); B/op is what it allocates, peak-heap-MB the
// most heap in use during one parse beyond what was in use before (the
// document itself aside), sampled every 100 µs.
func BenchmarkHostileFeed(b *testing.B) {
	f := subscriptions.Feed{ID: 1, URL: "https://osipovichi.gov.by/ru/rss-ru/", Section: "news"}
	for _, h := range hostileFeeds() {
		b.Run(h.name, func(b *testing.B) {
			parse := func() {
				if _, _, err := ParseArticles(h.doc, "application/rss+xml", f.URL, f, testNow); !errors.Is(err, h.err) || (err == nil) != (h.err == nil) {
					b.Fatalf("got %v, want %v", err, h.err)
				}
			}
			b.SetBytes(int64(len(h.doc)))
			b.ReportAllocs()
			for b.Loop() {
				parse()
			}
			b.StopTimer()
			b.ReportMetric(float64(peakHeap(parse))/1e6, "peak-heap-MB")
		})
	}
}

// peakHeap runs fn and returns the most heap memory in use while it ran,
// beyond what was in use before.
func peakHeap(fn func()) uint64 {
	sample := []rtmetrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		rtmetrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	runtime.GC()
	base := read()
	var peak atomic.Uint64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(100 * time.Microsecond)
		defer tick.Stop()
		for {
			if v := read(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	close(done)
	<-sampled
	if p := peak.Load(); p > base {
		return p - base
	}
	return 0
}
