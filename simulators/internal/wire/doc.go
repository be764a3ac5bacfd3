// Package wire holds the framing, header and field helpers shared by the
// simulators (issuer, acquirer): turning a frame body into a canonical
// dialect.Message (skipping the optional 46-byte header of the wire contract)
// and appending a Message as one complete frame (length prefix, optional
// header, packed message) in place, without intermediate copies.
//
// Entry type: Codec. Helpers: ResponseMTI, AppendTime7 and the Echo field
// list of the contract's "Financial requests" section.
package wire
