package pcsc

import (
	"context"
	"errors"
	"sync"

	"github.com/ebfe/scard"

	"github.com/hulian/hulian/card"
)

// ConnectOptions choose the protocol and the sharing of a connection.
type ConnectOptions struct {
	Protocol  card.Protocol // ProtocolAny (default) lets the reader choose
	Exclusive bool          // SCARD_SHARE_EXCLUSIVE instead of SHARED
}

// Conn is a connection to the card in one reader: a card.Transport. Calls
// are serialized.
type Conn struct {
	mu     sync.Mutex
	h      *scard.Card
	reader string
	share  scard.ShareMode
	proto  scard.Protocol
	atr    []byte
	closed bool
}

var _ card.Transport = (*Conn)(nil)

func scardProtocol(p card.Protocol) scard.Protocol {
	switch p {
	case card.ProtocolT0:
		return scard.ProtocolT0
	case card.ProtocolT1:
		return scard.ProtocolT1
	}
	return scard.ProtocolAny
}

// Connect connects to the card in reader. An empty reader gives an error
// wrapping card.ErrNoCard; an unknown one card.ErrNoReader.
func (c *Context) Connect(ctx context.Context, reader string, o ConnectOptions) (*Conn, error) {
	sc, err := c.context(ctx)
	if err != nil {
		return nil, err
	}
	share := scard.ShareShared
	if o.Exclusive {
		share = scard.ShareExclusive
	}
	proto := scardProtocol(o.Protocol)
	h, err := sc.Connect(reader, share, proto)
	if err != nil {
		return nil, wrap("connect", reader, err)
	}
	conn := &Conn{h: h, reader: reader, share: share, proto: proto}
	if err := conn.readATR(); err != nil {
		_ = h.Disconnect(scard.LeaveCard)
		return nil, err
	}
	return conn, nil
}

func (c *Conn) readATR() error {
	st, err := c.h.Status()
	if err != nil {
		return wrap("status", c.reader, err)
	}
	c.atr = append([]byte(nil), st.Atr...)
	return nil
}

// Reader returns the reader name.
func (c *Conn) Reader() string { return c.reader }

// Transmit sends one APDU (SCardTransmit). When the card left the reader,
// pcsc-lite first answers SCARD_E_NOT_TRANSACTED: Transmit then asks the
// reader and reports card.ErrCardRemoved if the card is gone.
func (c *Conn) Transmit(ctx context.Context, command []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, card.ErrClosed
	}
	resp, err := c.h.Transmit(command)
	if err == nil {
		return resp, nil
	}
	if errors.Is(err, scard.ErrNotTransacted) {
		if _, serr := c.h.Status(); errors.Is(serr, scard.ErrRemovedCard) || errors.Is(serr, scard.ErrNoSmartcard) {
			err = serr
		}
	}
	return nil, wrap("transmit", c.reader, err)
}

// Reset resets the card (SCardReconnect with SCARD_RESET_CARD, or
// SCARD_UNPOWER_CARD when cold) and reads the new ATR. It also recovers a
// connection that reports card.ErrCardReset.
func (c *Conn) Reset(ctx context.Context, cold bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return card.ErrClosed
	}
	disp := scard.ResetCard
	if cold {
		disp = scard.UnpowerCard
	}
	if err := c.h.Reconnect(c.share, c.proto, disp); err != nil {
		return wrap("reconnect", c.reader, err)
	}
	return c.readATR()
}

// ATR returns the answer to reset read at Connect or the last Reset.
func (c *Conn) ATR() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]byte(nil), c.atr...)
}

// Protocol returns the active protocol.
func (c *Conn) Protocol() card.Protocol {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch c.h.ActiveProtocol() {
	case scard.ProtocolT0:
		return card.ProtocolT0
	case scard.ProtocolT1:
		return card.ProtocolT1
	}
	return card.ProtocolAny
}

// Close disconnects, leaving the card as it is (SCARD_LEAVE_CARD).
func (c *Conn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	err := c.h.Disconnect(scard.LeaveCard)
	if errors.Is(err, scard.ErrRemovedCard) || errors.Is(err, scard.ErrNoSmartcard) {
		return nil // the card is gone: the handle is released all the same
	}
	return wrap("disconnect", c.reader, err)
}
