package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/hulian/hulian/switch/config"
)

// Limits of the switchd child process.
const (
	readyTimeout = 20 * time.Second
	stopTimeout  = 20 * time.Second
	pollEvery    = 100 * time.Millisecond
	logTailLines = 20
	httpTimeout  = 2 * time.Second
)

// child is the switchd process started by the demo.
type child struct {
	cmd     *exec.Cmd
	logPath string
	logFile *os.File
	exited  chan struct{} // closed when Wait returned
	waitErr error         // valid after exited is closed
	started time.Time
}

// startSwitchd runs bin --config cfgPath --log-level warn with stdout and
// stderr appended to a fresh log file at logPath.
func startSwitchd(bin, cfgPath, logPath string) (*child, error) {
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return nil, fmt.Errorf("switchd log: %w", err)
	}
	f, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("switchd log: %w", err)
	}
	cmd := exec.Command(bin, "--config", cfgPath, "--log-level", "warn")
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("start switchd: %w", err)
	}
	c := &child{cmd: cmd, logPath: logPath, logFile: f, exited: make(chan struct{}), started: time.Now()}
	go func() {
		c.waitErr = cmd.Wait()
		f.Close()
		close(c.exited)
	}()
	return c, nil
}

// running reports whether the process has not exited yet.
func (c *child) running() bool {
	select {
	case <-c.exited:
		return false
	default:
		return true
	}
}

// stop sends SIGTERM and waits up to stopTimeout; past it the process is
// killed. It returns nil only for a clean exit (status 0).
func (c *child) stop() error {
	if c.running() {
		if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil && c.running() {
			return fmt.Errorf("signal switchd: %w", err)
		}
	}
	select {
	case <-c.exited:
		return c.waitErr
	case <-time.After(stopTimeout):
		_ = c.cmd.Process.Kill()
		<-c.exited
		return fmt.Errorf("switchd did not stop within %s after SIGTERM: killed", stopTimeout)
	}
}

// logTail returns the last lines of the switchd log, indented.
func (c *child) logTail() string {
	data, err := os.ReadFile(c.logPath)
	if err != nil {
		return "  (log unreadable: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > logTailLines {
		lines = lines[len(lines)-logTailLines:]
	}
	if len(lines) == 1 && lines[0] == "" {
		return "  (log is empty)"
	}
	return "  " + strings.Join(lines, "\n  ")
}

// failure wraps err with the log tail so the reason switchd gave is shown.
func (c *child) failure(err error) error {
	return fmt.Errorf("%w\nlast lines of %s:\n%s", err, c.logPath, c.logTail())
}

// switchStatus is the part of the admin /status JSON the demo reads.
type switchStatus struct {
	Institutions []struct {
		ID    string `json:"id"`
		Links []struct {
			Direction string `json:"direction"`
			State     string `json:"state"`
		} `json:"links"`
	} `json:"institutions"`
}

// waitIssuersSignedOn polls /status until every issuer institution has
// all its outbound links (addresses x connections) signed on. It returns
// how many links that is.
func waitIssuersSignedOn(ctx context.Context, c *child, cfg *config.Config) (int, error) {
	want := make(map[string]int)
	total := 0
	for i := range cfg.Institutions {
		if in := &cfg.Institutions[i]; isIssuer(in) {
			want[in.ID] = len(in.Outbound.Addresses) * in.Outbound.Connections
			total += want[in.ID]
		}
	}
	url := "http://" + cfg.Admin.Address + "/status"
	hc := &http.Client{Timeout: httpTimeout}
	deadline := time.Now().Add(readyTimeout)
	lastProblem := "admin port not answering"
	for {
		if !c.running() {
			return 0, c.failure(fmt.Errorf("switchd exited before its issuer links were up: %v", c.waitErr))
		}
		if st, err := fetchStatus(ctx, hc, url); err != nil {
			lastProblem = err.Error()
		} else if p := missingLinks(st, want); p != "" {
			lastProblem = p
		} else {
			return total, nil
		}
		if time.Now().After(deadline) {
			return 0, c.failure(fmt.Errorf("issuer links not signed on within %s: %s", readyTimeout, lastProblem))
		}
		if err := sleepCtx(ctx, pollEvery); err != nil {
			return 0, err
		}
	}
}

// missingLinks describes the first institution short of signed-on links,
// or returns "" when none is.
func missingLinks(st *switchStatus, want map[string]int) string {
	got := make(map[string]int)
	for _, in := range st.Institutions {
		for _, l := range in.Links {
			if l.Direction == "outbound" && l.State == "signed_on" {
				got[in.ID]++
			}
		}
	}
	for id, n := range want {
		if got[id] < n {
			return fmt.Sprintf("issuer %s has %d of %d outbound links signed on", id, got[id], n)
		}
	}
	return ""
}

func fetchStatus(ctx context.Context, hc *http.Client, url string) (*switchStatus, error) {
	body, err := httpGet(ctx, hc, url)
	if err != nil {
		return nil, err
	}
	var st switchStatus
	if err := json.Unmarshal(body, &st); err != nil {
		return nil, fmt.Errorf("/status: %w", err)
	}
	return &st, nil
}

// httpGet returns the body of a 200 answer (at most 4 MiB).
func httpGet(ctx context.Context, hc *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %s: %s", url, resp.Status, bytes.TrimSpace(body))
	}
	return body, nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// exitDescription renders the result of stop for the report.
func exitDescription(err error) string {
	var ee *exec.ExitError
	switch {
	case err == nil:
		return "exit status 0"
	case errors.As(err, &ee):
		return ee.String()
	}
	return err.Error()
}
