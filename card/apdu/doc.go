// Package apdu encodes and parses ISO/IEC 7816-4 (clause 5.1) command and
// response APDUs: cases 1 to 4, short and extended lengths, and names the
// common status words.
//
// Entry types: Command (Encode, Append, Parse), Response (ParseResponse,
// Err) and SW, the status word, which is also an error value: a
// non-success status word returned as an error can be tested with
// errors.Is(err, apdu.SW(0x6A82)) or errors.As.
//
// Parse and ParseResponse read outside input: they never panic, return
// typed errors (ErrShort, ErrLength, ...) and the returned Data aliases the
// input.
package apdu
