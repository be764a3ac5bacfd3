package runner

import (
	"context"
	"fmt"

	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/certification/report"
	"github.com/hulian/hulian/certification/script"
	"github.com/hulian/hulian/emv/oda"
)

// verifyEnciphered is VERIFY with an offline enciphered PIN (EMV Book 3
// 6.5.12 P2 88, Book 2 7.2): GET CHALLENGE, then the ISO 9564 format 2 PIN
// block enciphered with emv/oda.EncipherPIN under the ICC PIN encipherment
// public key (9F2D, 9F2E, 9F2F) when the card has one, else the ICC public
// key (9F46), both recovered with the test CA keys as for offline data
// authentication. The step's answer is the VERIFY's; the PIN and the
// enciphered data never reach the report (VERIFY data is withheld).
func (s *session) verifyEnciphered(ctx context.Context, pin string, rs *report.Step) (answer, error) {
	key, msg := s.pinKey()
	if msg != "" {
		return answer{}, failf("the PIN cannot be enciphered: %s", msg)
	}
	ch, err := s.send(ctx, script.ActVerify, apdu.Command{INS: 0x84, Le: 256}, rs)
	if err != nil {
		return answer{}, err
	}
	if ch.sw != apdu.SWOK || len(ch.data) != oda.ChallengeLen {
		return ch, failf("GET CHALLENGE answered %s with %d bytes, expected 9000 with an 8-byte ICC unpredictable number", swText(ch.sw), len(ch.data))
	}
	block, err := pinBlock(pin)
	if err != nil {
		return answer{}, err
	}
	data, err := oda.EncipherPIN(key, block, ch.data, s.r.opts.Rand)
	clear(block)
	if err != nil {
		return answer{}, failf("the PIN cannot be enciphered with the card's key: %v", err)
	}
	ans, err := s.send(ctx, script.ActVerify, apdu.Command{INS: 0x20, P2: 0x88, Data: data}, rs)
	clear(data)
	return ans, err
}

// pinKey recovers the key the terminal enciphers the PIN with: the ICC PIN
// encipherment public key (9F2D) when present, else the ICC public key.
func (s *session) pinKey() (*oda.PublicKey, string) {
	issuer, static, msg := s.issuerKey()
	if msg != "" {
		return nil, msg
	}
	cert, ok := s.cardValue(0x9F2D)
	if !ok {
		return s.iccKey(issuer, static)
	}
	rem, _ := s.cardValue(0x9F2F)
	exp, _ := s.cardValue(0x9F2E)
	p, _ := s.cardValue(0x5A)
	k, err := oda.RecoverICCKey(issuer, oda.ICCCert{Cert: cert, Remainder: rem, Exponent: exp}, nil, p, s.r.opts.Clock())
	if err != nil {
		return nil, fmt.Sprintf("the ICC PIN encipherment public key certificate (9F2D) does not verify: %v", err)
	}
	return k, ""
}
