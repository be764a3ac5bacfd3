package main

import (
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/internal/buildtest"
)

// The one harness of the tests that run switchd as a separate process
// (crash, nodes, guard): build it once per test, start it on a
// configuration with its output kept, kill it or stop it, and stop it
// whatever happened when the test ends.

// buildSwitchd compiles cmd/switchd into dir.
func buildSwitchd(t *testing.T, dir string) string {
	return buildtest.Command(t, "github.com/hulian/hulian/cmd/switchd", dir)
}

// switchdProc is one switchd child process.
type switchdProc struct {
	name    string
	cmd     *exec.Cmd
	started time.Time
	logPath string // its stdout and stderr: a file, so that a chatty switchd costs the test process nothing
	exited  chan struct{}
	waitErr error // set before exited is closed
}

// startSwitchd runs bin with args (its --config among them) without
// waiting for it; the process is stopped when the test ends (SIGTERM, then
// SIGKILL), and on a failed test the tail of its output is logged.
func startSwitchd(t *testing.T, bin, name string, args ...string) *switchdProc {
	t.Helper()
	p := &switchdProc{name: name, exited: make(chan struct{})}
	f, err := os.CreateTemp(t.TempDir(), "switchd-*.log")
	require.NoError(t, err)
	p.logPath = f.Name()
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stdout, p.cmd.Stderr = f, f
	p.started = time.Now()
	if err := p.cmd.Start(); err != nil {
		f.Close()
		require.NoError(t, err)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		f.Close()
		close(p.exited)
	}()
	t.Cleanup(func() { p.stop(t) })
	return p
}

// done reports whether the process has exited.
func (p *switchdProc) done() bool {
	select {
	case <-p.exited:
		return true
	default:
		return false
	}
}

// logs returns what the process wrote so far.
func (p *switchdProc) logs() string {
	b, _ := os.ReadFile(p.logPath)
	return string(b)
}

// kill ends the process with SIGKILL and waits for it (10 s at most).
func (p *switchdProc) kill(t *testing.T) {
	t.Helper()
	_ = p.cmd.Process.Kill()
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		require.FailNow(t, p.name+" survived SIGKILL")
	}
}

// terminate sends SIGTERM and returns the exit error (nil: status 0).
func (p *switchdProc) terminate(limit time.Duration) error {
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case <-p.exited:
		return p.waitErr
	case <-time.After(limit):
		return &stopError{name: p.name, limit: limit}
	}
}

type stopError struct {
	name  string
	limit time.Duration
}

func (e *stopError) Error() string {
	return e.name + " did not stop within " + e.limit.String() + " after SIGTERM"
}

// stop ends a process still running with SIGTERM, then SIGKILL; on a
// failed test it logs the tail of the process's output.
func (p *switchdProc) stop(t *testing.T) {
	if !p.done() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(10 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
	}
	if t.Failed() {
		logs := p.logs()
		if len(logs) > 8000 {
			logs = logs[len(logs)-8000:]
		}
		t.Logf("%s output (tail):\n%s", p.name, logs)
	}
}
