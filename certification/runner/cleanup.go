package runner

import (
	"context"
	"time"

	"github.com/hulian/hulian/certification/report"
	"github.com/hulian/hulian/certification/script"
)

// interruptedCleanup bounds a cleanup that runs after the run was
// interrupted (SIGINT, SIGTERM): the card is still restored, and the run
// still ends within seconds.
const interruptedCleanup = time.Second

// cleanupPrefix marks the cleanup's steps in the report.
const cleanupPrefix = "cleanup: "

// cleanup runs the case's cleanup steps on a cold-reset card, whatever
// the steps did. It returns "" when the case has none, when it was not
// needed (a variable it uses was never captured, so the change it undoes
// never happened) or when it ran to its end; otherwise what the report
// says: the card may have been left changed.
func (s *session) cleanup(ctx context.Context, c script.Case) string {
	if len(c.Cleanup) == 0 {
		return ""
	}
	if name := s.unsetVar(c.Cleanup); name != "" {
		s.steps = append(s.steps, report.Step{Line: c.Cleanup[0].Line, Skipped: true,
			Name: cleanupPrefix + "not needed: ${" + name + "} was never captured, so what it restores never changed"})
		return ""
	}
	limit := s.r.opts.CaseTimeout
	if ctx.Err() != nil {
		limit = interruptedCleanup
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), limit)
	defer cancel()
	first := len(s.steps)
	s.restart()
	line, err := s.coldReset(cctx, c.Cleanup[0].Line)
	if err == nil {
		line, err = s.runSteps(cctx, c.Cleanup)
	}
	s.steps[first].Name = "cold reset"
	for i := first; i < len(s.steps); i++ {
		s.steps[i].Name = cleanupPrefix + s.steps[i].Name
	}
	if err == nil {
		return ""
	}
	var msg string
	if f, ok := err.(*failure); ok {
		msg = f.Msg
	} else {
		msg = describe(err, line, cctx, s.r.opts.StepTimeout, limit)
	}
	return "the cleanup did not run to its end, the card may be left changed: " + msg
}

// restart forgets what the card answered in this case: the cleanup starts
// a new card session.
func (s *session) restart() {
	s.data = newStore()
	s.ans, s.gac, s.pdolData, s.ddolData = answer{}, nil, nil, nil
}

// unsetVar returns a variable the steps use that has no value, "" when
// every one has.
func (s *session) unsetVar(steps []script.Step) string {
	for i := range steps {
		st := &steps[i]
		if n := s.unsetVar(st.Steps); n != "" {
			return n
		}
		for _, v := range st.Action.Args {
			names, err := script.Vars(v)
			if err != nil {
				continue
			}
			for _, n := range names {
				if _, ok := s.vars[n]; !ok {
					return n
				}
			}
		}
	}
	return ""
}
