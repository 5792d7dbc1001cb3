package delivery

import (
	"net/url"
	"slices"
	"strings"
)

// Redacted replaces a secret in logs and errors.
const Redacted = "[REDACTED]"

// Redactor finds and replaces secrets (the bot token), also in their
// URL-escaped forms: the Bot API puts the token in every request's URL, and
// the HTTP client's errors quote that URL. It is the one redactor of the
// program: the client cleans its own errors with it, and the command line
// uses it for the logger's safety net and the errors it prints. A nil
// *Redactor hides nothing.
type Redactor struct {
	secrets  []string
	replacer *strings.Replacer
}

// NewRedactor returns a Redactor for the non-empty secrets, or nil when
// there is none.
func NewRedactor(secrets ...string) *Redactor {
	var all []string
	for _, s := range secrets {
		if s == "" {
			continue
		}
		q := url.QueryEscape(s)
		all = append(all, s, q, strings.ToLower(q), url.PathEscape(s))
	}
	if len(all) == 0 {
		return nil
	}
	// Longest first, so that a secret containing another is replaced whole.
	slices.SortFunc(all, func(a, b string) int { return len(b) - len(a) })
	all = slices.Compact(all)
	pairs := make([]string, 0, 2*len(all))
	for _, s := range all {
		pairs = append(pairs, s, Redacted)
	}
	return &Redactor{secrets: all, replacer: strings.NewReplacer(pairs...)}
}

// Contains reports whether s holds a secret.
func (r *Redactor) Contains(s string) bool {
	if r == nil {
		return false
	}
	for _, sec := range r.secrets {
		if strings.Contains(s, sec) {
			return true
		}
	}
	return false
}

// Replace returns s with every secret replaced by [REDACTED].
func (r *Redactor) Replace(s string) string {
	if !r.Contains(s) {
		return s
	}
	return r.replacer.Replace(s)
}

// Error returns err itself when its text holds no secret, and otherwise an
// error whose text is redacted and which still unwraps to err, so that
// errors.Is and errors.As see through it (cancellation, timeouts, exit codes).
func (r *Redactor) Error(err error) error {
	if err == nil || !r.Contains(err.Error()) {
		return err
	}
	return &redactedError{msg: r.Replace(err.Error()), cause: err}
}

// redactedError is an error with the secrets taken out of its text. Only
// Error is ever printed; the cause is there for errors.Is and errors.As.
type redactedError struct {
	msg   string
	cause error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.cause }
