package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"time"

	"github.com/hulian/hulian/certification/runner"
	"github.com/hulian/hulian/certification/script"
	"github.com/hulian/hulian/emv/capk"
)

// runFlags are the flags of cardcert run.
type runFlags struct {
	readers       multiFlag
	allReaders    bool
	sim           string
	suite         string
	cases, tags   multiFlag
	destructive   bool
	reportDir     string
	stopOnRemoval bool
	continueMute  bool
	profile       string
	template      string
	capk          string
	stepTimeout   time.Duration
	caseTimeout   time.Duration
	quiet         bool
}

// multiFlag is a repeatable string flag (also comma-separated).
type multiFlag []string

func (m *multiFlag) String() string { return strings.Join(*m, ",") }

func (m *multiFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*m = append(*m, s)
		}
	}
	return nil
}

// errNotConforming: a case of severity fail failed on at least one card.
var errNotConforming = errors.New("a case of severity fail failed")

// runRun runs a certification suite on cards and writes a report per card.
func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f runFlags
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.Var(&f.readers, "reader", "PC/SC reader `name`, or NAME=PROFILE to give that reader's card its own test profile (repeatable: the readers run in parallel)")
	fs.BoolVar(&f.allReaders, "all-readers", false, "run on every PC/SC reader that holds a card")
	fs.StringVar(&f.sim, "sim", "", "run on the simulated card of `profile` (a name in testdata/cards or a YAML path)")
	fs.StringVar(&f.suite, "suite", "", "suite `dir`ectory of scripts (required)")
	fs.Var(&f.cases, "case", "run only case `ID` (repeatable)")
	fs.Var(&f.tags, "tag", "run only cases with `tag` (repeatable)")
	fs.BoolVar(&f.destructive, "destructive", false, "also run the destructive cases (last): they change the card for good")
	fs.StringVar(&f.reportDir, "report-dir", "cardcert-reports", "`dir`ectory for report.xml, report.json and report.html (one subdirectory per card)")
	fs.BoolVar(&f.stopOnRemoval, "stop-on-removal", false, "stop a card's run when the card leaves the reader")
	fs.BoolVar(&f.continueMute, "continue-when-mute", false, "go on with the next case when a card stops answering (by default its run ends there, the other readers go on)")
	fs.StringVar(&f.profile, "profile", "", "card test `file`: a runner profile or a simulator card profile (default with --sim: its profile)")
	fs.StringVar(&f.capk, "capk", "testdata/emv/capk-test.txt", "test CA public key `file` for offline data authentication")
	fs.StringVar(&f.template, "template", "", "issuer personalization template `file`: each application's data objects are compared with it (TEMPLATE-<tag> cases)")
	fs.DurationVar(&f.stepTimeout, "step-timeout", runner.DefaultStepTimeout, "timeout of one step")
	fs.DurationVar(&f.caseTimeout, "case-timeout", runner.DefaultCaseTimeout, "timeout of one case")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress lines on stderr")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: cardcert run (--reader NAME ... | --all-readers | --sim PROFILE) --suite DIR [--case ID] [--tag T] [--destructive] [--report-dir DIR] [--stop-on-removal] [--continue-when-mute] [--template FILE] [--step-timeout D] [--case-timeout D]\n\nRuns a certification suite on cards and writes report.xml (JUnit), report.json and report.html per card.\nExit status 1 when a case of severity fail fails on any card.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if err := f.check(stderr); err != nil {
		return err
	}
	suite, err := script.Load(f.suite)
	if err != nil {
		return fmt.Errorf("the suite does not load (run cardcert lint %s):\n%w", f.suite, err)
	}
	targets, closeAll, err := openTargets(ctx, f, stderr)
	if err != nil {
		return err
	}
	defer closeAll()
	opts, err := f.options(stderr)
	if err != nil {
		return err
	}
	r, err := runner.New(suite, opts)
	if err != nil {
		return err
	}
	reports := r.RunAll(ctx, targets)
	return writeReports(f.reportDir, reports, stdout)
}

// check validates flag combinations.
func (f *runFlags) check(stderr io.Writer) error {
	sources := 0
	for _, on := range []bool{len(f.readers) > 0, f.allReaders, f.sim != ""} {
		if on {
			sources++
		}
	}
	switch {
	case f.suite == "":
		fmt.Fprintln(stderr, "--suite is required")
		return errUsage
	case sources != 1:
		fmt.Fprintln(stderr, "give one of --reader, --all-readers and --sim")
		return errUsage
	}
	return nil
}

// options builds the runner options from the flags.
func (f *runFlags) options(stderr io.Writer) (runner.Options, error) {
	o := runner.Options{Cases: f.cases, Tags: f.tags, Destructive: f.destructive, StopOnRemoval: f.stopOnRemoval, ContinueWhenMute: f.continueMute,
		StepTimeout: f.stepTimeout, CaseTimeout: f.caseTimeout, Tool: "cardcert", Version: version()}
	if !f.quiet {
		o.Progress = runner.NewProgress(stderr)
	}
	profile := f.profile
	if profile == "" && f.sim != "" {
		profile = simPath(f.sim)
	}
	if profile != "" {
		p, apps, err := loadCardProfiles(profile)
		if err != nil {
			return o, err
		}
		o.Profile, o.AppProfiles = p, apps
	}
	if f.template != "" {
		t, err := runner.LoadTemplate(f.template)
		if err != nil {
			return o, err
		}
		o.Template = t
	}
	if f.capk != "" {
		keys, err := capk.LoadFile(f.capk)
		if err != nil {
			return o, fmt.Errorf("CA keys: %w", err)
		}
		o.CAKeys = keys
	}
	return o, nil
}

// version is the module version of the binary, "devel" in a work tree.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}
