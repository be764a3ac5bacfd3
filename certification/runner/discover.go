package runner

import (
	"context"
	"encoding/hex"
	"fmt"
	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/certification/script"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/emv/tlv"
)

// discover reads the card once before the cases, as a terminal would up to
// the records (EMV Book 3 10.1-10.2): SELECT the profile's AID (or the
// first application of the PSE), GPO, every record of the AFL. What it
// reads names the card in the report and answers the cases' when:
// conditions. A failure is kept, not fatal: cases without preconditions
// still run and show the problem.
func (r *Runner) discover(ctx context.Context, tr *card.Sender) *cardInfo {
	info := &cardInfo{data: newStore()}
	ctx, cancel := context.WithTimeout(ctx, r.opts.CaseTimeout)
	defer cancel()
	if err := r.coldReset(ctx, tr); err != nil {
		info.err = fmt.Errorf("reset: %w", err)
		return info
	}
	s := r.newSession(tr, nil, make([]byte, 4))
	s.data = info.data
	s.readPPSE(ctx)
	aid, err := hex.DecodeString(r.opts.Profile.AID)
	if err != nil || len(aid) == 0 {
		if aid, err = s.firstApplication(ctx); err != nil {
			info.err = err
			info.data.aid = nil // the PSE is not an application
			return info
		}
	}
	ans, err := s.selectName(ctx, aid, false, nil)
	if err != nil || ans.sw != apdu.SWOK {
		info.err = discoveryErr("SELECT of the application", ans.sw, err)
		return info
	}
	if l, ok := tlv.Find(ans.list, 0x50); ok {
		info.label = string(l.Value)
	}
	if ans, err = s.gpo(ctx, nil, nil); err != nil || ans.sw != apdu.SWOK {
		info.err = discoveryErr("GET PROCESSING OPTIONS", ans.sw, err)
		return info
	}
	if ans, err = s.readRecords(ctx, nil); err != nil || ans.sw != apdu.SWOK {
		info.err = discoveryErr("READ RECORD", ans.sw, err)
	}
	return info
}

// firstApplication reads the PSE and returns the AID of its first entry.
func (s *session) firstApplication(ctx context.Context) ([]byte, error) {
	ans, err := s.readPSE(ctx, nil)
	if err != nil || ans.sw != apdu.SWOK {
		return nil, discoveryErr("reading the PSE (no AID in the card test profile)", ans.sw, err)
	}
	if o, ok := tlv.Find(ans.list, 0x4F); ok {
		return o.Value, nil
	}
	return nil, fmt.Errorf("the PSE lists no application (4F) and the card test profile names no AID")
}

func discoveryErr(what string, sw apdu.SW, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return fmt.Errorf("%s answered %s", what, swText(sw))
}

// readPPSE notes which applications the PPSE lists (JR/T 0025.12: those
// offered contactless), for the interface: condition, without adding its
// answer to the card's data.
func (s *session) readPPSE(ctx context.Context) {
	ans, err := s.send(ctx, script.ActReadPPSE, apdu.Command{INS: 0xA4, P1: 0x04, Data: []byte("2PAY.SYS.DDF01"), Le: 256}, nil)
	switch {
	case err != nil:
		s.data.ppseErr = err.Error()
		return
	case ans.sw != apdu.SWOK:
		s.data.ppseErr = "SELECT of the PPSE answered " + swText(ans.sw)
		return
	}
	for _, e := range tlv.FindAll(ans.list, 0x61) {
		if aid, ok := tlv.Find(e.Children, 0x4F); ok {
			s.data.ppse = append(s.data.ppse, append([]byte(nil), aid.Value...))
		}
	}
}

// coldReset powers the card off and on within the step timeout.
func (r *Runner) coldReset(ctx context.Context, tr *card.Sender) error {
	ctx, cancel := context.WithTimeout(ctx, r.opts.StepTimeout)
	defer cancel()
	return tr.Reset(ctx, true)
}
