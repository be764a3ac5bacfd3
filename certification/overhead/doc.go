// Package overhead measures what the certification harness
// (certification/runner) adds per APDU on top of the raw transmits of the
// same stack. It has no code of its own: its benchmarks (overhead_test.go)
// run a one-case suite of N GET DATA commands, each with one assertion,
// through the runner, record what the runner sent to the transport (the
// resets and every command APDU), replay exactly that through the same
// transport as raw Transmit and Reset calls, and report ns/apdu of both
// and the harness overhead in percent. They run in process (card.NewInProcess)
// and through the real PC/SC stack (pcscd, vpcd and the simulated card,
// card/pcsctest). The target is an overhead under 10% through PC/SC.
// Its tests also run the shipped suite (certification/suites/pboc) on both
// clean simulated cards through PC/SC.
// It lives apart from the runner so that only this test binary links the
// PC/SC driver (cgo).
package overhead
