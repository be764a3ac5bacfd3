// Package pcsc is the PC/SC driver of the card transports: the only package
// of the project with cgo (github.com/ebfe/scard over pcsc-lite). It lists
// readers, waits for card insertion and removal, connects (T=0, T=1 or
// either; shared or exclusive) and gives a card.Transport (Conn) with
// transmit, warm and cold reset, ATR and close.
//
// Entry types: Context (Establish, Readers, Status, Wait, Connect), Conn
// and Error. PC/SC return codes (PC/SC Workgroup specification part 5,
// SCARD_E_* and SCARD_W_*) are mapped to the card package's sentinel
// errors: every error wraps both the card sentinel (errors.Is(err,
// card.ErrCardRemoved)) and the scard.Error code.
//
// Blocking: every call honours ctx. Wait waits in bounded slices and
// cancels the wait with SCardCancel. Connect, Transmit and Reset cannot be
// interrupted once sent (pcsc-lite has no way to), so they run where the
// caller can abandon them: a card that does not answer before ctx ends
// gives card.ErrNotAnswering, at once for every later call too, until it
// answers (conn.go).
package pcsc
