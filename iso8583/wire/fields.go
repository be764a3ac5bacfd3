package wire

import (
	"time"

	"github.com/hulian/hulian/iso8583/dialect"
)

// echoed lists the request fields a response repeats when the request has
// them: 2,3,4,7,11,12,13,25,32,33,37,41,42,49,90,100,102,103. A function
// returning an array keeps the list immutable (no package state).
func echoed() [18]int {
	return [18]int{2, 3, 4, 7, 11, 12, 13, 25, 32, 33, 37, 41, 42, 49, 90, 100, 102, 103}
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
