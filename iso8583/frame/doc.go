// Package frame implements the length-prefixed TCP framing of Hulian's ISO 8583
// wire contract (iso8583-contract.md, section "Framing").
//
// Two framings exist: ASCII4, four ASCII decimal digits giving the length of
// everything after them, and Binary2, a two-byte big-endian length. A Kind names
// one of them; ParseKind reads the names used in configuration ("ascii4",
// "binary2").
//
// The entry types follow the read loop / write loop split of a high-throughput
// server. A Reader pulls frames out of a stream through one reused buffer and
// never allocates the size a peer claims: a prefix over the configured maximum
// is a *LengthError and leaves the stream unusable. A Writer batches frames
// enqueued by many goroutines into few Write calls, double buffering so the
// steady state does not allocate; its Run method is the write loop.
//
// Append, AppendPrefix, Reserve and Patch encode frames in the append style, so
// a message can be packed straight after a reserved prefix without a copy.
//
// Errors carry lengths and reasons only, never frame bytes, which may hold
// card data.
package frame
