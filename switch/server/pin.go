package server

import (
	"context"
	"errors"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/pan"
	"github.com/hulian/hulian/switch/hsm"
)

// errPIN is a PIN block the switch cannot take: the code says why.
type errPIN struct{ code string }

func (e errPIN) Error() string { return "server: PIN block refused with " + e.code }

// translatePIN moves the PIN block of m (field 52) from the acquirer's PIN
// key and format to the issuer's, inside the security module: the clear PIN
// never reaches this package. It sets field 53 to the issuer's format. A
// request without a PIN block passes unchanged; a PIN block from an
// acquirer without a PIN format is refused (30), one for an issuer
// without a PIN format too (96).
func (s *Server) translatePIN(acq, issuer *institution, m *dialect.Message) error {
	block := m.Field(52)
	if block == nil {
		return nil
	}
	from := acq.settings()
	if !from.hasPIN {
		// The switch holds no key for it: a PIN block never crosses a
		// zone untranslated.
		s.log.Warn("PIN block from an acquirer without a PIN key", "acquirer", acq.id)
		return errPIN{codeFormatError}
	}
	to := issuer.settings()
	if !to.hasPIN || s.hsm == nil {
		s.log.Warn("PIN block for an issuer without a PIN key", "acquirer", acq.id, "issuer", issuer.id)
		return errPIN{codeSystemMalfunction}
	}
	p := m.Field(2)
	if p == nil {
		p, _ = pan.FromTrack2(m.Field(35))
	}
	ctx, cancel := context.WithTimeout(context.Background(), macTimeout)
	defer cancel()
	var out []byte
	var err error
	for _, key := range acq.ring().zpk.candidates(s.now()) {
		out, err = s.hsm.TranslatePIN(ctx, hsm.TranslatePIN{
			From: key, FromFormat: from.pin,
			To: issuer.ring().zpk.cur, ToFormat: to.pin,
			PAN: p, Block: block,
		})
		if !errors.Is(err, hsm.ErrPINFormat) {
			break // a wrong key shows as a format error: only then try the previous one
		}
	}
	switch {
	case errors.Is(err, hsm.ErrPINFormat):
		return errPIN{codeFormatError}
	case err != nil:
		s.log.Error("PIN translation failed", "acquirer", acq.id, "issuer", issuer.id, "err", err)
		return errPIN{codeSystemMalfunction}
	}
	m.SetCopy(52, out)
	m.SetString(53, hsm.SecurityControl(to.pin))
	return nil
}
