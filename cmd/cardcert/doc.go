// Command cardcert is the card certification tool of Hulian: it talks to
// contact IC cards through PC/SC (pcscd) and will run EMV/PBOC
// certification scripts against them.
//
// Commands:
//
//	cardcert readers    list the PC/SC readers and the ATR of each card
//
// Each subcommand lives in its own file as run<Name>(ctx, args, stdout,
// stderr) error and is dispatched from main.go.
package main
