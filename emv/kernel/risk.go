package kernel

import (
	"context"
	"encoding/binary"
	"io"
)

// riskManagement is Terminal Risk Management (EMV Book 3 10.6): floor limit,
// random transaction selection and velocity checking. An EC purchase uses
// the EC terminal limit 9F7B as its floor limit (JR/T 0025.13).
func (s *Session) riskManagement(ctx context.Context) error {
	if s.txn.ReadOnly {
		return nil
	}
	s.res.TSI.Set(TSITermRisk)
	floor := s.cfg.FloorLimit
	if s.ecOffline {
		floor = s.cfg.ECLimit + 1
	}
	if s.txn.Amount >= floor {
		s.res.TVR.Set(TVRFloorLimitExceeded)
	} else if s.randomlySelected(floor) {
		s.res.TVR.Set(TVRRandomSelected)
	}
	if s.txn.ForceOnline {
		s.res.TVR.Set(TVRMerchantForced)
	}
	return s.velocity(ctx)
}

// randomlySelected is the biased random selection of Book 3 10.6.2.
func (s *Session) randomlySelected(floor int64) bool {
	rs := s.cfg.RandomSelection
	if rs.Target <= 0 && rs.MaxTarget <= 0 {
		return false
	}
	var b [2]byte
	if _, err := io.ReadFull(s.rand, b[:]); err != nil {
		return false
	}
	n := int64(binary.BigEndian.Uint16(b[:])%99) + 1 // 1..99
	amt := s.txn.Amount
	if amt < rs.Threshold || floor <= rs.Threshold {
		return n <= int64(rs.Target)
	}
	target := int64(rs.Target) + int64(rs.MaxTarget-rs.Target)*(amt-rs.Threshold)/(floor-rs.Threshold)
	return n <= target
}

// velocity checks the ATC against the last online ATC when the card has the
// lower and upper consecutive offline limits 9F14 and 9F23 (Book 3 10.6.3).
func (s *Session) velocity(ctx context.Context) error {
	lower, okL := s.card.get(0x9F14)
	upper, okU := s.card.get(0x9F23)
	if !okL || !okU || len(lower) != 1 || len(upper) != 1 {
		return nil
	}
	atcV, ok1, err := s.getData(ctx, StepRisk, 0x9F36)
	if err != nil {
		return err
	}
	lastV, ok2, err := s.getData(ctx, StepRisk, 0x9F13)
	if err != nil {
		return err
	}
	atc, ok3 := u16(atcV)
	last, ok4 := u16(lastV)
	if !ok1 || !ok2 || !ok3 || !ok4 || atc < last {
		s.res.TVR.Set(TVRLowerLimitExceeded)
		s.res.TVR.Set(TVRUpperLimitExceeded)
		if !ok2 || !ok4 {
			return nil
		}
	} else {
		diff := int(atc - last)
		if diff > int(lower[0]) {
			s.res.TVR.Set(TVRLowerLimitExceeded)
		}
		if diff > int(upper[0]) {
			s.res.TVR.Set(TVRUpperLimitExceeded)
		}
	}
	if last == 0 {
		s.res.TVR.Set(TVRNewCard)
	}
	return nil
}
