package server

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/wire"
	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/switch/link"
)

// macTimeout bounds one security module call on the message path.
const macTimeout = 2 * time.Second

// signer returns the link signer of an institution that authenticates its
// messages, or nil.
func (s *Server) signer(inst *institution) *link.Signer {
	set := inst.settings()
	if !set.mac() || s.hsm == nil {
		return nil
	}
	return &link.Signer{Field: set.macField(), Sign: func(msg []byte) error {
		if len(msg) < 8 {
			return errors.New("server: message too short for a MAC")
		}
		ctx, cancel := context.WithTimeout(context.Background(), macTimeout)
		defer cancel()
		mac, err := s.hsm.GenerateMAC(ctx, inst.ring().zak.cur, msg[:len(msg)-8])
		if err != nil {
			return fmt.Errorf("server: MAC for %s: %w", inst.id, err)
		}
		copy(msg[len(msg)-8:], mac)
		return nil
	}}
}

// verifyMAC checks the MAC of a message from an institution that
// authenticates its messages: the MAC field must be the message's last
// and hold the MAC of the bytes before it. Network management carries none.
func (s *Server) verifyMAC(l *link.Link, inst *institution, m *dialect.Message) bool {
	set := inst.settings()
	if !set.mac() || m.MTI()[1] == '8' {
		return true
	}
	data, mac, ok := wire.SplitMAC(m, l.Message(), set.macField())
	if s.hsm == nil || !ok {
		inst.m.MACFailures.Inc()
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), macTimeout)
	defer cancel()
	var err error
	for _, key := range inst.ring().zak.candidates(s.now()) {
		if err = s.hsm.VerifyMAC(ctx, key, data, mac); err == nil {
			return true
		}
	}
	inst.m.MACFailures.Inc()
	if !errors.Is(err, hsm.ErrMACMismatch) {
		s.log.Error("MAC verification failed", "institution", inst.id, "err", err)
	}
	return false
}
