package tags

import (
	"strconv"

	"github.com/hulian/hulian/emv/tlv"
)

// bit names one bit of a bitfield data element: Byte is 1-based and Bit is
// 8 (most significant) .. 1, as the EMV tables number them.
type bit struct {
	Byte, Bit int
	Name      string
}

// Decode explains the value of a bitfield data element as a list of
// human-readable strings: for TVR '95', AIP '82', TTQ '9F66' and CTQ '9F6C'
// the names of the bits that are set (a set bit that the table does not
// name is listed as "byte N bit M (RFU)"); for CVM Results '9F34' the
// method, condition and result. ok is false for other tags and for values
// of the wrong length.
func Decode(tag tlv.Tag, value []byte) (list []string, ok bool) {
	if tag == 0x9F34 {
		return decodeCVMResults(value)
	}
	table, size := bitTable(tag)
	if table == nil || len(value) != size {
		return nil, false
	}
	for i, c := range value {
		for b := 8; b >= 1; b-- {
			if c&(1<<(b-1)) == 0 {
				continue
			}
			list = append(list, bitName(table, i+1, b))
		}
	}
	return list, true
}

func bitName(table []bit, byteNo, bitNo int) string {
	for _, e := range table {
		if e.Byte == byteNo && e.Bit == bitNo {
			return e.Name
		}
	}
	return "byte " + strconv.Itoa(byteNo) + " bit " + strconv.Itoa(bitNo) + " (RFU)"
}

// bitTable returns the bit names of tag and the value length they describe.
func bitTable(tag tlv.Tag) ([]bit, int) {
	switch tag {
	case 0x95:
		return tvrBits(), 5
	case 0x82:
		return aipBits(), 2
	case 0x9F66:
		return ttqBits(), 4
	case 0x9F6C:
		return ctqBits(), 2
	}
	return nil, 0
}

// tvrBits: Terminal Verification Results, EMV 4.4 Book 3 Annex C5.
func tvrBits() []bit {
	return []bit{
		{1, 8, "Offline data authentication was not performed"},
		{1, 7, "SDA failed"},
		{1, 6, "ICC data missing"},
		{1, 5, "Card appears on terminal exception file"},
		{1, 4, "DDA failed"},
		{1, 3, "CDA failed"},
		{1, 2, "SDA selected"},
		{2, 8, "ICC and terminal have different application versions"},
		{2, 7, "Expired application"},
		{2, 6, "Application not yet effective"},
		{2, 5, "Requested service not allowed for card product"},
		{2, 4, "New card"},
		{3, 8, "Cardholder verification was not successful"},
		{3, 7, "Unrecognised CVM"},
		{3, 6, "PIN Try Limit exceeded"},
		{3, 5, "PIN entry required and PIN pad not present or not working"},
		{3, 4, "PIN entry required, PIN pad present, but PIN was not entered"},
		{3, 3, "Online PIN entered"},
		{4, 8, "Transaction exceeds floor limit"},
		{4, 7, "Lower consecutive offline limit exceeded"},
		{4, 6, "Upper consecutive offline limit exceeded"},
		{4, 5, "Transaction selected randomly for online processing"},
		{4, 4, "Merchant forced transaction online"},
		{5, 8, "Default TDOL used"},
		{5, 7, "Issuer authentication failed"},
		{5, 6, "Script processing failed before final GENERATE AC"},
		{5, 5, "Script processing failed after final GENERATE AC"},
	}
}

// aipBits: Application Interchange Profile, EMV 4.4 Book 3 Annex C1.
func aipBits() []bit {
	return []bit{
		{1, 7, "SDA supported"},
		{1, 6, "DDA supported"},
		{1, 5, "Cardholder verification is supported"},
		{1, 4, "Terminal risk management is to be performed"},
		{1, 3, "Issuer authentication is supported"},
		{1, 1, "CDA supported"},
	}
}

// ttqBits: Terminal Transaction Qualifiers, qPBOC (JR/T 0025.12) as listed
// in emv-pboc-facts.md; byte 3 follows the same public qPBOC/VCPS layout.
func ttqBits() []bit {
	return []bit{
		{1, 7, "Contactless PBOC (full flow) supported"},
		{1, 6, "qPBOC supported"},
		{1, 5, "Contact PBOC supported"},
		{1, 4, "Offline-only reader"},
		{1, 3, "Online PIN supported"},
		{1, 2, "Signature supported"},
		{2, 8, "Online cryptogram required"},
		{2, 7, "CVM required"},
		{3, 8, "Issuer update processing supported"},
		{4, 8, "fDDA version 01 supported"},
	}
}

// ctqBits: Card Transaction Qualifiers, qPBOC (JR/T 0025.12), the public
// qPBOC/VCPS layout (one source family; confirm against JR/T 0025.12).
func ctqBits() []bit {
	return []bit{
		{1, 8, "Online PIN required"},
		{1, 7, "Signature required"},
		{1, 6, "Go online if offline data authentication fails and reader is online capable"},
		{1, 5, "Switch interface if offline data authentication fails and reader supports contact"},
		{1, 4, "Go online if application expired"},
		{1, 3, "Switch interface for cash transactions"},
		{1, 2, "Switch interface for cashback transactions"},
		{2, 8, "Consumer device CVM performed"},
		{2, 7, "Card supports issuer update processing at the POS"},
	}
}
