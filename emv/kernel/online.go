package kernel

import "github.com/hulian/hulian/emv/tlv"

// OnlineTags lists the data objects of the authorization request's ICC data
// (ISO 8583 field 55) in the order the kernel writes them: the PBOC/UnionPay
// set (JR/T 0025.5 and the CUP field 55 usage), which holds the inputs of the
// ARQC (EMV Book 2 8.1.1: 9F02 9F03 9F1A 95 5F2A 9A 9C 9F37 82 9F36 9F10).
// Objects the transaction does not have are left out. 9F74 (EC issuer
// authorisation code) and DF31 (script results) only appear when present.
func OnlineTags() []tlv.Tag {
	return []tlv.Tag{
		0x9F26, 0x9F27, 0x9F10, 0x9F37, 0x9F36, 0x95, 0x9A, 0x9C, 0x9F02, 0x5F2A,
		0x82, 0x9F1A, 0x9F03, 0x9F33, 0x9F34, 0x9F35, 0x9F1E, 0x84, 0x9F09,
		0x9F41, 0x9F63, 0x5F34, 0x9F66, 0x9F6C, 0x9F74, 0xDF31,
	}
}

// onlineData builds field 55 from the current data.
func (s *Session) onlineData() []byte {
	s.syncTerminal()
	var out []byte
	for _, t := range OnlineTags() {
		v, ok := s.term.get(t)
		if !ok {
			v, ok = s.card.get(t)
		}
		if t == 0x9F66 && !s.res.QPBOC {
			continue
		}
		if ok {
			out = tlv.AppendTLV(out, tlv.New(t, v))
		}
	}
	return out
}
