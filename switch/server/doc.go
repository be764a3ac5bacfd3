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
// Response codes the switch produces, and the reason each is counted
// with (own_answers_total, respond.go), follow docs/iso8583-contract.md
// (section 8).
//
// Back-pressure is applied only where new work enters: a link's read loop
// waits for a place among its requests in flight (max_in_flight) and for
// room in the journal (Journal.Admit), each at most a second, then answers
// 91. Everything that follows from an admitted transaction (its answer,
// its reversal, its delivery) runs on the journal's goroutines and never
// waits for the journal. Links bound what waits to be written and every
// write (link.ErrSlowConsumer), so a peer that stops reading is dropped.
//
// Server follows the net/http shape: New builds it from a validated
// config.Config, Start binds the listeners and starts the outbound links,
// Shutdown drains, Reload swaps the routing table and institution settings
// without dropping a connection or a transaction.
package server
