package header

import "strconv"

// Reasons carried by Error. They are fixed texts: an Error never quotes the
// bytes it rejects.
const (
	ReasonShort           = "shorter than 46 bytes"
	ReasonHeaderLen       = "header length byte is not 46"
	ReasonVersion         = "version is not 1 or 2"
	ReasonTotalNotDecimal = "total length is not 4 decimal digits"
	ReasonTotalMismatch   = "total length does not match the message"
	ReasonTotalRange      = "total length outside 46..9999"
	ReasonIDNotASCII      = "station id is not printable ASCII"
	ReasonIDTooLong       = "station id longer than 11 characters"
	ReasonReserved        = `reserved field is not "000"`
	ReasonTxnInfo         = "transaction info is not printable ASCII"
	ReasonReject          = "reject code is not alphanumeric"
)

// Error reports an invalid header: the offset of the offending byte within the
// header (or of the field, for whole-field problems) and one of the Reason
// constants.
type Error struct {
	Offset int
	Reason string
}

// Error implements error.
func (e *Error) Error() string {
	return "header: offset " + strconv.Itoa(e.Offset) + ": " + e.Reason
}
