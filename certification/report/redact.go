package report

import "github.com/hulian/hulian/pan"

// redacted returns a copy of r whose free text (case messages, step names
// and errors, assertion texts and messages) has its PAN-like digit runs
// masked (pan.MaskRuns): the writers' last line of defence, whatever a
// runner or a script put there. Exchanges are masked when they are made
// (NewExchange).
func (r *Run) redacted() *Run {
	out := *r
	out.Stopped = pan.MaskRuns(r.Stopped)
	out.Notes = make([]string, len(r.Notes))
	for i, n := range r.Notes {
		out.Notes[i] = pan.MaskRuns(n)
	}
	out.Cases = make([]Case, len(r.Cases))
	for i, c := range r.Cases {
		c.Message = pan.MaskRuns(c.Message)
		steps := make([]Step, len(c.Steps))
		for j, s := range c.Steps {
			s.Name = pan.MaskRuns(s.Name)
			s.Error = pan.MaskRuns(s.Error)
			as := make([]AssertionResult, len(s.Assertions))
			for k, a := range s.Assertions {
				a.Text = pan.MaskRuns(a.Text)
				a.Message = pan.MaskRuns(a.Message)
				as[k] = a
			}
			s.Assertions = as
			steps[j] = s
		}
		c.Steps = steps
		out.Cases[i] = c
	}
	return &out
}
