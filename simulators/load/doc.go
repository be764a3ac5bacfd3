// Package load is the load generator of the Hulian simulators: Run sends ISO
// 8583 requests over one or more connections (acquirer.Client, or any
// Target) and reports throughput, response codes, errors by kind and
// latency percentiles (Result).
//
// Two loops:
//
//   - Closed loop (Options.Rate = 0): InFlight workers each send a request
//     as soon as their previous one is answered, until Count or Duration.
//     This is what the switch benchmarks use (.ci/bench-switch).
//   - Open loop (Options.Rate > 0): request i is due at start + i/Rate on
//     connection i mod C, whatever the responses do, and its latency runs
//     from that intended time. A peer that stalls therefore shows its stall
//     in every request due during it, not only in the few that were in
//     flight: coordinated omission is corrected by construction. InFlight
//     caps the requests in flight; a request due while the cap is full is
//     not sent and counts as late (Result.Late), so nothing queues without
//     bound.
//
// Latencies go into HDR histograms (github.com/HdrHistogram/hdrhistogram-go,
// 1 µs to 10 min, 3 significant digits), sharded across workers and merged
// for Options.Progress (once a second) and the Result (p50, p90, p99,
// p99.9, max).
//
// Requests come from DefaultBuild (dialect.SampleFinancial with a rotating
// PAN: the benchmark request), an Options.Build function, or a Generator
// built from a Mix: purchase by magnetic stripe (2, 14, 35), chip purchase
// with field 55 carrying a valid ARQC (emv/crypto: DeriveCardKey,
// SessionKey, ARQC over the CVN 01 input of issuer.ARQCInput, built with
// emv/tlv), purchase with PIN (52, 53: PIN blocks enciphered under the
// acquirer's ZPK through a security module, ModulePIN), balance inquiry
// (3 = 310000), account-based payment (100 and 102, no PAN) and reversal
// (0400 with field 90) of an approved request of the same connection.
// Generators pre-build one template message per type and vary STAN,
// clock fields, terminal, card and amount in place; the ARQC is computed
// per request with a fresh ATC from the card master key derived once, and
// each card's PIN block is made once and reused.
//
// Cards come from an issuer simulator accounts file (LoadCards: its active
// accounts, contract of simulators/issuer) or BuiltinCards.
//
// # Mix file
//
// A YAML document (ParseMix, LoadMix; testdata/load/mix.yaml); unknown keys
// are errors, and every key but transactions is optional:
//
//	transactions:        # relative weights (0..1000000), at least one > 0
//	  purchase: 30       # magnetic stripe
//	  chip: 30           # field 55 with an ARQC
//	  pin: 15            # PIN block (needs --pin-key)
//	  balance: 10        # balance inquiry
//	  account: 10        # account-based payment (needs receiving)
//	  reversal: 5        # reverses an approved purchase/chip/pin/account
//	terminals: 500       # field 41 "T0000001".. (default 100)
//	merchants: 50        # field 42, terminal k -> merchant k mod 50 (default terminals/10)
//	acquirers: ["48020000", "48020001"]  # connection k signs on as acquirers[k mod n]
//	receiving: "01020000"                # field 100 of account payments
//	accounts: ../issuer/accounts.yaml    # relative to the mix file (default: BuiltinCards)
//	amount: {min: 100, max: 20000}       # minor units (default 100..10000)
//
// A reversal due when its connection has no approved original left becomes
// a request of the first other weighted type (purchase, chip, pin or account).
//
// Entry points: Run, Options, Result, Progress; Mix, ParseMix, LoadMix;
// Generator, NewGenerator, GeneratorConfig; Card, BuiltinCards, LoadCards,
// CardsFromAccounts; PINSource, ModulePIN.
package load
