// Package header reads and writes the optional 46-byte CUPS-style header that
// some institutions put between the frame length prefix and the ISO 8583 MTI
// (iso8583-contract.md, section "Optional 46-byte CUPS-style header").
//
// Parse validates a header at the start of a header+message slice and returns
// it as a Header value; Append writes a Header for a message of a given length
// in the append style. PatchLength fixes the total length in place once the
// message behind an already written header has been packed.
//
// The station ids are kept as the fixed 11-byte wire fields, so Parse does not
// allocate; DestinationID and SourceID return them with the space padding
// trimmed, and SetDestination and SetSource pad and validate them.
//
// Errors are *Error values carrying the offset of the faulty byte and a fixed
// reason; they never quote message bytes.
package header
