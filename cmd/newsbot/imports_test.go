package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportRules keeps the dependency picture true: the pure packages
// (the renderer, the feed reader, the domain) link no database driver.
func TestImportRules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH")
	}
	const module = "github.com/osipovichi/newsbot/"
	forbidden := []string{"database/sql", "modernc.org/sqlite"}
	for _, pkg := range []string{"bot/render", "feed", "subscriptions"} {
		out, err := exec.Command(goTool, "list", "-deps", module+pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range forbidden {
				if dep == f || strings.HasPrefix(dep, f+"/") {
					t.Errorf("%s imports %s (through its dependencies); want no database driver there", pkg, dep)
				}
			}
		}
	}
}
