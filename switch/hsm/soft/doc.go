// Package soft is Hulian's software security module: an hsm.Module for
// development, the demo and institutions whose keys use SM4 (no PKCS#11 token
// offers it). It implements issue 4's "Security module (HSM) interface" for
// TDES (double and triple length) and SM4 keys.
//
// Open (or New with Options) loads a key store file in which every key value
// is sealed with AES-256-GCM under a 32-byte local master key (LMK), with the
// key's id, type, algorithm and length as additional data, next to its
// metadata and check value. The LMK comes from the caller (LMKFromFile,
// LMKFromEnv) and is never written by the module; a sealed marker in the file
// lets Open refuse a wrong LMK even for an empty store. Every change rewrites
// the file atomically (temporary file, fsync, rename).
//
// Keys stay sealed in memory. Each operation unseals the key it needs into a
// buffer that is cleared as soon as the block cipher is keyed; clear PIN
// blocks and PINs likewise live only in buffers cleared before the method
// returns, and no method returns them. The key schedules inside crypto/des
// and SM4 cipher values cannot be cleared from outside those packages: they
// become garbage when the operation ends.
//
// MACs: ANSI X9.19 retail MAC (ISO 9797-1 MAC algorithm 3, padding method 1)
// with K1 and K2 of a TDES key (a triple-length key uses K1 and K2 exactly as a
// double-length one; K3 takes no part), and SM4 CBC-MAC with a zero IV and
// zero padding, leftmost 8 bytes. PIN translation: ISO 9564-1 formats 0, 1 and
// 3 under TDES keys, format 4 under SM4 keys. Key exchange: keys enciphered in
// ECB under a ZMK, with check values (no key variants or key blocks).
package soft
