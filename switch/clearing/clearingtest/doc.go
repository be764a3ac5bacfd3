// Package clearingtest writes a day of mixed switch traffic into a real
// journal through its public write API (journal.Do with WriteInsert,
// WriteFinish, WriteReversal and WriteEnqueue, then Claim and Ack), so that
// the clearing package and the switchd clearing command test against the
// same data. MixedDay returns the IDs of the records it wrote, keyed by the
// labels documented on it; the expected clearing results of Date are the
// constants and comments of this package.
package clearingtest
