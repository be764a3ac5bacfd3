package clearing

import (
	"strings"

	"github.com/hulian/hulian/switch/journal"
)

// Limits of the values Build accepts.
const (
	// MaxAmount is the largest ISO 8583 field 4 value (n12).
	MaxAmount = 999_999_999_999
	// maxInstitutionID bounds an institution id (field 32/100 are n..11;
	// configured ids may be a little longer).
	maxInstitutionID = 32
	// maxMaskedDigits is the most digits a masked PAN shows (6 + 4).
	maxMaskedDigits = 10
)

// financial reports whether a request MTI moves money: 0200 and 0220 and
// their repeats. An 0100 authorization does not (see the package doc).
func financial(mti string) bool {
	switch mti {
	case "0200", "0201", "0220", "0221":
		return true
	}
	return false
}

// reversed reports whether the money of an approved record went back.
func reversed(r *journal.Record) bool {
	return r.Reversal == journal.ReversalQueued || r.Reversal == journal.ReversalDone
}

// clears reports whether a settled record appears in the clearing files.
func clears(r *journal.Record) bool {
	return financial(r.MTI) && r.Amount != 0
}

// refund reports whether the acquirer owes the issuer (processing code 20).
func refund(processing string) bool {
	return strings.HasPrefix(processing, "20")
}

// validID reports whether an institution id is safe as a file name part.
func validID(id string) bool {
	if id == "" || len(id) > maxInstitutionID {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		ok := c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-' || c == '_'
		if !ok {
			return false
		}
	}
	return true
}

// validCurrency reports whether c is an ISO 4217 numeric code (n3).
func validCurrency(c string) bool {
	return len(c) == 3 && allDigits(c)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// looksMasked reports whether p is empty or a masked PAN: at least one
// non-digit and no more digits than the masking rule shows. A clear PAN in
// a record is refused so that it can never reach a file.
func looksMasked(p string) bool {
	if p == "" {
		return true
	}
	digits := 0
	for i := 0; i < len(p); i++ {
		if p[i] >= '0' && p[i] <= '9' {
			digits++
		}
	}
	return digits < len(p) && digits <= maxMaskedDigits
}

// checkCleared validates a record that is about to clear; the reason never
// quotes a value.
func checkCleared(date string, r *journal.Record) *RecordError {
	reason := ""
	switch {
	case r.BusinessDate != date:
		reason = "business date differs from the clearing date"
	case r.State != journal.StateApproved || reversed(r):
		reason = "settled record is not approved or was reversed"
	case !validID(r.AcquirerInst):
		reason = "acquirer institution id missing or invalid"
	case !validID(r.Issuer):
		reason = "issuer institution id missing or invalid"
	case r.Amount < 0 || r.Amount > MaxAmount:
		reason = "amount out of range"
	case !validCurrency(r.Currency):
		reason = "currency is not a numeric ISO 4217 code"
	case !looksMasked(r.PANMasked):
		reason = "PAN is not masked"
	}
	if reason == "" {
		return nil
	}
	return &RecordError{ID: r.ID, Reason: reason}
}
