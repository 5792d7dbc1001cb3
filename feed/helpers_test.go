package feed

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"reflect"
	"testing"

	"github.com/osipovichi/newsbot/subscriptions"
)

// assertArticles compares article lists field by field and reports each difference.
func assertArticles(t *testing.T, got, want []subscriptions.Article) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d articles, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := reflect.ValueOf(got[i]), reflect.ValueOf(want[i])
		for f := 0; f < g.NumField(); f++ {
			if !reflect.DeepEqual(g.Field(f).Interface(), w.Field(f).Interface()) {
				t.Errorf("article %d %s: got %s, want %s", i, g.Type().Field(f).Name,
					fmt.Sprintf("%#v", g.Field(f).Interface()), fmt.Sprintf("%#v", w.Field(f).Interface()))
			}
		}
	}
}

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func subscriptionsFeed() subscriptions.Feed {
	return subscriptions.Feed{ID: 1, URL: "https://osipovichi.gov.by/", Section: "news"}
}

func readFixture(name string) ([]byte, error) { return os.ReadFile("testdata/" + name) }
