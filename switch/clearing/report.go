package clearing

import "github.com/hulian/hulian/switch/journal"

// Role is an institution's side of a cleared transaction.
type Role string

// Roles, as written in the clearing files.
const (
	RoleAcquirer Role = "ACQ"
	RoleIssuer   Role = "ISS"
)

// Report is the clearing of one business date.
type Report struct {
	Date string
	// Institutions is sorted by ID: every institution that was acquirer or
	// issuer of a record of the day, plus every one named in Build's names.
	Institutions []Institution
	// Totals holds one entry per currency, sorted: the sums over all
	// institutions. Net is zero; Receivable and Payable each equal the
	// cleared amount of that currency (every transaction has two sides).
	Totals []Position
	// Transactions is the number of cleared transactions (each appears in
	// two institutions' entries).
	Transactions   int
	Reconciliation Reconciliation
}

// Institution is one member's share of the day.
type Institution struct {
	ID   string
	Name string
	// Entries in record ID order, then ACQ before ISS.
	Entries []Entry
	// Positions has one entry per currency the institution cleared, sorted.
	Positions []Position
}

// Entry is one cleared transaction seen from one institution.
type Entry struct {
	Record       journal.Record
	Role         Role
	Counterparty string
	// Signed is the amount from this institution's side: positive when it
	// is owed the amount (receivable), negative when it owes it (payable).
	Signed int64
}

// Position is a gross and net position in one currency.
type Position struct {
	Currency   string
	Receivable int64 // sum of the positive signed amounts
	Payable    int64 // sum of the magnitudes of the negative signed amounts
	Net        int64 // Receivable - Payable
	Count      int   // entries
}

// Reconciliation accounts for every record of the day. Each record is in
// exactly one state bucket (Forwarded through Rejected sum to Records);
// the approved ones are then split into what cleared and why the rest did
// not (Cleared + NonFinancial + ZeroAmount + ReversalMessages = Approved).
type Reconciliation struct {
	Records   int // every journal record of the date
	Approved  int // approved and not reversed (the journal's settled records)
	Reversed  int // approved, then reversal queued or acknowledged
	Declined  int
	TimedOut  int
	Rejected  int // answered by the switch itself
	Forwarded int // no final answer yet (normally 0 after the cut-off)
	Other     int // a state this package does not know

	Cleared          int // approved financial records with an amount: in the files
	NonFinancial     int // approved 0100 authorizations and other non-financial MTIs
	ZeroAmount       int // approved financial records of amount 0 (balance inquiries)
	ReversalMessages int // approved 04xx records (the reversal itself, not money)

	// SettledAmount is the sum of the cleared amounts per currency.
	SettledAmount map[string]int64
}
