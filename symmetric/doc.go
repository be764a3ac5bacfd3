// Package symmetric holds the block-cipher primitives both the switch's
// security module and the card side use, owned by neither: the algorithm
// vocabulary (TDES, SM4) and keying (TDES keying options 1 and 2, SM4),
// ECB, the ISO/IEC 9797-1 MACs and DES key parity. Keys are clear bytes in
// memory; a caller that must not hold clear keys uses a security module
// (switch/hsm) built on these primitives.
//
// Algorithms and the standard each follows:
//
//   - RetailMAC: ISO/IEC 9797-1 MAC algorithm 3 with DES (ANSI X9.19 retail
//     MAC), padding method 1 (zeros, as ISO 8583 MACing uses) or 2 (80 00..,
//     as EMV uses), chosen by the caller with Padding.
//   - CBCMAC: ISO/IEC 9797-1 MAC algorithm 1 over any block cipher (used with
//     SM4, GB/T 32907), same two paddings.
//   - ECBEncrypt / ECBDecrypt: ECB over any block cipher (ISO/IEC 10116).
//   - NewTDES / NewCipher / ExpandTDESKey: TDES keying option 2 (K1K2
//     expanded to K1K2K1) and option 1 (K1K2K3); SM4.
//   - SetOddParity / HasOddParity: DES key parity (FIPS 46-3: the low bit of
//     each byte).
//
// Errors wrap ErrUnsupported, ErrKeyLength, ErrDataLength or ErrPadding.
package symmetric
