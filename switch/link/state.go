package link

// State is where a connection stands in the network management exchange.
type State int32

// The states of a link. Only a SignedOn link carries financial traffic.
const (
	Connected State = iota // TCP is up, no sign-on yet
	SignedOn               // sign-on exchanged: financial traffic allowed
	SignedOff              // the institution signed off: connection kept, no financial traffic
	Closed                 // the connection ended
)

func (s State) String() string {
	switch s {
	case Connected:
		return "connected"
	case SignedOn:
		return "signed_on"
	case SignedOff:
		return "signed_off"
	case Closed:
		return "closed"
	}
	return "unknown"
}

// Direction says who opened the connection.
type Direction uint8

// Inbound links were accepted from an institution; outbound links were
// dialed by the switch.
const (
	Inbound Direction = iota
	Outbound
)

func (d Direction) String() string {
	if d == Outbound {
		return "outbound"
	}
	return "inbound"
}
