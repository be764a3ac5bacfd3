package simcard

import (
	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/emv/tlv"
)

// getData is GET DATA (EMV Book 3 6.5.7, JR/T 0025.5 5.4.6, JR/T 0025.13):
// P1 P2 = the tag; answers the data object TLV-coded.
func (c *Card) getData(cmd apdu.Command) []byte {
	if len(cmd.Data) > 0 {
		return status(apdu.SWWrongLength)
	}
	a := c.selected()
	if a == nil {
		return status(apdu.SWConditionsOfUse)
	}
	t := tlv.Tag(cmd.P1)<<8 | tlv.Tag(cmd.P2)
	v, ok := c.dataObject(a, t)
	if !ok {
		return status(apdu.SWReferenceNotFound)
	}
	if t == 0x9F36 && c.defects.on(DefectGetDataWrongTag) {
		t = 0x9F13
	}
	return respond(tlv.Encode(tlv.New(t, v)), apdu.SWOK)
}

// dataObject returns the value GET DATA serves for t.
func (c *Card) dataObject(a *app, t tlv.Tag) ([]byte, bool) {
	st := c.appState(a)
	u16 := func(v uint16) []byte { return []byte{byte(v >> 8), byte(v)} }
	switch t {
	case 0x9F36:
		return u16(st.ATC), true
	case 0x9F13:
		return u16(st.LastOnlineATC), true
	case 0x9F17:
		return []byte{byte(st.PINTries)}, a.pin != "" || st.PINBlock != nil
	case 0x9F79, 0x9F5D:
		return bcdAmount(st.ECBalance), a.ec != nil
	case 0x9F77:
		return bcdAmount(st.ECLimit), a.ec != nil
	case 0x9F78:
		return bcdAmount(st.ECSingleLimit), a.ec != nil
	case 0x9F6D:
		return bcdAmount(st.ECResetThreshold), a.ec != nil
	case 0x9F4F:
		if a.log != nil {
			return a.log.Format, true
		}
	case 0xDF4F:
		if a.log != nil && len(a.log.LoadFormat) > 0 {
			return a.log.LoadFormat, true
		}
	case 0x9F14, 0x9F23, 0x9F51, 0x9F52, 0x9F53, 0x9F54, 0x9F56, 0x9F57, 0x9F58, 0x9F59, 0x9F5C, 0x9F72, 0x9F75, 0x9F76, 0x9F68, 0x9F6B:
		v, ok := a.data[t]
		return v, ok
	}
	return nil, false
}
