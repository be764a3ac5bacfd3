// Package runner executes certification scripts (package
// certification/script, format in certification/SCRIPTS.md) against a card
// behind a card.Transport and produces a report.Run per card.
//
// A Runner holds a parsed suite and its Options: the card's test profile
// (the builtin variables ${aid}, ${pin} ... and the TEST issuer master keys
// that recompute cryptograms), the test CA keys for offline data
// authentication, case selection (Cases, Tags), whether destructive cases
// run (last, and only when asked), step and case timeouts, and what to do
// when the card leaves the reader. Run first reads the card once
// (selection, GPO, records: EMV Book 3 chapter 10 up to the records) to know
// what it announces (AIP, CVM list, algorithm family) for the cases' when:
// preconditions, then runs each case on a cold-reset card. RunAll runs
// several readers at once, one goroutine per card, and tests every
// application a card lists (PSE and PPSE) with one report each (apps.go).
//
// A run never harms the card (needs.go, pincheck.go, cleanup.go): a case
// that sends a PIN needs one in the profile and a PIN the card accepted in
// the run's PIN check; a case's cleanup steps restore what it changed,
// whatever happened. Every command is bounded by the step timeout, so a
// card that stops answering is reported, never waited for. An issuer
// template (Options.Template, template.go) adds one TEMPLATE-<tag> case per
// expected data object.
//
// The EMV actions (GPO with the PDOL filled, records by the AFL, GENERATE
// AC with CDOL1/CDOL2, EXTERNAL AUTHENTICATE with the ARPC, issuer scripts
// with secure messaging) and checks (offline data authentication, ARQC
// recomputation) are built on emv/dol, emv/tlv, emv/oda, emv/crypto and
// emv/capk; the AFL, the static data to be authenticated and the CVM list
// are read with emv/kernel's parsers (ParseAFL, StaticData, ParseCVMList)
// and the cryptogram input is emv/pboc's (AppendACInput). VERIFY sends a
// plaintext PIN, or an enciphered one (GET CHALLENGE, then
// emv/oda.EncipherPIN under the ICC PIN encipherment or ICC public key
// recovered with the test CA keys, EMV Book 2 7.2). A failing assertion is reported in plain words; data objects
// that carry a PAN or cardholder data are masked in every message.
package runner
