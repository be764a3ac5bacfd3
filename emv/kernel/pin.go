package kernel

import (
	"context"
	"errors"
	"io"
	"math/big"

	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/emv/capk"
	"github.com/hulian/hulian/emv/oda"
)

// ErrPINBypass is returned by a PINSupplier (possibly wrapped) when the
// cardholder bypasses PIN entry (EMV Book 3 10.5.1).
var ErrPINBypass = errors.New("PIN entry bypassed")

// maxPINAttempts bounds the PIN entries of one transaction.
const maxPINAttempts = 15

// offlinePIN performs offline plaintext or enciphered PIN verification
// (EMV Book 3 10.5.1, Book 2 7): the PIN try counter (GET DATA 9F17), the PIN
// from the supplier, VERIFY, and a new entry after a wrong PIN while tries
// remain. ok reports a verified PIN. The PIN is cleared after use.
func (s *Session) offlinePIN(ctx context.Context, enciphered bool) (bool, error) {
	tries := -1
	if v, ok, err := s.getData(ctx, StepCVM, 0x9F17); err != nil {
		return false, err
	} else if ok && len(v) == 1 {
		tries = int(v[0])
	}
	if tries == 0 {
		s.res.TVR.Set(TVRPINTryExceeded)
		return false, nil
	}
	method := PINOfflinePlain
	if enciphered {
		method = PINOfflineEnciphered
	}
	for attempt := 1; attempt <= maxPINAttempts; attempt++ {
		pin, err := s.cfg.PIN(ctx, PINRequest{Method: method, TriesLeft: tries, Attempt: attempt})
		if err != nil {
			if ctx.Err() != nil {
				return false, stepErr(StepCVM, ctx.Err(), "PIN entry")
			}
			if errors.Is(err, ErrPINBypass) {
				s.res.TVR.Set(TVRPINNotEntered)
			} else {
				s.res.TVR.Set(TVRPINPadMissing)
			}
			return false, nil
		}
		block, perr := pinBlock(pin)
		clear(pin)
		if perr != nil {
			s.res.TVR.Set(TVRPINNotEntered)
			return false, nil
		}
		sw, err := s.sendPIN(ctx, block, enciphered)
		clear(block)
		if err != nil || sw == 0 {
			return false, err
		}
		switch {
		case sw.OK():
			return true, nil
		case sw.SW1() == 0x63 && sw.SW2()&0xF0 == 0xC0:
			tries = int(sw.SW2() & 0x0F)
			if tries == 0 {
				s.res.TVR.Set(TVRPINTryExceeded)
				return false, nil
			}
		case sw == apdu.SWAuthMethodBlocked || sw == apdu.SWReferenceDataUnusable:
			s.res.TVR.Set(TVRPINTryExceeded)
			return false, nil
		default:
			return false, nil
		}
	}
	return false, nil
}

// sendPIN sends VERIFY with the plaintext PIN block (P2 80) or the
// enciphered PIN data (P2 88). sw 0 with a nil error: the PIN could not be
// enciphered (no usable key), the CVM fails.
func (s *Session) sendPIN(ctx context.Context, block []byte, enciphered bool) (apdu.SW, error) {
	cmd := apdu.Command{CLA: 0x00, INS: 0x20, P2: 0x80, Data: block, Le: -1}
	if enciphered {
		data, ok, err := s.encipherPIN(ctx, block)
		if err != nil || !ok {
			return 0, err
		}
		defer clear(data)
		cmd.P2, cmd.Data = 0x88, data
	}
	r, err := s.send(ctx, StepCVM, cmd)
	if err != nil {
		return 0, err
	}
	return r.SW, nil
}

// pinBlock makes the ISO 9564 format 2 block of an ASCII PIN of 4..12
// digits: 2N PP.. FF.
func pinBlock(pin []byte) ([]byte, error) {
	if len(pin) < 4 || len(pin) > 12 {
		return nil, stepErr(StepCVM, ErrPIN, "PIN length not 4..12")
	}
	b := []byte{0x20 | byte(len(pin)), 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}
	for i, c := range pin {
		if c < '0' || c > '9' {
			clear(b)
			return nil, stepErr(StepCVM, ErrPIN, "PIN not digits")
		}
		pos := 2 + i
		if pos%2 == 0 {
			b[pos/2] = (c-'0')<<4 | b[pos/2]&0x0F
		} else {
			b[pos/2] = b[pos/2]&0xF0 | (c - '0')
		}
	}
	return b, nil
}

// encipherPIN builds the enciphered PIN data of EMV Book 2 7.2: GET
// CHALLENGE, then 7F || PIN block || ICC unpredictable number || random
// padding, RSA-enciphered with the ICC PIN encipherment key (9F2D) or the
// ICC public key (9F46). SM2 keys are not supported (ok false).
func (s *Session) encipherPIN(ctx context.Context, block []byte) ([]byte, bool, error) {
	key, ok := s.pinKey()
	if !ok || key.Algorithm != capk.RSA {
		return nil, false, nil
	}
	ch, err := s.sendOK(ctx, StepCVM, apdu.Command{CLA: 0x00, INS: 0x84, Le: 256})
	if err != nil {
		var ke *Error
		if errors.As(err, &ke) && ke.SW != 0 {
			return nil, false, nil
		}
		return nil, false, err
	}
	n := len(key.Modulus)
	if len(ch) != 8 || n < 17+8 {
		return nil, false, nil
	}
	msg := make([]byte, n)
	msg[0] = 0x7F
	copy(msg[1:], block)
	copy(msg[9:], ch)
	if _, err := io.ReadFull(s.rand, msg[17:]); err != nil {
		return nil, false, nil
	}
	m := new(big.Int).SetBytes(msg)
	clear(msg)
	mod := new(big.Int).SetBytes(key.Modulus)
	c := new(big.Int).Exp(m, new(big.Int).SetBytes(key.Exponent), mod)
	m.SetInt64(0)
	return c.FillBytes(make([]byte, n)), true, nil
}

// pinKey recovers the ICC PIN encipherment public key (9F2D, 9F2E, 9F2F),
// or falls back to the ICC public key.
func (s *Session) pinKey() (*oda.PublicKey, bool) {
	if cert, ok := s.card.get(0x9F2D); ok {
		if s.recoverIssuer() != nil {
			return nil, false
		}
		rem, _ := s.card.get(0x9F2F)
		exp, _ := s.card.get(0x9F2E)
		pan, _ := s.card.get(0x5A)
		k, err := oda.RecoverICCKey(s.issuerKey, oda.ICCCert{Cert: cert, Remainder: rem, Exponent: exp}, nil, pan, s.now)
		return k, err == nil
	}
	if s.recoverICC() != nil {
		return nil, false
	}
	return s.iccKey, true
}
