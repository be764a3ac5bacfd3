package kernel

import (
	"context"

	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/emv/dol"
	"github.com/hulian/hulian/emv/tlv"
)

// initiate is Initiate Application Processing (EMV Book 3 10.1): GET
// PROCESSING OPTIONS with the PDOL data. ok is false when the card answers
// 6985 (conditions of use not satisfied): the application is dropped and
// selection goes on.
func (s *Session) initiate(ctx context.Context) (bool, error) {
	var data []byte
	if p, ok := s.card.get(0x9F38); ok {
		d, err := dol.Parse(p)
		if err != nil {
			return false, tagErr(StepGPO, 0x9F38, ErrMalformed, "PDOL")
		}
		data = d.Build(s.lookup)
	}
	if len(data) > 252 {
		return false, tagErr(StepGPO, 0x9F38, ErrMalformed, "PDOL data longer than 252 bytes")
	}
	s.pdolData = data
	cmd := apdu.Command{CLA: 0x80, INS: 0xA8, Data: tlv.Encode(tlv.New(0x83, data)), Le: 256}
	r, err := s.send(ctx, StepGPO, cmd)
	if err != nil {
		return false, err
	}
	if r.SW == apdu.SWConditionsOfUse {
		return false, nil
	}
	if !r.SW.OK() {
		return false, swErr(StepGPO, r.SW, "GET PROCESSING OPTIONS")
	}
	return true, s.gpoResponse(r.Data)
}

// gpoResponse decodes format 1 (80: AIP || AFL) or format 2 (77 with 82 and
// 94, and for qPBOC the cryptogram) (EMV Book 3 6.5.8.4).
func (s *Session) gpoResponse(b []byte) error {
	obj, err := template(StepGPO, b, 0x80, 0x77)
	if err != nil {
		return err
	}
	var aip, afl []byte
	if obj.Tag == 0x80 {
		if len(obj.Value) < 2 {
			return tagErr(StepGPO, 0x80, ErrMalformed, "shorter than the AIP")
		}
		aip, afl = obj.Value[:2], obj.Value[2:]
	} else {
		for _, o := range obj.Children {
			if !s.card.put(o.Tag, o.Value) {
				return tagErr(StepGPO, o.Tag, ErrMalformed, "duplicate data object")
			}
		}
		a, ok := tlv.Find(obj.Children, 0x82)
		if !ok {
			return tagErr(StepGPO, 0x82, ErrMissing, "")
		}
		aip = a.Value
		if f, ok := tlv.Find(obj.Children, 0x94); ok {
			afl = f.Value
		}
		s.res.QPBOC = s.txn.Interface == Contactless && s.card.has(0x9F26)
	}
	if len(aip) != 2 {
		return tagErr(StepGPO, 0x82, ErrMalformed, "AIP length")
	}
	if err := checkAFL(afl); err != nil {
		return err
	}
	s.aip = [2]byte{aip[0], aip[1]}
	s.afl = append([]byte(nil), afl...)
	s.card.set(0x82, aip)
	s.card.set(0x94, afl)
	return nil
}

// checkAFL validates the AFL (EMV Book 3 10.2) with ParseAFL.
func checkAFL(afl []byte) error {
	_, err := ParseAFL(afl)
	return err
}
