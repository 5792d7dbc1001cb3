package main

import (
	"os"
	"strings"
	"testing"
)

// TestDockerfileMatchesREADME keeps the commands in the Dockerfile's header
// the ones the README shows, word for word.
func TestDockerfileMatchesREADME(t *testing.T) {
	dockerfile, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	// Commands are compared with their line continuations and indentation folded.
	fold := func(s string) string { return strings.Join(strings.Fields(strings.ReplaceAll(s, "\\\n", " ")), " ") }
	var header []string
	for _, line := range strings.Split(string(dockerfile), "\n") {
		if !strings.HasPrefix(line, "#") {
			break
		}
		header = append(header, strings.TrimPrefix(strings.TrimPrefix(line, "#"), " "))
	}
	commands := map[string]string{}
	for i := 0; i < len(header); i++ {
		label, cmd, ok := strings.Cut(header[i], ":")
		if !ok || (label != "Build" && label != "Run") {
			continue
		}
		for strings.HasSuffix(cmd, "\\") && i+1 < len(header) {
			i++
			cmd += "\n" + header[i]
		}
		commands[label] = fold(cmd)
	}
	if len(commands) != 2 {
		t.Fatalf("the Dockerfile's header has %d commands (%v), want Build and Run", len(commands), commands)
	}
	text := fold(string(readme))
	for label, cmd := range commands {
		if !strings.Contains(text, cmd) {
			t.Errorf("the Dockerfile's %s command is not in the README:\n%s", label, cmd)
		}
	}
	if strings.Contains(string(dockerfile), "/run/secrets/") && !strings.Contains(string(dockerfile), "secrets:") {
		t.Errorf("the Dockerfile names a secret file that nothing mounts")
	}
}
