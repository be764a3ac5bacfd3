// Package transcript records the exchanges of a card session to a readable
// hex transcript and replays them: tests run once against the real stack
// with -update, which records testdata/transcripts/<TestName>.apdu, and
// replay that file everywhere else (the crypto/tls testdata approach).
//
// The format is line based; # starts a comment, hex may contain spaces:
//
//	atr 3B8601...             answer to reset (at open and after a reset)
//	protocol T=1
//	> 00A4040007F048554C49414E00   command
//	< 6F10...9000                  its response: data || SW1 SW2
//	! ErrCardRemoved               or the error of the exchange
//	reset warm                     (or cold), then atr, or ! and an error
//
// Entry types: Recorder (NewRecorder), Replay (NewReplay), Parse and
// Transcript. Replay fails any command the transcript does not have next,
// with an error naming the file and line. Transcripts hold whole APDUs:
// record test cards only, never a real card with a PAN.
package transcript
