// Package match pairs responses with the requests the switch forwarded and
// expires the requests whose answer does not come in time.
//
// A Table holds the requests in flight towards one issuing institution,
// indexed by a Key made of the request's MTI, acquiring institution id
// (field 32), STAN (field 11) and transmission date and time (field 7): the
// fields an issuer echoes in its response. Field 32 differs between
// acquirers, so two acquirers using the same STAN at the same moment on the
// same issuer never collide. Keys are fixed-size arrays, so lookups do not
// allocate.
//
// Deadlines live in a hashed timing wheel: adding, taking and expiring an
// entry are O(1), so the hot path pays no heap or timer cost per request.
// The caller drives time by calling Expire (the switch does it from one
// ticker), which keeps tests deterministic.
package match
