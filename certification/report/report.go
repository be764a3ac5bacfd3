package report

import (
	"time"
)

// Verdict is the outcome of one case.
type Verdict string

// The verdicts.
const (
	Pass          Verdict = "pass"
	Fail          Verdict = "fail"
	NotApplicable Verdict = "not_applicable" // a precondition (when:) does not hold
	Error         Verdict = "error"          // the case could not run to the end (card removed, timeout, script error)
	Skipped       Verdict = "skipped"        // not selected to run (destructive without --destructive, run stopped)
)

// Run is one suite run against one card.
type Run struct {
	Tool        string    `json:"tool"`
	ToolVersion string    `json:"tool_version"`
	Suite       Suite     `json:"suite"`
	Reader      string    `json:"reader"`
	Card        Card      `json:"card"`
	Start       time.Time `json:"start"`
	End         time.Time `json:"end"`
	// Stopped says why the run ended early, "" when it ran to the end.
	Stopped string `json:"stopped,omitempty"`
	// Notes are what the run did to the card outside the cases (the PIN
	// check) and what the lab must know of it.
	Notes []string `json:"notes,omitempty"`
	Cases []Case   `json:"cases"`
}

// Suite identifies the scripts that ran.
type Suite struct {
	Name     string `json:"name,omitempty"`
	Dir      string `json:"dir"`
	Files    int    `json:"files"`
	Checksum string `json:"sha256"` // over the files' relative paths and contents
}

// Card identifies the card under test. PAN is masked (first six, last
// four digits at most).
type Card struct {
	ATR   string `json:"atr"`
	AID   string `json:"aid,omitempty"`
	PAN   string `json:"pan_masked,omitempty"`
	Label string `json:"label,omitempty"`
}

// Case is the result of one test case.
type Case struct {
	ID       string   `json:"id"`
	Clause   string   `json:"clause"`
	Title    string   `json:"title"`
	Category string   `json:"category,omitempty"`
	Severity string   `json:"severity"`
	Tags     []string `json:"tags,omitempty"`
	File     string   `json:"file,omitempty"`
	Line     int      `json:"line,omitempty"`
	Verdict  Verdict  `json:"verdict"`
	// Message says in plain words what failed (the failing assertion),
	// why the case errored, or why it was skipped or not applicable.
	Message  string        `json:"message,omitempty"`
	Duration time.Duration `json:"duration_ns"`
	Steps    []Step        `json:"steps,omitempty"`
}

// Step is one executed step (loop bodies appear once per iteration).
type Step struct {
	Line       int               `json:"line"`
	Name       string            `json:"name,omitempty"` // the step's name or its action with parameters
	Skipped    bool              `json:"skipped,omitempty"`
	Exchanges  []Exchange        `json:"exchanges,omitempty"`
	Assertions []AssertionResult `json:"assertions,omitempty"`
	Error      string            `json:"error,omitempty"`
}

// AssertionResult is one assertion checked.
type AssertionResult struct {
	Line    int    `json:"line"`
	Text    string `json:"text"` // the assertion as written, e.g. "equals 6F/84"
	Passed  bool   `json:"passed"`
	Message string `json:"message,omitempty"` // plain words, when it failed
}

// Summary counts the verdicts of a run.
type Summary struct {
	Total         int `json:"total"`
	Passed        int `json:"passed"`
	Failed        int `json:"failed"`
	NotApplicable int `json:"not_applicable"`
	Errors        int `json:"errors"`
	Skipped       int `json:"skipped"`
}

// Summary counts the run's verdicts.
func (r *Run) Summary() Summary {
	var s Summary
	for _, c := range r.Cases {
		s.add(c.Verdict)
	}
	return s
}

// add counts one case of verdict v.
func (s *Summary) add(v Verdict) {
	s.Total++
	switch v {
	case Pass:
		s.Passed++
	case Fail:
		s.Failed++
	case NotApplicable:
		s.NotApplicable++
	case Error:
		s.Errors++
	case Skipped:
		s.Skipped++
	}
}

// Conforms reports whether no case of severity fail failed or errored:
// the card passed the suite.
func (r *Run) Conforms() bool {
	for _, c := range r.Cases {
		if c.Severity == "fail" && (c.Verdict == Fail || c.Verdict == Error) {
			return false
		}
	}
	return true
}
