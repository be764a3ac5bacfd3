package journal

import (
	"fmt"
	"time"
)

// WriteKind says what a Write does.
type WriteKind uint8

// Write kinds.
const (
	WriteInsert   WriteKind = iota + 1 // insert Record (duplicate keys reported, not failed)
	WriteFinish                        // set the final answer of record ID
	WriteReversal                      // set the reversal state of record ID
	WriteEnqueue                       // add SAF to the store-and-forward queue
)

// String names the kind for logs.
func (k WriteKind) String() string {
	switch k {
	case WriteInsert:
		return "insert"
	case WriteFinish:
		return "finish"
	case WriteReversal:
		return "reversal"
	case WriteEnqueue:
		return "enqueue"
	}
	return fmt.Sprintf("WriteKind(%d)", uint8(k))
}

// Write is one hot-path change, applied in a group commit with others.
type Write struct {
	Kind     WriteKind
	Record   *Record       // WriteInsert: ID is set on success
	ID       int64         // WriteFinish, WriteReversal: the record
	State    State         // WriteFinish
	Code     string        // WriteFinish: response code
	AuthID   string        // WriteFinish
	At       time.Time     // WriteFinish (zero: now)
	Reversal ReversalState // WriteReversal
	SAF      *SAFEntry     // WriteEnqueue: ID set on success

	// Results, set before done is called:
	Err       error   // this write failed (batch errors are reported here too)
	Duplicate *Record // WriteInsert: the key existed; this is the stored record, nothing inserted
	Prev      State   // WriteFinish: the state before; the write only applies when Prev was StateForwarded
}

// reset clears the results so the write can be applied (again).
func (w *Write) reset() {
	w.Err, w.Duplicate, w.Prev = nil, nil, ""
	if w.Kind == WriteInsert && w.Record != nil {
		w.Record.ID = 0
	}
	if w.Kind == WriteEnqueue && w.SAF != nil {
		w.SAF.ID = 0
	}
}

// invalid builds the error for a bad field; it names the field only.
func invalid(field, reason string) error {
	return fmt.Errorf("%w: %s %s", ErrInvalid, field, reason)
}

// prepare validates w and normalises its times; now fills zero times.
func (w *Write) prepare(now time.Time) error {
	switch w.Kind {
	case WriteInsert:
		return prepareRecord(w.Record, now)
	case WriteFinish:
		return w.prepareFinish(now)
	case WriteReversal:
		if w.ID <= 0 {
			return invalid("id", "must be positive")
		}
		if !w.Reversal.valid() {
			return invalid("reversal", "unknown state")
		}
		return nil
	case WriteEnqueue:
		return prepareSAF(w.SAF, now)
	}
	return invalid("kind", "unknown")
}

// prepareFinish checks a WriteFinish.
func (w *Write) prepareFinish(now time.Time) error {
	if w.ID <= 0 {
		return invalid("id", "must be positive")
	}
	if !w.State.valid() || w.State == StateForwarded {
		return invalid("state", "must be a final state")
	}
	if len(w.Code) > maxText || len(w.AuthID) > maxText {
		return invalid("code/auth_id", "too long")
	}
	if w.At.IsZero() {
		w.At = now
	}
	w.At = normTime(w.At)
	return nil
}

// prepareRecord checks a record before insertion.
func prepareRecord(r *Record, now time.Time) error {
	if r == nil {
		return invalid("record", "missing")
	}
	if r.MTI == "" || r.Acquirer == "" || r.STAN == "" || r.TxTime == "" {
		return invalid("key", "incomplete")
	}
	if err := checkTexts(r); err != nil {
		return err
	}
	if digits(r.PANMasked) > 10 {
		return fmt.Errorf("%w: pan_masked is not masked", ErrSensitive)
	}
	if r.State == "" {
		r.State = StateForwarded
	}
	if !r.State.valid() {
		return invalid("state", "unknown")
	}
	if !r.Reversal.valid() {
		return invalid("reversal", "unknown state")
	}
	if r.ReceivedAt.IsZero() {
		r.ReceivedAt = now
	}
	r.ReceivedAt = normTime(r.ReceivedAt)
	r.RespondedAt = normTime(r.RespondedAt)
	return nil
}

// checkTexts enforces the length guard on every text column of r.
func checkTexts(r *Record) error {
	texts := [...]struct{ name, v string }{
		{"mti", r.MTI}, {"acquirer", r.Acquirer}, {"stan", r.STAN}, {"tx_time", r.TxTime},
		{"node", r.Node}, {"business_date", r.BusinessDate}, {"acquirer_inst", r.AcquirerInst},
		{"issuer", r.Issuer}, {"route", r.Route}, {"link", r.Link}, {"pan_masked", r.PANMasked},
		{"pan_hash", r.PANHash}, {"processing", r.Processing}, {"currency", r.Currency},
		{"rrn", r.RRN}, {"terminal", r.Terminal}, {"merchant", r.Merchant},
		{"receiving", r.Receiving}, {"response_code", r.ResponseCode}, {"auth_id", r.AuthID},
	}
	for _, t := range texts {
		if len(t.v) > maxText {
			return invalid(t.name, "too long")
		}
	}
	return nil
}

// prepareSAF checks an entry before it is queued.
func prepareSAF(e *SAFEntry, now time.Time) error {
	switch {
	case e == nil:
		return invalid("saf", "missing")
	case e.TxnID <= 0:
		return invalid("saf.txn_id", "must be positive")
	case e.MTI != "0420" && e.MTI != "0120" && e.MTI != "0220":
		return invalid("saf.mti", "must be 0420, 0120 or 0220")
	case e.Issuer == "" || len(e.Issuer) > maxText:
		return invalid("saf.issuer", "empty or too long")
	case len(e.Message) > MaxMessage:
		return invalid("saf.message", "too long")
	case e.ExpiresAt.IsZero():
		return invalid("saf.expires_at", "missing")
	case e.Attempts < 0:
		return invalid("saf.attempts", "negative")
	}
	if e.NextAt.IsZero() {
		e.NextAt = now
	}
	e.NextAt, e.ExpiresAt = normTime(e.NextAt), normTime(e.ExpiresAt)
	e.State = SAFPending
	return nil
}

// digits counts the ASCII digits in s.
func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}
