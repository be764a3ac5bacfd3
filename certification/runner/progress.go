package runner

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/hulian/hulian/certification/report"
)

// Progress writes live progress lines to a terminal (or any writer): the
// case running, the cases passed and failed so far and the estimated time
// left, one line per event, prefixed with the reader when several run at
// once. Safe for concurrent use by several runs.
type Progress struct {
	mu sync.Mutex
	w  io.Writer
}

// NewProgress writes progress to w.
func NewProgress(w io.Writer) *Progress { return &Progress{w: w} }

func (p *Progress) printf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, format, args...)
}

// tracker follows one run.
type tracker struct {
	p                      *Progress
	reader                 string
	total, ran, pass, fail int
	errs                   int
	spent                  time.Duration
	index                  int
}

// start begins tracking a run of total cases; a nil Progress tracks
// nothing.
func (p *Progress) start(reader string, total int) *tracker {
	return &tracker{p: p, reader: reader, total: total}
}

func (t *tracker) caseStart(i int, id string) {
	t.index = i
	if t.p == nil {
		return
	}
	eta := "unknown"
	if t.ran > 0 {
		left := time.Duration(t.total-i) * (t.spent / time.Duration(t.ran))
		eta = "about " + left.Round(100*time.Millisecond).String()
	}
	t.p.printf("%s: [%d/%d] %s (passed %d, failed %d, errors %d, time left %s)\n", t.reader, i+1, t.total, id, t.pass, t.fail, t.errs, eta)
}

func (t *tracker) caseDone(c report.Case) {
	t.ran++
	t.spent += c.Duration
	switch c.Verdict {
	case report.Pass:
		t.pass++
	case report.Fail, report.Error:
		if c.Verdict == report.Fail {
			t.fail++
		} else {
			t.errs++
		}
		if t.p != nil {
			t.p.printf("%s: %s %s: %s\n", t.reader, c.ID, c.Verdict, c.Message)
		}
	}
}

func (t *tracker) finish(r *report.Run) {
	if t.p == nil {
		return
	}
	s := r.Summary()
	t.p.printf("%s: done in %s: %d passed, %d failed, %d errors, %d not applicable, %d skipped\n",
		t.reader, r.End.Sub(r.Start).Round(time.Millisecond), s.Passed, s.Failed, s.Errors, s.NotApplicable, s.Skipped)
}
