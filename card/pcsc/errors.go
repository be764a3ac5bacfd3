package pcsc

import (
	"errors"
	"fmt"

	"github.com/ebfe/scard"

	"github.com/hulian/hulian/card"
)

// Error is a failed PC/SC call. It unwraps to the card sentinel that
// matches Code (nil when none does) and to Code itself.
type Error struct {
	Op     string // "connect", "transmit", ...
	Reader string // empty for context-wide calls
	Code   scard.Error
	// Kind is the card sentinel (card.ErrNoCard, ...), nil when none fits.
	Kind error
}

func (e *Error) Error() string {
	where := e.Op
	if e.Reader != "" {
		where = fmt.Sprintf("%s %q", e.Op, e.Reader)
	}
	return fmt.Sprintf("pcsc: %s: %s (0x%08X)", where, e.Code.Error(), uint32(e.Code))
}

// Unwrap returns the card sentinel and the scard code.
func (e *Error) Unwrap() []error {
	if e.Kind == nil {
		return []error{e.Code}
	}
	return []error{e.Kind, e.Code}
}

// kind maps a PC/SC return code to the card sentinel errors.
func kind(code scard.Error) error {
	switch code {
	case scard.ErrNoService, scard.ErrServiceStopped:
		return card.ErrNoService
	case scard.ErrNoReadersAvailable, scard.ErrUnknownReader, scard.ErrReaderUnavailable:
		return card.ErrNoReader
	case scard.ErrNoSmartcard:
		return card.ErrNoCard
	case scard.ErrRemovedCard:
		return card.ErrCardRemoved
	case scard.ErrResetCard:
		return card.ErrCardReset
	case scard.ErrTimeout:
		return card.ErrTimeout
	case scard.ErrNotTransacted, scard.ErrCommError, scard.ErrCommDataLost,
		scard.ErrUnresponsiveCard, scard.ErrUnpoweredCard, scard.ErrUnsupportedCard:
		return card.ErrTransmit
	case scard.ErrSharingViolation:
		return card.ErrSharing
	case scard.ErrProtoMismatch:
		return card.ErrProtocol
	case scard.ErrInvalidHandle:
		return card.ErrClosed
	}
	return nil
}

// wrap turns an scard error into an *Error; other errors are wrapped with
// the operation.
func wrap(op, reader string, err error) error {
	if err == nil {
		return nil
	}
	var code scard.Error
	if errors.As(err, &code) {
		return &Error{Op: op, Reader: reader, Code: code, Kind: kind(code)}
	}
	return fmt.Errorf("pcsc: %s: %w", op, err)
}
