// Package journal makes every transaction the switch handles durable: the
// request and where it went, its final answer, its reversal state, and a
// store-and-forward (SAF) queue of advices and reversals (0420, 0120, 0220)
// that must reach an issuer until it acknowledges them.
//
// Open takes a "sqlite:PATH" (one node, the embedded default) or
// "postgres://..." URL (several nodes sharing one database); both backends
// behave alike and pass one test suite, and each migrates its own schema.
//
// Writing: the owner of new work calls Admit (it waits while the journal is
// at its bounds), then Submit(w, done); Submit never waits. done runs once
// w is durable, on the journal's goroutines; it may submit follow-up
// writes. A response that approves money must not leave the switch before
// its done has run. A duplicate key, a late answer or an unknown id is
// reported in the write (Write.Err), never as a failed group.
//
// Reading: Lookup, Get, Day, Settled, Unfinished (recovery; a restarted
// PostgreSQL node calls AwaitPrevious first). SAF: a WriteEnqueue write,
// Claim to lease due entries (no two nodes hold one), then Ack or Retry.
//
// Nothing sensitive is stored: a Record carries the PAN only masked plus a
// keyed hash for look-ups (SetPAN fills both); an Insert whose PANMasked
// shows more than ten digits is refused (ErrSensitive); SAF payloads are
// checked with CheckNoSensitive by the caller. Errors never carry values.
//
// How each backend makes a group durable is described beside its code:
// sqlite.go (the segment log, the overlay, the applier), sqlite_group.go
// (group commit without a queue), postgres.go (set-based statements and
// sessions), committer.go and admit.go (back-pressure).
package journal
