package wire

import (
	"time"

	"github.com/hulian/hulian/switch/dialect"
)

// echoed lists the request fields a response repeats when the request has
// them (contract: responses echo 2,3,4,7,11,12,13,32,33,37,41,42,49,100,102,103).
// A function returning an array keeps the list immutable (no package state).
func echoed() [16]int {
	return [16]int{2, 3, 4, 7, 11, 12, 13, 32, 33, 37, 41, 42, 49, 100, 102, 103}
}

// netEchoed lists the fields an 0810 repeats from its 0800.
func netEchoed() [4]int { return [4]int{7, 11, 33, 70} }

// EchoFields sets in resp every field of the financial echo list that req
// has. Values alias req.
func EchoFields(resp, req *dialect.Message) {
	for _, n := range echoed() {
		if v := req.Field(n); v != nil {
			resp.Set(n, v)
		}
	}
}

// EchoNetFields sets in resp the fields an 0810 repeats from its 0800
// (7, 11, 33, 70). Values alias req.
func EchoNetFields(resp, req *dialect.Message) {
	for _, n := range netEchoed() {
		if v := req.Field(n); v != nil {
			resp.Set(n, v)
		}
	}
}

// ResponseMTI returns the response MTI of a request or advice MTI: the
// function digit (third) plus one and the origin digit (fourth) reset to 0,
// so repeats answer like originals (0200 -> 0210, 0221 -> 0230,
// 0421 -> 0430). ok is false for anything that is not 4 digits with an even
// function digit.
func ResponseMTI(mti []byte) (out [4]byte, ok bool) {
	if len(mti) != 4 {
		return out, false
	}
	for _, c := range mti {
		if c < '0' || c > '9' {
			return out, false
		}
	}
	if (mti[2]-'0')%2 != 0 {
		return out, false
	}
	copy(out[:], mti)
	out[2]++
	out[3] = '0'
	return out, true
}

// AppendTime7 appends t as field 7 (transmission date and time, MMDDhhmmss).
func AppendTime7(dst []byte, t time.Time) []byte {
	_, mon, day := t.Date()
	h, mi, s := t.Clock()
	return append(dst,
		byte('0'+int(mon)/10), byte('0'+int(mon)%10),
		byte('0'+day/10), byte('0'+day%10),
		byte('0'+h/10), byte('0'+h%10),
		byte('0'+mi/10), byte('0'+mi%10),
		byte('0'+s/10), byte('0'+s%10))
}

// AppendSTAN appends n (taken modulo 1,000,000) as 6 zero-padded digits.
func AppendSTAN(dst []byte, n uint32) []byte {
	n %= 1000000
	return append(dst,
		byte('0'+n/100000), byte('0'+n/10000%10), byte('0'+n/1000%10),
		byte('0'+n/100%10), byte('0'+n/10%10), byte('0'+n%10))
}
