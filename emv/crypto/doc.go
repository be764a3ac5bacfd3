// Package crypto holds the symmetric card cryptography of EMV and PBOC 3.0
// (JR/T 0025), built on the block-cipher primitives of package symmetric.
// Everything works on clear keys in memory: it serves the card simulator,
// the terminal kernel, the issuer simulator and the certification tools.
//
// Algorithms and the source each follows:
//
//   - DeriveCardKey: EMV 4.3 Book 2 Annex A1.4.1 option A for TDES; for SM4
//     the PBOC 3.0 variant SM4(IMK)[X || NOT X] as one block, which rests on
//     one public source only (z-zroud/CardPlatform, Authencation/GenKey.cpp).
//   - SessionKey: the PBOC 3.0 session key TDES(MK)[00*6||ATC] ||
//     TDES(MK)[00*6||NOT ATC] (two sources agree: z-zroud/CardPlatform and
//     billzbh/guolong hsmsimu.c); it is not EMV's common session key. The SM4
//     form SM4(MK)[00*6||ATC||00*6||NOT ATC] rests on CardPlatform alone.
//   - ACMAC / ARQC: EMV Book 2 8.1 and A1.2: retail MAC (TDES) or SM4
//     CBC-MAC, both with padding method 2, leftmost 8 bytes.
//   - ARPC1: EMV Book 2 8.2.1 ARPC method 1; the SM4 form enciphers
//     (ARQC XOR ARC||00..) || 00*8 and keeps the leftmost 8 bytes (CardPlatform).
//   - ScriptMAC / ScriptMACData: EMV Book 2 9.2 secure messaging for integrity
//     (format 2 with ATC and ARQC between header and data, the PBOC layout of
//     the EC load PUT DATA 04DA9F790A || ATC || ARQC || value); PBOC commands
//     carry the leftmost 4 bytes.
//   - ScriptEncrypt / ScriptDecrypt: EMV Book 2 9.3 secure messaging for
//     confidentiality in the VIS/PBOC form: length byte || data, padding
//     method 2, ECB under the session key (knovichikhin/pyemv sm.py, VISA type).
//
// Subpackage sm2 holds SM2/SM3 signatures (GB/T 32918.2) for the PBOC
// offline data authentication in emv/oda.
//
// Keys and data are []byte owned by the caller; results are freshly allocated.
// Errors wrap ErrMismatch or symmetric's sentinels (ErrKeyLength,
// ErrDataLength, ErrUnsupported, ErrPadding) and never carry key or card
// data.
package crypto
