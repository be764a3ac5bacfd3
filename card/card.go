package card

import (
	"context"
	"fmt"
)

// Protocol is the transmission protocol of a card session (ISO/IEC 7816-3).
type Protocol int

// Protocols. ProtocolAny lets the reader pick when connecting; a connected
// session reports ProtocolT0 or ProtocolT1.
const (
	ProtocolAny Protocol = iota
	ProtocolT0
	ProtocolT1
)

// String returns "T=0", "T=1" or "any".
func (p Protocol) String() string {
	switch p {
	case ProtocolAny:
		return "any"
	case ProtocolT0:
		return "T=0"
	case ProtocolT1:
		return "T=1"
	}
	return fmt.Sprintf("Protocol(%d)", int(p))
}

// Transport is the terminal side of one card session.
//
// Transmit sends one command APDU and returns the full response (data ||
// SW1 SW2) exactly as the card gave it: no status-word handling (see
// Sender). Reset resets the card (cold: power cycle, warm: reset line) and
// keeps the session usable; ATR then returns the new answer to reset.
// Implementations are not required to be safe for concurrent Transmit calls
// unless they say so.
type Transport interface {
	Transmit(ctx context.Context, command []byte) ([]byte, error)
	Reset(ctx context.Context, cold bool) error
	ATR() []byte
	Protocol() Protocol
	Close() error
}

// Card is the card side: what a simulated card implements. The in-process
// transport and the vpcd bridge both drive a Card. Calls are serialized by
// the driver.
type Card interface {
	// PowerOn is a cold reset: it returns the ATR and the card state resets
	// as on power-up.
	PowerOn() []byte
	PowerOff()
	// Process answers one command APDU with response data || SW1 SW2. It
	// never panics, whatever the input. It must not modify command or keep
	// it (or any sub-slice) after returning: drivers reuse the buffer (the
	// vpcd bridge reads every frame into the same one), so a card that keeps
	// session values from a command copies them.
	Process(command []byte) []byte
}
