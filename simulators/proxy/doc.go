// Package proxy is a raw TCP proxy: every accepted connection is paired with
// a new connection to the target and bytes are copied both ways without any
// parsing. Benchmarks put it where the switch would be to measure the
// ceiling that pure forwarding reaches on the same machine.
//
// Entry type: Proxy, from New, run with Start and stopped with Close. When
// either side of a pair ends (EOF or error), both connections are closed.
package proxy
