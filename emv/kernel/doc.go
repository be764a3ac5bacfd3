// Package kernel is an EMV / PBOC 3.0 terminal kernel: it runs a whole
// transaction against any card.Transport (a PC/SC reader, the in-process
// simulated card, a replayed transcript) and returns a Result holding every
// data object, the TVR, TSI, CVM results, the outcome and the online
// authorization data (the ISO 8583 field 55 TLV set).
//
// # API
//
//	k := kernel.New(cfg)                       // cfg from DefaultConfig, plus CAKeys, Clock, Rand, PIN
//	s, err := k.Start(ctx, tr, kernel.Transaction{Amount: 1000, Type: kernel.TypePurchase})
//	r := s.Result()                            // r.Outcome: offline approved/declined, or OutcomeOnline
//	if r.Outcome == kernel.OutcomeOnline {     // send r.OnlineData (DE55) to the issuer, then
//		r, err = s.Complete(ctx, kernel.OnlineResponse{ResponseCode: "00", IssuerAuthData: de91, Scripts: de55scripts})
//	}
//
// Start runs up to the first GENERATE AC; Complete runs issuer
// authentication, the issuer scripts and the second GENERATE AC. With
// Transaction.ReadOnly (cardcert read) Start stops after a first GENERATE AC
// that asks for an AAC, with no cardholder verification. On error, Start and
// Complete still return what happened so far (Session.Result, with Trace).
// Kernel is safe for concurrent use; a Session is one transaction.
//
// Determinism: the clock (Config.Clock) and the unpredictable numbers
// (Config.Rand: 9F37, random transaction selection, PIN encipherment
// padding) are injected, so a recorded transcript (card/transcript) replays
// byte for byte.
//
// # Flow (EMV 4.3 Book 3 chapter 10, JR/T 0025.5/.12/.13/.17)
//
//   - Application selection (Book 1 12): PSE 1PAY.SYS.DDF01 and its directory
//     records (SFI from 88) for contact, PPSE 2PAY.SYS.DDF01 for contactless,
//     else the terminal's AID list with partial selection (SELECT next
//     occurrence); candidates ordered by priority 87, cardholder confirmation
//     (87 b8) through Config.Choose; a blocked application (6283) or one that
//     refuses GPO (6985) is dropped and the next one tried.
//   - GET PROCESSING OPTIONS with the PDOL built by emv/dol from terminal data
//     (9F66 TTQ for contactless, 9F7A EC indicator, DF69 SM indicator ...);
//     response format 1 (80) or 2 (77).
//   - READ RECORD per AFL; the static data to be authenticated is the value
//     of 70 for SFI 1..10 and the whole record for SFI 11..30, plus the AIP
//     when 9F4A lists 82.
//   - Offline data authentication (Book 2, via emv/oda and the emv/capk
//     store): CDA, else DDA (INTERNAL AUTHENTICATE with 9F49 or the default
//     DDOL), else SDA; RSA, or SM2/SM3 when the card's certificates are SM2
//     (the terminal offers SM with DF69 = 01 in the PDOL). Failures set the
//     TVR bits of Book 3 10.3 and the transaction goes on.
//   - Processing restrictions (10.4): 9F08 against 9F09, AUC 9F07 against the
//     terminal type and transaction type, 5F25/5F24 against the clock.
//   - Cardholder verification (10.5): the CVM list 8E with its conditions
//     (amounts X/Y, unattended cash, manual cash, cashback, supported CVM),
//     offline plaintext PIN and offline enciphered PIN (RSA, Book 2 7) through
//     VERIFY with the PINSupplier, PIN try counter 9F17, online PIN (reported
//     in Result.CVM for the acquirer to encipher), signature, no CVM; 9F34.
//   - Terminal risk management (10.6): floor limit, random selection,
//     velocity checking with GET DATA 9F36/9F13 against 9F14/9F23.
//   - Electronic cash (JR/T 0025.13): 9F74 in the records with 9F7A = 01 sent
//     makes an EC purchase; GET DATA 9F79 (balance) and 9F6D; offline TC when
//     balance - amount >= 9F6D, else online.
//   - Terminal action analysis (10.7) with TAC/IAC denial, online, default,
//     then the first GENERATE AC with CDOL1 (CDA requested when selected).
//   - Completion: EXTERNAL AUTHENTICATE with 91 (or 91 in CDOL2), scripts 71
//     before and 72 after the second GENERATE AC (CDOL2), results 5 bytes per
//     script in DF31 (PBOC) and 9F5B; unable to go online uses the default
//     action codes.
//   - qPBOC (JR/T 0025.12): a GPO answer 77 holding 9F26 is the whole card
//     decision; records are read, fDDA verifies 9F4B over
//     9F37 || 9F02 || 5F2A || 9F69, and 9F27 gives the outcome.
//
// # Errors
//
// Every error is an *Error naming the Step, the data object (Tag) and the
// status word when there is one, wrapping a sentinel (ErrMalformed,
// ErrMissing, ErrStatus, ErrNoApplication, ErrODA ...) or the transport's
// error (card.ErrCardRemoved ...), so errors.Is works through it. No error,
// trace entry or Result field other than the card data itself holds a PAN or
// a PIN; the PIN is cleared after VERIFY. A card answering garbage never
// makes the kernel panic (FuzzKernel).
package kernel
