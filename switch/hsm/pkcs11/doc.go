// Package pkcs11 is Hulian's PKCS#11 security module: an hsm.Module whose
// TDES keys (double and triple length) live as token objects in a PKCS#11
// token, tested against SoftHSM2 (issue 4, "Security module (HSM) interface",
// second implementation). SM4 is not offered (SoftHSM2 has no SM4 mechanism):
// every SM4 request is hsm.ErrUnsupported, and such keys belong in package soft.
//
// Open loads the PKCS#11 library named by Options.Module, finds the token by
// label, opens a small pool of read-write sessions, logs in as the user and
// indexes the keys already on the token. Module is safe for concurrent use;
// each operation borrows one session from the pool. Open one Module per
// library per process: Close finalises the library it initialised.
//
// Objects. Every key is a CKK_DES2 or CKK_DES3 secret key object with
// CKA_TOKEN, CKA_PRIVATE, CKA_SENSITIVE true and CKA_EXTRACTABLE false,
// CKA_LABEL and CKA_ID equal to the KeyID. A CKO_DATA object with the same
// label and CKA_APPLICATION "hulian-hsm" holds the key's type, algorithm,
// length and creation time (no key material). A ZAK also gets helper secret
// key objects labelled "<id>#k1" (K1||K1) and, for a triple-length key,
// "<id>#k12" (K1||K2): no mechanism of SoftHSM2 derives them inside the token,
// so they are created whenever the key is loaded. Check values are computed in
// the token (CKM_DES3_ECB over a zero block).
//
// What passes through host memory (plainly):
//   - ImportComponents: the components (the caller's) and their XOR, built in
//     a buffer of this package that is zeroed after C_CreateObject.
//   - ImportWrapped: the key deciphered (C_Decrypt, CKM_DES3_ECB) under the
//     ZMK, in a buffer zeroed after C_CreateObject.
//   - GenerateKey: ZPK and ZMK keys are generated in the token (C_GenerateKey)
//     and never seen by the host; a ZAK is drawn from crypto/rand on the host
//     because its K1||K1 helper must be created from the clear value, then
//     zeroed.
//   - GenerateMAC/VerifyMAC (ANSI X9.19 retail MAC): CBC under K1||K1 over all
//     blocks but the last, then CKM_DES3_CBC with that chaining value as IV
//     under the full key (or K1||K2) over the last block. The intermediate
//     chaining value H passes through the host; keys do not.
//   - TranslatePIN (ISO 9564-1 formats 0, 1, 3): SoftHSM2 cannot translate a
//     3DES PIN block inside the token (no 3DES wrap/unwrap), so the block is
//     deciphered with C_Decrypt under From, checked and re-encoded on the host
//     and enciphered with C_Encrypt under To. The clear PIN block and PIN are
//     held only in buffers zeroed before the method returns; the cgo binding
//     (github.com/miekg/pkcs11) frees, without zeroing, the 8-byte C buffer
//     the token wrote the clear block into.
//
// ExportWrapped is hsm.ErrUnsupported: token keys are non-extractable and
// SoftHSM2 offers no 3DES key-wrap mechanism, so a key cannot leave the token
// enciphered under a ZMK. Keys to be sent to a partner are generated where they
// can be exported (package soft or a payment HSM) and imported here wrapped.
//
// Errors are hsm.*Error values wrapping the hsm sentinels; PKCS#11 return
// codes appear as their CKR_ names, never with key material, PINs or PANs.
package pkcs11
