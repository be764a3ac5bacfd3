package simcard

import (
	"io"

	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/emv/oda"
	"github.com/hulian/hulian/emv/tlv"
)

// generateAC is GENERATE APPLICATION CRYPTOGRAM (EMV Book 3 6.5.5, JR/T
// 0025.5 5.4.5): P1 b8-b7 cryptogram type (00 AAC, 40 TC, 80 ARQC), b5 CDA.
// The first command uses CDOL1, the second (after an ARQC) CDOL2.
func (c *Card) generateAC(cmd apdu.Command) []byte {
	req, cda := cmd.P1&0xC0, cmd.P1&0x10 != 0
	if req == 0xC0 || cmd.P1&0x2F != 0 || cmd.P2 != 0 {
		return status(apdu.SWIncorrectP1P2)
	}
	a := c.selected()
	if a == nil {
		return status(apdu.SWConditionsOfUse)
	}
	switch c.sess.phase {
	case phaseInitiated:
		return c.firstAC(a, req, cda, cmd.Data)
	case phaseOnline:
		if req == cidARQC {
			return status(apdu.SWConditionsOfUse)
		}
		return c.secondAC(a, req, cda, cmd.Data)
	}
	return status(apdu.SWConditionsOfUse)
}

func (c *Card) firstAC(a *app, req byte, cda bool, data []byte) []byte {
	values, err := a.cdol1.Split(data)
	if err != nil || len(data) != a.cdol1.Len() {
		return status(apdu.SWWrongLength)
	}
	if !c.nextATC(a) {
		return status(apdu.SWConditionsOfUse)
	}
	c.sess.cdol1, c.sess.cdol1Raw = values, append([]byte(nil), data...)
	c.sess.lastUN = values[0x9F37]
	cid := c.decideFirst(a, req)
	c.cvrFirst(cid)
	resp := c.acResponse(a, cid, cda, values)
	if resp == nil {
		return status(apdu.SWNoDiagnosis)
	}
	switch cid {
	case cidARQC:
		c.sess.phase, c.sess.arqc = phaseOnline, c.sess.ac
	case cidTC:
		c.completeOffline(a)
		c.sess.phase = phaseDone
	default:
		c.sess.phase = phaseDone
	}
	return respond(resp, apdu.SWOK)
}

func (c *Card) secondAC(a *app, req byte, cda bool, data []byte) []byte {
	values, err := a.cdol2.Split(data)
	if err != nil || len(data) != a.cdol2.Len() {
		return status(apdu.SWWrongLength)
	}
	merged := make(map[tlv.Tag][]byte, len(c.sess.cdol1)+len(values))
	for k, v := range c.sess.cdol1 {
		merged[k] = v
	}
	for k, v := range values {
		merged[k] = v
	}
	c.sess.cdol2Raw, c.sess.lastUN = append([]byte(nil), data...), values[0x9F37]
	cid := c.decideSecond(a, req, values[0x8A])
	c.cvrSecond(cid)
	resp := c.acResponse(a, cid, cda, merged)
	if resp == nil {
		return status(apdu.SWNoDiagnosis)
	}
	c.completeOnline(a, cid)
	c.sess.phase = phaseDone
	return respond(resp, apdu.SWOK)
}

// acResponse computes the cryptogram and encodes the response: format 1
// 80 { CID ATC AC IAD }, or with CDA format 2 77 { 9F27 9F36 9F4B 9F10 }.
func (c *Card) acResponse(a *app, cid byte, cda bool, terminal map[tlv.Tag][]byte) []byte {
	iad := c.iad(a)
	ac, err := c.cryptogram(a, terminal, iad)
	if err != nil {
		return nil
	}
	c.sess.ac = ac
	shown := cid
	if c.defects.on(DefectCIDMismatch) && cid == cidARQC {
		shown = cidTC
	}
	atc := []byte{byte(c.sess.atc >> 8), byte(c.sess.atc)}
	if cda && cid != cidAAC && a.has(aipCDA) && a.signer != nil && !a.signer.sm && !c.defects.on(DefectCDANotSigned) {
		return c.cdaResponse(a, shown, atc, ac, iad)
	}
	body := append([]byte{shown}, atc...)
	body = append(append(body, ac...), iad...)
	return tlv.Encode(tlv.New(0x80, body))
}

// cdaResponse signs the cryptogram (EMV Book 2 6.6.1): 77 { 9F27 9F36
// 9F4B 9F10 }, the transaction data hash covering PDOL data, CDOL1 data
// and the response objects other than 9F4B.
func (c *Card) cdaResponse(a *app, cid byte, atc, ac, iad []byte) []byte {
	objs := []tlv.TLV{tlv.New(0x9F27, []byte{cid}), tlv.New(0x9F36, atc), tlv.New(0x9F10, iad)}
	cdol := c.sess.cdol1Raw
	if c.sess.phase == phaseOnline {
		cdol = append(append([]byte(nil), cdol...), c.sess.cdol2Raw...)
	}
	sig, err := a.signer.cda(oda.CDARequest{
		ICCDynamicNumber: c.random(8), CID: cid, AC: ac, UnpredictableNumber: c.sess.lastUN,
		TransactionDataHash: oda.TransactionDataHash(c.pdolRaw(a), cdol, tlv.Encode(objs...)),
	})
	if err != nil {
		return nil
	}
	return tlv.Encode(tlv.NewConstructed(0x77, objs[0], objs[1], tlv.New(0x9F4B, c.spoil(sig)), objs[2]))
}

// pdolRaw re-encodes the PDOL values of this transaction in PDOL order.
func (c *Card) pdolRaw(a *app) []byte {
	return a.pdol.Build(func(t tlv.Tag) ([]byte, bool) { v, ok := c.sess.pdolData[t]; return v, ok })
}

// random reads n bytes from the card's random source (zeros if it fails).
func (c *Card) random(n int) []byte {
	b := make([]byte, n)
	_, _ = io.ReadFull(c.rand, b)
	return b
}
