package card

import "errors"

// Errors every Transport reports, wrapped with the driver's detail: test them
// with errors.Is.
var (
	// ErrNoService: the smart card service (pcscd) is not running.
	ErrNoService = errors.New("card: smart card service not available")
	// ErrNoReader: the named reader does not exist or is unavailable.
	ErrNoReader = errors.New("card: no such reader")
	// ErrNoCard: the reader is empty.
	ErrNoCard = errors.New("card: no card in the reader")
	// ErrCardRemoved: the card left the reader during the session; a new
	// connection is needed once a card is back.
	ErrCardRemoved = errors.New("card: card removed")
	// ErrCardReset: another party reset the card; Reset the session to go on.
	ErrCardReset = errors.New("card: card was reset")
	// ErrTimeout: the service or the card did not answer in time.
	ErrTimeout = errors.New("card: timeout")
	// ErrNotAnswering: the card (or its reader) has not answered a command
	// within the caller's deadline. The transport abandoned the wait; it
	// answers every later call with this error at once until the card
	// answers the outstanding command.
	ErrNotAnswering = errors.New("card: card not answering")
	// ErrTransmit: the exchange with the card failed (communication error,
	// mute or unpowered card).
	ErrTransmit = errors.New("card: transmission failed")
	// ErrSharing: the card is held exclusively by another connection.
	ErrSharing = errors.New("card: card in use by another connection")
	// ErrProtocol: the requested protocol is not available for the card.
	ErrProtocol = errors.New("card: protocol not supported")
	// ErrClosed: the session was closed.
	ErrClosed = errors.New("card: session closed")
)
