// Package pan holds the primary account number (PAN) helpers that every other
// Hulian package uses: the single masking rule, the Luhn check, PAN validation
// and extraction of the PAN from track 2 equivalent data (ISO 8583 field 35).
//
// Mask applies the PCI DSS display rule (at most the first six and last four
// digits visible). Masked is a []byte whose every rendering (fmt verbs,
// log/slog, encoding.TextMarshaler, json.Marshaler) shows only that mask, so a
// PAN kept in a Masked cannot reach a log or an error string in clear by
// accident. Valid checks ISO/IEC 7812 length (12..19 digits) and the Luhn
// check digit and returns an *Error that never carries the PAN itself.
package pan
