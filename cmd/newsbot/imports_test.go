package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportRules keeps the dependency picture true: the pure packages
// (the renderer, the feed reader, the domain) link no database driver, and
// the sandbox program does not link the testing package.
func TestImportRules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	const module = "github.com/osipovichi/newsbot/"
	noDatabase := []string{"database/sql", "modernc.org/sqlite"}
	rules := []struct {
		pkg       string
		forbidden []string
	}{
		{"bot/render", noDatabase},
		{"feed", noDatabase},
		{"subscriptions", noDatabase},
		{"cmd/tgsandbox", []string{"testing"}},
	}
	for _, r := range rules {
		out, err := exec.Command(goTool, "list", "-deps", module+r.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", r.pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range r.forbidden {
				if dep == f || strings.HasPrefix(dep, f+"/") {
					t.Errorf("%s imports %s (through its dependencies); want it not to", r.pkg, dep)
				}
			}
		}
	}
}
