package simcard

import "github.com/hulian/hulian/emv/tlv"

// writeLog prepends a transaction log record built by the log format 9F4F
// (JR/T 0025.5 annex: the record is the concatenated values, no tags).
func (c *Card) writeLog(a *app, cid byte) {
	if a.log == nil || c.defects.on(DefectLogNotWritten) {
		return
	}
	atc := []byte{byte(c.sess.atc >> 8), byte(c.sess.atc)}
	rec := a.logDOL.Build(func(t tlv.Tag) ([]byte, bool) {
		switch t {
		case 0x9F36:
			return atc, true
		case 0x9F27:
			return []byte{cid}, true
		}
		if v, ok := c.sess.cdol1[t]; ok {
			return v, true
		}
		v, ok := c.sess.pdolData[t]
		return v, ok
	})
	st := c.appState(a)
	st.Log = append([]Hex{rec}, st.Log...)
	if len(st.Log) > a.log.Records {
		st.Log = st.Log[:a.log.Records]
	}
}
