// Package demo is `paysim demo`: it runs a switchd configuration end to
// end as an operator would try it. It starts the issuer simulators the
// configuration names, the switchd binary on it and an acquirer; sends a
// mix of transactions whose response codes are known in advance; runs a
// chip purchase with a simulated card (in a vpcd reader of pcscd when one
// is free); runs the card certification suite on the card; sends a load
// burst; prints a report; and stops everything, failing when anything
// differs from what is expected. With --serve it keeps everything up and
// prints commands to try against it.
//
// Entry point: Run (its flags: Run with -h). ErrUsage marks a flag error.
package demo
