// Package server is the interconnect switch: it accepts institutions on its
// listeners, dials the issuing institutions, routes each financial request to
// an issuer, matches the issuer's response to the request and delivers it to
// the acquirer in the acquirer's own dialect.
//
// The message path is built for speed: each link's read goroutine decodes a
// frame into a reused canonical message (values alias the read buffer),
// routes it with a lock-free look-up in an immutable routing table, records
// it in the issuer's match table (fixed-size keys, a timing wheel for
// deadlines) and packs it straight into the issuer link's batched write
// buffer. No goroutine, timer or map allocation is made per transaction.
//
// Response codes the switch produces follow
// ../shared/reference/iso8583-contract.md: 12 (MTI or processing code not
// allowed on the route), 14 (PAN fails Luhn), 15 (no route), 30 (format
// error, or a field 32 the acquirer may not use), 91 (not signed on, issuer
// down or signed off, in-flight limit reached, issuer timeout, switch
// shutting down), 94 (a request with the same key is already in flight).
//
// Server follows the net/http shape: New builds it from a validated
// config.Config, Start binds the listeners and starts the outbound links,
// Shutdown drains, Reload swaps the routing table and institution settings
// without dropping a connection or a transaction.
package server
