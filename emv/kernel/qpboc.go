package kernel

import (
	"context"

	"github.com/hulian/hulian/emv/oda"
	"github.com/hulian/hulian/emv/tlv"
)

// CTQ 9F6C byte 1 bits (JR/T 0025.12).
const (
	ctq1OnlinePIN = 0x80
	ctq1Signature = 0x40
)

// completeQPBOC ends the qPBOC path (JR/T 0025.12): the card already decided
// in GPO (77 with 9F26); the records have been read. The cryptogram type is
// 9F27 (or 9F10 byte 4 & 30 when 9F27 is absent: 10 TC, 20 ARQC, 00 AAC,
// emv-pboc-facts.md). An offline approval needs fDDA to succeed: 9F4B over
// 9F37 || 9F02 || 5F2A || 9F69 with the ICC key; otherwise it is declined.
func (s *Session) completeQPBOC(ctx context.Context) error {
	cid, ok := s.qpbocCID()
	if !ok {
		return tagErr(StepQPBOC, 0x9F27, ErrMissing, "")
	}
	s.res.CID = cid
	if ac, ok := s.card.get(0x9F26); ok && len(ac) == 8 {
		s.res.Cryptogram = append([]byte(nil), ac...)
	} else {
		return tagErr(StepQPBOC, 0x9F26, ErrMalformed, "")
	}
	s.checkDates()
	s.res.TSI.Set(TSICardRisk)
	if ctq, ok := s.card.get(0x9F6C); ok && len(ctq) == 2 {
		s.res.CVM.OnlinePIN = ctq[0]&ctq1OnlinePIN != 0 && s.cfg.TTQ[0]&0x04 != 0
		s.res.CVM.Signature = ctq[0]&ctq1Signature != 0 && s.cfg.TTQ[0]&0x02 != 0
	}
	switch cid & cidMask {
	case cidTC:
		s.res.Outcome = OutcomeOfflineApproved
		if !s.fdda() || s.res.TVR.Has(TVRExpired) {
			s.res.Outcome = OutcomeOfflineDeclined
		}
	case cidARQC:
		s.res.Outcome = OutcomeOnline
		s.res.OnlineData = s.onlineData()
	default:
		s.res.Outcome = OutcomeOfflineDeclined
	}
	return nil
}

func (s *Session) qpbocCID() (byte, bool) {
	if v, ok := s.card.get(0x9F27); ok && len(v) == 1 {
		return v[0], true
	}
	iad, ok := s.card.get(0x9F10)
	if !ok || len(iad) < 4 {
		return 0, false
	}
	switch iad[3] & 0x30 {
	case 0x10:
		return cidTC, true
	case 0x20:
		return cidARQC, true
	}
	return cidAAC, true
}

// fdda verifies the qPBOC fast DDA signature; it reports success and sets
// the TVR/TSI bits.
func (s *Session) fdda() bool {
	s.odaMethod, s.res.ODA = ODAfDDA, ODAfDDA
	sig, ok := s.card.get(0x9F4B)
	if !ok {
		s.res.TVR.Set(TVRODANotPerformed)
		return false
	}
	s.res.TSI.Set(TSIODA)
	if err := s.recoverICC(); err != nil {
		s.odaFailed()
		return false
	}
	var data []byte
	for _, t := range []struct {
		tag tlv.Tag
		n   int
	}{{0x9F37, 4}, {0x9F02, 6}, {0x5F2A, 2}} {
		v := make([]byte, t.n)
		if x, ok := s.term.get(t.tag); ok {
			copy(v, x)
		}
		data = append(data, v...)
	}
	c69, _ := s.card.get(0x9F69)
	data = append(data, c69...)
	dd, err := oda.VerifyDDA(s.iccKey, sig, data)
	if err != nil {
		s.odaFailed()
		return false
	}
	s.card.set(0x9F4C, dd.ICCDynamicNumber)
	return true
}
