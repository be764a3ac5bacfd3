package simcard

import "github.com/hulian/hulian/card/apdu"

// parseCommand decodes a command APDU with card/apdu (ISO/IEC 7816-3 12.1.3,
// cases 1 to 4, short and extended); ok is false for a malformed encoding,
// which the card answers with 6700.
func parseCommand(b []byte) (apdu.Command, bool) {
	c, err := apdu.Parse(b)
	return c, err == nil
}
