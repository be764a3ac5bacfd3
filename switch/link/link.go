package link

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/iso8583/wire"
)

// ErrClosed is returned when sending on a link that has ended.
var ErrClosed = errors.New("link: closed")

// ErrSlowConsumer ends a link whose peer does not take what the switch
// sends: a write made no progress within Options.WriteTimeout, or the bytes
// waiting for it passed Options.MaxPending. The link is closed; Run
// returns this error.
var ErrSlowConsumer = errors.New("link: slow consumer: the peer does not read")

// DefaultWriteTimeout is Options.WriteTimeout when it is 0.
const DefaultWriteTimeout = 5 * time.Second

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
	// and the link is closed as a slow consumer (frame.DefaultMaxPending
	// when 0).
	MaxPending int
	// WriteTimeout bounds every write to the connection, the flush at Close
	// included: a peer that takes nothing for that long is disconnected as
	// a slow consumer. DefaultWriteTimeout when 0.
	WriteTimeout time.Duration
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
	timedOut atomic.Int64  // unix nanoseconds of the last request that timed out on the link
	stan     atomic.Uint32

	// Owner is set once the institution is known (at sign-on for inbound
	// links, at dial time for outbound ones); the switch keeps its own
	// per-institution data there.
	owner atomic.Value

	mu      sync.Mutex
	waiters map[[6]byte]chan *dialect.Message

	closeOnce  sync.Once
	closedByUs atomic.Bool
	slow       atomic.Bool // closed as a slow consumer
	done       chan struct{}
	frames     sync.Pool // *[]byte: frames signed outside the writer's lock
}

// New wraps an established connection. Run must be called to serve it.
func New(id uint64, conn net.Conn, codec *wire.Codec, opts Options) *Link {
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = DefaultWriteTimeout
	}
	l := &Link{
		id:      id,
		opts:    opts,
		conn:    conn,
		codec:   codec,
		waiters: make(map[[6]byte]chan *dialect.Message),
		done:    make(chan struct{}),
	}
	l.w = frame.NewWriter(deadlineWriter{conn, opts.WriteTimeout}, frame.WriterOptions{MaxPending: opts.MaxPending})
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

// NoteTimeout records that a request sent on the link got no answer in
// time.
func (l *Link) NoteTimeout(now time.Time) { l.timedOut.Store(now.UnixNano()) }

// Suspect reports whether a request timed out on the link after the last
// frame was read from it: the peer may have stopped answering altogether.
func (l *Link) Suspect() bool { return l.timedOut.Load() > l.lastRead.Load() }

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
// blocks on the network. A message that needs a MAC is packed and signed
// before it takes the writer's lock (the security module may be a network
// round trip away); others are packed straight into the pending buffer.
func (l *Link) Send(m *dialect.Message) error {
	if l.signer.Load() == nil {
		return l.queued(l.w.EnqueueFunc(func(dst []byte) ([]byte, error) { return l.AppendFrame(dst, m) }))
	}
	bp, _ := l.frames.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	b, err := l.AppendFrame((*bp)[:0], m)
	if err == nil {
		err = l.SendFrame(b)
	}
	*bp = b[:0]
	l.frames.Put(bp)
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
func (l *Link) SendFrame(b []byte) error { return l.queued(l.w.Enqueue(b)) }

// queued maps the writer's answer: past MaxPending the peer is a slow
// consumer and the link is closed.
func (l *Link) queued(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, frame.ErrWriterClosed):
		return ErrClosed
	case errors.Is(err, frame.ErrBackpressure):
		l.failSlow()
		return ErrSlowConsumer
	}
	return err
}

// failSlow ends the link at once as a slow consumer: nothing more is
// flushed to a peer that does not read.
func (l *Link) failSlow() {
	if l.slow.CompareAndSwap(false, true) {
		l.state.Store(int32(Closed))
		_ = l.conn.Close()
	}
}

// deadlineWriter bounds each write to the connection.
type deadlineWriter struct {
	conn    net.Conn
	timeout time.Duration
}

func (d deadlineWriter) Write(b []byte) (int, error) {
	if err := d.conn.SetWriteDeadline(time.Now().Add(d.timeout)); err != nil {
		return 0, err
	}
	return d.conn.Write(b)
}

// Run serves the connection: it starts the write loop, reads frames until
// the connection fails, ctx ends or Close is called, and hands each message
// to h. It returns the reason the link ended (nil after Close).
func (l *Link) Run(ctx context.Context, h Handler) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	writeErr := make(chan error, 1)
	// The writer gets its own context: on Close it flushes what is queued
	// (each write bounded by WriteTimeout) before returning. A write that
	// fails ends the link: the reader is stopped too.
	go func() {
		err := l.w.Run(context.WithoutCancel(ctx))
		if isTimeout(err) {
			l.failSlow()
		} else if err != nil {
			_ = l.conn.Close()
		}
		writeErr <- err
	}()
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
	switch {
	case l.slow.Load():
		return ErrSlowConsumer
	case byUs:
		return nil
	case err == nil:
		return werr
	}
	return err
}

// isTimeout reports a write that hit its deadline.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
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
