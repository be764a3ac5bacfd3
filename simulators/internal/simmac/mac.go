package simmac

import (
	"context"
	"errors"
	"time"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/wire"
	"github.com/hulian/hulian/switch/hsm"
)

// Field is the MAC field of the interconnect contract; Size its length.
const (
	Field = 128
	Size  = 8
)

// timeout bounds one security module call.
const timeout = 2 * time.Second

// Sentinel errors wrapped by Verify and AppendFrame.
var (
	// ErrMissing reports a message without field 128, or where 128 is not the last field.
	ErrMissing = errors.New("simmac: MAC field missing or not last")
	// ErrShort reports message bytes too short to hold a MAC.
	ErrShort = errors.New("simmac: message too short for a MAC")
	// ErrNoModule reports a MAC without a security module.
	ErrNoModule = errors.New("simmac: no security module")
)

// MAC says how a simulator authenticates its messages: Module computes and
// checks MACs under the zone authentication key Key, in field Field (128 when
// zero; 64 moves to 128 in messages with secondary fields, wire.FieldFor).
type MAC struct {
	Module hsm.Module
	Key    hsm.KeyID
	Field  int
}

// field returns the configured MAC field.
func (mc *MAC) field() int {
	if mc.Field == 0 {
		return Field
	}
	return mc.Field
}

// Applies reports whether a message of this MTI carries a MAC: every one but
// network management (08xx).
func Applies(mti []byte) bool {
	return len(mti) == 4 && mti[1] != '8'
}

// AppendFrame packs m as one frame of codec (header destination dest) and
// appends it to dst. With a MAC and a non-08xx message, field 128 is set to a
// placeholder, packed last, and overwritten with the MAC of the message bytes
// before it; an 08xx message is sent without 128. A nil m.MAC packs m as it
// is. On error dst is returned unchanged in length.
func (mc *MAC) AppendFrame(dst []byte, codec *wire.Codec, m *dialect.Message, dest string) ([]byte, error) {
	if mc == nil {
		return codec.AppendFrame(dst, m, dest)
	}
	if mc.Module == nil && Applies(m.MTI()) {
		return dst, ErrNoModule
	}
	return codec.AppendSigned(dst, m, dest, mc.field(), mc.sign)
}

// sign writes over the last Size bytes of msg the MAC of the bytes before them.
func (mc *MAC) sign(msg []byte) error {
	if len(msg) < Size {
		return ErrShort
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	mac, err := mc.Module.GenerateMAC(ctx, mc.Key, msg[:len(msg)-Size])
	if err != nil {
		return err
	}
	copy(msg[len(msg)-Size:], mac)
	return nil
}

// Message returns the message bytes (MTI onward) of a frame body read with
// codec, or nil when the body is shorter than the codec's header.
func Message(codec *wire.Codec, body []byte) []byte { return codec.Message(body) }

// Verify checks the MAC of m, decoded from the frame body body by codec. A nil
// MAC, or an 08xx message, always verifies. Otherwise field 128 must be
// present and last and hold the MAC of the message bytes before it: a
// mismatch wraps hsm.ErrMACMismatch, a missing field ErrMissing.
func (mc *MAC) Verify(codec *wire.Codec, body []byte, m *dialect.Message) error {
	if mc == nil || !Applies(m.MTI()) {
		return nil
	}
	if mc.Module == nil {
		return ErrNoModule
	}
	raw := Message(codec, body)
	data, mac, ok := wire.SplitMAC(m, raw, mc.field())
	if !ok {
		if len(raw) < Size && m.Has(wire.FieldFor(m, mc.field())) {
			return ErrShort
		}
		return ErrMissing
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return mc.Module.VerifyMAC(ctx, mc.Key, data, mac)
}
