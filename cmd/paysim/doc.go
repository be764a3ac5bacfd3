// Command paysim runs the Hulian payment simulators from the command line:
//
//	paysim issuer   --listen 127.0.0.1:6100 --id 01020000 --dialect hl87a [--framing ascii4] [--header] [--delay 0]
//	                [--accounts testdata/issuer/accounts.yaml] [--pin-key ID] [--faults SPEC] [--connect ADDR]
//	paysim acquirer --switch 127.0.0.1:5800 --id 48020000 --dialect hl87a [--header] --count 10
//	paysim load     --target ADDR --id ID --dialect hl87a --connections 4 --duration 10s
//	                [--rate N | --inflight 256] [--mix testdata/load/mix.yaml] [--accounts FILE] [--json]
//	paysim proxy    --listen ADDR --target ADDR
//	paysim card     --vpcd 127.0.0.1:35963 --profile testdata/cards/pboc-rsa.yaml [--state FILE]
//	paysim card personalize --pan PAN --expiry YYMM --algorithm rsa|sm --out FILE
//	paysim demo     --switchd bin/switchd --config testdata/switchd.yaml [--count 300] [--serve]
//
// issuer serves a simulators/issuer host; acquirer signs on and sends a
// mix of sample transactions (purchases, a balance inquiry, a declined
// amount), printing one line each with the PAN masked; load drives
// simulators/load over several connections, closed-loop (--inflight) or
// open-loop at a fixed arrival rate (--rate), and prints its summary (JSON
// with --json); proxy forwards raw TCP (simulators/proxy); card plugs the
// simulated PBOC card (simulators/simcard) into vsmartcard's virtual reader,
// and card personalize writes a complete card profile; demo
// starts an issuer simulator for every issuer address of a switchd
// configuration, runs switchd as a child process, sends a mix of
// transactions covering every route and outcome through it, reports what
// happened and stops switchd (it is what `make demo` runs; --serve keeps
// everything up). Each runs until done or until SIGINT/SIGTERM.
//
// issuer, acquirer and load take --key-store FILE --lmk-file FILE --mac-key
// ID (all three or none): a switch/hsm/soft key store and its local master
// key, and the zone MAC key shared with the switch. With them every non-08xx
// message carries a MAC in field 128 and every one received must verify
// (the issuer answers 63 otherwise).
package main
