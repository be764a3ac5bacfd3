package issuer

import (
	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/pan"
)

// Response codes and fixed values the issuer produces.
const (
	codeApproved    = "00"
	codeInvalidCard = "14"
	codeNoFunds     = "51"
	codeOverLimit   = "61"
	codeInvalidTxn  = "12"
	codeBadMAC      = "63"
	maxAmount       = 99999999 // minor units: 999,999.99
	balanceAmounts  = "1002156C000000123456"
	authIDLen       = 6
	balancePrefix   = "31"
	noFundsSuffix   = "51"
	functionRequest = '0'
	classAuthorize  = '1'
	classFinancial  = '2'
	classReversal   = '4'
	functionAdvice  = '2'
	fieldPAN        = 2
	fieldTrack2     = 35
	fieldAmount     = 4
	fieldProcessing = 3
	fieldSTAN       = 11
)

// decide returns the response code for a request per the package rules.
// The MTI was already checked to be 4 digits.
func decide(req *dialect.Message) string {
	mti := req.MTI()
	switch {
	case mti[1] == classReversal:
		return codeApproved
	case mti[1] != classAuthorize && mti[1] != classFinancial:
		return codeInvalidTxn
	case mti[2] == functionAdvice:
		return codeApproved
	case mti[2] != functionRequest:
		return codeInvalidTxn
	}
	if p := requestPAN(req); p != nil && !pan.Luhn(p) {
		return codeInvalidCard
	}
	amount := req.Field(fieldAmount)
	if overLimit(amount) {
		return codeOverLimit
	}
	if n := len(amount); n >= 2 && string(amount[n-2:]) == noFundsSuffix {
		return codeNoFunds
	}
	return codeApproved
}

// isAuthorization reports whether mti is an 0100/0200 request (or repeat),
// the only kind that gets 38 and 54 on approval.
func isAuthorization(mti []byte) bool {
	return (mti[1] == classAuthorize || mti[1] == classFinancial) && mti[2] == functionRequest
}

// requestPAN returns field 2, else the PAN part of field 35, else nil.
func requestPAN(req *dialect.Message) []byte {
	if p := req.Field(fieldPAN); p != nil {
		return p
	}
	if t2 := req.Field(fieldTrack2); t2 != nil {
		if p, ok := pan.FromTrack2(t2); ok {
			return p
		}
		return t2 // no separator: Luhn on the whole value fails safely
	}
	return nil
}

// overLimit reports whether the amount digits exceed maxAmount. Non-digits
// never reach here (the dialect validated field 4).
func overLimit(amount []byte) bool {
	v := 0
	for _, c := range amount {
		v = v*10 + int(c-'0')
		if v > maxAmount {
			return true
		}
	}
	return false
}

// authID writes into out the last 6 characters of the STAN, left-padded
// with '0'.
func authID(out *[authIDLen]byte, stan []byte) {
	for i := range out {
		out[i] = '0'
	}
	if len(stan) > authIDLen {
		stan = stan[len(stan)-authIDLen:]
	}
	copy(out[authIDLen-len(stan):], stan)
}

// isBalanceInquiry reports whether processing code p starts with "31".
func isBalanceInquiry(p []byte) bool {
	return len(p) >= 2 && string(p[:2]) == balancePrefix
}
