package journal

import (
	"errors"
	"time"
)

// State is where a transaction stands in its life.
type State string

// Transaction states.
const (
	StateForwarded State = "forwarded" // sent to the issuer, no final answer yet
	StateApproved  State = "approved"  // issuer answered 00
	StateDeclined  State = "declined"  // issuer answered another code
	StateTimedOut  State = "timed_out" // no issuer answer in time; the acquirer got 91
	StateRejected  State = "rejected"  // the switch answered itself (12, 14, 15, 25, 30, 91, 94...)
)

// valid reports whether s is one of the known states.
func (s State) valid() bool {
	switch s {
	case StateForwarded, StateApproved, StateDeclined, StateTimedOut, StateRejected:
		return true
	}
	return false
}

// canonical returns the constant equal to s (so that keeping it pins no
// decoded string), or s itself when unknown.
func (s State) canonical() State {
	for _, c := range [...]State{StateForwarded, StateApproved, StateDeclined, StateTimedOut, StateRejected} {
		if s == c {
			return c
		}
	}
	return s
}

// ReversalState is the reversal side of a transaction.
type ReversalState string

// Reversal states.
const (
	ReversalNone    ReversalState = ""
	ReversalQueued  ReversalState = "queued"       // a reversal advice is in the SAF queue
	ReversalDone    ReversalState = "acknowledged" // the issuer acknowledged the reversal (0430/0410)
	ReversalExpired ReversalState = "expired"      // the SAF entry expired unacknowledged
	ReversalLocal   ReversalState = "not_needed"   // reversal of a declined/timed-out txn answered locally
)

// valid reports whether r is one of the known reversal states.
func (r ReversalState) valid() bool {
	switch r {
	case ReversalNone, ReversalQueued, ReversalDone, ReversalExpired, ReversalLocal:
		return true
	}
	return false
}

// Key identifies a request: duplicate detection and reversal matching
// (field 90 carries the original's MTI, STAN, transmission time and
// acquirer).
type Key struct{ MTI, Acquirer, STAN, TxTime string } // request MTI, field 32, 11, 7

// Record is one transaction as journaled. Times are stored and returned in
// UTC with microsecond precision.
type Record struct {
	ID int64
	Key
	Node         string    // switch node that handled it
	BusinessDate string    // "YYYY-MM-DD", computed by the caller (cut-off applied)
	ReceivedAt   time.Time // stored and returned in UTC, microsecond precision
	AcquirerInst string    // institution id of the sender
	Issuer       string    // institution id routed to ("" when the switch answered itself)
	Route, Link  string
	PANMasked    string
	PANHash      string
	Processing   string // field 3
	Amount       int64  // field 4, minor units
	Currency     string // field 49
	RRN          string // field 37
	Terminal     string // field 41
	Merchant     string // field 42
	Receiving    string // field 100
	State        State
	ResponseCode string
	AuthID       string    // field 38
	RespondedAt  time.Time // zero until answered
	OriginalID   int64     // reversals and advices: the original's ID; 0 otherwise
	Reversal     ReversalState
}

// SAFState is the state of a store-and-forward entry.
type SAFState string

// SAF entry states.
const (
	SAFPending      SAFState = "pending"
	SAFAcknowledged SAFState = "acknowledged"
	SAFExpired      SAFState = "expired"
)

// SAFEntry is one advice or reversal waiting to be delivered to an issuer.
type SAFEntry struct {
	ID        int64
	TxnID     int64     // the record it belongs to (the original for a reversal)
	Issuer    string    // institution id to send to
	MTI       string    // first-send MTI: 0420, 0120 or 0220 (repeats are sent as 0421/0121/0221 by the caller)
	Message   []byte    // opaque to the journal (the caller's encoding of the message's fields)
	Attempts  int       // sends so far
	NextAt    time.Time // when it is due
	ExpiresAt time.Time
	State     SAFState
}

// Errors returned by the journal. None of them carries a field value.
var (
	ErrNotFound = errors.New("journal: not found")
	ErrClosed   = errors.New("journal: closed")
	// ErrOverloaded fails a write submitted far past the admission bound
	// (see Admit): the journal refuses to grow without limit.
	ErrOverloaded     = errors.New("journal: overloaded")
	ErrSensitive      = errors.New("journal: sensitive data refused")
	ErrInvalid        = errors.New("journal: invalid write")
	ErrSchemaTooNew   = errors.New("journal: database schema is newer than this program")
	ErrLeaseLost      = errors.New("journal: the store-and-forward entry is leased by another node")
	ErrUnsupportedURL = errors.New("journal: url must be sqlite:PATH or postgres://...")
	// ErrCorrupt reports a write-ahead log row (SQLite) that fails its
	// checksum or does not decode: a torn or damaged write. The journal
	// refuses to open rather than skip it.
	ErrCorrupt = errors.New("journal: corrupt log row")
)

// MaxMessage is the largest SAF payload accepted, in bytes.
const MaxMessage = 16 << 10

// maxText is the longest string accepted in any record or SAF column.
const maxText = 256

// micros converts t to UTC microseconds since the epoch; the zero time is 0.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// fromMicros is the inverse of micros.
func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

// normTime truncates t to the stored precision, in UTC.
func normTime(t time.Time) time.Time {
	return fromMicros(micros(t))
}
