package vpcd

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/hulian/hulian/card"
)

// Bridge connects one card.Card to one vpcd reader slot. It is "inserted"
// while it dials or holds a connection, and "removed" after Remove: the
// connection is closed, so pcscd sees the card leave, and no dialing happens
// until Insert.
//
// Lock order: mu only; the card is driven by the Serve goroutine alone.
type Bridge struct {
	addr string
	card card.Card
	opts options

	mu      sync.Mutex
	removed bool
	conn    net.Conn // current connection, nil while dialing or removed
	wake    chan struct{}
}

// Option configures a Bridge.
type Option func(*options)

type options struct {
	minBackoff, maxBackoff time.Duration
	maxFrame               int
	removed                bool
}

// WithBackoff sets the redial delays: the first retry waits min, each
// further one twice as long, at most max (defaults 20 ms and 1 s).
func WithBackoff(minDelay, maxDelay time.Duration) Option {
	return func(o *options) { o.minBackoff, o.maxBackoff = minDelay, maxDelay }
}

// WithMaxFrame bounds the frames accepted from vpcd (default MaxFrame).
func WithMaxFrame(n int) Option { return func(o *options) { o.maxFrame = n } }

// Removed starts the bridge with the card out of the reader: Serve waits
// for Insert before it dials.
func Removed() Option { return func(o *options) { o.removed = true } }

// NewBridge returns a bridge from c to the vpcd slot listening on addr
// (host:port, e.g. "127.0.0.1:35963").
func NewBridge(addr string, c card.Card, opts ...Option) *Bridge {
	o := options{minBackoff: 20 * time.Millisecond, maxBackoff: time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	return &Bridge{addr: addr, card: c, opts: o, removed: o.removed, wake: make(chan struct{}, 1)}
}

// Serve connects c to the vpcd slot at addr until ctx ends; see Bridge.
func Serve(ctx context.Context, addr string, c card.Card, opts ...Option) error {
	return NewBridge(addr, c, opts...).Serve(ctx)
}

// Remove takes the card out of the reader: the connection closes and the
// bridge stops dialing until Insert. It does not wait for pcscd to notice.
func (b *Bridge) Remove() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.removed = true
	if b.conn != nil {
		_ = b.conn.Close()
	}
}

// Insert puts the card back: the bridge dials again.
func (b *Bridge) Insert() {
	b.mu.Lock()
	b.removed = false
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// Connected reports whether the bridge holds a connection to vpcd. A
// connection is not yet an insertion as pcscd sees it: wait on the reader
// state (pcsc.Context.Wait) for that.
func (b *Bridge) Connected() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.conn != nil
}

// Serve dials vpcd and answers it until ctx ends, redialing with backoff
// when the connection fails or pcscd goes away. It returns ctx.Err().
func (b *Bridge) Serve(ctx context.Context) error {
	delay := b.opts.minBackoff
	for ctx.Err() == nil {
		if b.isRemoved() {
			b.waitWake(ctx, -1)
			continue
		}
		conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", b.addr)
		if err != nil {
			b.waitWake(ctx, delay)
			delay = min(2*delay, b.opts.maxBackoff)
			continue
		}
		delay = b.opts.minBackoff
		if b.attach(conn) {
			_ = b.session(ctx, conn)
			b.detach()
		}
		_ = conn.Close()
	}
	return ctx.Err()
}

func (b *Bridge) isRemoved() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.removed
}

// attach records conn as current unless the card was removed meanwhile.
func (b *Bridge) attach(conn net.Conn) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.removed {
		return false
	}
	b.conn = conn
	return true
}

func (b *Bridge) detach() {
	b.mu.Lock()
	b.conn = nil
	b.mu.Unlock()
}

// waitWake waits for Insert, ctx, or d (d < 0: no time limit).
func (b *Bridge) waitWake(ctx context.Context, d time.Duration) {
	var timeout <-chan time.Time
	if d >= 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-ctx.Done():
	case <-b.wake:
	case <-timeout:
	}
}

// session answers vpcd on conn until the connection ends. The card is
// powered off when it ends, as a card pulled out of a reader.
func (b *Bridge) session(ctx context.Context, conn net.Conn) error {
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	defer b.card.PowerOff()
	r := io.Reader(conn)
	if tc, ok := conn.(*net.TCPConn); ok {
		if rc, err := tc.SyscallConn(); err == nil {
			r = quickAckReader{conn: tc, rc: rc}
		}
	}
	// The ATR answers presence polls even while the card is powered off:
	// take it with a power cycle at insertion.
	atr := b.card.PowerOn()
	b.card.PowerOff()
	var in, out []byte
	for {
		payload, buf, err := ReadFrame(r, in, b.opts.maxFrame)
		in = buf
		if err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		reply, send := b.handle(payload, &atr)
		if !send {
			continue
		}
		if out, err = AppendFrame(out[:0], reply); err != nil {
			out, _ = AppendFrame(out[:0], []byte{0x6F, 0x00}) // no precise diagnosis
		}
		if _, err := conn.Write(out); err != nil {
			return err
		}
	}
}

// handle answers one frame; send is false for control codes without reply.
func (b *Bridge) handle(payload []byte, atr *[]byte) (reply []byte, send bool) {
	if len(payload) != 1 {
		if len(payload) == 0 {
			return nil, false
		}
		return b.card.Process(payload), true
	}
	switch payload[0] {
	case CtrlOff:
		b.card.PowerOff()
	case CtrlOn, CtrlReset:
		*atr = b.card.PowerOn()
	case CtrlATR:
		return *atr, true
	}
	return nil, false
}

// quickAckReader sets TCP_QUICKACK before each read of the socket.
type quickAckReader struct {
	conn *net.TCPConn
	rc   syscall.RawConn
}

func (q quickAckReader) Read(p []byte) (int, error) {
	setQuickAck(q.rc)
	return q.conn.Read(p)
}
