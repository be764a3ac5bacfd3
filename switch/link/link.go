package link

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hulian/hulian/switch/dialect"
	"github.com/hulian/hulian/switch/frame"
	"github.com/hulian/hulian/switch/wire"
)

// ErrClosed is returned when sending on a link that has ended.
var ErrClosed = errors.New("link: closed")

// Handler receives every message read from a link, on the link's read
// goroutine. m is valid only during the call. When decoding failed, err is
// the dialect error and m holds what could be decoded before the failure.
type Handler func(l *Link, m *dialect.Message, err error)

// Options are the settings of a link.
type Options struct {
	Direction Direction
	Name      string // for logs: listener name or dialed address
	// Rank orders an institution's outbound links by preference (address
	// order, then connection number): lower is preferred.
	Rank int
	// MaxPending bounds the bytes waiting to be written; past it Send fails
	// rather than queueing without bound.
	MaxPending int
	// MaxFrame is the largest frame body read; frame.DefaultMax when 0.
	MaxFrame int
	// RemoteID is the header destination of messages sent on the link; it
	// can be set later with SetRemoteID (inbound links learn it at sign-on).
	RemoteID string
}

// Link is one connection to an institution.
type Link struct {
	id     uint64
	opts   Options
	conn   net.Conn
	codec  *wire.Codec
	remote atomic.Pointer[string]
	signer atomic.Pointer[Signer]
	msg    []byte // message bytes of the frame being handled (read goroutine only)
	w      *frame.Writer

	state    atomic.Int32
	inFlight atomic.Int64
	sent     atomic.Uint64 // requests forwarded on the link
	lastRead atomic.Int64  // unix nanoseconds of the last frame read
	stan     atomic.Uint32

	// Owner is set once the institution is known (at sign-on for inbound
	// links, at dial time for outbound ones); the switch keeps its own
	// per-institution data there.
	owner atomic.Value

	mu      sync.Mutex
	waiters map[[6]byte]chan *dialect.Message

	closeOnce  sync.Once
	closedByUs atomic.Bool
	done       chan struct{}
}

// New wraps an established connection. Run must be called to serve it.
func New(id uint64, conn net.Conn, codec *wire.Codec, opts Options) *Link {
	l := &Link{
		id:      id,
		opts:    opts,
		conn:    conn,
		codec:   codec,
		w:       frame.NewWriter(conn, frame.WriterOptions{MaxPending: opts.MaxPending}),
		waiters: make(map[[6]byte]chan *dialect.Message),
		done:    make(chan struct{}),
	}
	l.remote.Store(&opts.RemoteID)
	l.lastRead.Store(time.Now().UnixNano())
	return l
}

// ID is the link's number, unique in the process.
func (l *Link) ID() uint64 { return l.id }

// Name is the listener name or dialed address, for logs.
func (l *Link) Name() string { return l.opts.Name }

// Rank is the link's preference among its institution's links.
func (l *Link) Rank() int { return l.opts.Rank }

// Direction tells who opened the connection.
func (l *Link) Direction() Direction { return l.opts.Direction }

// RemoteAddr is the peer's address.
func (l *Link) RemoteAddr() net.Addr { return l.conn.RemoteAddr() }

// Codec returns the link's codec.
func (l *Link) Codec() *wire.Codec { return l.codec }

// SetRemoteID sets the header destination of the messages sent from now
// on, e.g. once an inbound institution has signed on.
func (l *Link) SetRemoteID(id string) { l.remote.Store(&id) }

// State returns the link's state.
func (l *Link) State() State { return State(l.state.Load()) }

// SetState changes the link's state; a closed link stays closed.
func (l *Link) SetState(s State) {
	for {
		old := l.state.Load()
		if State(old) == Closed {
			return
		}
		if l.state.CompareAndSwap(old, int32(s)) {
			return
		}
	}
}

// Owner returns what SetOwner stored, or nil.
func (l *Link) Owner() any { return l.owner.Load() }

// SetOwner records the institution data the link belongs to. It must always
// be given values of the same type.
func (l *Link) SetOwner(v any) { l.owner.Store(v) }

// InFlight counts requests sent on this link and not yet answered.
func (l *Link) InFlight() *atomic.Int64 { return &l.inFlight }

// Forwarded counts the requests the switch forwarded on this link.
func (l *Link) Forwarded() *atomic.Uint64 { return &l.sent }

// IdleFor is the time since the last frame was read.
func (l *Link) IdleFor(now time.Time) time.Duration {
	return now.Sub(time.Unix(0, l.lastRead.Load()))
}

// Done is closed when the link has ended.
func (l *Link) Done() <-chan struct{} { return l.done }

// Signer authenticates the messages a link sends: Field is the MAC field
// (the message's last), Sign fills the last 8 bytes of msg (the message as
// packed, MTI onward) with the MAC of the bytes before them.
type Signer struct {
	Field int
	Sign  func(msg []byte) error
}

// SetSigner makes the link put a MAC on every message it sends from now on
// except network management (08xx); nil sends no MAC field at all.
func (l *Link) SetSigner(s *Signer) { l.signer.Store(s) }

// Message returns the message bytes (MTI onward, without prefix and
// header) of the frame the handler is being called for; valid only during
// the call. MAC verification reads it.
func (l *Link) Message() []byte { return l.msg }

// Send packs m with the link's codec and queues it for writing. It never
// blocks on the network.
func (l *Link) Send(m *dialect.Message) error {
	err := l.w.EnqueueFunc(func(dst []byte) ([]byte, error) { return l.AppendFrame(dst, m) })
	if errors.Is(err, frame.ErrWriterClosed) {
		return ErrClosed
	}
	return err
}

// AppendFrame packs m as one frame of this link (framing, header with the
// link's remote id, dialect) and appends it to dst, without sending it.
func (l *Link) AppendFrame(dst []byte, m *dialect.Message) ([]byte, error) {
	if s := l.signer.Load(); s != nil {
		return l.codec.AppendSigned(dst, m, *l.remote.Load(), s.Field, s.Sign)
	}
	return l.codec.AppendSigned(dst, m, *l.remote.Load(), wire.MACField, nil)
}

// SendFrame queues a frame made by AppendFrame for writing.
func (l *Link) SendFrame(b []byte) error {
	err := l.w.Enqueue(b)
	if errors.Is(err, frame.ErrWriterClosed) {
		return ErrClosed
	}
	return err
}

// Run serves the connection: it starts the write loop, reads frames until
// the connection fails, ctx ends or Close is called, and hands each message
// to h. It returns the reason the link ended (nil after Close).
func (l *Link) Run(ctx context.Context, h Handler) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	writeErr := make(chan error, 1)
	// The writer gets its own context: on Close it flushes what is queued
	// before returning.
	go func() { writeErr <- l.w.Run(context.WithoutCancel(ctx)) }()
	go func() {
		select {
		case <-ctx.Done():
			l.Close()
		case <-l.done:
		}
	}()

	err := l.readLoop(h)
	byUs := l.closedByUs.Load() // before our own Close below
	l.Close()
	werr := <-writeErr
	_ = l.conn.Close()
	l.failWaiters()
	close(l.done)
	if byUs {
		return nil
	}
	if err == nil {
		err = werr
	}
	return err
}

func (l *Link) readLoop(h Handler) error {
	r := frame.NewReader(l.conn, l.codec.Kind(), l.opts.MaxFrame)
	var m dialect.Message
	for {
		body, err := r.Next()
		if errors.Is(err, frame.ErrEmptyFrame) {
			continue // an empty frame is a keep-alive
		}
		if err != nil {
			return err
		}
		l.lastRead.Store(time.Now().UnixNano())
		l.msg = l.codec.Message(body)
		_, derr := l.codec.Decode(body, &m)
		if derr == nil && l.deliverReply(&m) {
			continue
		}
		h(l, &m, derr)
		if l.State() == Closed {
			return nil
		}
	}
}

// Close ends the link: frames already queued are flushed, then the
// connection is closed. It is safe to call more than once and from any
// goroutine; Done is closed when the link has fully ended.
func (l *Link) Close() {
	l.closeOnce.Do(func() {
		l.closedByUs.Store(true)
		l.state.Store(int32(Closed))
		l.w.Close()
		// Unblock the reader without closing the socket, so that the
		// writer can still flush.
		_ = l.conn.SetReadDeadline(time.Now())
	})
}

// String describes the link for logs.
func (l *Link) String() string {
	return fmt.Sprintf("link %d %s %s %s", l.id, l.opts.Direction, l.opts.Name, l.conn.RemoteAddr())
}
