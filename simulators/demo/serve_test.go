package demo

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/internal/buildtest"
	"github.com/hulian/hulian/switch/logtest"
)

// TestDemoServeTryCommands: with --serve the demo prints paysim acquirer
// and paysim load commands to try; each, run as printed against the
// served demo (the load for 1 s instead of 10), is answered as the demo's
// own transactions are: approvals, and only the declines the accounts file
// makes (51), never a format error (30) or an unknown card (14).
func TestDemoServeTryCommands(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("builds and runs switchd")
	}
	bin := buildSwitchd(t, t.TempDir())
	paysim := buildtest.Command(t, "github.com/hulian/hulian/cmd/paysim", t.TempDir())
	dir := t.TempDir()
	cfg := exampleOnFreePorts(t, dir)
	args := append([]string{"--switchd", bin, "--config", cfg, "--log", filepath.Join(dir, "switchd.log"), "--count", "40", "--serve"},
		demoFilesCard(filepath.Join(dir, "report"), readerInProcess, "pboc-rsa")...)
	ctx, cancel := context.WithCancel(context.Background())
	out, errOut := &logtest.Buffer{}, &logtest.Buffer{}
	done := make(chan error, 1)
	go func() { done <- Run(ctx, args, out, errOut) }()
	defer func() {
		cancel()
		select {
		case err := <-done:
			assert.NoError(t, err, "the served demo stops cleanly: %s", errOut.String())
		case <-time.After(30 * time.Second):
			t.Error("the served demo did not stop")
		}
	}()
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "serving until SIGINT") },
		90*time.Second, 100*time.Millisecond, "the demo never served:\n%s\n%s", out.String(), errOut.String())

	var tries []string
	for _, line := range strings.Split(out.String(), "\n") {
		if l := strings.TrimSpace(line); strings.HasPrefix(l, "paysim acquirer ") || strings.HasPrefix(l, "paysim load ") {
			tries = append(tries, l)
		}
	}
	require.Len(t, tries, 2, "one acquirer and one load command for the hl87a listener:\n%s", out.String())
	code := regexp.MustCompile(`code=(\d\d)`)
	codes := regexp.MustCompile(`codes=\[([^\]]*)\]`)
	for _, cmd := range tries {
		fields := strings.Fields(strings.Replace(cmd, "--duration 10s", "--duration 1s", 1))
		cctx, ccancel := context.WithTimeout(ctx, 60*time.Second)
		var stdout, stderr strings.Builder
		c := exec.CommandContext(cctx, paysim, fields[1:]...) // as printed, from this directory
		c.Stdout, c.Stderr = &stdout, &stderr
		err := c.Run()
		ccancel()
		require.NoError(t, err, "%s\n%s\n%s", cmd, stdout.String(), stderr.String())
		if fields[1] == "acquirer" {
			got := code.FindAllStringSubmatch(stdout.String(), -1)
			require.Len(t, got, 10, stdout.String())
			for _, m := range got {
				assert.Equal(t, "00", m[1], "%s\n%s", cmd, stdout.String())
			}
			continue
		}
		m := codes.FindStringSubmatch(stdout.String() + stderr.String())
		require.NotNil(t, m, stdout.String())
		assert.Contains(t, m[1], "00:", "approvals")
		for _, c := range strings.Split(m[1], ",") {
			rc, _, _ := strings.Cut(c, ":")
			assert.Contains(t, []string{"00", "51"}, rc, "%s: %s", cmd, m[1])
		}
	}
}
