// Package script reads and checks the certification harness's test scripts:
// YAML files of test cases, each traceable to the clause of the standard it
// checks (JR/T 0025 for PBOC 3.0 cards, JR/T 0045.1 for the card test
// specification, EMV 4.4 Books 1-4), made of steps that drive the card and
// assertions on what it answers. The format is documented, with examples,
// in certification/SCRIPTS.md; this package is its single reader.
//
// Entry points: ParseFile and Parse return a File (its Cases with every
// Step, Assertion and Condition carrying the line it came from); Lint checks
// a directory of scripts and returns every problem as a *Problem printed as
// "file:line: problem" (duplicate ids across files, unknown keys, actions
// and assertions, bad hex, bad status word patterns, variables used before
// they are captured). SWPattern matches status words against sets such as
// "9000|6283|61XX"; Expand substitutes ${name} references.
//
// Parsing never panics on any input and bounds what it accepts (file size,
// nesting depth, number of cases and steps), so a lab can lint scripts from
// anywhere. The runner (certification/runner) executes what this package
// returns; nothing here talks to a card.
package script
