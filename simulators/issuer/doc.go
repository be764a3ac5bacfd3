// Package issuer is a minimal issuer host for the Hulian switch: the switch
// (or an acquirer simulator, directly or through a proxy) connects to it and
// it answers ISO 8583 requests in one of the contract's dialects
// (iso8583-contract.md), with optional 46-byte header.
//
// Entry type: Issuer, built with New from a Config and run with Start.
// Every connection has one read loop over a frame.Reader and one batching
// write loop (frame.Writer); responses are packed straight into the writer's
// pending buffer, so the host stays cheap enough to share cores with the
// switch in benchmarks.
//
// Answers are deterministic:
//
//   - 0800 (field 70 = 001 sign-on, 002 sign-off, 301 echo, anything else)
//     -> 0810 echoing 7, 11, 33, 70 with 39 = "00".
//   - 0100/0200 (and repeats 0101/0201) -> 0110/0210 echoing 2, 3, 4, 7, 11,
//     12, 13, 32, 33, 37, 41, 42, 49, 100, 102, 103 when present, with 39
//     decided by these rules, first match wins:
//     1. a PAN (field 2, else the PAN part of track 2 in field 35) that
//     fails the Luhn check -> "14" (no PAN at all, as for account-based
//     payments with field 100, skips this rule);
//     2. amount (field 4) above 99999999 (999,999.99) -> "61";
//     3. amount ending in "51" -> "51";
//     4. otherwise "00", with field 38 = the last 6 digits of the STAN
//     (field 11) and, for a balance inquiry (field 3 starting "31"),
//     field 54 = "1002156C000000123456".
//   - 0120/0220 advices -> 0130/0230 "00"; 0400/0420 reversals ->
//     0410/0430 "00" (repeats xxx1 answer like the original).
//   - Responses received (e.g. the 0810 to SignOff) are counted and dropped.
//
// A frame that does not parse (framing, header or dialect error) closes that
// connection; the reason is logged, never the message bytes.
// Config.Delay postpones financial answers (timeout tests); SetSilent and
// SetSilentAll suppress answers.
//
// Config.TLS makes the issuer serve TLS (mutual when its tls.Config asks for
// client certificates); the handshake runs on each connection's goroutine.
//
// Config.MAC authenticates messages as the switch does for an institution
// with a MAC profile (issue 4): every non-08xx message sent carries field
// 128 = the MAC of the packed message before it, and a non-08xx request
// whose 128 is missing, not last or wrong is answered with 39 = "63".
package issuer
