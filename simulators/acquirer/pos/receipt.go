package pos

import (
	"fmt"
	"strings"

	"github.com/hulian/hulian/emv/kernel"
)

// Receipt is what the terminal prints for one transaction. It holds the
// PAN masked only.
type Receipt struct {
	PAN      string // masked (pan.Mask)
	Amount   int64  // minor units
	Currency uint16 // 5F2A as the kernel holds it: ISO 4217 digits in BCD (0x0156 CNY)
	AID      []byte
	Label    string // 9F12, else 50

	Outcome  kernel.Outcome
	Approved bool // the card's final cryptogram is a TC

	MTI          string // of the online request; "" for an offline decision
	STAN, RRN    string // fields 11 and 37 of the request
	ResponseCode string // field 39 of the answer; "" without one
	AuthCode     string // field 38 of the answer
	// Unable: no usable answer (time-out, link down, or 91), so the card
	// completed with the default action codes.
	Unable bool

	TVR        kernel.TVR
	TSI        kernel.TSI
	CVMResults [3]byte // 9F34
	Signature  bool    // a signature line is printed
	ATC        int     // 9F36 of the transaction, -1 unknown
	CID        byte    // 9F27 of the last GENERATE AC
	HasAC      bool    // the card answered a GENERATE AC with a cryptogram
	// ECBalance is the electronic cash balance (9F79) read after the
	// transaction, -1 when the card has none.
	ECBalance int64
	Scripts   []ScriptResult
	Reversal  *Reversal
	// Notes list what went wrong without failing the transaction (issuer
	// data unusable ...); never sensitive.
	Notes []string
}

// ScriptResult is one issuer script's result (PBOC DF31, EMV 9F5B: 5 bytes
// per script, EMV Book 3 Annex A).
type ScriptResult struct {
	Result byte    // high nibble: 0 not performed, 1 failed, 2 performed
	ID     [4]byte // 9F18, zeros when the script had none
}

// OK reports a script performed without error.
func (s ScriptResult) OK() bool { return s.Result>>4 == 2 }

// Reversal is the 0400 the terminal sent for the transaction.
type Reversal struct {
	Reason       string // why: "card declined after approval" or "no answer"
	STAN         string // field 11 of the 0400
	ResponseCode string // field 39 of the 0410; "" without an answer
	Err          string // why there is no answer; never sensitive
}

// Reasons of a reversal.
const (
	ReasonCardDeclined = "card declined after approval"
	ReasonNoAnswer     = "no answer"
)

// scriptResults splits the DF31 bytes into results.
func scriptResults(b []byte) []ScriptResult {
	var out []ScriptResult
	for ; len(b) >= 5; b = b[5:] {
		var s ScriptResult
		s.Result = b[0]
		copy(s.ID[:], b[1:5])
		out = append(out, s)
	}
	return out
}

// cvmName names the CV method of 9F34 byte 1 (EMV Book 3 Annex C3).
func cvmName(code byte) string {
	switch code & 0x3F {
	case 0x00:
		return "fail CVM"
	case 0x01:
		return "offline plaintext PIN"
	case 0x02:
		return "online PIN"
	case 0x03:
		return "offline plaintext PIN and signature"
	case 0x04:
		return "offline enciphered PIN"
	case 0x05:
		return "offline enciphered PIN and signature"
	case 0x1E:
		return "signature"
	case 0x1F:
		return "no CVM required"
	case 0x20:
		return "cardholder ID"
	}
	return "none"
}

// cidName names the cryptogram type of 9F27.
func cidName(cid byte) string {
	switch cid & 0xC0 {
	case 0x40:
		return "TC"
	case 0x80:
		return "ARQC"
	}
	return "AAC"
}

// money formats minor units with two decimals.
func money(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// String renders the receipt as the terminal prints it.
func (r *Receipt) String() string {
	var b strings.Builder
	line := func(k, format string, a ...any) {
		fmt.Fprintf(&b, "%-14s "+format+"\n", append([]any{k + ":"}, a...)...)
	}
	verdict := "DECLINED"
	switch {
	case r.Approved:
		verdict = "APPROVED"
	case r.Outcome == kernel.OutcomeNone:
		verdict = "NOT COMPLETED"
	}
	cryptogram := "no cryptogram"
	if r.HasAC {
		cryptogram = cidName(r.CID)
	}
	line("card", "%s", r.PAN)
	line("application", "%X %s", r.AID, r.Label)
	line("amount", "%s (%03X)", money(r.Amount), r.Currency&0x0FFF)
	line("result", "%s (%s, %s)", verdict, r.Outcome, cryptogram)
	if r.MTI != "" {
		code := r.ResponseCode
		if r.Unable {
			code += " (unable to go online)"
		}
		line("request", "%s STAN %s RRN %s", r.MTI, r.STAN, r.RRN)
		line("response", "%s", strings.TrimSpace(code))
	}
	if r.AuthCode != "" {
		line("auth code", "%s", r.AuthCode)
	}
	line("TVR / TSI", "%X / %X", r.TVR[:], r.TSI[:])
	line("CVM", "%X %s", r.CVMResults[:], cvmName(r.CVMResults[0]))
	if r.ATC >= 0 {
		line("ATC", "%d", r.ATC)
	}
	if r.ECBalance >= 0 {
		line("EC balance", "%s", money(r.ECBalance))
	}
	for _, s := range r.Scripts {
		state := "failed"
		if s.OK() {
			state = "performed"
		}
		line("issuer script", "%X %s (%02X)", s.ID[:], state, s.Result)
	}
	if v := r.Reversal; v != nil {
		line("reversal", "%s: STAN %s response %s%s", v.Reason, v.STAN, v.ResponseCode, v.Err)
	}
	for _, n := range r.Notes {
		line("note", "%s", n)
	}
	if r.Signature && r.Approved {
		b.WriteString("\nsignature: ______________________\n")
	}
	return b.String()
}
