package simcard

import (
	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/emv/tlv"
)

// readRecord is READ RECORD (EMV Book 1 11.2, Book 3 6.5.11): P1 record
// number, P2 = SFI << 3 | 100b. It reads the PSE directory, the
// application's records and the transaction log (newest entry is record 1).
func (c *Card) readRecord(cmd apdu.Command) []byte {
	sfi, n := int(cmd.P2>>3), int(cmd.P1)
	if cmd.P2&0x07 != 0x04 || sfi == 0 || sfi > sfiMax {
		return status(apdu.SWIncorrectP1P2)
	}
	if len(cmd.Data) > 0 {
		return status(apdu.SWWrongLength)
	}
	if n == 0 {
		return status(apdu.SWRecordNotFound)
	}
	switch c.sess.kind {
	case selPSE:
		if sfi != c.pse.sfi {
			return status(apdu.SWFileNotFound)
		}
		if r, ok := c.pse.records[n]; ok {
			return respond(r, apdu.SWOK)
		}
		return status(apdu.SWRecordNotFound)
	case selApp:
		return c.readAppRecord(c.selected(), sfi, n)
	}
	return status(apdu.SWFileNotFound)
}

func (c *Card) readAppRecord(a *app, sfi, n int) []byte {
	if a.log != nil && sfi == a.log.SFI {
		lg := c.appState(a).Log
		if n > len(lg) {
			return status(apdu.SWRecordNotFound)
		}
		return respond(lg[n-1], apdu.SWOK)
	}
	if r, ok := a.records[recKey(sfi, n)]; ok {
		if c.sess.card9F69 != nil {
			r = replaceTag(r, 0x9F69, c.sess.card9F69)
		}
		return respond(r, apdu.SWOK)
	}
	for k := range a.records {
		if k>>8 == sfi {
			return status(apdu.SWRecordNotFound)
		}
	}
	return status(apdu.SWFileNotFound)
}

// replaceTag returns rec (a 70 template) with the value of t replaced;
// rec itself is returned when t is absent.
func replaceTag(rec []byte, t tlv.Tag, v []byte) []byte {
	objs, err := tlv.Parse(rec)
	if err != nil || len(objs) != 1 {
		return rec
	}
	found := false
	kids := make([]tlv.TLV, 0, len(objs[0].Children))
	for _, k := range objs[0].Children {
		if k.Tag == t {
			k, found = tlv.New(t, v), true
		}
		kids = append(kids, k)
	}
	if !found {
		return rec
	}
	return tlv.Encode(tlv.NewConstructed(0x70, kids...))
}
