package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/card/pcsctest"
	"github.com/hulian/hulian/card/testcard"
	"github.com/hulian/hulian/certification/report"
	"github.com/hulian/hulian/internal/buildtest"
	"github.com/hulian/hulian/simulators/simcard"
)

// insertSim puts the simulated card of profile in reader, wrapped so that
// it goes mute on the first command with instruction byte ins (0: never).
func insertSim(t *testing.T, rd pcsctest.Reader, profile string, ins byte) *testcard.Mute {
	t.Helper()
	p, err := simcard.LoadProfile(profile)
	require.NoError(t, err)
	c, err := simcard.New(p, simcard.Options{})
	require.NoError(t, err)
	m := testcard.NewMute(c, func(cmd []byte) bool { return ins != 0 && len(cmd) > 1 && cmd[1] == ins })
	rd.Insert(t, m)
	t.Cleanup(m.Release) // before the bridge stops: it waits for the card
	return m
}

// TestRunMuteCard: a card that stops answering at its first GENERATE AC,
// through pcscd + vpcd, beside a good card in another reader. The step
// timeout holds while the transmit is outstanding: the case is "card not
// answering" with its trace so far, the card's run ends there (its other
// cases skipped), the other card's run goes on to the end, and the
// reports are written.
func TestRunMuteCard(t *testing.T) {
	mute, good := pcsctest.Slot(t), pcsctest.Slot(t)
	m := insertSim(t, mute, testProfile, 0xAE)
	insertSim(t, good, testProfile, 0)
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	start := time.Now()
	code := run(context.Background(), []string{"run", "--reader", mute.Name, "--reader", good.Name, "--profile", testProfile,
		"--capk", testCAKeys, "--suite", testSuite, "--report-dir", dir, "--quiet", "--step-timeout", "1s"}, &stdout, &stderr)
	assert.Less(t, time.Since(start), 60*time.Second)
	assert.Equal(t, 1, code, "a card that stops answering does not conform: stdout %s\nstderr %s", stdout.String(), stderr.String())
	select {
	case <-m.Hung():
	default:
		t.Fatal("the card never went mute")
	}

	rep := readRun(t, filepath.Join(dir, slug(mute.Name), debitAID, "report.json"))
	var mutedCase report.Case
	skipped := 0
	for _, c := range rep.Cases {
		switch {
		case c.Verdict == report.Error && mutedCase.ID == "":
			mutedCase = c
		case c.Verdict == report.Skipped && strings.Contains(c.Message, "the card stopped answering"):
			skipped++
		}
	}
	require.NotEmpty(t, mutedCase.ID, "a case errs on the mute card")
	assert.Contains(t, mutedCase.Message, "card not answering: no answer within the step timeout of 1s")
	require.NotEmpty(t, mutedCase.Steps, "the trace so far is in the report")
	assert.Contains(t, rep.Stopped, "the card stopped answering during "+mutedCase.ID)
	assert.Positive(t, skipped, "the card's later cases are skipped")

	other := readRun(t, filepath.Join(dir, slug(good.Name), debitAID, "report.json"))
	assert.Empty(t, other.Stopped)
	assert.True(t, other.Conforms())
	assert.Equal(t, 0, other.Summary().Errors)
}

// TestReadMuteCard: cardcert read on a card that stops answering at GET
// PROCESSING OPTIONS ends after --timeout with a clear error.
func TestReadMuteCard(t *testing.T) {
	rd := pcsctest.Slot(t)
	insertSim(t, rd, testProfile, 0xA8)
	var stdout, stderr bytes.Buffer
	start := time.Now()
	code := run(context.Background(), []string{"read", "--reader", rd.Name, "--capk", testCAKeys, "--timeout", "1s"}, &stdout, &stderr)
	assert.Less(t, time.Since(start), 10*time.Second)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr.String(), "card not answering")
}

// TestSignalEndsMuteRun: SIGINT (and SIGTERM) end a cardcert process
// waiting on a mute card within 2 s, with long timeouts, and the reports
// are written.
func TestSignalEndsMuteRun(t *testing.T) {
	bin := buildtest.Command(t, "github.com/hulian/hulian/cmd/cardcert", t.TempDir())
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			rd := pcsctest.Slot(t)
			m := insertSim(t, rd, testProfile, 0xAE)
			dir := t.TempDir()
			cmd := exec.Command(bin, "run", "--reader", rd.Name, "--profile", testProfile, "--capk", testCAKeys,
				"--suite", testSuite, "--report-dir", dir, "--quiet", "--step-timeout", "10m", "--case-timeout", "1h")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			require.NoError(t, cmd.Start())
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-m.Hung():
			case err := <-done:
				t.Fatalf("cardcert ended before the card went mute: %v\n%s", err, stderr.String())
			case <-time.After(60 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatal("the card never went mute")
			}
			time.Sleep(200 * time.Millisecond) // the transmit is outstanding
			start := time.Now()
			require.NoError(t, cmd.Process.Signal(sig))
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatalf("cardcert still running 5 s after %s\n%s", sig, stderr.String())
			}
			assert.Less(t, time.Since(start), 2*time.Second, "ended within 2 s of %s", sig)
			rep := readRun(t, filepath.Join(dir, slug(rd.Name), debitAID, "report.json"))
			assert.Equal(t, "interrupted", rep.Stopped)
			found := false
			for _, c := range rep.Cases {
				if strings.Contains(c.Message, "card not answering: the run was interrupted") {
					found = true
					assert.NotEmpty(t, c.Steps)
				}
			}
			assert.True(t, found, "the case waiting on the card says so")
			for _, f := range []string{"report.xml", "report.html"} {
				_, err := os.Stat(filepath.Join(dir, slug(rd.Name), debitAID, f))
				assert.NoError(t, err)
			}
		})
	}
}
