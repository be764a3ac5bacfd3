package kernel

import (
	"bytes"
	"context"
	"time"

	"github.com/hulian/hulian/emv/bcd"
)

// AUC 9F07 bits (EMV Book 3 Annex C2).
const (
	auc1DomesticCash     = 0x80
	auc1IntlCash         = 0x40
	auc1DomesticGoods    = 0x20
	auc1IntlGoods        = 0x10
	auc1DomesticServices = 0x08
	auc1IntlServices     = 0x04
	auc1ATM              = 0x02
	auc1NonATM           = 0x01
	auc2DomesticCashback = 0x80
	auc2IntlCashback     = 0x40
)

// restrictions is Processing Restrictions (EMV Book 3 10.4): application
// version, application usage control and the effective and expiry dates
// against the injected clock.
func (s *Session) restrictions(context.Context) error {
	if v, ok := s.card.get(0x9F08); ok && !bytes.Equal(v, s.cfg.AppVersion[:]) {
		s.res.TVR.Set(TVRVersionsDiffer)
	}
	if auc, ok := s.card.get(0x9F07); ok && len(auc) == 2 && !s.usageAllowed(auc) {
		s.res.TVR.Set(TVRServiceNotAllowed)
	}
	s.checkDates()
	return nil
}

// checkDates sets "not yet effective" (5F25 after today) and "expired"
// (5F24 before today).
func (s *Session) checkDates() {
	today := time.Date(s.now.Year(), s.now.Month(), s.now.Day(), 0, 0, 0, 0, time.UTC)
	if v, ok := s.card.get(0x5F25); ok {
		if d, ok := parseDate(v); !ok || d.After(today) {
			s.res.TVR.Set(TVRNotYetEffective)
		}
	}
	if v, ok := s.card.get(0x5F24); ok {
		if d, ok := parseDate(v); !ok || d.Before(today) {
			s.res.TVR.Set(TVRExpired)
		}
	}
}

// parseDate decodes YYMMDD (n 6); years 00..49 are 20xx, 50..99 19xx
// (EMV Book 3 10.4.3).
func parseDate(b []byte) (time.Time, bool) {
	if len(b) != 3 {
		return time.Time{}, false
	}
	v, ok := bcd.Int(b)
	if !ok {
		return time.Time{}, false
	}
	y, m, d := int(v/10000), int(v/100%100), int(v%100)
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	if y < 50 {
		y += 2000
	} else {
		y += 1900
	}
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), true
}

// isATM: terminal type x4..x6 with cash capability (9F40 byte 1 b8).
func (s *Session) isATM() bool {
	t := s.cfg.TerminalType & 0x0F
	return (t == 4 || t == 5 || t == 6) && s.cfg.AddCapabilities[0]&0x80 != 0
}

// usageAllowed checks the AUC against the terminal and the transaction.
func (s *Session) usageAllowed(auc []byte) bool {
	if s.isATM() && auc[0]&auc1ATM == 0 || !s.isATM() && auc[0]&auc1NonATM == 0 {
		return false
	}
	country, ok := s.card.get(0x5F28)
	if !ok {
		return true // domestic/international cannot be told apart
	}
	term, _ := s.term.get(0x9F1A)
	domestic := bytes.Equal(country, term)
	pick := func(dom, intl byte) byte {
		if domestic {
			return dom
		}
		return intl
	}
	switch s.txn.Type {
	case TypeCash:
		return auc[0]&pick(auc1DomesticCash, auc1IntlCash) != 0
	case TypePurchase, TypeCashback:
		if auc[0]&pick(auc1DomesticGoods|auc1DomesticServices, auc1IntlGoods|auc1IntlServices) == 0 {
			return false
		}
		if s.txn.Type == TypeCashback || s.txn.OtherAmount > 0 {
			return auc[1]&pick(auc2DomesticCashback, auc2IntlCashback) != 0
		}
	}
	return true
}
