// Command paysim runs the Hulian payment simulators from the command line:
//
//	paysim issuer   --listen 127.0.0.1:6100 --id 01020000 --dialect hl87a [--framing ascii4] [--header] [--delay 0]
//	paysim acquirer --switch 127.0.0.1:5800 --id 48020000 --dialect hl87a [--header] --count 10
//	paysim load     --switch ADDR --id ID --dialect hl87a --conns 4 --inflight 256 --duration 10s [--json]
//	paysim proxy    --listen ADDR --target ADDR
//	paysim demo     --switchd bin/switchd --config testdata/switchd.yaml [--count 300] [--serve]
//
// issuer serves a simulators/issuer host; acquirer signs on and sends a
// mix of sample transactions (purchases, a balance inquiry, a declined
// amount), printing one line each with the PAN masked; load drives
// simulators/load over several connections and prints its Result (one line,
// or JSON with --json); proxy forwards raw TCP (simulators/proxy); demo
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
