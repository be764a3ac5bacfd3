package runner

import (
	"strings"

	"github.com/hulian/hulian/certification/script"
)

// needs is what a case must have from the card test profile before it
// may send anything: a case that would change the card and could not
// undo it never starts (a lab's card is real and expensive).
type needs struct {
	pin  bool // it sends a PIN (VERIFY, a PIN script) or uses ${pin} / ${wrong_pin}
	keys bool // its cleanup runs issuer scripts: the TEST issuer master keys
	aid  bool // it uses ${aid}: the application under test
}

// caseNeeds reads a case's steps and cleanup.
func caseNeeds(c script.Case) needs {
	var n needs
	n.scan(c.Steps, false)
	n.scan(c.Cleanup, true)
	return n
}

func (n *needs) scan(steps []script.Step, cleanup bool) {
	for i := range steps {
		st := &steps[i]
		n.scan(st.Steps, cleanup)
		a := st.Action
		switch {
		case a.Kind == script.ActVerify, a.Kind == script.ActIssuerScript && a.Args["command"] == "pin_change":
			n.pin = true
		case a.Kind == script.ActIssuerScript && cleanup:
			n.keys = true
		}
		for _, v := range a.Args {
			if strings.Contains(v, "${pin}") || strings.Contains(v, "${wrong_pin}") {
				n.pin = true
			}
			if strings.Contains(v, "${aid}") {
				n.aid = true
			}
		}
	}
}

// hasScriptKeys reports whether the profile can MAC and encipher issuer
// script commands.
func (p Profile) hasScriptKeys() bool { return p.IMKMAC != "" && p.IMKENC != "" }

// noApplication says why there is no application under test, "" when
// there is one: the profile names none and the discovery found none (a
// SELECT of an empty AID would select the PSE or whatever the card
// chooses, and the case would test that instead).
func (r *Runner) noApplication(info *cardInfo) string {
	if r.opts.Profile.AID != "" || info.data != nil && info.data.aid != nil {
		return ""
	}
	why := "no application to test: the card test profile names no AID and none was found"
	if info.err != nil {
		why += " (" + info.err.Error() + ")"
	}
	return why
}

// refuse says why a case that needs n must not start on this card, ""
// when it may. pin is the run's PIN check, made on first need.
func (r *Runner) refuse(n needs, pin func() pinCheck) string {
	if n.keys && !r.opts.Profile.hasScriptKeys() {
		return "its cleanup restores the card with an issuer script: it needs the TEST issuer master keys " +
			"(issuer_master_mac and issuer_master_enc in --profile)"
	}
	if !n.pin {
		return ""
	}
	if r.opts.Profile.PIN == "" {
		return "no PIN given: the case sends a PIN (name the card's TEST PIN as pin in --profile)"
	}
	if c := pin(); !c.ok {
		return c.why
	}
	return ""
}
