package demo

import (
	"fmt"
	"strconv"

	"github.com/hulian/hulian/pan"
)

// makeAmount returns field 4 for transaction i.
func makeAmount(k amountKind, i int) string {
	var v int
	switch k {
	case amountZero:
		v = 0
	case amountNoFunds:
		v = (1+i%997)*100 + 51
	case amountOverLimit:
		v = overLimitAmount + i
	default:
		v = 100 + (i*7919)%500000
		if v%100 == 51 {
			v++
		}
	}
	return fmt.Sprintf("%012d", v)
}

// makePAN returns a 16-digit PAN (19 if bin is longer than 12 digits) with
// prefix bin, serial number n and a correct Luhn check digit.
func makePAN(bin string, n int) string {
	length := panLen
	if len(bin) > panLen-4 {
		length = pan.MaxLen
	}
	body := bin + fmt.Sprintf("%0*d", length-1-len(bin), n)
	d, _ := pan.CheckDigit([]byte(body)) // body is digits by construction
	return body + string(d)
}

// breakLuhn changes the check digit of a valid PAN so that Luhn fails.
func breakLuhn(p string) string {
	last, _ := strconv.Atoi(p[len(p)-1:])
	return p[:len(p)-1] + strconv.Itoa((last+1)%10)
}
