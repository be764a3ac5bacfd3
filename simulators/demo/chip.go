package demo

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hulian/hulian/certification/report"
	"github.com/hulian/hulian/certification/runner"
	"github.com/hulian/hulian/certification/script"
	"github.com/hulian/hulian/emv/capk"
	"github.com/hulian/hulian/emv/kernel"
	"github.com/hulian/hulian/simulators/acquirer"
	"github.com/hulian/hulian/simulators/acquirer/pos"
	"github.com/hulian/hulian/simulators/simcard"
)

// chipAmount is the amount of the demo's chip purchase (88.88 CNY).
const chipAmount = 8888

// demoCard is the simulated PBOC card of the demo and where it sits.
type demoCard struct {
	path    string
	profile *simcard.Profile
	card    *simcard.Card
	slot    *cardSlot
	capk    *capk.Store
}

// newDemoCard personalises the card of profile path and plugs it in.
func newDemoCard(ctx context.Context, path, capkPath, mode string) (*demoCard, error) {
	p, err := simcard.LoadProfile(path)
	if err != nil {
		return nil, err
	}
	if len(p.Applications) == 0 {
		return nil, fmt.Errorf("card profile %s: no application", path)
	}
	c, err := simcard.New(p, simcard.Options{})
	if err != nil {
		return nil, err
	}
	keys, err := capk.LoadFile(capkPath)
	if err != nil {
		return nil, fmt.Errorf("CA keys: %w", err)
	}
	slot, err := plugCard(ctx, c, mode)
	if err != nil {
		return nil, err
	}
	return &demoCard{path: path, profile: p, card: c, slot: slot, capk: keys}, nil
}

// chipResult is what the chip transaction showed.
type chipResult struct {
	receipt *pos.Receipt
	err     error
}

// ok reports an approved transaction: TC after an online 00, no reversal.
func (r chipResult) ok() bool {
	rc := r.receipt
	return r.err == nil && rc != nil && rc.Approved && rc.ResponseCode == codeOK && !rc.Unable && rc.Reversal == nil
}

// chipTransaction runs one purchase with the card through the switch:
// kernel, 0200 with field 55, the issuer's ARQC check and ARPC, second
// GENERATE AC and scripts, and prints the receipt.
func (dc *demoCard) chipTransaction(ctx context.Context, w io.Writer, cl *acquirer.Client, pins pos.PINBlocker) chipResult {
	tr, err := dc.slot.open(ctx)
	if err != nil {
		return chipResult{err: err}
	}
	defer tr.Close()
	kc := kernel.DefaultConfig()
	kc.CAKeys = dc.capk
	kc.ECSupport = false // no offline electronic cash: the purchase goes online
	testPIN := dc.profile.Applications[0].PIN
	cfg := pos.Config{Client: cl, Kernel: kc, PINBlocks: pins,
		EnterPIN: func(context.Context) ([]byte, error) { return []byte(testPIN), nil }}
	t, err := pos.New(cfg)
	if err != nil {
		return chipResult{err: err}
	}
	rc, err := t.Run(ctx, tr, chipAmount)
	res := chipResult{receipt: rc, err: err}
	fmt.Fprintf(w, "\nchip purchase of %s with card %s (%s), PIN pad enters the card's TEST PIN:\n",
		formatAmount(fmt.Sprintf("%d", chipAmount)), dc.profile.Name, dc.slot.describe())
	if rc != nil {
		fmt.Fprintln(w, indent(rc.String(), "  | "))
	}
	switch {
	case err != nil:
		fmt.Fprintf(w, "  chip transaction failed: %v\n", err)
	case !res.ok():
		fmt.Fprintf(w, "  chip transaction NOT approved as expected (want TC after an online 00, no reversal)\n")
	}
	return res
}

// certResult is the outcome of the certification run.
type certResult struct {
	summary   report.Summary
	conforms  bool
	path      string
	err       error
	reader    string
	ranOnPCSC bool
}

// certify runs the suite in dir on the card and writes the HTML report
// (and its JSON twin) into reportDir.
func (dc *demoCard) certify(ctx context.Context, w io.Writer, dir, reportDir string) certResult {
	res := certResult{path: filepath.Join(reportDir, "report.html"), reader: dc.slot.name(dc.profile.Name), ranOnPCSC: dc.slot.inPCSC()}
	suite, err := script.Load(dir)
	if err != nil {
		res.err = fmt.Errorf("suite %s: %w", dir, err)
		return res
	}
	r, err := runner.New(suite, runner.Options{Profile: dc.testProfile(), CAKeys: dc.capk, Tool: "paysim demo", Version: "devel"})
	if err != nil {
		res.err = err
		return res
	}
	tr, err := dc.slot.open(ctx)
	if err != nil {
		res.err = err
		return res
	}
	run := r.Run(ctx, res.reader, tr)
	_ = tr.Close()
	res.summary, res.conforms = run.Summary(), run.Conforms()
	if err := writeReport(reportDir, run); err != nil {
		res.err = err
		return res
	}
	s := res.summary
	verdict := "conforms"
	if !res.conforms {
		verdict = "DOES NOT CONFORM"
	}
	fmt.Fprintf(w, "\ncertification suite %s on %q: %s: %d passed, %d failed, %d errors, %d not applicable, %d skipped\n  report %s\n",
		dir, res.reader, verdict, s.Passed, s.Failed, s.Errors, s.NotApplicable, s.Skipped, res.path)
	return res
}

// testProfile is the card as the test lab knows it, from the simulator
// profile (first application), as cardcert does for --sim.
func (dc *demoCard) testProfile() runner.Profile {
	a := dc.profile.Applications[0]
	alg := "tdes"
	if dc.profile.Algorithm == "sm" {
		alg = "sm4"
	}
	return runner.Profile{AID: a.AID.String(), PIN: a.PIN, Algorithm: alg,
		IMKAC: a.Keys.IssuerMasterAC.String(), IMKMAC: a.Keys.IssuerMasterMAC.String(), IMKENC: a.Keys.IssuerMasterENC.String()}
}

// writeReport writes report.html and report.json of run into dir.
func writeReport(dir string, run *report.Run) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, write := range map[string]func(io.Writer, *report.Run) error{
		"report.html": report.WriteHTML, "report.json": report.WriteJSON,
	} {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		err = write(f, run)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// indent prefixes every line of s.
func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return prefix + strings.Join(lines, "\n"+prefix)
}
