package runner

import (
	"encoding/hex"
	"strings"

	"github.com/hulian/hulian/certification/report"
	"github.com/hulian/hulian/emv/tlv"
	"github.com/hulian/hulian/pan"
)

// store is what a card session has read: every data object of the
// answers (records, GET DATA, GPO, FCI, GENERATE AC) and the raw records
// by SFI and number, for offline data authentication.
type store struct {
	list    []tlv.TLV
	records map[[2]int][]byte // {sfi, record} -> the record as the card sent it (70 template)
	fci     []tlv.TLV         // the last SELECT's answer
	aid     []byte            // the application selected
	aip     []byte            // from the last GPO
	afl     []byte
	ppse    [][]byte // discovery: the AIDs the PPSE lists (applications offered contactless)
	ppseErr string   // discovery: why the PPSE could not be read, "" when it was
}

func newStore() *store { return &store{records: map[[2]int][]byte{}} }

// add keeps the data objects of an answer.
func (st *store) add(list []tlv.TLV) { st.list = append(st.list, list...) }

// find returns the first data object with tag t, depth first.
func (st *store) find(t tlv.Tag) ([]byte, bool) {
	if st == nil {
		return nil, false
	}
	o, ok := tlv.Find(st.list, t)
	return o.Value, ok
}

// cardInfo is what the runner learned from the card before the cases:
// the identity for the report and the data the when: conditions look at.
type cardInfo struct {
	data  *store
	label string
	err   error // why the discovery stopped early, nil when it read everything
}

// identity is the card part of the report: the PAN masked.
func (ci *cardInfo) identity(atr []byte) report.Card {
	c := report.Card{ATR: strings.ToUpper(hex.EncodeToString(atr)), Label: ci.label}
	if ci.data == nil {
		return c
	}
	c.AID = strings.ToUpper(hex.EncodeToString(ci.data.aid))
	if p, ok := ci.data.find(0x5A); ok {
		c.PAN = maskPAN(p)
	} else if t2, ok := ci.data.find(0x57); ok {
		if digits, ok := pan.FromTrack2([]byte(strings.ToUpper(hex.EncodeToString(t2)))); ok {
			c.PAN = pan.Mask(digits)
		}
	}
	return c
}

// panDigits turns a 5A value (cn, F padded) into ASCII digits.
func panDigits(v []byte) []byte {
	s := strings.TrimRight(strings.ToUpper(hex.EncodeToString(v)), "F")
	return []byte(s)
}

// maskPAN masks a 5A value for display.
func maskPAN(v []byte) string { return pan.Mask(panDigits(v)) }
