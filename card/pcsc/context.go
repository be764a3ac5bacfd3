package pcsc

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ebfe/scard"

	"github.com/hulian/hulian/card"
)

// waitSlice bounds each SCardGetStatusChange call of Wait, so a
// cancellation that races the SCardCancel is seen within this time.
const waitSlice = 500 * time.Millisecond

// Context is a connection to the PC/SC service (SCardEstablishContext).
// Safe for concurrent use.
type Context struct {
	mu     sync.Mutex
	sc     *scard.Context
	closed bool
}

// Establish connects to the PC/SC service. Without pcscd the error wraps
// card.ErrNoService.
func Establish(ctx context.Context) (*Context, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sc, err := scard.EstablishContext()
	if err != nil {
		return nil, wrap("establish context", "", err)
	}
	return &Context{sc: sc}, nil
}

// Close releases the context. Conns made from it stay usable until closed.
func (c *Context) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	return wrap("release context", "", c.sc.Release())
}

// context returns the scard context, or ErrClosed.
func (c *Context) context(ctx context.Context) (*scard.Context, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, card.ErrClosed
	}
	return c.sc, nil
}

// Readers lists the reader names; none is an empty list, not an error.
func (c *Context) Readers(ctx context.Context) ([]string, error) {
	sc, err := c.context(ctx)
	if err != nil {
		return nil, err
	}
	names, err := sc.ListReaders()
	if errors.Is(err, scard.ErrNoReadersAvailable) {
		return []string{}, nil
	}
	return names, wrap("list readers", "", err)
}

// ReaderState is what pcscd knows of a reader.
type ReaderState struct {
	Reader    string
	Present   bool   // a card is in the reader
	ATR       []byte // the card's ATR when present
	InUse     bool   // a connection holds the card
	Exclusive bool   // held exclusively
	Mute      bool   // the card does not answer reset
}

func stateOf(rs scard.ReaderState) ReaderState {
	f := rs.EventState
	s := ReaderState{
		Reader:    rs.Reader,
		Present:   f&scard.StatePresent != 0,
		InUse:     f&scard.StateInuse != 0,
		Exclusive: f&scard.StateExclusive != 0,
		Mute:      f&scard.StateMute != 0,
	}
	if s.Present {
		s.ATR = append([]byte(nil), rs.Atr...)
	}
	return s
}

// Status returns the current state of the readers.
func (c *Context) Status(ctx context.Context, readers ...string) ([]ReaderState, error) {
	sc, err := c.context(ctx)
	if err != nil {
		return nil, err
	}
	rs := make([]scard.ReaderState, len(readers))
	for i, r := range readers {
		rs[i] = scard.ReaderState{Reader: r, CurrentState: scard.StateUnaware}
	}
	if err := sc.GetStatusChange(rs, 0); err != nil {
		return nil, wrap("get status", "", err)
	}
	out := make([]ReaderState, len(rs))
	for i := range rs {
		if rs[i].EventState&scard.StateUnknown != 0 {
			return nil, &Error{Op: "get status", Reader: rs[i].Reader, Code: scard.ErrUnknownReader, Kind: card.ErrNoReader}
		}
		out[i] = stateOf(rs[i])
	}
	return out, nil
}

// Wait blocks until the reader has a card (present) or is empty (!present)
// and returns its state then. It waits on a context of its own, so other
// calls on c are not held up, and returns ctx's error when ctx ends first.
func (c *Context) Wait(ctx context.Context, reader string, present bool) (ReaderState, error) {
	if _, err := c.context(ctx); err != nil {
		return ReaderState{}, err
	}
	sc, err := scard.EstablishContext()
	if err != nil {
		return ReaderState{}, wrap("establish context", "", err)
	}
	defer func() { _ = sc.Release() }()
	stop := context.AfterFunc(ctx, func() { _ = sc.Cancel() })
	defer stop()
	rs := []scard.ReaderState{{Reader: reader, CurrentState: scard.StateUnaware}}
	for {
		err := sc.GetStatusChange(rs, waitSlice)
		if ctx.Err() != nil {
			return ReaderState{}, fmt.Errorf("pcsc: wait %q: %w", reader, ctx.Err())
		}
		switch {
		case errors.Is(err, scard.ErrTimeout):
			continue
		case err != nil:
			return ReaderState{}, wrap("wait", reader, err)
		}
		f := rs[0].EventState
		if f&(scard.StateUnknown|scard.StateIgnore) != 0 {
			return ReaderState{}, &Error{Op: "wait", Reader: reader, Code: scard.ErrUnknownReader, Kind: card.ErrNoReader}
		}
		if s := stateOf(rs[0]); s.Present == present {
			return s, nil
		}
		rs[0].CurrentState = f &^ scard.StateChanged
	}
}
