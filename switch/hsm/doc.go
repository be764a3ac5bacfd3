// Package hsm defines Hulian's security module interface: the one place where
// keys are generated, imported, exchanged and used for MACs and PIN block
// translation (issue 4, "Security module (HSM) interface", with the crypto of
// "MAC", "PIN translation" and "Keys").
//
// Module is shaped like a payment HSM's command set (generate key, import by
// components, import/export under a zone master key, generate/verify MAC,
// translate PIN): keys are named by an opaque KeyID and never leave a module in
// clear, so the software module (package soft), a PKCS#11 token and a TCP
// payment HSM can all sit behind it. KeyInfo describes a key by its type
// (ZMK, ZPK, ZAK), Algorithm (TDES double/triple length, SM4), length and
// check value (KCV).
//
// The package also holds pure helpers shared by modules, tests and simulators:
// KCV computes a key check value, NewCipher builds the block cipher of an
// Algorithm, EncodePINBlock and DecodePINBlock encode the clear PIN blocks of
// ISO 9564-1 formats 0, 1 and 3, and the clear PIN field of format 4.
// Format 4 (the 16-byte block used here with SM4 keys) is enciphered in two
// steps, E(E(PIN field) XOR PAN field); EncipherFormat4 and DecipherFormat4
// do those steps given a cipher.Block, and PANField4 builds the PAN field.
//
// Errors are the sentinels below, usually wrapped in an *Error that names the
// operation, the key id and a fixed reason. No error ever carries key
// material, PIN blocks, PINs or PANs.
package hsm
