// Package card is the terminal's view of a contact IC card session: the
// Transport interface every card driver implements (PC/SC in card/pcsc, the
// in-process transport here, transcript replay in card/transcript), the Card
// interface a simulated card implements, and the Sender that adds the T=0
// status-word handling of ISO/IEC 7816-3 12.2 and EMV Book 1 9.3.1
// (61xx -> GET RESPONSE, 6Cxx -> re-send with the right Le).
//
// Entry types: Transport, Card, Protocol, NewInProcess, Sender (NewSender).
// Errors are sentinel values (ErrNoService, ErrNoReader, ErrNoCard,
// ErrCardRemoved, ErrCardReset, ErrTimeout, ErrTransmit, ...) that drivers
// wrap, so callers test them with errors.Is whatever the driver.
//
// Layout: card/apdu encodes command and response APDUs; card/pcsc is the
// only package with cgo; card/vpcd connects a Card to vsmartcard's virtual
// reader so the real PC/SC stack can be tested without hardware;
// card/transcript records and replays exchanges; card/pcsctest hands tests
// a free virtual reader; card/testcard is a tiny software card for tests.
package card
