package feed

import (
	"strconv"
	"strings"
	"time"
)

// Problem is what went wrong with a source, as a code that staff can be told
// in their own language (the bot words each one). Explain reads it back from
// the text of an error, as the store keeps it (subscriptions.Feed.LastError).
type Problem string

// Problems. Unknown is an error this package did not word itself (a
// database error while storing the items, say): only its text can be shown.
const (
	ProblemUnknown     Problem = ""
	ProblemNoHost      Problem = "no_host"     // the portal's name is not in the DNS
	ProblemLookup      Problem = "lookup"      // the name could not be looked up
	ProblemTimeout     Problem = "timeout"     // no answer in time
	ProblemRefused     Problem = "refused"     // the connection was refused
	ProblemUnreachable Problem = "unreachable" // no route to the portal, or no connection at all
	ProblemClosed      Problem = "closed"      // the connection was closed mid-answer
	ProblemCertificate Problem = "certificate" // the portal's TLS certificate is not valid
	ProblemStatus      Problem = "status"      // an HTTP status that is not a success (Explanation.Status)
	ProblemRedirects   Problem = "redirects"   // too many redirects
	ProblemTooLarge    Problem = "too_large"   // the body is over the size limit
	ProblemNotFeed     Problem = "not_feed"    // no feed at the address: an HTML page, an empty answer, something else
	ProblemBroken      Problem = "broken"      // a feed that cannot be read: malformed, hostile or cut off
	ProblemNoItems     Problem = "no_items"    // a listing page where no news block is found any more
	ProblemAddress     Problem = "address"     // the configured address is not a usable URL
)

// Problems lists every problem but ProblemUnknown, for the texts that word them.
var Problems = []Problem{ProblemNoHost, ProblemLookup, ProblemTimeout, ProblemRefused, ProblemUnreachable,
	ProblemClosed, ProblemCertificate, ProblemStatus, ProblemRedirects, ProblemTooLarge, ProblemNotFeed,
	ProblemBroken, ProblemNoItems, ProblemAddress}

// Explanation is an error's text taken apart: the problem, and the
// technical detail to show once after the plain words.
type Explanation struct {
	Problem Problem
	// Status is the HTTP status of ProblemStatus.
	Status int
	// RetryAfter is how long the portal asked to be left alone (its
	// Retry-After with a ProblemStatus); 0 when it did not ask.
	RetryAfter time.Duration
	// Plain is the error's own plain words (English), for ProblemUnknown.
	Plain string
	// Detail is the technical cause, "" when the problem says it all.
	Detail string
}

// problemsByWords map the start of an error's plain words (see Error and
// the constructors in errors.go, parse.go, discover.go and listing.go) to
// its problem; TestExplain builds every error and keeps this table true.
var problemsByWords = []struct {
	prefix  string
	problem Problem
}{
	{"the portal did not answer: no such host", ProblemNoHost},
	{"the portal did not answer: looking up", ProblemLookup},
	{"the portal did not answer: the name", ProblemLookup},
	{"the portal did not answer in time", ProblemTimeout},
	{"the portal did not answer: connection refused", ProblemRefused},
	{"the portal did not answer: ", ProblemUnreachable}, // "… is unreachable from here"
	{"the portal could not be reached", ProblemUnreachable},
	{"the portal closed the connection", ProblemClosed},
	{"the portal's certificate", ProblemCertificate},
	{"the portal redirected more than", ProblemRedirects},
	{"the portal answered ", ProblemStatus},
	{"the feed is larger than", ProblemTooLarge},
	{"the address is not", ProblemAddress},
	{"the portal sent an empty answer", ProblemNotFeed},
	{"the address serves no", ProblemNotFeed},
	{"the address is an HTML page", ProblemNotFeed},
	{"the feed linked from the page is itself an HTML page", ProblemNotFeed},
	{"no RSS or Atom feed link found", ProblemNotFeed},
	{"the feed ", ProblemBroken}, // nests too deep, has too many elements, was cut off, is not well-formed, could not be read
	{"no news items found", ProblemNoItems},
}

// retryAfterWords precede the Retry-After of a status in an error's text
// (see Error).
const retryAfterWords = " and asked to retry after "

// wrappers start the text of errors that name what they wrap: "read
// listing URL: …" (a listing's empty body), "the feed of PAGE: …".
var wrappers = []string{"read listing ", "the feed of "}

// Explain takes apart the text of an error of this package (its Error(),
// as Feed.LastError keeps it): "plain words (GET URL[, the feed of PAGE]:
// detail)". Text it does not recognise is ProblemUnknown with the text as
// its plain words.
func Explain(text string) Explanation {
	text = strings.TrimSpace(text)
	plain, detail := splitError(text)
	for _, wrap := range wrappers {
		if strings.HasPrefix(plain, wrap) {
			if _, rest, ok := strings.Cut(plain, ": "); ok {
				plain = rest
			}
		}
	}
	e := Explanation{Plain: plain, Detail: detail}
	for _, w := range problemsByWords {
		if strings.HasPrefix(plain, w.prefix) {
			e.Problem = w.problem
			break
		}
	}
	if e.Problem == ProblemStatus {
		code, _, _ := strings.Cut(strings.TrimPrefix(plain, "the portal answered "), " ")
		if e.Status, _ = strconv.Atoi(code); e.Status == 0 {
			e.Problem = ProblemUnknown
		}
		if _, after, ok := strings.Cut(plain, retryAfterWords); ok {
			e.RetryAfter, _ = time.ParseDuration(after)
		}
	}
	if e.Problem == ProblemUnknown {
		e.Detail = ""
	}
	return e
}

// splitError splits the text of an *Error into its plain words and its
// detail; other text is all plain words.
func splitError(text string) (plain, detail string) {
	if !strings.HasSuffix(text, ")") {
		return text, ""
	}
	for _, op := range []string{" (GET ", " (parse "} {
		i := strings.Index(text, op)
		if i < 0 {
			continue
		}
		inside := text[i+len(op) : len(text)-1] // URL[, the feed of PAGE][: detail]
		if _, d, ok := strings.Cut(inside, ": "); ok {
			detail = d
		}
		return text[:i], detail
	}
	return text, ""
}
