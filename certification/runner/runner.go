package runner

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/certification/report"
	"github.com/hulian/hulian/certification/script"
	"github.com/hulian/hulian/emv/capk"
)

// Default timeouts.
const (
	DefaultStepTimeout = 10 * time.Second
	DefaultCaseTimeout = 2 * time.Minute
)

// Options tune a Runner. The zero value runs every non-destructive case
// with the default timeouts.
type Options struct {
	Profile Profile
	CAKeys  *capk.Store // test CA keys for the oda assertion; nil: oda fails with a clear message

	Cases       []string // run only these case ids (all when empty)
	Tags        []string // run only cases with one of these tags (all when empty)
	Destructive bool     // run the destructive cases (last); otherwise they are skipped

	StepTimeout time.Duration // per step; 0: DefaultStepTimeout
	CaseTimeout time.Duration // per case; 0: DefaultCaseTimeout

	// StopOnRemoval ends the run when the card leaves the reader; the
	// remaining cases are skipped. Otherwise the run goes on (each later
	// case starts with a reset, which fails until a card is back).
	StopOnRemoval bool
	// ContinueWhenMute goes on with the next case when the card stops
	// answering (each case starts with a reset, which fails at once while
	// the card still owes an answer). Otherwise the card's run ends there:
	// the remaining cases are skipped.
	ContinueWhenMute bool

	Progress *Progress // live progress; nil: none

	Tool, Version string           // named in the report
	Clock         func() time.Time // nil: time.Now
	Rand          io.Reader        // unpredictable numbers; nil: crypto/rand
}

// Runner runs one suite. It is safe for concurrent use: each Run has its
// own state.
type Runner struct {
	suite    *script.Suite
	opts     Options
	checksum string
	files    int
	cases    []script.Case // selected, destructive last
	fileVars map[string]map[string]string
}

// ErrNoCases: the selection (Cases, Tags) matches no case of the suite.
var ErrNoCases = errors.New("runner: no case matches the selection")

// New prepares a run of suite s.
func New(s *script.Suite, o Options) (*Runner, error) {
	if err := o.Profile.Validate(); err != nil {
		return nil, err
	}
	if o.StepTimeout <= 0 {
		o.StepTimeout = DefaultStepTimeout
	}
	if o.CaseTimeout <= 0 {
		o.CaseTimeout = DefaultCaseTimeout
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	sum, n, err := SuiteChecksum(s)
	if err != nil {
		return nil, err
	}
	cases, err := selectCases(s.Cases(), o.Cases, o.Tags)
	if err != nil {
		return nil, err
	}
	vars := map[string]map[string]string{}
	for _, f := range s.Files {
		vars[f.Path] = f.Vars
	}
	return &Runner{suite: s, opts: o, checksum: sum, files: n, cases: cases, fileVars: vars}, nil
}

// selectCases keeps the cases named by ids and tags, destructive ones last.
func selectCases(all []script.Case, ids, tags []string) ([]script.Case, error) {
	known := map[string]bool{}
	for _, c := range all {
		known[c.ID] = true
	}
	for _, id := range ids {
		if !known[id] {
			return nil, fmt.Errorf("%w: no case %s in the suite", ErrNoCases, id)
		}
	}
	var plain, destructive []script.Case
	for _, c := range all {
		if len(ids) > 0 && !contains(ids, c.ID) || len(tags) > 0 && !overlap(tags, c.Tags) {
			continue
		}
		if c.Destructive {
			destructive = append(destructive, c)
		} else {
			plain = append(plain, c)
		}
	}
	if len(plain)+len(destructive) == 0 {
		return nil, ErrNoCases
	}
	return append(plain, destructive...), nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func overlap(a, b []string) bool {
	for _, x := range a {
		if contains(b, x) {
			return true
		}
	}
	return false
}

// Target is one card to run the suite on.
type Target struct {
	Name      string // the reader, as the report names it
	Transport card.Transport
	// Profile is this card's test profile when it is not Options.Profile
	// (readers holding different cards); it must pass Validate.
	Profile *Profile
}

// RunAll runs the suite on every target at once, one goroutine per card,
// and returns their reports in the order of targets.
func (r *Runner) RunAll(ctx context.Context, targets []Target) []*report.Run {
	out := make([]*report.Run, len(targets))
	done := make(chan struct{}, len(targets))
	for i, t := range targets {
		go func() {
			defer func() { done <- struct{}{} }()
			rr := r
			if t.Profile != nil {
				own := *r
				own.opts.Profile = *t.Profile
				rr = &own
			}
			out[i] = rr.Run(ctx, t.Name, t.Transport)
		}()
	}
	for range targets {
		<-done
	}
	return out
}

// Run runs the selected cases on the card behind tr and returns the
// report. It does not close tr.
func (r *Runner) Run(ctx context.Context, reader string, tr card.Transport) *report.Run {
	rep := &report.Run{
		Tool: r.opts.Tool, ToolVersion: r.opts.Version, Reader: reader, Start: r.opts.Clock(),
		Suite: report.Suite{Name: r.suiteName(), Dir: r.suite.Dir, Files: r.files, Checksum: r.checksum},
	}
	sender := card.NewSender(tr)
	info := r.discover(ctx, sender)
	rep.Card = info.identity(tr.ATR())
	track := r.opts.Progress.start(reader, len(r.cases))
	var pin *pinCheck
	checkPIN := func() pinCheck {
		if pin == nil {
			c := r.checkPIN(ctx, sender, info)
			pin = &c
			rep.Notes = append(rep.Notes, c.note)
		}
		return *pin
	}
	for i, c := range r.cases {
		if rep.Stopped != "" {
			rep.Cases = append(rep.Cases, skippedCase(c, "the run stopped: "+rep.Stopped))
			continue
		}
		if c.Destructive && !r.opts.Destructive {
			rep.Cases = append(rep.Cases, skippedCase(c, "destructive: it changes the card for good; run with --destructive"))
			continue
		}
		track.caseStart(i, c.ID)
		res, stop := r.runCase(ctx, sender, c, info, checkPIN)
		rep.Cases = append(rep.Cases, res)
		track.caseDone(res)
		if stop != "" {
			rep.Stopped = stop
		}
	}
	rep.End = r.opts.Clock()
	track.finish(rep)
	return rep
}

func (r *Runner) suiteName() string {
	for _, f := range r.suite.Files {
		if f.Suite != "" {
			return f.Suite
		}
	}
	return ""
}

// caseHead copies a case's identity into a report case.
func caseHead(c script.Case) report.Case {
	sev := string(c.Severity)
	if sev == "" {
		sev = string(script.SeverityFail)
	}
	return report.Case{ID: c.ID, Clause: c.Clause, Title: c.Title, Category: c.Category, Severity: sev,
		Tags: c.Tags, File: c.File, Line: c.Line}
}

func skippedCase(c script.Case, why string) report.Case {
	rc := caseHead(c)
	rc.Verdict, rc.Message = report.Skipped, why
	return rc
}
