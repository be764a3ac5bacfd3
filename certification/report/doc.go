// Package report is the result model of a certification run and its three
// renderings: JUnit XML (for CI systems), JSON (everything) and one
// self-contained HTML file a lab can archive and sign.
//
// A Run names the tool and its version, the suite (directory and SHA-256
// checksum of its files), the reader, the card (ATR, AID, masked PAN,
// label) and the Cases in the order they ran, each with its clause of JR/T
// 0025 / JR/T 0045.1 / EMV, its verdict, the failing assertion in plain
// words and the APDU trace of its steps.
//
// No PAN reaches a report in clear: an Exchange is built only by
// NewExchange, which renders the card's answer with emv/tags.MaskedHex
// (sensitive data objects masked, non-TLV data withheld), decodes it with
// emv/tags.Dump (masked) and withholds the PIN block of VERIFY and PIN
// CHANGE commands. Writers: WriteJUnit, WriteJSON, WriteHTML.
package report
