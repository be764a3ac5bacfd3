package kernel

import (
	"context"
)

// CV method codes (b6..b1 of the first byte of a CV rule, Book 3 Annex C3).
const (
	cvmFail          = 0x00
	cvmPlainPIN      = 0x01
	cvmOnlinePIN     = 0x02
	cvmPlainPINSig   = 0x03
	cvmEncPIN        = 0x04
	cvmEncPINSig     = 0x05
	cvmSignature     = 0x1E
	cvmNoCVM         = 0x1F
	cvmPBOCID        = 0x20
	cvmNone          = 0x3F // CVM results: no CVM performed
	cvmApplyNext     = 0x40 // b7: apply succeeding rule if this one fails
	cvmResultUnknown = 0x00
	cvmResultFailed  = 0x01
	cvmResultOK      = 0x02
)

// verifyCardholder is Cardholder Verification (EMV Book 3 10.5): the CVM list
// 8E in order, each rule's condition against the transaction, the method
// against the terminal's capabilities; the first success ends it.
func (s *Session) verifyCardholder(ctx context.Context) error {
	s.res.CVMResults = [3]byte{cvmNone, 0, 0}
	s.res.CVM.Method = cvmNone
	if s.txn.ReadOnly || s.aip[0]&aipCVM == 0 {
		return nil
	}
	s.res.TSI.Set(TSICVM)
	raw, ok := s.card.get(0x8E)
	list, err := ParseCVMList(raw)
	if !ok || err != nil {
		s.res.TVR.Set(TVRICCDataMissing)
		return nil
	}
	x, y := list.X, list.Y
	var last *CVRule
	for _, r := range list.Rules {
		if !s.conditionMet(r, int64(x), int64(y)) {
			continue
		}
		last = &r
		ok, err := s.applyRule(ctx, r)
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		if r.Code&cvmApplyNext == 0 {
			break
		}
	}
	s.res.TVR.Set(TVRCVMFailed)
	if last == nil {
		s.res.CVMResults = [3]byte{cvmNone, 0, cvmResultFailed}
	} else {
		s.res.CVMResults = [3]byte{last.Code, last.Condition, cvmResultFailed}
	}
	return nil
}

// applyRule performs one rule; ok reports success.
func (s *Session) applyRule(ctx context.Context, r CVRule) (bool, error) {
	m := r.Method()
	if !recognised(m) {
		s.res.TVR.Set(TVRUnrecognisedCVM)
		return false, nil
	}
	if !s.supports(m) {
		if isOfflinePIN(m) || m == cvmOnlinePIN {
			s.res.TVR.Set(TVRPINPadMissing)
		}
		return false, nil
	}
	result := byte(cvmResultOK)
	switch m {
	case cvmFail:
		s.res.CVMResults = [3]byte{r.Code, r.Condition, cvmResultFailed}
		return false, nil
	case cvmNoCVM:
	case cvmSignature:
		s.res.CVM.Signature, result = true, cvmResultUnknown
	case cvmOnlinePIN:
		s.res.CVM.OnlinePIN, result = true, cvmResultUnknown
		s.res.TVR.Set(TVROnlinePINEntered)
	default:
		ok, err := s.offlinePIN(ctx, m == cvmEncPIN || m == cvmEncPINSig)
		if err != nil || !ok {
			s.res.CVMResults = [3]byte{r.Code, r.Condition, cvmResultFailed}
			return false, err
		}
		if m == cvmPlainPINSig || m == cvmEncPINSig {
			s.res.CVM.Signature, result = true, cvmResultUnknown
		}
	}
	s.res.CVM.Method = m
	s.res.CVMResults = [3]byte{r.Code, r.Condition, result}
	return true, nil
}

func recognised(m byte) bool {
	switch m {
	case cvmFail, cvmPlainPIN, cvmOnlinePIN, cvmPlainPINSig, cvmEncPIN, cvmEncPINSig, cvmSignature, cvmNoCVM, cvmPBOCID:
		return true
	}
	return false
}

func isOfflinePIN(m byte) bool {
	return m == cvmPlainPIN || m == cvmPlainPINSig || m == cvmEncPIN || m == cvmEncPINSig
}

// supports reports whether the terminal can perform method m (9F33 byte 2;
// offline PIN also needs a PIN supplier, the PIN pad).
func (s *Session) supports(m byte) bool {
	c := s.cfg.Capabilities[1]
	pad := s.cfg.PIN != nil
	switch m {
	case cvmFail:
		return true
	case cvmPlainPIN:
		return c&cap2PlainPIN != 0 && pad
	case cvmPlainPINSig:
		return c&cap2PlainPIN != 0 && c&cap2Signature != 0 && pad
	case cvmEncPIN:
		return c&cap2EncipheredPIN != 0 && pad
	case cvmEncPINSig:
		return c&cap2EncipheredPIN != 0 && c&cap2Signature != 0 && pad
	case cvmOnlinePIN:
		return c&cap2OnlinePIN != 0
	case cvmSignature:
		return c&cap2Signature != 0
	case cvmNoCVM:
		return c&cap2NoCVM != 0
	}
	return false
}

// conditionMet evaluates a CVM condition code (Book 3 Annex C3). Codes the
// terminal does not understand are not met.
func (s *Session) conditionMet(r CVRule, x, y int64) bool {
	cash := s.txn.Type == TypeCash
	unattended := s.unattended()
	cashback := s.txn.Type == TypeCashback || s.txn.OtherAmount > 0
	sameCurrency := s.sameCurrency()
	amt := s.txn.Amount
	switch r.Condition {
	case 0x00:
		return true
	case 0x01:
		return unattended && cash
	case 0x02:
		return !cash && !cashback
	case 0x03:
		return recognised(r.Method()) && s.supports(r.Method())
	case 0x04:
		return !unattended && cash
	case 0x05:
		return cashback
	case 0x06:
		return sameCurrency && amt < x
	case 0x07:
		return sameCurrency && amt > x
	case 0x08:
		return sameCurrency && amt < y
	case 0x09:
		return sameCurrency && amt > y
	}
	return false
}

// unattended: terminal type b4..b1 = 4, 5 or 6 (Book 4 Annex A1).
func (s *Session) unattended() bool {
	if s.cfg.Unattended {
		return true
	}
	t := s.cfg.TerminalType & 0x0F
	return t >= 4 && t <= 6
}

// sameCurrency: the application currency code 9F42 equals 5F2A.
func (s *Session) sameCurrency() bool {
	v, ok := s.card.get(0x9F42)
	if !ok || len(v) != 2 {
		return false
	}
	return uint16(v[0])<<8|uint16(v[1]) == s.cfg.CurrencyCode
}
