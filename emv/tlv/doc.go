// Package tlv decodes and encodes the BER-TLV data objects used by EMV and
// PBOC cards: EMV 4.4 Book 3 Annex B (coding of BER-TLV data objects), which
// profiles ISO/IEC 8825-1 clause 8.1 (identifier and length octets) and
// ISO/IEC 7816-4 clause 5.2 (BER-TLV data objects, '00'/'FF' padding).
//
// Entry types: Tag (up to four tag bytes held big-endian in a uint32, so tag
// '9F26' is Tag(0x9F26)), TLV (one data object: tag, raw value and, for a
// constructed tag, the parsed children) and Options (strict or lenient
// parsing, depth bound, duplicate rejection). Parse and ParseWith decode,
// AppendTLV/Encode encode by appending to a caller-owned buffer, Find and
// FindAll search depth-first, Duplicates reports repeated tags inside one
// template.
//
// What is accepted, exactly:
//   - Tags (Annex B1, ISO/IEC 8825-1 8.1.2): one byte, or a first byte with
//     b5..b1 = 11111 followed by subsequent bytes with b8 = 1 meaning "another
//     byte follows"; at most MaxTagLen (4) bytes in total; the first
//     subsequent byte must not be '80' (ISO/IEC 8825-1 8.1.2.4.2 c). A first
//     byte of '00' or 'FF' is never a tag: it is padding (ISO/IEC 7816-4 5.2).
//   - Lengths (Annex B2, ISO/IEC 8825-1 8.1.3): short form '00'..'7F' and long
//     form '81', '82', '83' followed by 1, 2 or 3 length bytes; non-minimal
//     long forms (81 05) are BER and accepted. The indefinite form '80' and
//     long forms of 4 or more bytes ('84'..'FF') are rejected. A value that
//     overruns its input or its enclosing template is rejected.
//   - Constructed tags (b6 of the first tag byte set) are parsed recursively
//     up to Options.MaxDepth levels (DefaultMaxDepth when zero).
//
// Strict mode (Parse, or ParseWith with Lenient false) is for certification
// checks: the whole input must be a sequence of complete data objects, and a
// '00' or 'FF' byte where a tag should start is reported (ErrPadding) even
// though EMV Book 3 Annex B tolerates '00' bytes between objects.
//
// Lenient mode (Options.Lenient) is for a terminal reading real cards:
//  1. '00' and 'FF' bytes where a tag would start are skipped, at the top
//     level and inside constructed values (before, between and after
//     objects), as EMV Book 3 Annex B and ISO/IEC 7816-4 5.2 allow;
//  2. at the top level only, trailing bytes that do not form a complete data
//     object (a truncated tag, length or value after the last complete
//     object) are ignored and the objects before them are returned. Use
//     ParsePrefix to learn how many bytes were consumed.
//
// Nothing else is relaxed: inside a constructed value every child must be
// complete, tags and lengths follow the rules above, and depth and duplicate
// checks apply in both modes.
//
// Parsing never panics. Returned values alias the input (Value is a
// sub-slice of b with its capacity capped, so appending to it copies). Errors
// are *Error values carrying the offset and the tag, never value bytes,
// since values may hold a PAN or track data.
package tlv
