package kernel

import (
	"context"
	"errors"

	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/emv/capk"
	"github.com/hulian/hulian/emv/dol"
	"github.com/hulian/hulian/emv/oda"
	"github.com/hulian/hulian/emv/tlv"
)

// errNoCAKey: the CA public key of 8F is not in the terminal's store.
var errNoCAKey = errors.New("CA public key not found")

// authenticate is Offline Data Authentication (EMV Book 3 10.3): CDA when
// card and terminal support it (its signature is checked at GENERATE AC),
// else DDA, else SDA; RSA or SM2 as the CA key says (JR/T 0025.17). A failure
// sets the TVR bit of the method and the transaction goes on.
func (s *Session) authenticate(ctx context.Context) error {
	caps := s.cfg.Capabilities[2]
	switch {
	case s.aip[0]&aipCDA != 0 && caps&cap3CDA != 0 && !s.txn.ReadOnly:
		s.odaMethod = ODACDA
	case s.aip[0]&aipDDA != 0 && caps&cap3DDA != 0:
		s.odaMethod = ODADDA
	case s.aip[0]&aipSDA != 0 && caps&cap3SDA != 0:
		s.odaMethod = ODASDA
		s.res.TVR.Set(TVRSDASelected)
	default:
		s.res.TVR.Set(TVRODANotPerformed)
		return nil
	}
	s.res.ODA = s.odaMethod
	s.res.TSI.Set(TSIODA)
	var err error
	switch s.odaMethod {
	case ODASDA:
		err = s.sda()
	case ODADDA:
		err = s.dda(ctx)
	case ODACDA:
		// The ICC key is recovered now; the signature comes with GENERATE AC.
		// SM2 CDA has no public definition (emv/oda): an SM2 card is
		// authenticated with DDA instead.
		err = s.recoverICC()
		if err == nil && s.iccKey.Algorithm != capk.RSA && s.aip[0]&aipDDA != 0 {
			s.odaMethod, s.res.ODA = ODADDA, ODADDA
			err = s.dda(ctx)
		}
	}
	if err != nil {
		var ke *Error
		if errors.As(err, &ke) && ke.Err != ErrODA {
			return err // transport failure or cancellation
		}
		s.odaFailed()
	}
	return nil
}

// ErrODA marks an offline data authentication failure; the *Error's Detail
// says which object failed and the wrapped oda error why.
var ErrODA = errors.New("offline data authentication failed")

func odaErr(t tlv.Tag, err error) *Error {
	return &Error{Step: StepODA, Tag: t, HasTag: t != 0, Err: ErrODA, Detail: err.Error()}
}

// odaFailed sets the TVR bit of the method that failed.
func (s *Session) odaFailed() {
	s.res.ODAFailed = true
	switch s.odaMethod {
	case ODASDA:
		s.res.TVR.Set(TVRSDAFailed)
	case ODADDA, ODAfDDA:
		s.res.TVR.Set(TVRDDAFailed)
	case ODACDA:
		s.res.TVR.Set(TVRCDAFailed)
	}
}

// recoverIssuer recovers the issuer public key with the CA key of RID || 8F.
func (s *Session) recoverIssuer() error {
	if s.issuerKey != nil {
		return nil
	}
	if s.staticBad {
		return odaErr(0x9F4A, errors.New("static data to be authenticated unusable"))
	}
	idx, ok := s.card.get(0x8F)
	aid, _ := s.card.get(0x4F)
	if !ok || len(idx) != 1 || len(aid) < 5 || s.cfg.CAKeys == nil {
		s.res.TVR.Set(TVRICCDataMissing)
		return odaErr(0x8F, errNoCAKey)
	}
	ca, ok := s.cfg.CAKeys.Lookup(aid[:5], idx[0])
	if !ok {
		return odaErr(0x8F, errNoCAKey)
	}
	ic, ok := oda.IssuerCertOf(s.card.get)
	if !ok {
		s.res.TVR.Set(TVRICCDataMissing)
		return odaErr(0x90, ErrMissing)
	}
	pan, _ := s.card.get(0x5A)
	k, err := oda.RecoverIssuerKey(ca, ic, pan, s.now)
	if err != nil {
		return odaErr(0x90, err)
	}
	s.issuerKey = k
	return nil
}

// recoverICC recovers the ICC public key (9F46) with the issuer key.
func (s *Session) recoverICC() error {
	if s.iccKey != nil {
		return nil
	}
	if err := s.recoverIssuer(); err != nil {
		return err
	}
	cc, ok := oda.ICCCertOf(s.card.get)
	if !ok {
		s.res.TVR.Set(TVRICCDataMissing)
		return odaErr(0x9F46, ErrMissing)
	}
	pan, _ := s.card.get(0x5A)
	k, err := oda.RecoverICCKey(s.issuerKey, cc, s.static, pan, s.now)
	if err != nil {
		return odaErr(0x9F46, err)
	}
	s.iccKey = k
	return nil
}

// sda verifies the signed static application data 93 (Book 2 5.4).
func (s *Session) sda() error {
	if err := s.recoverIssuer(); err != nil {
		return err
	}
	ssad, ok := s.card.get(0x93)
	if !ok {
		s.res.TVR.Set(TVRICCDataMissing)
		return odaErr(0x93, ErrMissing)
	}
	dac, err := oda.VerifySDA(s.issuerKey, ssad, s.static)
	if err != nil {
		return odaErr(0x93, err)
	}
	s.card.set(0x9F45, dac)
	return nil
}

// dda runs INTERNAL AUTHENTICATE with the DDOL (9F49, else the terminal's
// default DDOL) and verifies the signed dynamic data (Book 2 6.5).
func (s *Session) dda(ctx context.Context) error {
	if err := s.recoverICC(); err != nil {
		return err
	}
	ddolRaw, ok := s.card.get(0x9F49)
	if !ok {
		ddolRaw = s.cfg.DefaultDDOL
	}
	d, err := dol.Parse(ddolRaw)
	if err != nil || !containsTag(d, 0x9F37) {
		return odaErr(0x9F49, errors.New("DDOL unusable or without 9F37"))
	}
	data := d.Build(s.lookup)
	r, err := s.send(ctx, StepODA, apdu.Command{CLA: 0x00, INS: 0x88, Data: data, Le: 256})
	if err != nil {
		return err
	}
	if !r.SW.OK() {
		return &Error{Step: StepODA, Err: ErrODA, SW: r.SW, Detail: "INTERNAL AUTHENTICATE"}
	}
	sdad, err := signedDynamic(r.Data)
	if err != nil {
		return err
	}
	dd, err := oda.VerifyDDA(s.iccKey, sdad, data)
	if err != nil {
		return odaErr(0x9F4B, err)
	}
	s.card.set(0x9F4C, dd.ICCDynamicNumber)
	return nil
}

// signedDynamic extracts the SDAD of an INTERNAL AUTHENTICATE answer:
// format 1 (80) or format 2 (77 with 9F4B).
func signedDynamic(b []byte) ([]byte, error) {
	obj, err := template(StepODA, b, 0x80, 0x77)
	if err != nil {
		return nil, odaErr(0x9F4B, err)
	}
	if obj.Tag == 0x80 {
		return obj.Value, nil
	}
	if v, ok := tlv.Find(obj.Children, 0x9F4B); ok {
		return v.Value, nil
	}
	return nil, odaErr(0x9F4B, ErrMissing)
}

func containsTag(d dol.DOL, t tlv.Tag) bool {
	for _, e := range d {
		if e.Tag == t {
			return true
		}
	}
	return false
}
