package kernel

import (
	"context"
	"errors"

	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/emv/tlv"
)

// Exchange is one command sent to the card, as the Result's trace keeps it:
// the header and the status word only, never data (which may hold a PAN or
// an enciphered PIN).
type Exchange struct {
	Step   Step
	Header [4]byte // CLA INS P1 P2
	SW     apdu.SW // 0 when the exchange failed
}

// maxTrace bounds the trace of one transaction.
const maxTrace = 1024

// send transmits c and records it. Transport failures come back as *Error
// naming the step and wrapping the transport error (card.ErrCardRemoved ...).
// A status word other than 9000 is not an error here.
func (s *Session) send(ctx context.Context, step Step, c apdu.Command) (apdu.Response, error) {
	if err := ctx.Err(); err != nil {
		return apdu.Response{}, stepErr(step, err, "")
	}
	raw, err := s.sender.Send(ctx, c)
	ex := Exchange{Step: step, Header: [4]byte{c.CLA, c.INS, c.P1, c.P2}}
	if err == nil {
		ex.SW = raw.SW
	}
	if len(s.res.Trace) < maxTrace {
		s.res.Trace = append(s.res.Trace, ex)
	}
	if err != nil {
		var sw apdu.SW
		if errors.Is(err, apdu.ErrShort) || errors.As(err, &sw) {
			return apdu.Response{}, &Error{Step: step, Err: ErrMalformed, Detail: "response shorter than a status word"}
		}
		return apdu.Response{}, &Error{Step: step, Err: err, Detail: commandName(c.INS)}
	}
	return raw, nil
}

// sendOK is send that also requires 9000.
func (s *Session) sendOK(ctx context.Context, step Step, c apdu.Command) ([]byte, error) {
	r, err := s.send(ctx, step, c)
	if err != nil {
		return nil, err
	}
	if !r.SW.OK() {
		return nil, swErr(step, r.SW, commandName(c.INS))
	}
	return r.Data, nil
}

func commandName(ins byte) string {
	switch ins {
	case 0xA4:
		return "SELECT"
	case 0xA8:
		return "GET PROCESSING OPTIONS"
	case 0xB2:
		return "READ RECORD"
	case 0xCA:
		return "GET DATA"
	case 0x20:
		return "VERIFY"
	case 0x84:
		return "GET CHALLENGE"
	case 0x88:
		return "INTERNAL AUTHENTICATE"
	case 0xAE:
		return "GENERATE AC"
	case 0x82:
		return "EXTERNAL AUTHENTICATE"
	}
	return "issuer script command"
}

func selectCmd(name []byte, next bool) apdu.Command {
	p2 := byte(0x00)
	if next {
		p2 = 0x02
	}
	return apdu.Command{CLA: 0x00, INS: 0xA4, P1: 0x04, P2: p2, Data: name, Le: 256}
}

func readRecordCmd(sfi, rec byte) apdu.Command {
	return apdu.Command{CLA: 0x00, INS: 0xB2, P1: rec, P2: sfi<<3 | 0x04, Le: 256}
}

func getDataCmd(t tlv.Tag) apdu.Command {
	return apdu.Command{CLA: 0x80, INS: 0xCA, P1: byte(t >> 8), P2: byte(t), Le: 256}
}

// getData runs GET DATA for t and returns the value of the answer's t data
// object. ok is false when the card does not answer 9000 with t.
func (s *Session) getData(ctx context.Context, step Step, t tlv.Tag) ([]byte, bool, error) {
	r, err := s.send(ctx, step, getDataCmd(t))
	if err != nil {
		return nil, false, err
	}
	if !r.SW.OK() {
		return nil, false, nil
	}
	objs, perr := parseCard(r.Data)
	if perr != nil || len(objs) != 1 || objs[0].Tag != t {
		return nil, false, nil
	}
	return objs[0].Value, true, nil
}
