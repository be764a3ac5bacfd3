package simcard

import "github.com/hulian/hulian/card/apdu"

// Status words are card/apdu's (ISO/IEC 7816-4 5.1.3, EMV Book 3 6.3.5,
// JR/T 0025.5 annex): one vocabulary for the card, the terminal and the
// certification harness.

// respond appends the status word to data.
func respond(data []byte, sw apdu.SW) []byte {
	out := make([]byte, 0, len(data)+2)
	out = append(out, data...)
	return append(out, byte(sw>>8), byte(sw))
}

// status is a response without data.
func status(sw apdu.SW) []byte { return []byte{byte(sw >> 8), byte(sw)} }
