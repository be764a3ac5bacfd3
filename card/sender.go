package card

import (
	"context"
	"errors"
	"fmt"

	"github.com/hulian/hulian/card/apdu"
)

// Bounds of the Sender's follow-up loops. A card answering 61xx forever, or
// 6Cxx again after the re-send, stops there with ErrChain.
const (
	// DefaultMaxGetResponse is the most GET RESPONSE commands sent for one
	// command (at 256 bytes each, 64 KiB of response data).
	DefaultMaxGetResponse = 256
	// maxResponse bounds the concatenated response data (extended Le max).
	maxResponse = apdu.MaxExtendedLe
)

// ErrChain: the card kept asking for follow-up commands (61xx, 6Cxx)
// beyond the Sender's bounds, or the response grew beyond 65,536 bytes.
var ErrChain = errors.New("card: too many GET RESPONSE or re-send rounds")

// Sender wraps a Transport and handles the T=0 procedure status words of
// ISO/IEC 7816-3 12.2.2 and EMV Book 1 9.3.1.3 for the caller:
//
//   - 61xx: send GET RESPONSE (00 C0 00 00 xx) and concatenate the data,
//     until the card answers something else; the last status word is the
//     result.
//   - 6Cxx: send the same command again with Le = xx (once).
//
// With Raw set the Sender passes status words through, so tests see what
// the card really said. A Sender is itself a Transport (Transmit does the
// handling), so it stacks with recording and replay. Safe for concurrent
// use only if the wrapped Transport is.
type Sender struct {
	T Transport
	// Raw turns the automatic 61xx/6Cxx handling off.
	Raw bool
	// MaxGetResponse bounds the GET RESPONSE rounds per command;
	// 0 means DefaultMaxGetResponse.
	MaxGetResponse int
}

// NewSender returns a Sender over t with the handling on.
func NewSender(t Transport) *Sender { return &Sender{T: t} }

// Send encodes c, transmits it with the status-word handling and splits the
// response. A status word other than 9000 is not an error here: check
// Response.Err. Errors are transport failures, encoding errors and ErrChain.
func (s *Sender) Send(ctx context.Context, c apdu.Command) (apdu.Response, error) {
	raw, err := c.Encode()
	if err != nil {
		return apdu.Response{}, err
	}
	resp, err := s.transmit(ctx, c, raw)
	if err != nil {
		return apdu.Response{}, err
	}
	return apdu.ParseResponse(resp)
}

// Transmit sends an encoded command with the status-word handling. A
// command that does not parse is sent as is, without the handling.
func (s *Sender) Transmit(ctx context.Context, command []byte) ([]byte, error) {
	c, err := apdu.Parse(command)
	if err != nil {
		return s.T.Transmit(ctx, command)
	}
	return s.transmit(ctx, c, command)
}

func (s *Sender) transmit(ctx context.Context, c apdu.Command, raw []byte) ([]byte, error) {
	resp, err := s.exchange(ctx, raw)
	if err != nil || s.Raw {
		return resp, err
	}
	if sw := lastSW(resp); sw.WrongLe() {
		c.Le = sw.Available()
		if raw, err = c.Encode(); err != nil {
			return nil, err
		}
		if resp, err = s.exchange(ctx, raw); err != nil {
			return nil, err
		}
		if lastSW(resp).WrongLe() {
			return nil, fmt.Errorf("%w: %s after re-sending with Le=%d", ErrChain, lastSW(resp), c.Le)
		}
	}
	return s.getResponses(ctx, c.CLA, resp)
}

// getResponses follows 61xx with GET RESPONSE, appending each part's data.
func (s *Sender) getResponses(ctx context.Context, cla byte, resp []byte) ([]byte, error) {
	limit := s.MaxGetResponse
	if limit <= 0 {
		limit = DefaultMaxGetResponse
	}
	sw := lastSW(resp)
	if !sw.MoreData() {
		return resp, nil
	}
	data := append([]byte(nil), resp[:len(resp)-2]...)
	for range limit {
		get := apdu.Command{CLA: getResponseCLA(cla), INS: 0xC0, Le: sw.Available()}
		raw, err := get.Encode()
		if err != nil {
			return nil, err
		}
		part, err := s.exchange(ctx, raw)
		if err != nil {
			return nil, err
		}
		if len(data)+len(part)-2 > maxResponse {
			return nil, fmt.Errorf("%w: response longer than %d bytes", ErrChain, maxResponse)
		}
		data = append(data, part[:len(part)-2]...)
		if sw = lastSW(part); !sw.MoreData() {
			return append(data, sw.SW1(), sw.SW2()), nil
		}
	}
	return nil, fmt.Errorf("%w: still %s after %d GET RESPONSE", ErrChain, sw, limit)
}

// exchange transmits once and checks that the response holds a status word.
func (s *Sender) exchange(ctx context.Context, raw []byte) ([]byte, error) {
	resp, err := s.T.Transmit(ctx, raw)
	if err != nil {
		return nil, err
	}
	if len(resp) < 2 {
		return nil, fmt.Errorf("%w: response of %d bytes has no status word", ErrTransmit, len(resp))
	}
	return resp, nil
}

// getResponseCLA keeps the logical channel bits of an interindustry CLA
// (ISO/IEC 7816-4 5.4.1); proprietary classes (b8 set, e.g. EMV's 80) get
// GET RESPONSE with CLA 00, as EMV Book 1 9.3.1.3 does.
func getResponseCLA(cla byte) byte {
	if cla&0x80 != 0 {
		return 0x00
	}
	if cla&0x40 != 0 { // further interindustry class: channels 4..19
		return cla & 0x4F
	}
	return cla & 0x03
}

func lastSW(resp []byte) apdu.SW {
	n := len(resp)
	return apdu.SW(resp[n-2])<<8 | apdu.SW(resp[n-1])
}

// Reset resets the card through the wrapped Transport.
func (s *Sender) Reset(ctx context.Context, cold bool) error { return s.T.Reset(ctx, cold) }

// ATR returns the wrapped Transport's ATR.
func (s *Sender) ATR() []byte { return s.T.ATR() }

// Protocol returns the wrapped Transport's protocol.
func (s *Sender) Protocol() Protocol { return s.T.Protocol() }

// Close closes the wrapped Transport.
func (s *Sender) Close() error { return s.T.Close() }
