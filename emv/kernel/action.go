package kernel

import (
	"bytes"
	"context"
	"slices"

	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/emv/dol"
	"github.com/hulian/hulian/emv/oda"
	"github.com/hulian/hulian/emv/tlv"
)

// Cryptogram types: GENERATE AC P1 b8..b7 and CID 9F27 b8..b7.
const (
	cidAAC  byte = 0x00
	cidTC   byte = 0x40
	cidARQC byte = 0x80
	cidMask byte = 0xC0
	p1CDA   byte = 0x10
)

// iac returns the issuer action code t (9F0E denial, 9F0F online, 9F0D
// default); absent, denial is all zeros and the others all ones (Book 3 10.7).
func (s *Session) iac(t tlv.Tag) [5]byte {
	var out [5]byte
	if v, ok := s.card.get(t); ok && len(v) == 5 {
		copy(out[:], v)
		return out
	}
	if t != 0x9F0E {
		out = [5]byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF}
	}
	return out
}

func matches(tvr TVR, tac, iac [5]byte) bool {
	for i := range tvr {
		if tvr[i]&(tac[i]|iac[i]) != 0 {
			return true
		}
	}
	return false
}

// actionAnalysis is Terminal Action Analysis (EMV Book 3 10.7): denial codes
// first, then online codes (online-capable terminal) or default codes.
func (s *Session) actionAnalysis() byte {
	tvr, tac := s.res.TVR, s.cfg.TAC
	switch {
	case s.txn.ReadOnly:
		return cidAAC
	case matches(tvr, tac.Denial, s.iac(0x9F0E)):
		return cidAAC
	case !s.cfg.OnlineCapable:
		if matches(tvr, tac.Default, s.iac(0x9F0D)) {
			return cidAAC
		}
		return cidTC
	case s.ecOffline:
		// An EC purchase the balance covers is offline by design (JR/T
		// 0025.13; emv-pboc-facts.md): only the denial codes apply.
		return cidTC
	case s.ecOnline || matches(tvr, tac.Online, s.iac(0x9F0F)):
		return cidARQC
	}
	return cidTC
}

// firstAC runs terminal action analysis and the first GENERATE AC with the
// CDOL1 data, requesting CDA when it was selected (Book 3 10.8, 6.5.5).
func (s *Session) firstAC(ctx context.Context) error {
	req := s.actionAnalysis()
	s.cda = s.odaMethod == ODACDA && !s.res.ODAFailed && req != cidAAC
	data, err := s.buildCDOL(0x8C, StepFirstAC)
	if err != nil {
		return err
	}
	s.cdol1Data = data
	ac, err := s.generateAC(ctx, StepFirstAC, req, data, data)
	if err != nil {
		return err
	}
	s.res.TSI.Set(TSICardRisk)
	switch {
	case s.txn.ReadOnly:
		s.res.Outcome = OutcomeReadComplete
	case ac == cidTC:
		s.res.Outcome = OutcomeOfflineApproved
	case ac == cidARQC:
		s.res.Outcome = OutcomeOnline
		s.res.OnlineData = s.onlineData()
	default:
		s.res.Outcome = OutcomeOfflineDeclined
	}
	return nil
}

// buildCDOL builds the data of CDOL1 (8C) or CDOL2 (8D).
func (s *Session) buildCDOL(t tlv.Tag, step Step) ([]byte, error) {
	raw, ok := s.card.get(t)
	if !ok {
		return nil, tagErr(step, t, ErrMissing, "")
	}
	d, err := dol.Parse(raw)
	if err != nil {
		return nil, tagErr(step, t, ErrMalformed, "")
	}
	if tdol, ok := s.card.get(0x97); containsTag(d, 0x98) && ok {
		s.tcHash(tdol)
	} else if containsTag(d, 0x98) {
		s.res.TVR.Set(TVRDefaultTDOL)
		s.tcHash(s.cfg.DefaultTDOL)
	}
	data := d.Build(s.lookup)
	if len(data) > 255 {
		return nil, tagErr(step, t, ErrMalformed, "CDOL data longer than 255 bytes")
	}
	return data, nil
}

// tcHash computes the TC hash value 98 from a TDOL (Book 3 5.4, SHA-1).
func (s *Session) tcHash(tdol []byte) {
	d, err := dol.Parse(tdol)
	if err != nil {
		return
	}
	s.term.set(0x98, sha1Sum(d.Build(s.lookup)))
}

// generateAC sends GENERATE AC asking for req and checks the answer: the
// card may answer the type asked or a lower one (AAC < TC < ARQC for the
// first; AAC or TC for the second). With CDA the signature is verified;
// a failure turns the cryptogram into a decline (Book 2 6.6.2). cdaData is
// the CDOL data the transaction data hash covers (CDOL1, or CDOL1 || CDOL2).
func (s *Session) generateAC(ctx context.Context, step Step, req byte, data, cdaData []byte) (byte, error) {
	p1 := req
	if s.cda {
		p1 |= p1CDA
	}
	r, err := s.send(ctx, step, apdu.Command{CLA: 0x80, INS: 0xAE, P1: p1, Data: data, Le: 256})
	if err != nil {
		return 0, err
	}
	if !r.SW.OK() {
		return 0, swErr(step, r.SW, "GENERATE AC")
	}
	objs, err := s.acResponse(step, r.Data)
	if err != nil {
		return 0, err
	}
	cid := s.res.CID & cidMask
	if cid == cidMask || !allowed(req, cid) {
		return 0, tagErr(step, 0x9F27, ErrCardDecision, "")
	}
	if s.cda && cid != cidAAC {
		if err := s.verifyCDA(objs, cdaData); err != nil {
			s.odaFailed()
			return cidAAC, nil
		}
	}
	return cid, nil
}

func allowed(req, got byte) bool {
	switch req {
	case cidAAC:
		return got == cidAAC
	case cidTC:
		return got != cidMask
	}
	return got == cidARQC || got == cidAAC
}

// acResponse decodes format 1 (80: CID ATC AC [IAD]) or format 2 (77) and
// stores 9F27, 9F36, 9F26, 9F10. It returns format 2's objects.
func (s *Session) acResponse(step Step, b []byte) ([]tlv.TLV, error) {
	obj, err := template(step, b, 0x80, 0x77)
	if err != nil {
		return nil, err
	}
	for _, t := range []tlv.Tag{0x9F26, 0x9F27, 0x9F4B, 0x9F4C} {
		s.card.del(t) // the first GENERATE AC's values
	}
	s.res.Cryptogram = nil
	if obj.Tag == 0x80 {
		v := obj.Value
		if len(v) < 11 || len(v) > 11+32 {
			return nil, tagErr(step, 0x80, ErrMalformed, "format 1 response length")
		}
		s.card.set(0x9F27, v[:1])
		s.card.set(0x9F36, v[1:3])
		s.card.set(0x9F26, v[3:11])
		if len(v) > 11 {
			s.card.set(0x9F10, v[11:])
		}
	} else {
		for _, o := range obj.Children {
			s.card.set(o.Tag, o.Value)
		}
	}
	cid, ok := s.card.get(0x9F27)
	if !ok || len(cid) != 1 {
		return nil, tagErr(step, 0x9F27, ErrMissing, "")
	}
	if atc, ok := s.card.get(0x9F36); !ok || len(atc) != 2 {
		return nil, tagErr(step, 0x9F36, ErrMalformed, "")
	}
	s.res.CID = cid[0]
	_, sdad := tlv.Find(obj.Children, 0x9F4B)
	if ac, ok := s.card.get(0x9F26); ok && len(ac) == 8 {
		s.res.Cryptogram = slices.Clone(ac)
	} else if !(s.cda && sdad) && cid[0]&cidMask != cidAAC {
		return nil, tagErr(step, 0x9F26, ErrMissing, "")
	}
	return obj.Children, nil
}

// verifyCDA checks the CDA signature of a format 2 answer and takes the
// cryptogram from it (Book 2 6.6.2).
func (s *Session) verifyCDA(objs []tlv.TLV, cdolData []byte) error {
	sig, ok := tlv.Find(objs, 0x9F4B)
	if !ok || s.iccKey == nil {
		return odaErr(0x9F4B, ErrMissing)
	}
	var rest []byte
	for _, o := range objs {
		if o.Tag != 0x9F4B {
			rest = tlv.AppendTLV(rest, o)
		}
	}
	un, _ := s.term.get(0x9F37)
	res, err := oda.VerifyCDA(s.iccKey, sig.Value, oda.CDA{
		UnpredictableNumber: un, CID: s.res.CID, PDOLData: s.pdolData, CDOLData: cdolData, ResponseTLVs: rest,
	})
	if err != nil {
		return odaErr(0x9F4B, err)
	}
	if c, ok := s.card.get(0x9F26); ok && !bytes.Equal(c, res.AC) {
		return odaErr(0x9F26, oda.ErrSignature)
	}
	s.card.set(0x9F26, res.AC)
	s.card.set(0x9F4C, res.ICCDynamicNumber)
	s.res.Cryptogram = slices.Clone(res.AC)
	return nil
}
