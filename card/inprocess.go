package card

import (
	"context"
	"sync"
)

// inProcess drives a Card directly, as a reader would with T=1: no framing,
// no delays. Safe for concurrent use: calls into the Card are serialized.
type inProcess struct {
	mu     sync.Mutex
	card   Card
	atr    []byte
	closed bool
}

// NewInProcess powers the simulated card on and returns a T=1 transport to
// it. Close powers it off.
func NewInProcess(c Card) Transport {
	return &inProcess{card: c, atr: clone(c.PowerOn())}
}

func (t *inProcess) Transmit(ctx context.Context, command []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil, ErrClosed
	}
	return t.card.Process(command), nil
}

// Reset power-cycles the card for a cold reset. A Card has no warm reset of
// its own, so a warm reset also starts from PowerOn (volatile state is
// lost either way, ISO/IEC 7816-3 6.2).
func (t *inProcess) Reset(ctx context.Context, cold bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return ErrClosed
	}
	if cold {
		t.card.PowerOff()
	}
	t.atr = clone(t.card.PowerOn())
	return nil
}

func (t *inProcess) ATR() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return clone(t.atr)
}

func (t *inProcess) Protocol() Protocol { return ProtocolT1 }

func (t *inProcess) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil
	}
	t.closed = true
	t.card.PowerOff()
	return nil
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte(nil), b...)
}
