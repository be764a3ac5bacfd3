package simcard

import (
	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/emv/tlv"
)

// gpo is GET PROCESSING OPTIONS (EMV Book 3 6.5.8, JR/T 0025.5 5.4.7): data
// 83 L PDOL-values; answers AIP and AFL (format 1 80, format 2 77), or the
// qPBOC 77 template with a cryptogram when the TTQ asks for qPBOC.
func (c *Card) gpo(cmd apdu.Command) []byte {
	if cmd.P1 != 0 || cmd.P2 != 0 {
		return status(apdu.SWIncorrectP1P2)
	}
	a := c.selected()
	if a == nil || c.sess.phase != phaseSelected || c.appState(a).Blocked {
		return status(apdu.SWConditionsOfUse)
	}
	objs, err := tlv.Parse(cmd.Data)
	if err != nil || len(objs) != 1 || objs[0].Tag != 0x83 {
		return status(apdu.SWWrongData)
	}
	v := objs[0].Value
	values, err := a.pdol.Split(v)
	if len(v) != a.pdol.Len() || err != nil {
		if !c.defects.on(DefectGPOIgnoresPDOLLen) {
			return status(apdu.SWWrongLength)
		}
		values = map[tlv.Tag][]byte{}
	}
	c.sess.pdolData = values
	c.sess.phase = phaseInitiated
	c.sess.ec = a.ec != nil && isOne(values[0x9F7A]) && a.data[0x9F74] != nil
	if ttq := values[0x9F66]; a.qpboc != nil && len(ttq) >= 2 && ttq[0]&0x20 != 0 {
		return c.qpbocGPO(a, ttq)
	}
	if a.format == 2 {
		return respond(tlv.Encode(tlv.NewConstructed(0x77, tlv.New(0x82, a.aip), tlv.New(0x94, a.afl))), apdu.SWOK)
	}
	return respond(tlv.Encode(tlv.New(0x80, append(append([]byte(nil), a.aip...), a.afl...))), apdu.SWOK)
}

func isOne(v []byte) bool { return len(v) == 1 && v[0] == 0x01 }
