// Package issuer is a minimal issuer host for the Hulian switch: the switch
// (or an acquirer simulator, directly or through a proxy) connects to it and
// it answers ISO 8583 requests in one of the contract's dialects
// (iso8583-contract.md), with optional 46-byte header.
//
// Entry type: Issuer, built with New from a Config and run with Start.
// Every connection has one read loop over a frame.Reader and one batching
// write loop (frame.Writer); responses are packed straight into the writer's
// pending buffer, so the host stays cheap enough to share cores with the
// switch in benchmarks.
//
// Without Config.Accounts, answers are deterministic:
//
//   - 0800 (field 70 = 001 sign-on, 002 sign-off, 301 echo, anything else)
//     -> 0810 echoing 7, 11, 33, 70 with 39 = "00".
//   - 0100/0200 (and repeats 0101/0201) -> 0110/0210 echoing 2, 3, 4, 7, 11,
//     12, 13, 32, 33, 37, 41, 42, 49, 100, 102, 103 when present, with 39
//     decided by these rules, first match wins:
//     1. a PAN (field 2, else the PAN part of track 2 in field 35) that
//     fails the Luhn check -> "14" (no PAN at all, as for account-based
//     payments with field 100, skips this rule);
//     2. amount (field 4) above 99999999 (999,999.99) -> "61";
//     3. amount ending in "51" -> "51";
//     4. otherwise "00", with field 38 = the last 6 digits of the STAN
//     (field 11) and, for a balance inquiry (field 3 starting "31"),
//     field 54 = "1002156C000000123456".
//   - 0120/0220 advices -> 0130/0230 "00"; 0400/0420 reversals ->
//     0410/0430 "00" (repeats xxx1 answer like the original).
//   - Responses received (e.g. the 0810 to SignOff) are counted and dropped.
//
// A frame that does not parse (framing, header or dialect error) closes that
// connection; the reason is logged, never the message bytes.
// Config.Delay postpones financial answers (timeout tests); SetSilent and
// SetSilentAll suppress answers.
//
// Config.TLS makes the issuer serve TLS (mutual when its tls.Config asks for
// client certificates); the handshake runs on each connection's goroutine.
//
// Config.MAC authenticates messages as the switch does for an institution
// with a MAC profile (issue 4): every non-08xx message sent carries field
// 128 = the MAC of the packed message before it, and a non-08xx request
// whose 128 is missing, not last or wrong is answered with 39 = "63".
//
// # Accounts mode
//
// With Config.Accounts (LoadAccounts reads a YAML file of TEST cards and
// accounts, testdata/issuer/accounts.yaml), 0100/0200 requests are decided
// against the account of the PAN (field 2, else the PAN of track 2 in 35),
// else of field 102. Checks run in this order, the first failure answers:
//
//	14  no PAN and no 102, PAN fails Luhn, or unknown PAN / account id
//	41  card reported lost; 43 stolen; 05 blocked or restricted
//	54  card expired at Config.Now (YYMM valid to the month's end), or
//	    field 14 differs from the card's expiry
//	30  field 55 present (card with an IMK) but not BER-TLV, or without an
//	    8-byte 9F26 or a 2-byte 9F36
//	05  wrong ARQC (cryptogram failure; the answer carries no field 55)
//	55  wrong PIN (field 52, with Config.PIN); 75 from the 3rd consecutive
//	    wrong PIN on (PINTries); a right PIN resets the count and goes on;
//	    96 when the security module fails
//	57  processing code prefix not in the account's permit list
//	30  field 4 not a number
//	61  amount above the account's single-transaction limit
//	51  amount above the balance
//	00  approved: the balance is debited (00/01/40... purchases, cash,
//	    transfers), credited (20 refund) or read (31 inquiry); field 38 =
//	    the last 6 digits of the STAN; on an inquiry field 54 =
//	    "1002" currency (field 49, else 156) "C" balance (12 digits)
//
// Every authorization is remembered (the last 65536) by field 11 + 7 + 32:
// a repeat (0101/0201) or duplicate gets the first answer without a second
// debit. Reversals 0400/0420 (and repeats) find their original by field 90
// (original STAN, transmission time, acquirer), else by 37 + 41: an
// approved original's amount is given back exactly once and every further
// reversal is answered 00 without credit; a declined original answers 00;
// no original answers 25. Advices 0120/0220 are acknowledged 00.
//
// PINs: see PIN. The block of field 52 is translated by the switch/hsm
// Module from the zone PIN key (iso0/iso1/iso3 under TDES, iso4 16-byte
// blocks under SM4 in the hl87a-sm / hl87b-sm dialects) to a local
// verification key, then compared.
//
// # Chip data (field 55) and the cryptogram input
//
// An acquirer terminal sends in field 55 (BER-TLV, emv/tlv) at least 9F26
// (ARQC), 9F36 (ATC) and the data the ARQC covers. The ARQC input, the one
// simulators/simcard computes (PBOC CVN 01, the layout of VIS CVN 10, EMV
// Book 2 8.1.1 minimum set), is the concatenation of
//
//	9F02 amount, authorised (6)   9F03 amount, other (6)
//	9F1A terminal country (2)     95   TVR (5)
//	5F2A currency (2)             9A   transaction date (3)
//	9C   transaction type (1)     9F37 unpredictable number (4)
//	82   AIP (2)                  9F36 ATC (2)
//	9F10 bytes 4..7: the CVR with its length byte (03 + 3 bytes; only
//	     when 9F10 is at least 7 bytes, PBOC layout 07 DKI CVN 03 CVR...)
//
// each at that length (values cut or zero-filled on the right, zeros when
// absent), whatever order the tags arrive in; see ARQCInput. The issuer
// derives the card key from the account's IMK, PAN and PSN
// (emv/crypto.DeriveCardKey: EMV option A for TDES, the PBOC SM4 form),
// the session key for the ATC (emv/crypto.SessionKey) and checks the ARQC
// (emv/crypto.VerifyAC: retail MAC or SM4 CBC-MAC, padding method 2). A
// right ARQC puts in field 55 the tag 91 issuer authentication data:
// ARPC (method 1, emv/crypto.ARPC1) || ARC, the ARC being the two
// characters of the response code (so a decline after a right cryptogram
// still carries an ARPC). On approval, a pending EC load (Account.ECLoad)
// and scripts (Account.Scripts) follow once in a 72 template (9F18 script
// id, then 86 commands): the EC load is PUT DATA 04 DA 9F 79 0A || new
// balance (n12) || 4-byte MAC over 04DA9F790A || ATC || ARQC || balance
// under the session key of the IMK for MACs (Account.IMKMAC, else IMK).
//
// # Faults and dial mode
//
// Config.Faults delays, drops, corrupts the MAC of, or replaces with random
// bytes the answers to financial requests, and closes connections after N
// answers, deterministically by seed (see Faults; counted in Stats.Faults).
// Config.Connect makes the issuer dial the switch instead of listening: it
// signs on (0800, 70 = 001) on every connection and redials after a loss.
package issuer
