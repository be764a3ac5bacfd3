// Package simmac puts and checks the message authentication code (MAC) of
// the payment simulators (simulators/acquirer and simulators/issuer).
//
// The entry type is MAC: a security module (switch/hsm.Module) and the id of
// the zone authentication key (ZAK) shared with the peer. AppendFrame packs a
// message with field 128 set to eight zero bytes, packed last, then writes
// over them the MAC of the message bytes (MTI onward) before them; Verify
// checks a received message the same way. This is the construction the switch
// uses for institutions whose profile says `mac:` (interconnect contract,
// MAC in field 128 over the whole message up to the MAC field, issue 4).
// Network management (08xx) carries no MAC. A nil *MAC means no MAC at all:
// frames are packed unchanged and nothing is verified.
//
// Errors never hold message bytes: only the MTI class and a fixed reason.
package simmac
