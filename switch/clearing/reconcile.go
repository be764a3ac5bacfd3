package clearing

import (
	"strings"

	"github.com/hulian/hulian/switch/journal"
)

// reconcile counts the day's records by state and returns the IDs of those
// that must clear, derived independently of the journal's Settled query.
func reconcile(date string, day []journal.Record) (Reconciliation, map[int64]*journal.Record, error) {
	rc := Reconciliation{Records: len(day), SettledAmount: map[string]int64{}}
	want := make(map[int64]*journal.Record)
	seen := make(map[int64]bool, len(day))
	for i := range day {
		r := &day[i]
		if seen[r.ID] {
			return rc, nil, &RecordError{ID: r.ID, Reason: "listed twice in the day's records"}
		}
		seen[r.ID] = true
		if r.BusinessDate != date {
			return rc, nil, &RecordError{ID: r.ID, Reason: "business date differs from the clearing date"}
		}
		if countState(&rc, r) && countApproved(&rc, r) {
			want[r.ID] = r
		}
	}
	return rc, want, nil
}

// countState puts r in its state bucket and reports whether it is approved
// and not reversed.
func countState(rc *Reconciliation, r *journal.Record) bool {
	switch r.State {
	case journal.StateApproved:
		if reversed(r) {
			rc.Reversed++
			return false
		}
		rc.Approved++
		return true
	case journal.StateDeclined:
		rc.Declined++
	case journal.StateTimedOut:
		rc.TimedOut++
	case journal.StateRejected:
		rc.Rejected++
	case journal.StateForwarded:
		rc.Forwarded++
	default:
		rc.Other++
	}
	return false
}

// countApproved splits an approved record into cleared or the reason it
// does not clear, and reports whether it clears.
func countApproved(rc *Reconciliation, r *journal.Record) bool {
	switch {
	case strings.HasPrefix(r.MTI, "04"):
		rc.ReversalMessages++
	case !financial(r.MTI):
		rc.NonFinancial++
	case r.Amount == 0:
		rc.ZeroAmount++
	default:
		rc.Cleared++
		return true
	}
	return false
}
