package overhead_test

import (
	"context"
	"testing"

	"github.com/hulian/hulian/card/pcsc"
	"github.com/hulian/hulian/card/pcsctest"
	"github.com/hulian/hulian/certification/report"
	"github.com/hulian/hulian/certification/runner"
	"github.com/hulian/hulian/certification/script"
	"github.com/hulian/hulian/emv/capk"
	"github.com/hulian/hulian/simulators/simcard"
)

// TestShippedSuiteThroughPCSC runs the shipped suite (destructive cases
// included) on both clean simulated cards through pcscd and vpcd, where a
// lab's reader sits: every case passes or is not applicable, as in
// process. Skipped without pcscd, failing when CI=true.
func TestShippedSuiteThroughPCSC(t *testing.T) {
	s, err := script.Load("../suites/pboc")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := capk.LoadFile("../../testdata/emv/capk-test.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"pboc-rsa", "pboc-sm"} {
		t.Run(name, func(t *testing.T) {
			rd := pcsctest.Slot(t)
			p, err := simcard.LoadProfile("../../testdata/cards/" + name + ".yaml")
			if err != nil {
				t.Fatal(err)
			}
			c, err := simcard.New(p, simcard.Options{})
			if err != nil {
				t.Fatal(err)
			}
			rd.Insert(t, c)
			conn := rd.Connect(t, pcsc.ConnectOptions{})
			a := p.Applications[0]
			alg := map[string]string{"rsa": "tdes", "sm": "sm4"}[p.Algorithm]
			prof := runner.Profile{AID: a.AID.String(), PIN: a.PIN, Algorithm: alg, IMKAC: a.Keys.IssuerMasterAC.String(),
				IMKMAC: a.Keys.IssuerMasterMAC.String(), IMKENC: a.Keys.IssuerMasterENC.String()}
			r, err := runner.New(s, runner.Options{Profile: prof, CAKeys: keys, Destructive: true})
			if err != nil {
				t.Fatal(err)
			}
			rep := r.Run(context.Background(), rd.Name, conn)
			for _, rc := range rep.Cases {
				if rc.Verdict != report.Pass && rc.Verdict != report.NotApplicable {
					t.Errorf("%s %s: %s", rc.ID, rc.Verdict, rc.Message)
				}
			}
			if len(rep.Cases) < 80 || !rep.Conforms() {
				t.Errorf("%d cases, conforms %v", len(rep.Cases), rep.Conforms())
			}
		})
	}
}
