// Package tags is the dictionary of EMV and PBOC 3.0 data elements, with a
// validator and a pretty-printer for parsed BER-TLV (package emv/tlv).
//
// Lookup returns the Info of a tag: name, format (EMV 4.4 Book 3 section 4.3:
// a, an, ans, b, cn, n), length range in bytes, source (ICC, terminal,
// issuer), template and the specification that defines it. The EMV entries
// follow EMV 4.4 Book 3 Annex A1 (Data Elements Dictionary) and Book 4;
// the PBOC entries follow JR/T 0025 (PBOC 3.0) parts 5, 12 and 13 as
// summarised in the project's emv-pboc-facts.md, and for the card risk
// management and dual-currency tags that file does not list, the tag list
// of supergame111/iCard (pojo/Tag.java, one public source: the formats of
// those entries follow their VIS counterparts and should be confirmed
// against JR/T 0025.5).
//
// Validate checks a value against its tag's format and length (n: BCD
// digits; cn: BCD digits left-justified and padded with 'F'; a, an, ans:
// the character sets of Book 3 4.3 and Annex B of Book 4; b: anything).
//
// Dump writes a TLV tree indented, one data object per line, with the name,
// the length and the value in hex plus decoded text (an/ans) or digits (n),
// and the set bits of TVR '95', AIP '82', CVM Results '9F34', TTQ '9F66' and
// CTQ '9F6C' (Book 3 Annex C, qPBOC JR/T 0025.12). PAN-bearing and
// cardholder data ('5A', '57', '56', '9F6B', '9F1F', '9F20', '5F20', '9F0B',
// '9F61') is masked with pan unless DumpOptions.ShowPAN; so is the
// PAN (or issuer identifier) inside an SM2 public key certificate ('90',
// '9F46', '9F2D'), which is signed, not enciphered. PIN data ('99') is
// always masked.
package tags
