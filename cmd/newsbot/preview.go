package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/osipovichi/newsbot/bot/i18n"
	"github.com/osipovichi/newsbot/bot/render"
	"github.com/osipovichi/newsbot/feed"
	"github.com/osipovichi/newsbot/subscriptions"
)

// runPreview fetches the configured feeds (or urls) once, without Telegram
// and without the database, and prints the newest n articles as a
// subscriber would read them, then what an operator needs to judge the feed.
func runPreview(ctx context.Context, cfg Config, urls []string, n int, stdout io.Writer) error {
	cfgs := cfg.Feeds
	if len(urls) > 0 {
		cfgs = nil
		for _, u := range urls {
			u, kind := splitSourceKind(u) // html:URL reads a listing page
			cfgs = append(cfgs, subscriptions.FeedConfig{Section: "news", URL: u, Kind: kind})
		}
	}
	fetcher := feed.NewFetcher(feed.FetcherOptions{Version: version, ContactURL: cfg.ContactURL, Scope: cfg.fetchScope(cfgs)})
	results := feed.PreviewWith(ctx, fetcher, cfgs, time.Now(), feed.PreviewOptions{Location: cfg.Timezone, Selectors: cfg.ListingSelectors})
	failed := 0
	for _, r := range results {
		c := r.Config
		label := c.Section
		if r.VersionOf != "" {
			label += "/" + c.Language
		}
		fmt.Fprintf(stdout, "=== %s  %s\n", label, sourceString(c))
		if r.VersionOf != "" {
			fmt.Fprintf(stdout, "(the %s version of %s)\n", c.Language, r.VersionOf)
		}
		if r.Err != nil {
			failed++
			fmt.Fprintf(stdout, "ERROR: %v\n\n", r.Err)
			continue
		}
		lang := i18n.Pick(cfg.Lang, r.Language) // the section's language, configured or guessed from the URL
		for j, a := range r.Articles {
			if j == n {
				break
			}
			m := render.Article(a, render.Options{Lang: lang, Loc: cfg.Timezone, WithPhoto: true, Sections: i18n.NewSections(cfg.SectionNames)})
			fmt.Fprintf(stdout, "--- article %d of %d\n", j+1, len(r.Articles))
			if m.Photo != "" {
				fmt.Fprintf(stdout, "[photo: %s]\n", m.Photo)
			}
			fmt.Fprintln(stdout, strings.TrimRight(m.Plain(), "\n"))
		}
		fmt.Fprintln(stdout, "--- diagnostics")
		diag := [][2]string{
			{"final URL", r.FinalURL},
			{"discovered feed", r.DiscoveredURL},
			{"read as", r.ReadAs},
			{"HTTP status", fmt.Sprint(r.Status)},
			{"content type", r.ContentType},
			{"encoding", r.Encoding},
		}
		for _, e := range r.Evidence { // what the encoding was decided from
			diag = append(diag, [2]string{"  " + e.Source, e.Finding()})
		}
		for _, v := range r.Versions { // the page's feeds, one per language
			diag = append(diag, [2]string{"  version " + v.Language, v.URL + " (language from " + v.Hint + ")"})
		}
		diag = append(diag, [][2]string{
			{"repairs", r.Recovery.String()},
			{"language", r.Language},
			{"ETag", r.ETag},
			{"Last-Modified", r.LastModified},
			{"items", fmt.Sprint(r.Items)},
			{"items without GUID", fmt.Sprint(r.NoGUID)},
			{"items without link", fmt.Sprint(r.NoLink)},
			{"items without date", fmt.Sprint(r.NoDate)},
		}...)
		if r.ItemSelector != "" { // a listing: keys are links, not GUIDs
			diag[len(diag)-3] = [2]string{"item selector", r.ItemSelector}
		}
		for _, d := range diag {
			if d[1] == "" {
				d[1] = "(none)"
			}
			fmt.Fprintf(stdout, "%-20s %s\n", d[0]+":", d[1])
		}
		fmt.Fprintln(stdout)
	}
	if failed > 0 {
		return fmt.Errorf("preview: %d of %d feeds cannot be used (see ERROR above)", failed, len(results))
	}
	return nil
}
