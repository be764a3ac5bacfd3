package kernel

import (
	"github.com/hulian/hulian/emv/tlv"
)

// Outcome is where a transaction ended (or paused, for OutcomeOnline).
type Outcome int

// Outcomes.
const (
	OutcomeNone            Outcome = iota // not reached a decision (error)
	OutcomeOfflineApproved                // TC at the first GENERATE AC (or qPBOC)
	OutcomeOfflineDeclined                // AAC at the first GENERATE AC
	OutcomeOnline                         // ARQC: send OnlineData, then Complete
	OutcomeOnlineApproved                 // TC at the second GENERATE AC
	OutcomeOnlineDeclined                 // AAC at the second GENERATE AC
	OutcomeReadComplete                   // read-only mode: AAC as requested
)

// String names the outcome.
func (o Outcome) String() string {
	switch o {
	case OutcomeOfflineApproved:
		return "offline approved"
	case OutcomeOfflineDeclined:
		return "offline declined"
	case OutcomeOnline:
		return "online request"
	case OutcomeOnlineApproved:
		return "online approved"
	case OutcomeOnlineDeclined:
		return "online declined"
	case OutcomeReadComplete:
		return "read complete"
	}
	return "none"
}

// ODAMethod is the offline data authentication method performed.
type ODAMethod int

// ODA methods.
const (
	ODANone ODAMethod = iota
	ODASDA
	ODADDA
	ODACDA
	ODAfDDA
)

// String names the method.
func (m ODAMethod) String() string {
	names := [...]string{"none", "SDA", "DDA", "CDA", "fDDA"}
	if m < 0 || int(m) >= len(names) {
		return "ODAMethod?"
	}
	return names[m]
}

// Candidate is one application of the candidate list (EMV Book 3 12.3).
type Candidate struct {
	AID           []byte // ADF name (4F from a directory, 84 from SELECT)
	Label         string // 50
	PreferredName string // 9F12
	Priority      byte   // 87 as the card gave it, 0 when absent
	FromDirectory bool   // found in the PSE/PPSE rather than by the AID list
}

// Confirm reports whether the card asks for cardholder confirmation (87 b8).
func (c Candidate) Confirm() bool { return c.Priority&0x80 != 0 }

func (c Candidate) rank() int {
	p := int(c.Priority & 0x0F)
	if p == 0 {
		return 16
	}
	return p
}

// CVMOutcome is what cardholder verification asks of the acquirer side.
type CVMOutcome struct {
	Method    byte // CV method code performed (9F34 byte 1), 3F none
	OnlinePIN bool // the terminal must capture and encipher an online PIN
	Signature bool // a signature is to be collected on the receipt
}

// Result is everything a transaction produced. Slices are the caller's.
type Result struct {
	Candidates []Candidate
	Selected   Candidate
	FCI        []tlv.TLV   // the final SELECT's FCI template
	Records    [][]tlv.TLV // READ RECORD answers in AFL order (the 70 templates)
	// CardData and TerminalData are every data object by tag, sorted.
	CardData, TerminalData []tlv.TLV

	TVR        TVR
	TSI        TSI
	CVMResults [3]byte
	CVM        CVMOutcome
	ODA        ODAMethod
	ODAFailed  bool
	EC         bool  // an electronic cash transaction (JR/T 0025.13)
	ECBalance  int64 // 9F79 before the transaction, -1 unknown
	QPBOC      bool  // the qPBOC contactless path (JR/T 0025.12)

	CID        byte   // 9F27 of the last GENERATE AC
	Cryptogram []byte // 9F26 of the last GENERATE AC
	Outcome    Outcome
	// OnlineData is the authorization request's ICC data (ISO 8583 field
	// 55): the BER-TLV set listed by OnlineTags, built after the first
	// GENERATE AC answered an ARQC.
	OnlineData []byte
	// ARC is the authorisation response code used at completion (8A).
	ARC []byte
	// ScriptResults are the issuer script results, 5 bytes per script
	// (DF31, PBOC; the EMV tag 9F5B carries the same).
	ScriptResults []byte
	// Trace lists the commands sent, headers and status words only.
	Trace []Exchange
}
