package tghtml

import (
	"errors"
	"html"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain", "Привет, мир", "Привет, мир"},
		{"all simple tags", "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike><del>d</del>", "bsieunskd"},
		{"spoilers", `<tg-spoiler>x</tg-spoiler><span class="tg-spoiler">y</span>`, "xy"},
		{"link", `<a href="https://example.com/?a=1&amp;b=2">link</a>`, "link"},
		{"link single quotes", `<a href='https://example.com/'>link</a>`, "link"},
		{"link unquoted token", `<a href=telegram.org>t</a>`, "t"},
		{"link without href", `<a>telegram.org</a>`, "telegram.org"},
		{"spaces in tag", `<a   href  =  "x"   > y</a >`, " y"},
		{"pre code language", `<pre><code class="language-go">x := 1</code></pre>`, "x := 1"},
		{"blockquote", `<blockquote>q</blockquote>`, "q"},
		{"expandable blockquote", `<blockquote expandable>q</blockquote>`, "q"},
		{"custom emoji", `<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>`, "👍"},
		{"uppercase tag, short close", `<B>x</>`, "x"},
		{"nested", `<b>a <i>b <u>c</u></i></b>`, "a b c"},
		{"unknown attribute ignored", `<b class="x">y</b>`, "y"},
		{"named entities", "&lt;&gt;&amp;&quot;", `<>&"`},
		{"numeric entities", "&#65;&#x42;&#1078;&#x1F600;", "ABж😀"},
		{"surrogate pair entities", "&#xD83D;&#xDE00;", "😀"},
		{"html.EscapeString output", html.EscapeString(`a<b>&"c'`), `a<b>&"c'`},
		{"lt in attribute", `<a href="x?&lt;">y</a>`, "y"},
		{"gt inside quoted attribute", `<a href="a>b">y</a>`, "y"},
		{"newlines", "a\n<b>\n</b>\n", "a\n\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("Parse(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// The messages and offsets below are those of Telegram's own parser.
func TestParseRejectsLikeTelegram(t *testing.T) {
	const p = "🏟 🏟&lt;" // 13 bytes of prefix, as in tdlib's own tests
	tests := []struct {
		in, want string
	}{
		{"0123456789ab<div>x</div>", `Unsupported start tag "div" at byte offset 12`},
		{"<br>", `Unsupported start tag "br" at byte offset 0`},
		{"a < b", `Unsupported start tag "" at byte offset 2`},
		{"x <b", `Unclosed start tag at byte offset 2`},
		{"x <", `Unclosed start tag at byte offset 2`},
		{p + "<abacaba", `Unclosed start tag at byte offset 13`},
		{p + "<abac aba>", `Unsupported start tag "abac" at byte offset 13`},
		{p + "<i   =aba>", `Empty attribute name in the tag "i" at byte offset 13`},
		{p + "<i    aba>", `Expected equal sign in declaration of an attribute of the tag "i" at byte offset 13`},
		{p + "<i    aba  =  ", `Unclosed start tag "i" at byte offset 13`},
		{p + "<i    aba  =  190azAz-.,", `Unexpected end of name token at byte offset 27`},
		{p + `<i    aba  =  "&lt;&gt;&quot;>`, `Unclosed start tag at byte offset 13`},
		{p + `<i    aba  =  '&lt;&gt;&quot;>`, `Unclosed start tag at byte offset 13`},
		{p + "</", `Unexpected end tag at byte offset 13`},
		{p + "<b></b></", `Unexpected end tag at byte offset 20`},
		{p + "<i>a</i   ", `Unclosed end tag at byte offset 17`},
		{p + "<i>a</em   >", `Unmatched end tag at byte offset 17, expected "</i>", found "</em>"`},
		{"<B>x</B>", `Unmatched end tag at byte offset 4, expected "</b>", found "</B>"`},
		{"<b>x", `Can't find end tag corresponding to start tag "b"`},
		{"<b><i>x</i>", `Can't find end tag corresponding to start tag "b"`},
		{"<b><i>x</b></i>", `Unmatched end tag at byte offset 7, expected "</i>", found "</b>"`},
		{"x</b>", `Unexpected end tag at byte offset 1`},
		{"<span>x</span>", `Tag "span" must have class "tg-spoiler" at byte offset 0`},
		{`<span class="x">x</span>`, `Tag "span" must have class "tg-spoiler" at byte offset 0`},
		{`<a href=x/>y</a>`, `Unexpected end of name token at byte offset 8`},
		{`<tg-emoji emoji-id="x">y</tg-emoji>`, `Invalid custom emoji identifier specified`},
		{"&#57311;", "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units"},
		{"&#xDFDF;", "Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			for name, parse := range map[string]func(string) (string, error){"Parse": Parse, "ParseLenient": ParseLenient} {
				got, err := parse(tt.in)
				var perr *Error
				if !errors.As(err, &perr) {
					t.Fatalf("%s(%q) = %q, %v; want *Error %q", name, tt.in, got, err, tt.want)
				}
				if perr.Msg != tt.want {
					t.Errorf("%s(%q) error %q, want %q", name, tt.in, perr.Msg, tt.want)
				}
				if full := "can't parse entities: " + tt.want; err.Error() != full {
					t.Errorf("%s(%q) Error() = %q, want %q", name, tt.in, err.Error(), full)
				}
			}
		})
	}
}

// Parse is stricter than Telegram where the documentation asks for escapes.
func TestParseStrictness(t *testing.T) {
	tests := []struct {
		in, wantStrict, wantLenient string
	}{
		{"AT&T", `Character "&" must be escaped as "&amp;" at byte offset 2`, "AT&T"},
		{"a && b", `Character "&" must be escaped as "&amp;" at byte offset 2`, "a && b"},
		{"x &", `Character "&" must be escaped as "&amp;" at byte offset 2`, "x &"},
		{"&nbsp;x", `Unsupported HTML entity "&nbsp;" at byte offset 0`, "&nbsp;x"},
		{"&lt x", `Character "&" must be escaped as "&amp;" at byte offset 0`, "< x"},
		{"&#0;", `Unsupported HTML entity "&#0;" at byte offset 0`, "&#0;"},
		{"&#12345678;", `Unsupported HTML entity "&#12345678;" at byte offset 0`, "&#12345678;"},
		{"&#X41;", `Character "&" must be escaped as "&amp;" at byte offset 0`, "&#X41;"},
		{"a > b", `Character ">" must be escaped as "&gt;" at byte offset 2`, "a > b"},
		{`<a href="?a=1&b=2">x</a>`, `Character "&" must be escaped as "&amp;" at byte offset 13`, "x"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := Parse(tt.in)
			if err == nil || err.Error() != "can't parse entities: "+tt.wantStrict {
				t.Errorf("Parse(%q) error = %v, want %q", tt.in, err, tt.wantStrict)
			}
			got, err := ParseLenient(tt.in)
			if err != nil || got != tt.wantLenient {
				t.Errorf("ParseLenient(%q) = %q, %v; want %q, nil", tt.in, got, err, tt.wantLenient)
			}
		})
	}
}

func TestParseInvalidUTF8(t *testing.T) {
	for _, in := range []string{"\xff", "ok \xc3", "<b>\xed\xa0\x80</b>"} {
		if _, err := Parse(in); !errors.Is(err, ErrNotUTF8) {
			t.Errorf("Parse(%q) error = %v, want ErrNotUTF8", in, err)
		}
	}
	if got, want := ErrNotUTF8.Error(), "text must be encoded in UTF-8"; got != want {
		t.Errorf("ErrNotUTF8 = %q, want %q", got, want)
	}
}

func TestLen(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"Привет", 6},
		{"😀", 2},
		{"a😀b", 4},
		{"➡️", 2}, // U+27A1 U+FE0F
		{"👨‍👩‍👧", 8},
		{strings.Repeat("я", 4096), 4096},
	}
	for _, tt := range tests {
		if got := Len(tt.in); got != tt.want {
			t.Errorf("Len(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "plain", "<b>x</b>", `<a href="https://e.com/?a&amp;b">l</a>`, "&lt;&#x1F600;&#1078;",
		"<pre><code class=\"language-go\">x</code></pre>", "<blockquote expandable>q</blockquote>",
		"<b><i>x</b>", "a < b", "&#xD83D;&#xDE00;", "<tg-emoji emoji-id=1>x</>", "\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		plain, err := Parse(s)
		lenient, lerr := ParseLenient(s)
		if err != nil {
			return
		}
		// Whatever Parse accepts, Telegram accepts with the same text.
		if lerr != nil || lenient != plain {
			t.Fatalf("Parse(%q) = %q but ParseLenient = %q, %v", s, plain, lenient, lerr)
		}
		if !utf8.ValidString(plain) {
			t.Fatalf("Parse(%q) returned invalid UTF-8 %q", s, plain)
		}
		// Escaping the visible text gives a document with the same text.
		again, err := Parse(html.EscapeString(plain))
		if err != nil || again != plain {
			t.Fatalf("Parse(EscapeString(%q)) = %q, %v; want %q", plain, again, err, plain)
		}
		if Len(plain) < utf8.RuneCountInString(plain) {
			t.Fatalf("Len(%q) = %d, less than its rune count", plain, Len(plain))
		}
	})
}
