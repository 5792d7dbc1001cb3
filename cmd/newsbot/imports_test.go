package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// module is this program's module path, the prefix of its packages.
const module = "github.com/osipovichi/newsbot/"

// TestImportRules keeps the picture of ARCHITECTURE.md true: dependencies
// point inward, only delivery speaks to Telegram, only the store speaks SQL,
// the pure packages link no database driver, and the sandbox program does
// not link the testing package.
func TestImportRules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	imports := directImports(t, goTool)

	// Who may import what directly (of the module's packages and of the two
	// libraries that must stay in one room).
	const telegram = "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	only := map[string][]string{
		telegram:                         {"delivery"},
		"modernc.org/sqlite":             {"subscriptions/store"},
		"database/sql":                   {"subscriptions/store"},
		module + "subscriptions/store":   {"cmd/newsbot"},
		module + "internal/faketelegram": {"cmd/tgsandbox"}, // and tests
	}
	for lib, allowed := range only {
		for pkg, deps := range imports {
			if slices.Contains(deps, lib) && !slices.Contains(allowed, pkg) {
				t.Errorf("%s imports %s; only %v may", pkg, strings.TrimPrefix(lib, module), allowed)
			}
		}
	}

	// Inward: the domain imports none of the rooms around it, the feed reader
	// and the delivery engine know nothing of the conversation.
	never := map[string][]string{
		"subscriptions": {"bot", "delivery", "feed", "subscriptions/store", "cmd"},
		"feed":          {"bot", "delivery", "subscriptions/store", "cmd"},
		"delivery":      {"bot", "feed", "subscriptions/store", "cmd"},
		"bot":           {"subscriptions/store", "cmd"},
		"bot/render":    {"delivery", "feed", "subscriptions/store"},
		"bot/i18n":      {"delivery", "feed", "subscriptions/store"},
	}
	for pkg, rooms := range never {
		for dep := range imports {
			if !strings.HasPrefix(dep, pkg) || (dep != pkg && !strings.HasPrefix(dep, pkg+"/")) {
				continue
			}
			for _, imp := range imports[dep] {
				rel, ok := strings.CutPrefix(imp, module)
				if !ok || rel == dep {
					continue
				}
				for _, room := range rooms {
					if (rel == room || strings.HasPrefix(rel, room+"/")) && !strings.HasPrefix(rel, dep+"/") {
						t.Errorf("%s imports %s; %s must not depend on %s", dep, rel, pkg, room)
					}
				}
			}
		}
	}

	// Leaves: standalone rooms that import none of the module's packages.
	for _, leaf := range []string{"subscriptions/analyser", "delivery/pace", "bot/chart", "invite"} {
		for _, imp := range imports[leaf] {
			if rel, ok := strings.CutPrefix(imp, module); ok {
				t.Errorf("%s imports %s; it stands alone", leaf, rel)
			}
		}
		if _, ok := imports[leaf]; !ok {
			t.Errorf("package %s is gone: update ARCHITECTURE.md and this test", leaf)
		}
	}

	// Through all their dependencies: the pure packages link no database,
	// and the sandbox no testing package.
	noDatabase := []string{"database/sql", "modernc.org/sqlite"}
	deep := []struct {
		pkg       string
		forbidden []string
	}{
		{"bot/render", noDatabase},
		{"bot/i18n", noDatabase},
		{"feed", noDatabase},
		{"subscriptions", noDatabase},
		{"delivery", noDatabase},
		{"bot", noDatabase},
		{"cmd/tgsandbox", []string{"testing"}},
	}
	for _, r := range deep {
		out, err := exec.Command(goTool, "list", "-deps", module+r.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", r.pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range r.forbidden {
				if dep == f || strings.HasPrefix(dep, f+"/") {
					t.Errorf("%s links %s (through its dependencies); want it not to", r.pkg, dep)
				}
			}
		}
	}
}

// directImports lists each of the module's packages (relative to the module,
// without test files) with what it imports directly.
func directImports(t *testing.T, goTool string) map[string][]string {
	t.Helper()
	out, err := exec.Command(goTool, "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+"...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	imports := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkg := strings.TrimPrefix(f[0], module)
		imports[pkg] = f[1:]
	}
	if len(imports) < 5 {
		t.Fatalf("go list found %d packages; want the whole module", len(imports))
	}
	return imports
}
