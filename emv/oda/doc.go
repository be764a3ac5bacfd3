// Package oda implements offline data authentication: the terminal side
// that recovers and checks the issuer and ICC public key certificates, static
// (SDA) and dynamic (DDA, CDA) signatures, and the signing side the card
// simulator's personalization uses to issue them.
//
// RSA follows EMV 4.3 Book 2: issuer public key certificate (format 02,
// 5.3 and 6.3), ICC public key certificate (format 04, 6.4), signed static
// application data (format 03, 5.4), signed dynamic application data
// (format 05, 6.5 DDA and 6.6 CDA). SHA-1 is the only hash algorithm (01).
//
// SM2 follows PBOC 3.0 (JR/T 0025.17) as read from z-zroud/CardPlatform
// Authencation/GenKey.cpp, the only public source seen: no message recovery,
// each object carries a 64-byte r || s SM2/SM3 signature over the bytes that
// precede it (plus static or dynamic data):
//
//	issuer certificate 12 | issuer id 4 | expiry 2 | serial 3 | 04 | 04 | 00 | 40 | key 64 | sig 64
//	ICC certificate    14 | PAN 10      | expiry 2 | serial 3 | 04 | 04 | 00 | 40 | key 64 | sig 64
//	static data (93)   13 | DAC 2 | sig 64          signed: 13 | DAC || static data
//	dynamic data 9F4B  15 | LDD | ICC dynamic data | sig 64   signed: 15 | LDD | data || DDOL data
//
// (04 = SM2 signature algorithm, 04 = SM2 public key algorithm, 00 = key
// parameter indicator, 40 = key length.) The SM2 user id is the GM/T 0009
// default "1234567812345678": no public PBOC source confirms it. SM2 CDA is
// not implemented (no public source describes it).
//
// Entry points: RecoverIssuerKey, RecoverICCKey, VerifySDA, VerifyDDA and
// VerifyCDA take the algorithm from the CA key or the recovered key;
// IssueIssuerCert, IssueICCCert, SignStaticData, SignDDA and SignCDA take a
// Signer holding an RSA or an SM2 private key. Dates are injected (now), never
// read from the clock. Errors are *Error values naming the step and wrapping a
// sentinel (ErrHeader, ErrHash, ErrExpired, ErrIssuerID ...); they never carry
// a PAN or key material. Recovery never panics on malformed input.
//
// RSA here is raw math/big modular exponentiation: it serves tests and a card
// simulator with test keys and is not constant-time.
package oda
