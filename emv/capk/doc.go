// Package capk is the terminal's store of certification authority (CA)
// public keys for offline data authentication (EMV 4.3 Book 2 5.1 and 11.2;
// PBOC 3.0 JR/T 0025.17 for SM2 keys). Store holds the keys read from a text
// file; Lookup finds one by RID and index. Every key's SHA-1 checksum is
// verified while loading and a wrong one is refused with an error that names
// file:line. This project ships test CA keys only (testdata/emv/).
//
// # Public key file
//
// One key per line, seven fields separated by blanks; blank lines and lines
// starting with '#' are ignored:
//
//		RID         INDEX  ALG  EXPIRY    EXPONENT  KEY     CHECKSUM
//		A000000333  F1     RSA  20301231  03        <hex>   <40 hex>
//		A000000333  F4     SM2  20301231  -         <hex>   <40 hex>
//
//	  - RID: 5 bytes (10 hex digits); INDEX: 1 byte (2 hex digits).
//	  - ALG: RSA or SM2.
//	  - EXPIRY: YYYYMMDD, the last day the key is valid.
//	  - EXPONENT: RSA public exponent in hex, 03 or 010001; "-" for SM2.
//	  - KEY: RSA modulus in hex (512 to 1984 bits, EMV's range); for SM2 the
//	    64-byte public point X || Y in hex.
//	  - CHECKSUM: SHA-1 in hex. RSA: SHA-1(RID || INDEX || modulus || exponent)
//	    (EMV Book 2 11.2.2). SM2: SHA-1(RID || INDEX || X || Y), a convention of
//	    this project (no public source fixes an SM2 key checksum).
//
// # Private key file (TEST ONLY)
//
// The card simulator's personalization signs issuer certificates with test CA
// private keys read by ParsePrivate. The file must contain the line
// "# TEST ONLY" before its first key, so that a production key file can never
// be mistaken for one; each line is RID INDEX ALG followed by name=hex fields:
// RSA n= e= d= (p= q= optional), SM2 d= (the 32-byte scalar).
//
// Keys and errors never carry card data; file names and line numbers only.
package capk
