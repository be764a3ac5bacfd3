package report

import (
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

// FuzzNewExchange: any card answer renders without a panic, and a PAN in
// a 5A of the answer never shows in clear.
func FuzzNewExchange(f *testing.F) {
	seed := func(s string) []byte { b, _ := hex.DecodeString(strings.ReplaceAll(s, " ", "")); return b }
	f.Add(seed("00B2010C00"), seed("70 0C 5A 0A 6228480000000000018F 9000"))
	f.Add(seed("00A404000E315041592E5359532E444446303100"), seed("6F 0F 84 0E 315041592E5359532E4444463031 9000"))
	f.Add(seed("0020008008241234FFFFFFFFFF"), seed("63C2"))
	f.Add([]byte{}, []byte{0x90})
	f.Fuzz(func(t *testing.T, cmd, resp []byte) {
		e := NewExchange(cmd, resp, time.Millisecond, nil)
		if strings.Contains(e.Response+e.Decoded, "6228480000000000018") {
			t.Fatal("PAN in clear")
		}
	})
}
