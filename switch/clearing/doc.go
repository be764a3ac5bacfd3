// Package clearing turns one business day of the switch's journal into
// clearing files and a net settlement report (issue 3, "Clearing and
// settlement").
//
// Business day. BusinessDate maps an instant to its business date under a
// Cutoff (a wall-clock time in a zone, Asia/Shanghai by default, parsed by
// ParseCutoff): a transaction at or after the cut-off belongs to the next
// business day; a cut-off of 00:00 makes the business day the calendar day.
// The switch stamps every journal record with that date when it receives it.
//
// What clears. Build takes the journal's settled records of the date
// (journal.Journal.Settled: approved and neither reversal-queued nor
// reversal-acknowledged) and every record of the date (journal.Journal.Day).
// Only financial messages move money: 0200 and 0220 and their repeats 0201
// and 0221. An 0100 authorization does not: in this single-message design the
// issuer posts an approved 0200 at once, and a pre-authorization is completed
// by a later 0220 advice, which clears on its own. Records with a zero amount
// (balance inquiries, processing code 31) are skipped. Fees and interchange
// are out of scope: amounts are the transaction amounts (field 4).
//
// Direction. For a refund (processing code 20) the acquirer owes the issuer
// the amount; for every other processing code (00 purchase, 01 cash, 40
// transfer and anything else that debits the cardholder) the issuer owes the
// acquirer. From an institution's side an amount it is owed is receivable
// (signed +) and an amount it owes is payable (signed -); its net position
// is receivable minus payable, per currency (field 49). Across institutions
// the net positions of each currency sum to zero, which Build checks.
//
// Build cross-checks the two lists (every settled record that clears must be
// an approved, unreversed financial record of the day with the same money
// fields, and the reverse) and refuses data that does not reconcile with an
// error wrapping ErrUnreconciled; errors name record IDs, never values.
//
// Report holds, per institution, its entries (role ACQ or ISS, counterparty,
// signed amount) and positions, the totals per currency and a
// Reconciliation that accounts for every record of the day, so a reader sees
// why records were excluded. Report.Write writes the files atomically:
// clearing-<date>-<institution>.csv, settlement-<date>.csv and
// settlement-<date>.txt; LAYOUT.md documents their columns. The journal
// keeps only masked PANs, and the files never contain anything else.
package clearing
