package kernel

import (
	"bytes"
	"context"
	"slices"

	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/emv/tlv"
)

// Directory names (EMV Book 1 12.2.2; contactless: EMV Book B / JR/T 0025.12).
const (
	pseName  = "1PAY.SYS.DDF01"
	ppseName = "2PAY.SYS.DDF01"
)

// Bounds on what a card can make the terminal do.
const (
	maxDirRecords  = 32 // PSE directory records read
	maxNextSelects = 16 // SELECT next occurrences per terminal AID
	maxCandidates  = 32
)

// selectAndInitiate builds the candidate list, lets the cardholder choose,
// selects the application and runs GET PROCESSING OPTIONS; an application
// that is blocked (6283) or refuses GPO (6985) is removed and the choice made
// again (EMV Book 3 12.4 and 10.1).
func (s *Session) selectAndInitiate(ctx context.Context) error {
	cands, err := s.buildCandidates(ctx)
	if err != nil {
		return err
	}
	s.res.Candidates = slices.Clone(cands)
	for len(cands) > 0 {
		i, err := s.choose(ctx, cands)
		if err != nil {
			return err
		}
		c := cands[i]
		cands = slices.Delete(cands, i, i+1)
		ok, err := s.finalSelect(ctx, c)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		ok, err = s.initiate(ctx)
		if err != nil || ok {
			return err
		}
		s.card = newDataSet()
	}
	return stepErr(StepSelect, ErrNoApplication, "")
}

// buildCandidates uses the PPSE (contactless) or the PSE (contact), and the
// terminal's AID list when the directory gives nothing.
func (s *Session) buildCandidates(ctx context.Context) ([]Candidate, error) {
	var cands []Candidate
	var err error
	if s.txn.Interface == Contactless {
		cands, err = s.ppse(ctx)
	} else {
		cands, err = s.pse(ctx)
	}
	if err != nil {
		return nil, err
	}
	if len(cands) == 0 {
		if cands, err = s.aidList(ctx); err != nil {
			return nil, err
		}
	}
	if len(cands) == 0 {
		return nil, stepErr(StepSelect, ErrNoApplication, "")
	}
	slices.SortStableFunc(cands, func(a, b Candidate) int { return a.rank() - b.rank() })
	return cands, nil
}

// pse reads the payment system environment: SELECT 1PAY.SYS.DDF01, then the
// directory records of the SFI in 88 (EMV Book 1 12.3.2).
func (s *Session) pse(ctx context.Context) ([]Candidate, error) {
	r, err := s.send(ctx, StepSelect, selectCmd([]byte(pseName), false))
	if err != nil {
		return nil, err
	}
	if r.SW == 0x6A81 {
		return nil, swErr(StepSelect, r.SW, "card blocked or SELECT not supported")
	}
	if !r.SW.OK() {
		return nil, nil
	}
	fci, err := template(StepSelect, r.Data, 0x6F)
	if err != nil {
		return nil, nil // a bad PSE falls back to the AID list
	}
	sfiObj, ok := tlv.Find(fci.Children, 0x88)
	if !ok || len(sfiObj.Value) != 1 || sfiObj.Value[0] < 1 || sfiObj.Value[0] > 30 {
		return nil, nil
	}
	var cands []Candidate
	for rec := byte(1); rec <= maxDirRecords; rec++ {
		r, err := s.send(ctx, StepSelect, readRecordCmd(sfiObj.Value[0], rec))
		if err != nil {
			return nil, err
		}
		if !r.SW.OK() {
			break
		}
		obj, err := template(StepSelect, r.Data, 0x70)
		if err != nil {
			return nil, nil
		}
		cands = s.appendEntries(cands, obj.Children)
	}
	return cands, nil
}

// ppse reads the proximity payment system environment: the directory entries
// are in the FCI's BF0C (EMV Book B 3.3, JR/T 0025.12).
func (s *Session) ppse(ctx context.Context) ([]Candidate, error) {
	r, err := s.send(ctx, StepSelect, selectCmd([]byte(ppseName), false))
	if err != nil {
		return nil, err
	}
	if !r.SW.OK() {
		return nil, nil
	}
	fci, err := template(StepSelect, r.Data, 0x6F)
	if err != nil {
		return nil, err
	}
	bf, ok := tlv.Find(fci.Children, 0xBF0C)
	if !ok {
		return nil, nil
	}
	return s.appendEntries(nil, bf.Children), nil
}

// appendEntries adds the directory entries (61) that match a terminal AID.
func (s *Session) appendEntries(cands []Candidate, list []tlv.TLV) []Candidate {
	for _, e := range list {
		if e.Tag != 0x61 || len(cands) >= maxCandidates {
			continue
		}
		adf, ok := tlv.Find(e.Children, 0x4F)
		if !ok || len(adf.Value) < 5 || len(adf.Value) > 16 || !s.supported(adf.Value) {
			continue
		}
		c := Candidate{AID: slices.Clone(adf.Value), FromDirectory: true}
		fillCandidate(&c, e.Children)
		cands = append(cands, c)
	}
	return cands
}

// supported reports whether the terminal's list has aid (exactly, or as a
// prefix where partial selection is allowed).
func (s *Session) supported(aid []byte) bool {
	for _, a := range s.cfg.AIDs {
		if bytes.Equal(a.AID, aid) || (a.Partial && bytes.HasPrefix(aid, a.AID)) {
			return true
		}
	}
	return false
}

func fillCandidate(c *Candidate, list []tlv.TLV) {
	if v, ok := tlv.Find(list, 0x50); ok {
		c.Label = string(v.Value)
	}
	if v, ok := tlv.Find(list, 0x9F12); ok {
		c.PreferredName = string(v.Value)
	}
	if v, ok := tlv.Find(list, 0x87); ok && len(v.Value) == 1 {
		c.Priority = v.Value[0]
	}
}

// aidList selects each terminal AID, with next occurrences for partial
// selection (EMV Book 1 12.3.3).
func (s *Session) aidList(ctx context.Context) ([]Candidate, error) {
	var cands []Candidate
	for _, a := range s.cfg.AIDs {
		for i := 0; i < maxNextSelects && len(cands) < maxCandidates; i++ {
			r, err := s.send(ctx, StepSelect, selectCmd(a.AID, i > 0))
			if err != nil {
				return nil, err
			}
			if !r.SW.OK() && r.SW != apdu.SWWarnFileInvalidated {
				break
			}
			fci, err := template(StepSelect, r.Data, 0x6F)
			if err != nil {
				break
			}
			name, ok := tlv.Find(fci.Children, 0x84)
			if !ok {
				break
			}
			exact := bytes.Equal(name.Value, a.AID)
			if r.SW.OK() && (exact || (a.Partial && bytes.HasPrefix(name.Value, a.AID))) {
				c := Candidate{AID: slices.Clone(name.Value)}
				fillCandidate(&c, fci.Children)
				if !slices.ContainsFunc(cands, func(x Candidate) bool { return bytes.Equal(x.AID, c.AID) }) {
					cands = append(cands, c)
				}
			}
			if exact || !a.Partial {
				break
			}
		}
	}
	return cands, nil
}

// choose picks a candidate: the Chooser when there is one and it is needed,
// else the highest priority application not requiring confirmation.
func (s *Session) choose(ctx context.Context, cands []Candidate) (int, error) {
	needs := len(cands) > 1 || cands[0].Confirm()
	if s.cfg.Choose != nil && needs && !s.txn.ReadOnly {
		i, err := s.cfg.Choose(ctx, slices.Clone(cands))
		if err != nil {
			return 0, stepErr(StepSelect, err, "cardholder choice")
		}
		if i < 0 || i >= len(cands) {
			return 0, stepErr(StepSelect, ErrConfig, "chooser returned an index out of range")
		}
		return i, nil
	}
	for i, c := range cands {
		if !c.Confirm() || s.txn.ReadOnly {
			return i, nil
		}
	}
	return 0, stepErr(StepSelect, ErrNoApplication, "every application requires cardholder confirmation")
}

// finalSelect selects c and keeps its FCI. ok is false when the application
// is blocked or the answer is unusable (the next candidate is tried).
func (s *Session) finalSelect(ctx context.Context, c Candidate) (bool, error) {
	r, err := s.send(ctx, StepSelect, selectCmd(c.AID, false))
	if err != nil {
		return false, err
	}
	if !r.SW.OK() {
		return false, nil
	}
	fci, err := template(StepSelect, r.Data, 0x6F)
	if err != nil {
		return false, nil
	}
	name, ok := tlv.Find(fci.Children, 0x84)
	if !ok || !bytes.HasPrefix(name.Value, c.AID) && !bytes.Equal(name.Value, c.AID) {
		return false, nil
	}
	s.res.Selected = c
	fillCandidate(&s.res.Selected, fci.Children)
	s.res.Selected.AID = slices.Clone(name.Value)
	s.res.FCI = []tlv.TLV{fci}
	s.storeFCI(fci)
	return true, nil
}

// storeFCI keeps the FCI data objects: 84, the A5 proprietary template's
// objects and BF0C's.
func (s *Session) storeFCI(fci tlv.TLV) {
	for _, o := range fci.Children {
		s.card.set(o.Tag, o.Value)
		if o.Tag == 0xA5 {
			for _, p := range o.Children {
				s.card.set(p.Tag, p.Value)
				if p.Tag == 0xBF0C {
					for _, d := range p.Children {
						s.card.set(d.Tag, d.Value)
					}
				}
			}
		}
	}
	if v, ok := s.card.get(0x84); ok {
		s.card.set(0x4F, v)
		s.term.set(0x9F06, v)
	}
}
