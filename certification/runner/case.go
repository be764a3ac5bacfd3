package runner

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/certification/report"
	"github.com/hulian/hulian/certification/script"
	"github.com/hulian/hulian/emv/kernel"
)

// runCase runs one case on a cold-reset card. stop is not empty when the
// run must end (the card left and StopOnRemoval, the card stopped
// answering and not ContinueWhenMute, or ctx ended).
func (r *Runner) runCase(ctx context.Context, tr *card.Sender, c script.Case, info *cardInfo, pin func() pinCheck) (report.Case, string) {
	rc := caseHead(c)
	t0 := time.Now()
	defer func() { rc.Duration = time.Since(t0) }()
	if err := ctx.Err(); err != nil {
		rc.Verdict, rc.Message = report.Skipped, "the run was interrupted"
		return rc, "interrupted"
	}
	if ok, why := r.applicable(c.When, info); !ok {
		rc.Verdict, rc.Message = report.NotApplicable, why
		return rc, ""
	}
	n := caseNeeds(c)
	if why := r.noApplication(info); n.aid && why != "" {
		rc.Verdict, rc.Message = report.Error, why
		return rc, ""
	}
	if why := r.refuse(n, pin); why != "" {
		rc.Verdict, rc.Message = report.NotApplicable, why
		return rc, ""
	}
	un, err := r.unpredictable()
	if err != nil {
		rc.Verdict, rc.Message = report.Error, err.Error()
		return rc, ""
	}
	cctx, cancel := context.WithTimeout(ctx, r.opts.CaseTimeout)
	defer cancel()
	s := r.newSession(tr, info.data, un)
	for k, v := range r.fileVars[c.File] {
		s.vars[k] = v
	}
	line, err := s.coldReset(cctx, c.Line)
	if err == nil {
		line, err = s.runSteps(cctx, c.Steps)
	}
	var f *failure
	switch {
	case err == nil:
		rc.Verdict = report.Pass
	case errors.As(err, &f):
		rc.Verdict, rc.Message = report.Fail, f.Msg
	default:
		rc.Verdict = report.Error
		rc.Message = describe(err, line, cctx, r.opts.StepTimeout, r.opts.CaseTimeout)
	}
	if msg := s.cleanup(ctx, c); msg != "" {
		if rc.Verdict == report.Pass {
			rc.Verdict, rc.Message = report.Error, msg
		} else {
			rc.Message += "; " + msg
		}
	}
	rc.Steps = s.steps
	stop := ""
	switch {
	case ctx.Err() != nil:
		stop = "interrupted"
	case errors.Is(err, card.ErrCardRemoved) && r.opts.StopOnRemoval:
		stop = "the card was removed during " + c.ID
	case errors.Is(err, card.ErrNotAnswering) && !r.opts.ContinueWhenMute:
		stop = "the card stopped answering during " + c.ID
	}
	return rc, stop
}

// coldReset powers the card off and on before a case, so every case starts
// from a fresh card session.
func (s *session) coldReset(ctx context.Context, line int) (int, error) {
	rs := report.Step{Line: line, Name: "cold reset before the case"}
	sctx, cancel := context.WithTimeout(ctx, s.r.opts.StepTimeout)
	defer cancel()
	t0 := time.Now()
	err := s.tr.Reset(sctx, true)
	rs.Exchanges = append(rs.Exchanges, report.ResetExchange(true, s.tr.ATR(), time.Since(t0), err))
	if err != nil {
		rs.Error = err.Error()
	}
	s.steps = append(s.steps, rs)
	return line, err
}

// runSteps runs steps in order; the first failure or error ends them. It
// returns the line of the step that ended them.
func (s *session) runSteps(ctx context.Context, steps []script.Step) (int, error) {
	for i := range steps {
		if line, err := s.runStep(ctx, &steps[i]); err != nil {
			return line, err
		}
	}
	return 0, nil
}

// runStep runs one step: a loop, or an action with its checks.
func (s *session) runStep(ctx context.Context, st *script.Step) (int, error) {
	if ok, why := s.conditions(st.If); !ok {
		s.steps = append(s.steps, report.Step{Line: st.Line, Name: s.stepName(st) + " (" + why + ")", Skipped: true})
		return 0, nil
	}
	switch {
	case st.ForEach == "afl_record":
		return s.forEachRecord(ctx, st)
	case st.Repeat > 0:
		for i := 0; i < st.Repeat; i++ {
			if line, err := s.runSteps(ctx, st.Steps); err != nil {
				return line, err
			}
		}
		return 0, nil
	}
	rs := report.Step{Line: st.Line, Name: s.stepName(st)}
	err := s.runAction(ctx, st, &rs)
	if err != nil {
		if _, isFailure := err.(*failure); !isFailure {
			rs.Error = err.Error()
		}
	}
	s.steps = append(s.steps, rs)
	return st.Line, err
}

// runAction sends the step's action and checks the answer.
func (s *session) runAction(ctx context.Context, st *script.Step, rs *report.Step) error {
	sctx, cancel := context.WithTimeout(ctx, s.r.opts.StepTimeout)
	ans, err := s.act(sctx, st.Action, rs)
	cancel()
	if err != nil {
		return err
	}
	s.ans = ans
	if ans.hasSW && !st.Expect.Match(ans.sw) {
		return failf("%s answered %s, expected %s", actionTitle(st.Action.Kind), swText(ans.sw), st.Expect.String())
	}
	for _, c := range st.Capture {
		if err := s.capture(c); err != nil {
			return err
		}
	}
	var first error
	for _, a := range st.Assert {
		msg, err := s.check(a)
		if err != nil {
			return err
		}
		rs.Assertions = append(rs.Assertions, report.AssertionResult{Line: a.Line, Text: assertionText(a), Passed: msg == "", Message: msg})
		if msg != "" && first == nil {
			first = failf("%s", msg)
		}
	}
	return first
}

// forEachRecord runs the loop's steps once per record the AFL lists.
func (s *session) forEachRecord(ctx context.Context, st *script.Step) (int, error) {
	if s.data.afl == nil {
		return st.Line, fmt.Errorf("%w: for_each afl_record: no AFL in this case yet (run gpo first)", ErrScript)
	}
	entries, err := kernel.ParseAFL(s.data.afl)
	if err != nil {
		return st.Line, failf("the AFL is malformed: %v", err)
	}
	for _, e := range entries {
		for rec := int(e.First); rec <= int(e.Last); rec++ {
			s.vars["sfi"], s.vars["record"] = strconv.Itoa(int(e.SFI)), strconv.Itoa(rec)
			if line, err := s.runSteps(ctx, st.Steps); err != nil {
				return line, err
			}
		}
	}
	return 0, nil
}

// capture stores a value of the answer in a variable.
func (s *session) capture(c script.Capture) error {
	switch c.Path.Scope {
	case "sw":
		s.vars[c.Var] = fmt.Sprintf("%04X", uint16(s.ans.sw))
	case "data":
		s.vars[c.Var] = hexUpper(s.ans.data)
	case "atr":
		s.vars[c.Var] = hexUpper(s.ans.atr)
	default:
		objs := s.resolve(c.Path)
		if len(objs) == 0 {
			return failf("capture %s: %s is not in the answer", c.Var, c.Path)
		}
		s.vars[c.Var] = hexUpper(objs[0].Value)
		s.varTag[c.Var] = c.Path.Tags[len(c.Path.Tags)-1]
	}
	return nil
}

// stepName describes a step for the report: its name, or its action and
// parameters (PINs never shown).
func (s *session) stepName(st *script.Step) string {
	if st.Name != "" {
		return st.Name
	}
	switch {
	case st.ForEach != "":
		return "for_each " + st.ForEach
	case st.Repeat > 0:
		return fmt.Sprintf("repeat %d", st.Repeat)
	}
	keys := make([]string, 0, len(st.Action.Args))
	for k := range st.Action.Args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := []string{string(st.Action.Kind)}
	for _, k := range keys {
		v := st.Action.Args[k]
		if k == "pin" || k == "value" && st.Action.Args["command"] == "pin_change" {
			v = "(withheld)"
		} else if x, err := s.expand(v); err == nil {
			v = x
		}
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, " ")
}

// actionTitle names an action's command for messages.
func actionTitle(kind script.ActionKind) string {
	return map[script.ActionKind]string{
		script.ActAPDU: "the command", script.ActSelect: "SELECT", script.ActReadPSE: "the PSE", script.ActReadPPSE: "SELECT PPSE",
		script.ActGPO: "GET PROCESSING OPTIONS", script.ActReadRecord: "READ RECORD", script.ActReadRecords: "READ RECORD",
		script.ActGetData: "GET DATA", script.ActVerify: "VERIFY", script.ActInternalAuth: "INTERNAL AUTHENTICATE",
		script.ActGenerateAC: "GENERATE AC", script.ActExternalAuth: "EXTERNAL AUTHENTICATE",
		script.ActIssuerScript: "the issuer script command", script.ActPowerOn: "the reset",
	}[kind]
}

// swText shows a status word with its meaning when known.
func swText(sw apdu.SW) string {
	code, meaning, ok := strings.Cut(apdu.SW(sw).String(), " ")
	if !ok || meaning == "" {
		return fmt.Sprintf("%04X", uint16(sw))
	}
	_ = code
	return fmt.Sprintf("%04X (%s)", uint16(sw), meaning)
}
