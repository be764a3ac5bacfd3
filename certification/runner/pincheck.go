package runner

import (
	"context"
	"fmt"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/certification/script"
)

// pinCheck is the outcome of the run's PIN check: whether the cases that
// send a PIN may run, and what the report says of it.
type pinCheck struct {
	ok   bool
	why  string // why the PIN cases do not run
	note string // for the report's notes
}

// minTries is the PIN try counter below which no PIN is sent at all: a
// wrong PIN there would leave the card one try from blocked, or blocked.
const minTries = 2

// checkPIN finds out, before the first case that sends a PIN, whether the
// profile's PIN is the card's: it reads the PIN try counter (9F17) and
// sends the PIN once in plaintext (EMV 4.4 Book 3 6.5.12). A card whose
// counter it cannot read, or that is below minTries, gets no PIN. A PIN
// the card refuses is a wrong profile: no PIN case runs, and the try it
// cost is given back with a PIN UNBLOCK issuer script when the profile
// has the TEST issuer master keys (EMV Book 3 6.5.10).
func (r *Runner) checkPIN(ctx context.Context, tr *card.Sender, info *cardInfo) pinCheck {
	ctx, cancel := context.WithTimeout(ctx, r.opts.CaseTimeout)
	defer cancel()
	s := r.newSession(tr, info.data, make([]byte, 4))
	fail := func(format string, args ...any) pinCheck {
		msg := fmt.Sprintf(format, args...)
		return pinCheck{why: "the PIN check did not let a PIN be sent: " + msg, note: "PIN check: " + msg + "; the cases that send a PIN were not run"}
	}
	step := func(kind script.ActionKind, args map[string]string) (answer, error) {
		sctx, cancel := context.WithTimeout(ctx, r.opts.StepTimeout)
		defer cancel()
		return s.act(sctx, script.Action{Kind: kind, Args: args}, nil)
	}
	if why := r.noApplication(info); why != "" {
		return fail("%s", why)
	}
	if err := r.coldReset(ctx, tr); err != nil {
		return fail("the reset failed (%v)", err)
	}
	for _, a := range []struct {
		kind script.ActionKind
		args map[string]string
	}{{script.ActSelect, map[string]string{"aid": "${aid}"}}, {script.ActGPO, nil}} {
		if ans, err := step(a.kind, a.args); err != nil || ans.sw != apdu.SWOK {
			return fail("%s: %s", actionTitle(a.kind), outcome(ans, err))
		}
	}
	ans, err := step(script.ActGetData, map[string]string{"tag": "9F17"})
	tries, ok := tryCounter(ans)
	if err != nil || !ok {
		return fail("the card does not give its PIN try counter (GET DATA 9F17: %s)", outcome(ans, err))
	}
	if tries < minTries {
		return fail("the PIN try counter is %d: no PIN is sent to a card that close to blocked", tries)
	}
	ans, err = step(script.ActVerify, map[string]string{"pin": "${pin}"})
	switch {
	case err != nil:
		return fail("VERIFY of the profile's PIN: %s", outcome(ans, err))
	case ans.sw == apdu.SWOK:
		return pinCheck{ok: true, note: fmt.Sprintf("PIN check: the card accepted the profile's PIN (PIN try counter %d before)", tries)}
	case ans.sw&0xFFF0 != 0x63C0:
		return fail("VERIFY of the profile's PIN answered %s", swText(ans.sw))
	}
	c := pinCheck{why: "the card refused the profile's PIN (VERIFY answered " + swText(ans.sw) + "): check pin in --profile"}
	if !r.opts.Profile.hasScriptKeys() {
		c.note = fmt.Sprintf("PIN check: the card refused the profile's PIN; its PIN try counter went from %d to %d "+
			"and could not be restored (no TEST issuer master keys in the profile): restore it with the right PIN", tries, tries-1)
		return c
	}
	after := r.unblockPIN(step)
	if after == tries {
		c.note = fmt.Sprintf("PIN check: the card refused the profile's PIN; a PIN UNBLOCK script restored its PIN try counter to %d", tries)
	} else {
		c.note = fmt.Sprintf("PIN check: the card refused the profile's PIN; its PIN try counter went from %d to %d and "+
			"the PIN UNBLOCK script did not restore it (now %s)", tries, tries-1, triesText(after))
	}
	return c
}

// unblockPIN sends PIN UNBLOCK as an issuer script (after the ARQC it
// needs) and returns the PIN try counter then, -1 when unknown.
func (r *Runner) unblockPIN(step func(script.ActionKind, map[string]string) (answer, error)) int {
	for _, a := range []struct {
		kind script.ActionKind
		args map[string]string
	}{{script.ActReadRecords, nil}, {script.ActGenerateAC, map[string]string{"type": "arqc"}}, {script.ActIssuerScript, map[string]string{"command": "pin_change"}}} {
		if ans, err := step(a.kind, a.args); err != nil || ans.sw != apdu.SWOK {
			return -1
		}
	}
	ans, err := step(script.ActGetData, map[string]string{"tag": "9F17"})
	if n, ok := tryCounter(ans); err == nil && ok {
		return n
	}
	return -1
}

// tryCounter reads the PIN try counter from a GET DATA 9F17 answer.
func tryCounter(ans answer) (int, bool) {
	if ans.sw != apdu.SWOK {
		return 0, false
	}
	for _, o := range ans.list {
		if o.Tag == 0x9F17 && len(o.Value) == 1 {
			return int(o.Value[0]), true
		}
	}
	return 0, false
}

func triesText(n int) string {
	if n < 0 {
		return "unknown"
	}
	return fmt.Sprint(n)
}

// outcome describes a failed exchange: the error, else the status word.
func outcome(ans answer, err error) string {
	if err != nil {
		return err.Error()
	}
	return "answered " + swText(ans.sw)
}
