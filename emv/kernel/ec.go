package kernel

import (
	"context"

	"github.com/hulian/hulian/emv/bcd"
)

// ecEligible: the terminal offers EC (9F7A = 01) for a purchase within the
// EC terminal transaction limit 9F7B (JR/T 0025.13).
func (s *Session) ecEligible() bool {
	return s.cfg.ECSupport && s.txn.Type == TypePurchase && s.txn.OtherAmount == 0 &&
		(s.cfg.ECLimit == 0 || s.txn.Amount <= s.cfg.ECLimit) && !s.txn.ReadOnly
}

// electronicCash decides the EC path (JR/T 0025.13, as summarised in
// emv-pboc-facts.md after billzbh/guolong EmvModul.c): the card returned the
// EC issuer authorisation code 9F74 and the terminal offered EC, so the
// balance is read with GET DATA 9F79 (never from records) and the reset
// threshold 9F6D; when balance - amount >= threshold the terminal asks for a
// TC offline, otherwise the transaction goes online.
func (s *Session) electronicCash(ctx context.Context) error {
	if !s.ecEligible() || !s.card.has(0x9F74) {
		return nil
	}
	s.res.EC = true
	v, ok, err := s.getData(ctx, StepEC, 0x9F79)
	if err != nil {
		return err
	}
	bal, okB := bcd.Int(v)
	if !ok || !okB || len(v) != 6 {
		s.ecOnline = true
		return nil
	}
	s.res.ECBalance = bal
	s.card.set(0x9F79, v)
	var threshold int64
	if t, ok, err := s.getData(ctx, StepEC, 0x9F6D); err != nil {
		return err
	} else if ok {
		if x, ok := bcd.Int(t); ok {
			threshold = x
		}
	}
	if bal-s.txn.Amount >= threshold && bal >= s.txn.Amount {
		s.ecOffline = true
	} else {
		s.ecOnline = true
	}
	return nil
}
