package simcard

import (
	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/emv/tlv"
)

// TTQ 9F66 bits (JR/T 0025.12 annex; emv-pboc-facts.md).
const (
	ttq1QPBOC       = 0x20 // byte 1 b6: qPBOC supported
	ttq1OfflineOnly = 0x08 // byte 1 b4: offline-only terminal
	ttq2OnlineReq   = 0x80 // byte 2 b8: online cryptogram required
)

// qpbocGPO runs the qPBOC transaction inside GPO (JR/T 0025.12 7.x): card
// risk management on the EC balance, the cryptogram, and for an offline
// approval the fDDA signature 9F4B over 9F37 || 9F02 || 5F2A || 9F69,
// with the ATC as ICC dynamic number.
// The answer is 77 { 82 94 9F36 9F26 9F10 9F27 9F6C 9F5D [9F4B] }.
func (c *Card) qpbocGPO(a *app, ttq []byte) []byte {
	if !c.nextATC(a) {
		return status(apdu.SWConditionsOfUse)
	}
	st := c.appState(a)
	c.sess.qpboc, c.sess.ec, c.sess.cdol1 = true, a.ec != nil, c.sess.pdolData
	cid := c.qpbocDecision(a, st, ttq)
	c.cvrFirst(cid)
	un := c.random(4)
	c.sess.card9F69 = append(append([]byte{0x01}, un...), a.qpboc.CTQ...)
	iad := c.iad(a)
	ac, err := c.cryptogram(a, c.sess.pdolData, iad)
	if err != nil {
		return status(apdu.SWNoDiagnosis)
	}
	c.sess.ac = ac
	if cid == cidTC {
		c.completeOffline(a)
	}
	c.sess.phase = phaseDone
	shown := cid
	if c.defects.on(DefectCIDMismatch) && cid == cidARQC {
		shown = cidTC
	}
	objs := []tlv.TLV{
		tlv.New(0x82, a.qpboc.AIP), tlv.New(0x94, a.qpboc.AFL),
		tlv.New(0x9F36, []byte{byte(c.sess.atc >> 8), byte(c.sess.atc)}),
		tlv.New(0x9F26, ac), tlv.New(0x9F10, iad), tlv.New(0x9F27, []byte{shown}),
		tlv.New(0x9F6C, a.qpboc.CTQ), tlv.New(0x9F5D, bcdAmount(st.ECBalance)),
	}
	if cid == cidTC && a.signer != nil {
		sig, err := c.signDDA(a, []byte{byte(c.sess.atc >> 8), byte(c.sess.atc)}, c.fddaTerminalData())
		if err != nil {
			return status(apdu.SWNoDiagnosis)
		}
		objs = append(objs, tlv.New(0x9F4B, sig))
	}
	return respond(tlv.Encode(tlv.NewConstructed(0x77, objs...)), apdu.SWOK)
}

// qpbocDecision: online when the terminal requires it; offline (TC) when
// the EC balance and single limit cover the amount; otherwise online
// (AAC on an offline-only terminal).
func (c *Card) qpbocDecision(a *app, st *AppState, ttq []byte) byte {
	if st.Blocked {
		return cidAAC
	}
	if ttq[1]&ttq2OnlineReq == 0 && a.ec != nil && c.decideEC(st) == cidTC {
		return cidTC
	}
	if ttq[0]&ttq1OfflineOnly != 0 {
		return cidAAC
	}
	return cidARQC
}

// fddaTerminalData is what fDDA signs from the terminal: 9F37 || 9F02 ||
// 5F2A || 9F69 (emv-pboc-facts.md, qPBOC).
func (c *Card) fddaTerminalData() []byte {
	var out []byte
	for _, e := range []struct {
		t tlv.Tag
		n int
	}{{0x9F37, 4}, {0x9F02, 6}, {0x5F2A, 2}} {
		v := make([]byte, e.n)
		copy(v, c.sess.pdolData[e.t])
		out = append(out, v...)
	}
	return append(out, c.sess.card9F69...)
}
