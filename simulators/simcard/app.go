package simcard

import (
	"github.com/hulian/hulian/emv/dol"
	"github.com/hulian/hulian/emv/tlv"
)

// app is a compiled application: everything the applet needs at run time.
type app struct {
	aid      []byte
	label    string
	fci      []byte  // encoded 6F template
	dirEntry tlv.TLV // 61 entry for the PSE record and the PPSE FCI
	pdol     dol.DOL
	aip, afl []byte
	qpboc    *QPBOC
	format   int // GPO response format, 1 or 2
	cvn, dki byte

	records  map[int][]byte     // recKey(sfi, n) -> encoded 70 template
	data     map[tlv.Tag][]byte // first occurrence of each record data object
	cdol1    dol.DOL
	cdol2    dol.DOL
	ddol     dol.DOL
	pin      string // personalised TEST PIN, "" when none
	pinLimit int
	atc0     uint16
	ec       *EC
	log      *Log
	logDOL   dol.DOL
	keys     cardKeys
	signer   *signer // nil without an ICC private key
}

func recKey(sfi, n int) int { return sfi<<8 | n }

// initial is the state of the application right after personalisation.
func (a *app) initial() *AppState {
	st := &AppState{ATC: a.atc0, PINTries: a.pinLimit}
	if a.ec != nil {
		st.ECBalance, st.ECLimit = a.ec.Balance, a.ec.Limit
		st.ECSingleLimit, st.ECResetThreshold = a.ec.SingleLimit, a.ec.ResetThreshold
	}
	return st
}

// has reports whether AIP byte 1 has bit mask set (EMV Book 3 C1).
func (a *app) has(mask byte) bool { return a.aip[0]&mask != 0 }

// AIP byte 1 bits (EMV Book 3 Annex C1).
const (
	aipSDA      = 0x40
	aipDDA      = 0x20
	aipCVM      = 0x10
	aipIssuerAu = 0x04
	aipCDA      = 0x01
)
