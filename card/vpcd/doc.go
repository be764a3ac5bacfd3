// Package vpcd connects a simulated card (card.Card) to vsmartcard's virtual
// smart card reader driver (vpcd) for pcscd, so that the real PC/SC stack can
// be exercised without hardware.
//
// The software card is the TCP client: it dials the reader slot's port
// (35963 for the first slot of the system configuration) and answers what
// vpcd sends. Every frame, both ways, is a 2-byte big-endian length and the
// payload. A 1-byte payload from vpcd is a control code (00 power off,
// 01 power on, 02 reset, 04 get ATR: only 04 has a reply); a longer one is a
// command APDU, answered with data || SW1 SW2.
//
// Entry types: Bridge (NewBridge, Serve, Remove, Insert), the function
// Serve, and the frame codec (ParseFrame, ReadFrame, AppendFrame).
//
// vpcd 3.3 sends the length and the payload of a frame with two send()
// calls without TCP_NODELAY; with delayed ACK on the card side each APDU
// then stalls about 40 ms. The bridge sets TCP_QUICKACK on its socket
// before every read, which removes the stall (Linux only).
package vpcd
