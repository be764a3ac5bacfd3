package simcard

import "github.com/hulian/hulian/emv/bcd"

// bcdAmount encodes v (0..999999999999) as n12, 6 bytes BCD.
func bcdAmount(v int64) []byte { return bcd.Bytes(v, 6) }
