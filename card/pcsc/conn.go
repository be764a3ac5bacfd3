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

// ConnectOptions choose the protocol and the sharing of a connection.
type ConnectOptions struct {
	Protocol  card.Protocol // ProtocolAny (default) lets the reader choose
	Exclusive bool          // SCARD_SHARE_EXCLUSIVE instead of SHARED
}

// Conn is a connection to the card in one reader: a card.Transport. Calls
// are serialized.
//
// pcsc-lite cannot interrupt a transmit once it is sent, and a mute card
// behind some readers (vpcd among them) never lets it return. So every
// call on the card runs on a goroutine of its own and the caller waits for
// it only until its ctx ends: it then gets an error wrapping
// card.ErrNotAnswering, and so does every later call, at once, until the
// card answers the outstanding one. The connection has its own PC/SC
// context (pcsc-lite locks a context for the length of each call on it),
// so a mute card holds up nothing else: not another reader, not Wait or
// Status. Close never waits for the card: the handle is released once the
// outstanding call returns.
type Conn struct {
	reader string
	share  scard.ShareMode
	proto  scard.Protocol
	sc     *scard.Context // this connection's own
	h      *scard.Card

	turn chan struct{} // holds one token: taken by the call on the card

	mu      sync.Mutex
	atr     []byte
	active  scard.Protocol
	closed  bool
	stuckOp string    // the call abandoned while still outstanding, "" when none
	stuckAt time.Time // when it was sent
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
// wrapping card.ErrNoCard; an unknown one card.ErrNoReader. A reader that
// does not connect before ctx ends gives card.ErrNotAnswering.
func (c *Context) Connect(ctx context.Context, reader string, o ConnectOptions) (*Conn, error) {
	if _, err := c.context(ctx); err != nil {
		return nil, err
	}
	share := scard.ShareShared
	if o.Exclusive {
		share = scard.ShareExclusive
	}
	conn := &Conn{reader: reader, share: share, proto: scardProtocol(o.Protocol), turn: make(chan struct{}, 1)}
	conn.turn <- struct{}{}
	err := conn.call(ctx, "connect", func() error {
		sc, err := scard.EstablishContext()
		if err != nil {
			return wrap("establish context", "", err)
		}
		h, err := sc.Connect(reader, share, conn.proto)
		if err != nil {
			_ = sc.Release()
			return wrap("connect", reader, err)
		}
		conn.sc, conn.h = sc, h
		if err := conn.readStatus(); err != nil {
			_ = h.Disconnect(scard.LeaveCard)
			_ = sc.Release()
			conn.sc, conn.h = nil, nil
			return err
		}
		return nil
	})
	if err != nil {
		// A connect still outstanding releases what it got once it returns.
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// readStatus reads the ATR and the active protocol; it runs on the card's
// turn.
func (c *Conn) readStatus() error {
	st, err := c.h.Status()
	if err != nil {
		return wrap("status", c.reader, err)
	}
	c.mu.Lock()
	c.atr = append([]byte(nil), st.Atr...)
	c.active = st.ActiveProtocol
	c.mu.Unlock()
	return nil
}

// call runs fn on the card's turn, in a goroutine of its own, and waits
// for it until ctx ends. When ctx ends first, fn goes on alone: the
// connection is stuck until it returns, and fn's result is dropped.
func (c *Conn) call(ctx context.Context, op string, fn func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case <-c.turn:
	default:
		if err := c.stuck(op); err != nil {
			return err
		}
		select {
		case <-c.turn:
		case <-ctx.Done():
			return c.notAnswering(op, "waiting for the previous call", ctx)
		}
	}
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed && op != "disconnect" {
		c.turn <- struct{}{}
		return card.ErrClosed
	}
	done := make(chan error, 1)
	finished := false // guarded by c.mu
	go func() {
		err := fn()
		c.mu.Lock()
		finished, c.stuckOp = true, ""
		c.mu.Unlock()
		done <- err
		c.turn <- struct{}{}
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		c.mu.Lock()
		if finished { // it returned as the deadline passed: keep its result
			c.mu.Unlock()
			return <-done
		}
		c.stuckOp, c.stuckAt = op, time.Now()
		c.mu.Unlock()
		return c.notAnswering(op, "", ctx)
	}
}

// stuck returns the error for a call made while an abandoned one is still
// outstanding, nil when none is.
func (c *Conn) stuck(op string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stuckOp == "" {
		return nil
	}
	return &NotAnsweringError{Op: op, Reader: c.reader,
		Detail: fmt.Sprintf("the card has not answered a %s sent %s ago", c.stuckOp, time.Since(c.stuckAt).Round(time.Millisecond))}
}

func (c *Conn) notAnswering(op, detail string, ctx context.Context) error {
	if detail == "" {
		detail = "no answer"
	}
	return &NotAnsweringError{Op: op, Reader: c.reader, Detail: detail, Cause: ctx.Err()}
}

// NotAnsweringError is a call the card did not answer before the caller's
// deadline. It wraps card.ErrNotAnswering, and the context's error when
// the deadline caused it.
type NotAnsweringError struct {
	Op, Reader, Detail string
	Cause              error // context.DeadlineExceeded or Canceled; nil when an earlier call is outstanding
}

func (e *NotAnsweringError) Error() string {
	return fmt.Sprintf("pcsc: %s %q: card not answering (%s)", e.Op, e.Reader, e.Detail)
}

// Unwrap returns card.ErrNotAnswering and the cause.
func (e *NotAnsweringError) Unwrap() []error {
	if e.Cause == nil {
		return []error{card.ErrNotAnswering}
	}
	return []error{card.ErrNotAnswering, e.Cause}
}

// Reader returns the reader name.
func (c *Conn) Reader() string { return c.reader }

// Transmit sends one APDU (SCardTransmit). When the card left the reader,
// pcsc-lite first answers SCARD_E_NOT_TRANSACTED: Transmit then asks the
// reader and reports card.ErrCardRemoved if the card is gone. A card that
// does not answer before ctx ends gives card.ErrNotAnswering.
func (c *Conn) Transmit(ctx context.Context, command []byte) ([]byte, error) {
	cmd := append([]byte(nil), command...) // the call may outlive this one
	var resp []byte
	err := c.call(ctx, "transmit", func() error {
		r, err := c.h.Transmit(cmd)
		if err == nil && len(r) < 2 {
			// Some readers (vpcd) answer a card pulled out mid-command with
			// no bytes and no error: ask the reader what happened.
			if removed(c.h) {
				return &Error{Op: "transmit", Reader: c.reader, Code: scard.ErrRemovedCard, Kind: card.ErrCardRemoved}
			}
		}
		if err == nil {
			resp = r
			return nil
		}
		if errors.Is(err, scard.ErrNotTransacted) && removed(c.h) {
			err = scard.ErrRemovedCard
		}
		return wrap("transmit", c.reader, err)
	})
	clear(cmd)
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// removed asks the reader whether the card has left (SCardStatus), giving
// the reader a second to notice (pcscd polls some readers).
func removed(h *scard.Card) bool {
	for range 50 {
		st, err := h.Status()
		if errors.Is(err, scard.ErrRemovedCard) || errors.Is(err, scard.ErrNoSmartcard) ||
			err == nil && st.State&scard.Present == 0 {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// Reset resets the card (SCardReconnect with SCARD_RESET_CARD, or
// SCARD_UNPOWER_CARD when cold) and reads the new ATR. It also recovers a
// connection that reports card.ErrCardReset.
func (c *Conn) Reset(ctx context.Context, cold bool) error {
	disp := scard.ResetCard
	if cold {
		disp = scard.UnpowerCard
	}
	return c.call(ctx, "reset", func() error {
		if err := c.h.Reconnect(c.share, c.proto, disp); err != nil {
			return wrap("reconnect", c.reader, err)
		}
		return c.readStatus()
	})
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
	switch c.active {
	case scard.ProtocolT0:
		return card.ProtocolT0
	case scard.ProtocolT1:
		return card.ProtocolT1
	}
	return card.ProtocolAny
}

// Close disconnects, leaving the card as it is (SCARD_LEAVE_CARD), and
// releases the connection's context. It never waits for a card that does
// not answer: the card is then powered down (SCARD_UNPOWER_CARD) and
// released once its outstanding call returns.
func (c *Conn) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	stuck := c.stuckOp != ""
	c.mu.Unlock()
	release := func(disp scard.Disposition) error {
		var err error
		if c.h != nil {
			err = c.h.Disconnect(disp)
			if errors.Is(err, scard.ErrRemovedCard) || errors.Is(err, scard.ErrNoSmartcard) {
				err = nil // the card is gone: the handle is released all the same
			}
		}
		if c.sc != nil {
			_ = c.sc.Release()
		}
		return wrap("disconnect", c.reader, err)
	}
	if stuck {
		go func() {
			<-c.turn
			_ = release(scard.UnpowerCard)
			c.turn <- struct{}{}
		}()
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), closeWait)
	defer cancel()
	return c.call(ctx, "disconnect", func() error { return release(scard.LeaveCard) })
}

// closeWait bounds Close on a card that was answering until then.
const closeWait = 5 * time.Second
