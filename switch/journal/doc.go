// Package journal makes every transaction the switch handles durable: the
// request received and where it was forwarded, the final answer (approved,
// declined, timed out, rejected by the switch itself), its reversal state,
// and a persistent store-and-forward (SAF) queue of advices and reversals
// (0420, 0120, 0220) that must reach an issuer until it acknowledges them.
//
// A Journal is opened with OpenSQLite (a WAL-mode file, the embedded
// single-node default), OpenPostgres (several switch nodes sharing one
// database through pgx) or Open with a "sqlite:PATH" / "postgres://" URL.
// Both backends have the same behaviour and pass the same test suite. Each
// creates and migrates its own schema (table schema_version) and refuses a
// database whose schema is newer than the code.
//
// Hot-path changes are Write values passed to Submit, made durable in
// groups (one sync for many transactions, which is what keeps the journal
// cheap enough to sit on the authorisation path); only then is each
// write's done callback called, by the notifier goroutines (callbacks of
// different writes may run concurrently). Submit never waits: the owner
// of new work calls Admit first, which waits while the journal is at its
// bounds, so a callback can submit what follows from its write without
// ever waiting for the goroutine running it (admit.go). Close commits
// what callbacks submit while it drains. A response that approves money
// must not leave the switch before its done has been called. Normal
// outcomes (a duplicate key, a late answer to a timed-out transaction, an
// unknown id) are reported per write and never fail the group. On
// PostgreSQL one committer goroutine gathers everything queued (up to
// Options.MaxBatch) and applies it in one database transaction; a batch
// the database rejects as a whole is retried write by write so one bad
// write cannot fail its neighbours.
//
// SQLite's durable point is a log in segment files beside the database
// (PATH-log, seglog.go), not SQLite itself: a group writes one frame (the
// after-image of every record it changed, logcodec.go) with one pwrite
// into a preallocated file, and one fdatasync makes it durable. There is
// no queue: Submit applies each write to the open group in the caller's
// goroutine, and a syncer goroutine closes the group, writes it and syncs
// it while the next one fills (sqlite_group.go). IDs are assigned
// in-process, and an in-memory overlay of the records logged but not yet
// in table txn answers duplicate checks, Finish's previous state and reads
// (which merge it with the table). A fixed-size Bloom filter of every key
// in the table and the log (loaded at Open, sqlite_keyfilter.go) spares
// new keys any statement: only a key it may hold is looked up in table
// txn. SQLite's table txn is narrow (sqlite_rows.go): the columns reads
// select on, the key and the card hash as 64-bit hashes, and the record as
// its image in a blob, which makes a row a third of the cost of the wide
// table PostgreSQL keeps. An applier goroutine moves the overlay to table
// txn when no group
// has committed for a while, continuously past half of Options.MaxBacklog,
// and Admit waits at the bound. Open replays whatever a crash
// left, stops at a frame torn by the crash, and refuses a log in which
// valid frames follow a damaged one (ErrCorrupt). SAF entries go straight
// to table saf: a new entry commits before the frame that records its
// record's reversal state, an acknowledgement or expiry after it (so a
// crash leaves no record saying "queued" behind a settled entry). One
// process owns the log; another one opening the journal reads
// it (the log files, then the tables) and cannot write (ErrReadOnly).
// PostgreSQL, shared by several nodes that must see each other's
// transactions at once, keeps its tables current: a group's inserts,
// finishes and reversal states are each one set-based statement (unnest),
// sent in one round trip. No index names a column a finish changes, so a
// finish is a heap-only update; the open records (for recovery) are listed
// in table txn_open, kept by statement triggers (postgres_schema.go). The
// set-based statements reach rows through their indexes even when their
// cached plans were made while the table was empty. A restarted node
// calls AwaitPrevious before it lists its open records: the database may
// still be committing what its killed predecessor sent
// (postgres_sessions.go).
//
// Store-and-forward entries are leased with Claim (PostgreSQL: SELECT ...
// FOR UPDATE SKIP LOCKED, so two nodes never hold the same entry; a dead
// node's lease simply runs out), then settled with Ack, Retry or ExpireSAF.
//
// Nothing sensitive is ever stored: a Record carries the PAN only masked
// (first six and last four digits, pan.Mask) plus a keyed HMAC-SHA256
// hash for look-ups (Journal.SetPAN fills both); there is no column for
// track data, PIN blocks, CVV, ICC data or keys, and an Insert whose
// PANMasked still shows more than ten digits is refused with ErrSensitive.
// SAF payloads are opaque bytes: the caller checks its field list with
// CheckNoSensitive before encoding them. Errors never carry field values.
package journal
