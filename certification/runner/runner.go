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
	// Profile is the card's test profile. With no AID, every application
	// the card lists (PSE and PPSE) is tested, each in its own report;
	// AppProfiles gives an application its own profile (PIN, keys), keyed
	// by its AID in upper-case hex.
	Profile     Profile
	AppProfiles map[string]Profile
	// Template, when set, is the issuer's expected personalization: each
	// application's data is compared with it (TEMPLATE-<tag> cases).
	Template *Template
	CAKeys   *capk.Store // test CA keys for the oda assertion; nil: oda fails with a clear message

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
	for aid, p := range o.AppProfiles {
		if err := p.Validate(); err != nil {
			return nil, fmt.Errorf("the profile of application %s: %w", aid, err)
		}
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
	// Profile and AppProfiles are this card's test profiles when they are
	// not the Options' (readers holding different cards); they must pass
	// Validate.
	Profile     *Profile
	AppProfiles map[string]Profile
}

// RunAll runs the suite on every target at once, one goroutine per card,
// and returns their reports in the order of targets: one per application
// tested (runCard).
func (r *Runner) RunAll(ctx context.Context, targets []Target) []*report.Run {
	out := make([][]*report.Run, len(targets))
	done := make(chan struct{}, len(targets))
	for i, t := range targets {
		go func() {
			defer func() { done <- struct{}{} }()
			out[i] = r.runCard(ctx, t)
		}()
	}
	for range targets {
		<-done
	}
	var all []*report.Run
	for _, runs := range out {
		all = append(all, runs...)
	}
	return all
}

// Run runs the selected cases on the card behind tr and returns the
// report. It does not close tr.
func (r *Runner) Run(ctx context.Context, reader string, tr card.Transport) *report.Run {
	return r.run(ctx, reader, reader, tr)
}

// run is Run with the name progress lines give the run.
func (r *Runner) run(ctx context.Context, reader, label string, tr card.Transport) *report.Run {
	cr := r.begin(ctx, reader, label, tr)
	cr.cases(ctx, false)
	cr.cases(ctx, true)
	return cr.end()
}

// cardRun is one application's run in progress: its report, what the
// discovery read and the PIN check.
type cardRun struct {
	r      *Runner
	rep    *report.Run
	sender *card.Sender
	info   *cardInfo
	track  *tracker
	pin    *pinCheck
}

// begin reads the card (discovery) and starts the report.
func (r *Runner) begin(ctx context.Context, reader, label string, tr card.Transport) *cardRun {
	cr := &cardRun{r: r, sender: card.NewSender(tr)}
	cr.rep = &report.Run{
		Tool: r.opts.Tool, ToolVersion: r.opts.Version, Reader: reader, Start: r.opts.Clock(),
		Suite: report.Suite{Name: r.suiteName(), Dir: r.suite.Dir, Files: r.files, Checksum: r.checksum},
	}
	cr.info = r.discover(ctx, cr.sender)
	cr.rep.Card = cr.info.identity(tr.ATR())
	cr.track = r.opts.Progress.start(label, len(r.cases))
	return cr
}

// checkPIN is the run's PIN check, made on first need.
func (cr *cardRun) checkPIN(ctx context.Context) pinCheck {
	if cr.pin == nil {
		c := cr.r.checkPIN(ctx, cr.sender, cr.info)
		cr.pin = &c
		cr.rep.Notes = append(cr.rep.Notes, c.note)
	}
	return *cr.pin
}

// cases runs the selected cases that are destructive, or those that are
// not (the destructive ones run last: after every application's other
// cases when the card has several).
func (cr *cardRun) cases(ctx context.Context, destructive bool) {
	r, rep := cr.r, cr.rep
	for i, c := range r.cases {
		if c.Destructive != destructive {
			continue
		}
		if rep.Stopped != "" {
			rep.Cases = append(rep.Cases, skippedCase(c, "the run stopped: "+rep.Stopped))
			continue
		}
		if c.Destructive && !r.opts.Destructive {
			rep.Cases = append(rep.Cases, skippedCase(c, "destructive: it changes the card for good; run with --destructive"))
			continue
		}
		cr.track.caseStart(i, c.ID)
		res, stop := r.runCase(ctx, cr.sender, c, cr.info, func() pinCheck { return cr.checkPIN(ctx) })
		rep.Cases = append(rep.Cases, res)
		cr.track.caseDone(res)
		if stop != "" {
			rep.Stopped = stop
		}
	}
	if !destructive {
		rep.Cases = append(rep.Cases, r.templateCases(cr.info)...)
	}
}

// end closes the report.
func (cr *cardRun) end() *report.Run {
	cr.rep.End = cr.r.opts.Clock()
	cr.track.finish(cr.rep)
	return cr.rep
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
