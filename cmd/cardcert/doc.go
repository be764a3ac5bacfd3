// Command cardcert is the card certification tool of Hulian: it talks to
// contact IC cards through PC/SC (pcscd), or to the simulated PBOC card in
// process, and runs EMV/PBOC certification scripts against them.
//
// Commands:
//
//	cardcert readers    list the PC/SC readers and the ATR of each card
//	cardcert read       run the kernel read-only and print the card's applications and data (PAN masked)
//	cardcert lint DIR   check a directory of scripts: file:line: problem
//	cardcert run        run a suite on cards in readers (in parallel) or a simulated card; JUnit, JSON, HTML reports
//
// The script format is certification/SCRIPTS.md. Each subcommand lives in
// its own file as run<Name>(ctx, args, stdout, stderr) and is dispatched
// from main.go.
package main
