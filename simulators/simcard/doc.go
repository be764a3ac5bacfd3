// Package card is a simulated PBOC 3.0 debit/credit IC card (JR/T 0025.5 card
// application, JR/T 0025.12 qPBOC, JR/T 0025.13 electronic cash) for tests and
// for `paysim card`, which connects it to a PC/SC virtual reader.
//
// A Profile (YAML, testdata/cards/*.yaml) personalises the card: the PSE
// (1PAY.SYS.DDF01) and PPSE (2PAY.SYS.DDF01) directories, the applications
// with their FCI, records per SFI, AIP/AFL, PIN, electronic cash values,
// counters and TEST keys. Personalize builds a complete profile from a PAN,
// an expiry date and an algorithm suite (RSA + 3DES or SM2 + SM4): card keys
// derived from the test issuer master keys (emv/crypto), issuer and ICC
// certificates chained to a test CA key and signed static data (emv/oda).
//
// Entry type: Card, built with New from a Profile; it implements the
// github.com/hulian/hulian/card.Card interface (PowerOn returns the ATR,
// Process answers one command APDU and never panics). Commands: SELECT (by
// name, first and next occurrence), GET PROCESSING OPTIONS (format 1 or 2,
// qPBOC with fDDA), READ RECORD (records and the transaction log), GET DATA,
// GET CHALLENGE, VERIFY (plaintext PIN, and enciphered PIN with the RSA ICC
// key, EMV Book 2 7.2, see pinenc.go; SM cards answer 6A86 to the
// enciphered PIN because no public source gives the SM2 layout), INTERNAL
// AUTHENTICATE (DDA), GENERATE AC (card risk
// management, CDA), EXTERNAL AUTHENTICATE (ARPC method 1) and the issuer
// script commands with secure messaging (PUT DATA, APPLICATION BLOCK and
// UNBLOCK, PIN CHANGE/UNBLOCK, CARD BLOCK). Every error is answered with the
// ISO/IEC 7816-4 status word a PBOC card uses; see sw.go.
//
// Card state (ATC, PIN tries, EC balance, blocked flags, transaction log)
// lives in a State that can be persisted to a JSON file across power cycles.
//
// Randomness: Options.Rand feeds the ICC dynamic numbers, the GET CHALLENGE
// answers and the SM2 signature nonces, so a seeded source makes whole
// transcripts repeat, SM cards included. That needs care with SM2: gmsm's
// signer (github.com/emmansun/gmsm/sm2 v0.30.1) reads one extra byte from
// the reader on a coin flip of its own (randutil.MaybeReadByte), so with a
// plain seeded stream the signature bytes of an SM card would differ from
// run to run. The card hands gmsm a per-signature reader that absorbs that
// byte (nonce.go); emv/crypto/sm2 used directly still shows the effect.
//
// Tests run the card in process and through the real PC/SC stack (pcscd,
// vpcd, card/pcsc; pcsc_test.go, skipped without pcscd unless CI=true);
// BenchmarkPCSCCard and BenchmarkInProcessCard measure APDUs per second.
//
// Defects (defects.go, DEFECTS.md) are named personalisation or applet faults
// switched on in the profile (`defects: [atc-not-incremented, ...]`); each is
// deterministic and observable at the APDU level, so a certification harness
// can prove that it detects them.
//
// Cryptogram conventions followed (recorded here because the public sources
// differ): the ATC increments once per transaction, at the first GENERATE AC
// (and at a qPBOC GPO); the application cryptogram is computed over
// CryptogramInput (EMV Book 2 8.1.1 minimum set: amount, other amount,
// country, TVR, currency, date, type, unpredictable number taken from the
// CDOL1 data, then AIP, ATC and the CVR from 9F10), the layout VIS CVN 10 and
// PBOC CVN 01 share; 9F10 is the PBOC layout of
// z-zroud/CardPlatform Cases/GPOCase.cs (length 07, DKI, CVN, CVR 4 bytes,
// algorithm id 01 3DES / 04 SM4, then IDD length, IDD type 01 and the EC
// balance); script MACs cover CLA INS P1 P2 Lc || ATC || ARQC || data
// (z-zroud/CardPlatform Business/BusinessUICS.cs).
package simcard
