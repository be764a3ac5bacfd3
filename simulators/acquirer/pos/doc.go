// Package pos is an attended chip POS terminal on the acquirer side of the
// Hulian switch: it runs the EMV / PBOC 3.0 terminal kernel (emv/kernel)
// against a card.Transport (a PC/SC reader through card/pcsc, or the
// simulated card in process through card.NewInProcess), sends the online
// request through the switch with the acquirer Client of simulators/acquirer,
// completes the card transaction with the answer and returns a Receipt.
//
// Entry types: Terminal (New from a Config, then Run per transaction),
// Receipt (what a terminal prints: masked PAN, amount, application,
// outcome, response and authorisation codes, TVR/TSI, CVM, ATC, EC balance,
// issuer script results, reversal) and PINBlocker (the acquirer's PIN
// encipherment, which simulators/load.ModulePIN satisfies).
//
// The online request (iso8583-contract.md, ISO 8583:1987) is an 0200
// financial request, or an 0100 authorization with Config.Auth: 2 from 5A,
// 14 from 5F24, 35 from 57, 22 = 051 (chip, PIN capable), 23 = 5F34,
// 55 = the kernel's OnlineData, and 52/53 when cardholder verification asked
// for an online PIN (EMV Book 3 10.5, the PIN enciphered under the
// acquirer's zone PIN key by the security module, switch/hsm).
//
// Completion (EMV Book 3 10.9 to 10.11): field 39 becomes the
// authorisation response code 8A, 91 of the answer's field 55 the issuer
// authentication data and its 71/72 templates the issuer scripts given to
// kernel.Session.Complete. No answer (time-out, closed link) or an answer
// 91 (issuer or switch inoperative) completes with Unable, so the card
// decides with the default action codes (Y3/Z3).
//
// Reversals: when the issuer approved but the card declined at the second
// GENERATE AC (an AAC, for instance after a failed issuer authentication),
// or when no answer came at all, the terminal sends an 0400 reversal whose
// field 90 names the original (MTI, STAN, transmission time, acquirer), as
// EMV Book 4 and the acquirer's contract require. The Receipt says so.
//
// Nothing sensitive is logged or put in an error: PANs are masked with
// pan, PINs are cleared after use and never leave the PINBlocker in
// clear.
package pos
