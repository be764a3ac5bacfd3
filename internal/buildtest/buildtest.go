// Package buildtest compiles the project's commands for the tests that run
// them as separate processes (switchd's crash, nodes and guard tests, the
// demo, cardcert's signal test): Command builds one into a test's
// directory.
package buildtest

import (
	"os/exec"
	"path"
	"path/filepath"
	"testing"
)

// Command compiles the main package importPath (e.g.
// "github.com/hulian/hulian/cmd/switchd") into dir and returns the binary's
// path; a build failure fails the test with the compiler's output.
func Command(t testing.TB, importPath, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, path.Base(importPath))
	out, err := exec.Command("go", "build", "-o", bin, importPath).CombinedOutput()
	if err != nil {
		t.Fatalf("go build %s: %v\n%s", importPath, err, out)
	}
	return bin
}
