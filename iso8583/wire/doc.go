// Package wire turns frame bodies into canonical messages and back for one
// connection setting: framing (ascii4, binary2), the optional 46-byte
// header of the wire contract and a dialect. The switch's links and the
// simulators use the same Codec, so both sides of every test speak through
// one implementation of the contract.
//
// Entry type: Codec. Decode parses the header (returning its source station
// id) and unpacks the message; AppendFrame appends the length prefix, the
// header and the packed message in place, without intermediate copies.
// Helpers: EchoFields and EchoNetFields (the fields a response repeats from
// its request), AppendTime7 and AppendSTAN.
package wire
