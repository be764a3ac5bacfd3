package simcard

import "github.com/hulian/hulian/emv/tlv"

// phase is where the selected application is in its transaction flow
// (JR/T 0025.5 / EMV Book 3 chapter 10).
type phase int

const (
	phaseIdle      phase = iota // nothing selected, or a directory
	phaseSelected               // ADF selected, before GPO
	phaseInitiated              // after GPO
	phaseOnline                 // first GENERATE AC returned an ARQC
	phaseDone                   // final cryptogram given
)

// selection kinds.
const (
	selNone = iota
	selPSE
	selPPSE
	selApp
)

// session is the volatile state of one power-up.
type session struct {
	kind     int
	app      int // index of the selected application (selApp)
	phase    phase
	pdolData map[tlv.Tag][]byte // terminal values from the GPO
	cdol1    map[tlv.Tag][]byte // terminal values from the first GENERATE AC
	cdol1Raw []byte
	cdol2Raw []byte
	lastUN   []byte // 9F37 of the last GENERATE AC (CDA)
	qpboc    bool
	ec       bool   // electronic cash transaction (JR/T 0025.13)
	ac       []byte // last cryptogram
	arqc     []byte // the ARQC of this transaction (issuer authentication, scripts)
	atc      uint16 // ATC of this transaction
	cvr      [3]byte
	extAuth  int // 0 not done, 1 passed, -1 failed
	pinOK    bool
	card9F69 []byte // qPBOC card authentication related data
	// challenge is what GET CHALLENGE returned to the current command;
	// dispatch moves it to prevChallenge at the next command, so it is
	// good for that command only (enciphered PIN, pinenc.go).
	challenge     []byte
	prevChallenge []byte
}

func (s *session) reset() { *s = session{app: -1} }

// CVR byte 1 (first byte after the length 03; VIS/PBOC layout): bits 8-7
// AC type of the second GENERATE AC, bits 6-5 of the first (00 AAC, 01 TC,
// 10 ARQC); byte 2: b8 offline PIN performed, b7 offline PIN failed?
// (simplified), b6 PIN try limit exceeded, b4 issuer authentication
// failed; byte 3: b7 script processed.
const (
	cvr2OfflinePIN   = 0x80
	cvr2PINExceeded  = 0x20
	cvr2IssuerAuFail = 0x08
	cvr2Unable       = 0x04 // last online transaction not completed
	cvr3Script       = 0x40
)
