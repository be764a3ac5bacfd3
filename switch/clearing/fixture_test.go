package clearing

import (
	"time"

	"github.com/hulian/hulian/switch/journal"
)

const (
	testDate = "2024-05-01"
	acqA     = "48020000"
	acqB     = "48030000"
	issX     = "01020000"
	issY     = "01030000"
	issZ     = "01040000"
)

// rec builds an in-memory journal record of testDate.
func rec(id int64, mti, acq, iss, proc string, amount int64, st journal.State, rev journal.ReversalState) journal.Record {
	return journal.Record{
		ID:           id,
		Key:          journal.Key{MTI: mti, Acquirer: acq, STAN: "000123", TxTime: "0501103000"},
		Node:         "n1",
		BusinessDate: testDate,
		ReceivedAt:   time.Date(2024, 5, 1, 2, 30, 0, int(id)*1000, time.UTC),
		AcquirerInst: acq,
		Issuer:       iss,
		PANMasked:    "622202******1234",
		Processing:   proc,
		Amount:       amount,
		Currency:     "156",
		RRN:          "412210000001",
		Terminal:     "TERM0001",
		Merchant:     "MERCHANT000001",
		State:        st,
		ResponseCode: "00",
		AuthID:       "A1B2C3",
		Reversal:     rev,
	}
}

// settledOf mimics journal.Settled on in-memory records.
func settledOf(day []journal.Record) []journal.Record {
	var out []journal.Record
	for _, r := range day {
		switch r.MTI {
		case "0100", "0200", "0120", "0220":
		default:
			continue
		}
		if r.State == journal.StateApproved && r.Reversal != journal.ReversalQueued && r.Reversal != journal.ReversalDone {
			out = append(out, r)
		}
	}
	return out
}

// sampleDay is a day of mixed traffic: the comments give each record's fate.
func sampleDay() []journal.Record {
	A, D, T, R := journal.StateApproved, journal.StateDeclined, journal.StateTimedOut, journal.StateRejected
	none := journal.ReversalNone
	return []journal.Record{
		rec(1, "0200", acqA, issX, "000000", 10000, A, none),                    // clears: X owes A 10000
		rec(2, "0200", acqA, issY, "000000", 2550, A, none),                     // clears: Y owes A 2550
		rec(3, "0200", acqB, issZ, "010000", 30000, A, none),                    // clears: Z owes B 30000 (cash)
		rec(4, "0200", acqB, issX, "200000", 1200, A, none),                     // clears: refund, B owes X 1200
		rec(5, "0200", acqA, issX, "000000", 999, D, none),                      // declined
		rec(6, "0200", acqB, issY, "000000", 4000, T, journal.ReversalQueued),   // timed out, reversal queued
		rec(7, "0200", acqA, "", "000000", 500, R, none),                        // rejected by the switch
		rec(8, "0200", acqA, issZ, "000000", 7000, A, journal.ReversalDone),     // reversed (acknowledged)
		rec(9, "0200", acqB, issY, "000000", 6000, A, journal.ReversalQueued),   // reversed (queued)
		rec(10, "0200", acqA, issY, "310000", 0, A, none),                       // balance inquiry
		rec(11, "0100", acqA, issX, "000000", 8800, A, none),                    // authorization
		rec(12, "0400", acqA, issZ, "000000", 7000, A, none),                    // the reversal of 8
		rec(13, "0220", acqB, issZ, "400000", 1500, A, none),                    // clears: advice, Z owes B 1500
		rec(14, "0200", acqA, issX, "000000", 3000, A, journal.ReversalExpired), // clears: reversal expired
	}
}
