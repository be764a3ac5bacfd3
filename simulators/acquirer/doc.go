// Package acquirer is a minimal acquirer for the Hulian switch: a Client
// dials the switch (or an issuer simulator, directly or through a raw proxy),
// signs on and sends ISO 8583 requests in one of the contract's dialects
// (iso8583-contract.md), with optional 46-byte header.
//
// Entry type: Client, from Dial. A Client is full duplex: many goroutines
// call Do at once on one connection; a read loop matches each response to
// its request by (response MTI, field 11, field 7, field 32) and a batching
// write loop (frame.Writer) sends requests in few syscalls. Do fills the
// fields 7 (current UTC time), 11 (NextSTAN) and 32 (the institution id) of
// a request that lacks them.
//
// Messages that match no pending request (an 0800 from the switch, a late
// response whose Do gave up) are offered on Unsolicited; 0800 network
// management requests from the peer are also answered automatically with an
// 0810, 39 = "00", echoing 7, 11, 33 and 70 (contract "Network management").
//
// Config.TLS makes the client dial over TLS (with a client certificate when
// the tls.Config carries one); Dial returns once the handshake is done.
//
// Config.MAC authenticates messages as the switch does for an institution
// with a MAC profile (issue 4): every non-08xx message sent carries field
// 128 = the MAC of the packed message before it, and every non-08xx message
// received must carry a valid one: Do returns a *MACError for a response
// without, and other such messages are dropped.
package acquirer
