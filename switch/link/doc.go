// Package link runs one TCP connection between the switch and an
// institution: a read loop over a reused buffer that decodes each frame into
// a canonical dialect.Message and hands it to a handler, and a batching write
// loop that packs outgoing messages straight into the pending buffer so that
// many messages leave in one syscall.
//
// A wire.Codec says how messages look on the connection: framing (ascii4 or
// binary2), the optional 46-byte header and the dialect's field formats (see
// docs/iso8583-contract.md). A Link carries the
// connection's state (connected, signed on, signed off, closed), its count of
// requests in flight, and the network management requests the switch itself
// sends on it (sign-on, echo test), matched by STAN.
//
// The shape follows net/http: Run blocks until the connection ends and
// returns why; Close is safe from any goroutine.
package link
