// Package simtest starts simulators on loopback for the simulators' own
// tests: an issuer on a random port and acquirer clients dialled to it, each
// closed by t.Cleanup. It is test support only (it imports testing).
//
// Entry points: StartIssuer, Dial, Setup (the wire settings shared by both
// ends), Dialect and Context.
package simtest
