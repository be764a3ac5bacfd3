package runner

import (
	"context"
	"fmt"

	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/certification/report"
	"github.com/hulian/hulian/certification/script"
	"github.com/hulian/hulian/emv/tlv"
)

// gpo is GET PROCESSING OPTIONS (EMV Book 3 6.5.8) with the PDOL of the
// selected application filled from terminal data, or raw PDOL data.
func (s *session) gpo(ctx context.Context, args map[string]string, rs *report.Step) (answer, error) {
	var data []byte
	if v, ok := args["data"]; ok {
		b, err := s.hexArg(v)
		if err != nil {
			return answer{}, err
		}
		data = b
	} else {
		term, err := s.terminalValues(args)
		if err != nil {
			return answer{}, err
		}
		if pdol, ok := tlv.Find(s.data.fci, 0x9F38); ok {
			if data, err = fillDOL(pdol.Value, term); err != nil {
				return answer{}, failf("the PDOL (9F38) is malformed: %v", err)
			}
		}
	}
	s.pdolData = data
	ans, err := s.send(ctx, script.ActGPO, apdu.Command{CLA: 0x80, INS: 0xA8, Data: tlv.Encode(tlv.New(0x83, data)), Le: 256}, rs)
	if err != nil || ans.sw != apdu.SWOK {
		return ans, err
	}
	var aip, afl []byte
	if f1, ok := tlv.Find(ans.list, 0x80); ok && len(ans.list) == 1 {
		if len(f1.Value) < 2 {
			return ans, failf("the GPO answer (format 1, 80) is %d bytes, shorter than the AIP", len(f1.Value))
		}
		aip, afl = f1.Value[:2], f1.Value[2:]
		ans.list = append(ans.list, tlv.New(0x82, aip), tlv.New(0x94, afl))
	} else {
		if o, ok := tlv.Find(ans.list, 0x82); ok {
			aip = o.Value
		}
		if o, ok := tlv.Find(ans.list, 0x94); ok {
			afl = o.Value
		}
	}
	s.data.aip, s.data.afl = clone(aip), clone(afl)
	s.data.add(ans.list)
	return ans, nil
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}

// verify is VERIFY with an offline PIN (EMV Book 3 6.5.12, ISO 9564
// format 2 PIN block): plaintext (P2 80), or enciphered (P2 88, pinenc.go).
// The PIN never reaches the report.
func (s *session) verify(ctx context.Context, args map[string]string, rs *report.Step) (answer, error) {
	pin, err := s.expand(args["pin"])
	if err != nil {
		return answer{}, err
	}
	if args["format"] == "enciphered" {
		return s.verifyEnciphered(ctx, pin, rs)
	}
	block, err := pinBlock(pin)
	if err != nil {
		return answer{}, err
	}
	ans, err := s.send(ctx, script.ActVerify, apdu.Command{INS: 0x20, P2: 0x80, Data: block}, rs)
	clear(block)
	return ans, err
}

// internalAuth is INTERNAL AUTHENTICATE (EMV Book 3 6.5.9) with the DDOL
// (9F49, else the default DDOL 9F3704) filled from terminal data, or raw
// data.
func (s *session) internalAuth(ctx context.Context, args map[string]string, rs *report.Step) (answer, error) {
	var data []byte
	if v, ok := args["data"]; ok {
		b, err := s.hexArg(v)
		if err != nil {
			return answer{}, err
		}
		data = b
	} else {
		ddol, ok := s.cardValue(0x9F49)
		if !ok {
			ddol = []byte{0x9F, 0x37, 0x04}
		}
		b, err := fillDOL(ddol, s.term)
		if err != nil {
			return answer{}, failf("the DDOL (9F49) is malformed: %v", err)
		}
		data = b
	}
	s.ddolData = data
	return s.send(ctx, script.ActInternalAuth, apdu.Command{INS: 0x88, Data: data, Le: 256}, rs)
}

// pinBlock is an ISO 9564 format 2 PIN block: 2N, the digits, F filler.
func pinBlock(pin string) ([]byte, error) {
	if !digits(pin) || len(pin) < 4 || len(pin) > 12 {
		return nil, fmt.Errorf("%w: the PIN is not 4 to 12 digits", ErrScript)
	}
	block := []byte{0x20 | byte(len(pin)), 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}
	for i := 0; i < len(pin); i++ {
		n, d := 2+i, pin[i]-'0'
		if n%2 == 0 {
			block[n/2] = d<<4 | block[n/2]&0x0F
		} else {
			block[n/2] = block[n/2]&0xF0 | d
		}
	}
	return block, nil
}
