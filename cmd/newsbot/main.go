// Command newsbot is a Telegram bot that pushes the news of the Osipovichi
// District Executive Committee portal (osipovichi.gov.by) to residents.
//
// Run "newsbot help" for the commands and settings.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"

	_ "time/tzdata" // time zones for NEWSBOT_TIMEZONE in a distroless image

	"github.com/osipovichi/newsbot/delivery"
)

// Set at build time with -ldflags "-X main.version=… -X main.revision=…
// -X main.buildTime=…" (the Dockerfile sets all three). Without revision,
// the commit comes from the build info Go records in a git checkout.
var (
	version   = "dev"
	revision  = ""
	buildTime = ""
)

func main() {
	err := run(context.Background(), os.Args, os.Getenv, os.Stdout, os.Stderr)
	os.Exit(exitCode(err, os.Stderr))
}

// exitError ends the program with a given exit code and, unless msg is
// empty, one line "newsbot: msg" on stderr.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// usageErrorf returns an exit code 2 error for a bad command line or setting.
func usageErrorf(format string, args ...any) error {
	return &exitError{code: 2, msg: fmt.Sprintf(format, args...)}
}

// exitCode maps what run returned to the process exit code, printing the
// error as one line on stderr.
func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" { // err.Error(), not ee.msg: a wrapper may have redacted it
			fmt.Fprintf(stderr, "newsbot: %s\n", oneLine(err.Error()))
		}
		return ee.code
	}
	fmt.Fprintf(stderr, "newsbot: %s\n", oneLine(err.Error()))
	return 1
}

// oneLine folds a message onto one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// commands are the subcommands, in the order the help lists them, each with
// its line in the help.
var commands = []struct{ name, summary string }{
	{"run", "run the bot until SIGINT or SIGTERM (the default command)"},
	{"backup", "write a consistent copy of the database to PATH, also while the bot runs"},
	{"preview", "print the newest articles of the feeds as subscribers would read them"},
	{"invite", "write a printable poster (PNG and SVG) with a QR code that subscribes in one tap"},
	{"healthcheck", "exit 0 if the running bot's /healthz says ok or degraded (Docker's HEALTHCHECK)"},
	{"version", "print the version, the commit and when it was built"},
	{"help", "print this help, or a command's: newsbot help COMMAND"},
}

// mainUsage is the help of the program: what it is and its commands.
func mainUsage() string {
	var b strings.Builder
	b.WriteString(`newsbot pushes the news of the Osipovichi District Executive Committee
portal (osipovichi.gov.by) to Telegram.

Usage: newsbot [COMMAND] [flags] [arguments]

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-12s %s\n", c.name, c.summary)
	}
	b.WriteString(`
Every setting is an environment variable with a flag of the same meaning;
the flag wins. "newsbot COMMAND -h" lists the settings that command reads.
`)
	return b.String()
}

// isHelp reports whether arg asks for help.
func isHelp(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

// run is the whole program: it reads the command line and the environment,
// builds the logger, wires the parts and returns when they are done.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var rest []string
	if len(args) > 1 {
		rest = args[1:]
	}
	if len(rest) == 1 && isHelp(rest[0]) {
		fmt.Fprint(stdout, mainUsage())
		return nil
	}
	cmd := "run"
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		cmd, rest = rest[0], rest[1:]
	}
	switch cmd {
	case "run":
		return cmdRun(ctx, rest, getenv, stdout, stderr)
	case "backup":
		return cmdBackup(ctx, rest, getenv, stdout, stderr)
	case "preview":
		return cmdPreview(ctx, rest, getenv, stdout)
	case "invite":
		return cmdInvite(ctx, rest, getenv, stdout)
	case "healthcheck":
		return cmdHealthcheck(ctx, rest, getenv, stdout)
	case "version":
		return cmdVersion(rest, stdout)
	case "help":
		return cmdHelp(ctx, rest, getenv, stdout, stderr)
	default:
		hint := "run 'newsbot help' for the list of commands"
		names := make([]string, len(commands))
		for i, c := range commands {
			names[i] = c.name
		}
		if s := suggest(cmd, names); s != "" {
			hint = fmt.Sprintf("did you mean %q? %s", s, hint)
		}
		return usageErrorf("unknown command %q: %s", cmd, hint)
	}
}

// newFlagSet returns a flag set that prints nothing by itself: run prints
// the usage on -h and turns parse errors into one-line usage errors.
func newFlagSet(cmd string) *flag.FlagSet {
	fs := flag.NewFlagSet("newsbot "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// printUsage writes a command's usage: its header, then its flags.
func printUsage(w io.Writer, header string, fs *flag.FlagSet) {
	fmt.Fprint(w, header)
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprint(w, "\nFlags:\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
}

// parseArgs parses a command's flags (with its settings when withConfig),
// printing its usage on -h. A nil error with ok false means that the usage
// was printed and the command is done.
func parseArgs(cmd, header string, fs *flag.FlagSet, args []string, getenv func(string) string, stdout io.Writer) (cfg Config, ok bool, err error) {
	cfg, err = parseSettings(fs, args, getenv, settingsOf(cmd))
	if errors.Is(err, flag.ErrHelp) {
		printUsage(stdout, header, fs)
		return Config{}, false, nil
	}
	if err != nil {
		var ee *exitError
		if !errors.As(err, &ee) { // a flag syntax error from the flag package
			err = usageErrorf("%s: %v (see 'newsbot %s -h')", cmd, err, cmd)
		}
		return Config{}, false, err
	}
	return cfg, true, nil
}

const runUsage = `Usage: newsbot [run] [flags]

Runs the bot until SIGINT or SIGTERM: polls the feeds, sends new articles
to the subscribed chats and answers commands. TELEGRAM_BOT_TOKEN (or
TELEGRAM_BOT_TOKEN_FILE) is required.
`

func cmdRun(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("run")
	cfg, ok, err := parseArgs("run", runUsage, fs, args, getenv, stdout)
	if !ok {
		return err
	}
	if fs.NArg() > 0 {
		return usageErrorf("run: unexpected argument %q (see 'newsbot run -h')", fs.Arg(0))
	}
	if err := cfg.requireToken(); err != nil {
		return err
	}
	logger := newLogger(cfg.LogFormat, cfg.LogLevel, stderr, cfg.Token)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	return redactError(runBot(ctx, cfg, logger, stdout), cfg.Token)
}

const backupUsage = `Usage: newsbot backup [flags] PATH

Writes a consistent copy of the database (NEWSBOT_DB) to PATH. It is safe
to run while the bot runs.
`

func cmdBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("backup")
	cfg, ok, err := parseArgs("backup", backupUsage, fs, args, getenv, stdout)
	if !ok {
		return err
	}
	switch {
	case fs.NArg() == 0:
		return usageErrorf("backup: missing PATH: use 'newsbot backup PATH', e.g. newsbot backup /data/newsbot-backup.db")
	case fs.NArg() > 1:
		return usageErrorf("backup: unexpected argument %q: use 'newsbot backup [flags] PATH'", fs.Arg(1))
	case strings.TrimSpace(fs.Arg(0)) == "":
		return usageErrorf("backup: PATH is empty: use 'newsbot backup PATH'")
	}
	logger := newLogger(cfg.LogFormat, cfg.LogLevel, stderr, cfg.Token)
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	return redactError(runBackup(ctx, cfg, logger, fs.Arg(0), stdout), cfg.Token)
}

const previewUsage = `Usage: newsbot preview [flags] [-n N] [URL...]

Fetches the configured feeds (NEWSBOT_FEEDS), or the given feed URLs, and
prints their latest N articles as the bot would render them. It sends
nothing to Telegram and writes nothing to the database.
`

// maxPreview bounds preview -n.
const maxPreview = 100

func cmdPreview(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := newFlagSet("preview")
	n := fs.Int("n", 5, fmt.Sprintf("print the latest `N` articles of each feed, 1 to %d", maxPreview))
	cfg, ok, err := parseArgs("preview", previewUsage, fs, args, getenv, stdout)
	if !ok {
		return err
	}
	if *n < 1 || *n > maxPreview {
		return usageErrorf("preview -n: %d is out of range: use 1 to %d, e.g. -n 5", *n, maxPreview)
	}
	urls := fs.Args()
	for _, u := range urls {
		if err := checkHTTPURL(sourceURL(u)); err != nil {
			return usageErrorf("preview: %q is not a feed URL: %v", u, err)
		}
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	return redactError(runPreview(ctx, cfg, urls, *n, stdout), cfg.Token)
}

// checkHTTPURL reports why s is not an absolute http or https URL.
func checkHTTPURL(s string) error {
	if strings.ContainsAny(s, " \t\r\n") {
		return errors.New("it contains white space: use an absolute http or https URL")
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("use an absolute http or https URL, e.g. https://osipovichi.gov.by/ru/rss-ru/")
	}
	return nil
}

func cmdVersion(args []string, stdout io.Writer) error {
	fs := newFlagSet("version")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout, "Usage: newsbot version\n\nPrints the version of newsbot, the commit it was built from (and whether the\nworking tree had changes), the commit's time, when it was built, and the Go\nversion and platform.\n", fs)
			return nil
		}
		return usageErrorf("version: %v", err)
	}
	if fs.NArg() > 0 {
		return usageErrorf("version: unexpected argument %q", fs.Arg(0))
	}
	info, _ := debug.ReadBuildInfo()
	fmt.Fprintf(stdout, "newsbot %s\n", describeBuild(readBuild(info)))
	return nil
}

// build is what the binary knows of how it was built.
type build struct {
	version   string
	revision  string // the commit, "" when unknown
	modified  bool   // the working tree had changes
	committed string // the commit's time (RFC 3339), "" when unknown
	built     string // when the binary was built, "" when unknown
	goVersion string
	platform  string
}

// readBuild gathers the version set at build time and the VCS facts Go
// records in the binary (go build in a git checkout; none with -buildvcs=false
// or outside one); -X main.revision wins, as a Docker build has no .git.
func readBuild(info *debug.BuildInfo) build {
	b := build{version: version, revision: revision, built: buildTime, goVersion: runtime.Version(),
		platform: runtime.GOOS + "/" + runtime.GOARCH}
	if info == nil {
		return b
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			if b.revision == "" {
				b.revision = s.Value
			}
		case "vcs.time":
			b.committed = s.Value
		case "vcs.modified":
			b.modified = s.Value == "true"
		}
	}
	return b
}

// describeBuild writes a build as "1.4.2 (commit 0b3182a1c2d3, modified,
// committed 2026-12-01T02:03:20Z, built 2026-12-01T03:00:00Z; go1.26 linux/amd64)".
func describeBuild(b build) string {
	var parts []string
	if b.revision != "" {
		parts = append(parts, "commit "+shortRevision(b.revision))
		if b.modified {
			parts = append(parts, "modified")
		}
	} else {
		parts = append(parts, "commit unknown")
	}
	if b.committed != "" {
		parts = append(parts, "committed "+b.committed)
	}
	if b.built != "" {
		parts = append(parts, "built "+b.built)
	}
	return fmt.Sprintf("%s (%s; %s %s)", b.version, strings.Join(parts, ", "), b.goVersion, b.platform)
}

// shortRevision keeps the first 12 characters of a commit hash, enough to name it.
func shortRevision(r string) string {
	if len(r) > 12 {
		return r[:12]
	}
	return r
}

// versionLabel names the running version for people (/stats, /healthz): the
// version and, when known, its commit.
func versionLabel() string {
	info, _ := debug.ReadBuildInfo()
	b := readBuild(info)
	if b.revision == "" {
		return b.version
	}
	label := b.version + " (" + shortRevision(b.revision)
	if b.modified {
		label += ", modified"
	}
	return label + ")"
}

func cmdHelp(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	switch {
	case len(args) == 0 || isHelp(args[0]):
		fmt.Fprint(stdout, mainUsage())
		return nil
	case len(args) > 1:
		return usageErrorf("help: too many arguments: use 'newsbot help [command]'")
	case args[0] == "help":
		fmt.Fprint(stdout, mainUsage())
		return nil
	}
	for _, c := range commands {
		if c.name == args[0] {
			return run(ctx, []string{"newsbot", c.name, "-h"}, getenv, stdout, stderr)
		}
	}
	return run(ctx, []string{"newsbot", args[0]}, getenv, stdout, stderr) // the unknown-command error
}

// suggest returns the command closest to s, if it is close enough to be a typo.
func suggest(s string, cmds []string) string {
	best, bestD := "", 3
	for _, c := range cmds {
		if d := editDistance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// permissionHint adds to an error of opening the database at path what an
// operator does about a directory the bot's user may not write in: most
// often a bind mount on the image's /data owned by root.
func permissionHint(err error, path string) error {
	if !errors.Is(err, fs.ErrPermission) {
		return err
	}
	uid, dir := os.Getuid(), filepath.Dir(path)
	return fmt.Errorf("%w: the bot runs as user %d and must be able to write in %s: chown %d:%d %s "+
		"(for a Docker bind mount, on the host directory), or run the container with --user set to its owner (see README, Docker)",
		err, uid, dir, uid, os.Getgid(), dir)
}

// redactError hides secrets in err's text, keeping err for errors.Is and As.
func redactError(err error, secrets ...string) error {
	return delivery.NewRedactor(secrets...).Error(err)
}
