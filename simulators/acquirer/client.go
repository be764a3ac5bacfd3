package acquirer

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/iso8583/wire"
	"github.com/hulian/hulian/simulators/internal/simmac"
)

// UnsolicitedBuffer is the capacity of the Unsolicited channel; messages
// arriving while it is full are dropped (and logged at debug level).
const UnsolicitedBuffer = 64

// closeFlushTimeout bounds how long Close waits for queued bytes to leave.
const closeFlushTimeout = time.Second

// Config holds the settings of a Client.
type Config struct {
	Addr          string           // switch (or issuer/proxy) address
	InstitutionID string           // 1..11 digits: field 32 of requests, 33 of network messages, header source
	SwitchID      string           // header destination station id ("" ok)
	Dialect       *dialect.Dialect // message format
	Framing       frame.Kind       // length prefix
	Header        bool             // 46-byte header on every message
	MaxFrame      int              // largest frame body accepted; <= 0 means frame.DefaultMax
	Logger        *slog.Logger     // nil = discard
	// TLS, when set, makes the client speak TLS with this configuration
	// (Certificates for a client certificate, RootCAs to verify the
	// switch; ServerName defaults to the host of Addr). nil is plain TCP.
	TLS *tls.Config
	// MAC, when set, puts a MAC in field 128 of every non-08xx message
	// sent and requires a valid one on every non-08xx message received
	// (Do returns a *MACError for a response without). nil: no MAC.
	MAC *MAC
	// FirstSTAN is the first system trace audit number NextSTAN gives
	// (1..999999; 0 means 1). Clients of the same acquirer that run in the
	// same second must not reuse STANs: the switch would answer a
	// duplicate transmission.
	FirstSTAN uint32
	// Reverser, when set, carries out the acquirer's reversal duty for
	// this connection: a 0100 or 0200 that Do sent and that got no answer
	// is reversed (0420, then 0421 until 0430) over any of the acquirer's
	// connections attached to it. The caller runs Reverser.Run.
	Reverser *Reverser
}

// MAC names the security module and zone authentication key of the
// client's MACs (see simulators/internal/simmac).
type MAC = simmac.MAC

// Client is one connection of an acquirer. Its methods are safe for
// concurrent use.
type Client struct {
	cfg   Config
	codec *wire.Codec
	log   *slog.Logger
	nc    net.Conn
	w     *frame.Writer
	stan  atomic.Uint32
	wait  *pending

	unsolicited chan *dialect.Message
	done        chan struct{} // closed when the read loop ends
	wdone       chan struct{} // closed when the write loop ends
	stopWriter  context.CancelFunc
	closeOnce   sync.Once
}

// Dial connects to cfg.Addr and starts the read and write loops.
func Dial(ctx context.Context, cfg Config) (*Client, error) {
	if !validID(cfg.InstitutionID) {
		return nil, ErrNoID
	}
	codec, err := wire.NewCodec(cfg.Dialect, cfg.Framing, cfg.Header, cfg.InstitutionID)
	if err != nil {
		return nil, err
	}
	nc, err := dial(ctx, cfg)
	if err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	wctx, cancel := context.WithCancel(context.Background())
	c := &Client{
		cfg:         cfg,
		codec:       codec,
		log:         log.With("acquirer", cfg.InstitutionID),
		nc:          nc,
		w:           frame.NewWriter(nc, frame.WriterOptions{}),
		wait:        newPending(),
		unsolicited: make(chan *dialect.Message, UnsolicitedBuffer),
		done:        make(chan struct{}),
		wdone:       make(chan struct{}),
		stopWriter:  cancel,
	}
	c.startSTAN(cfg.FirstSTAN)
	go c.writeLoop(wctx)
	go c.readLoop(frame.NewReader(nc, cfg.Framing, cfg.MaxFrame))
	if r := cfg.Reverser; r != nil {
		r.attach(c)
		go func() {
			<-c.done
			r.detach(c)
		}()
	}
	return c, nil
}

// dial connects to cfg.Addr, over TLS when cfg.TLS is set (the handshake
// completes before dial returns).
func dial(ctx context.Context, cfg Config) (net.Conn, error) {
	if cfg.TLS == nil {
		var d net.Dialer
		return d.DialContext(ctx, "tcp", cfg.Addr)
	}
	d := tls.Dialer{Config: cfg.TLS}
	return d.DialContext(ctx, "tcp", cfg.Addr)
}

// NextSTAN returns the next system trace audit number: 6 digits, 000001 to
// 999999, then 000001 again.
func (c *Client) NextSTAN() string {
	var b [stanLen]byte
	return string(wire.AppendSTAN(b[:0], c.nextSTAN()))
}

// startSTAN makes first (1..999999; 0 means 1) the next STAN.
func (c *Client) startSTAN(first uint32) {
	if first > 0 {
		c.stan.Store((first - 1) % 999999) // the last one used
	}
}

func (c *Client) nextSTAN() uint32 {
	for {
		old := c.stan.Load()
		next := old%999999 + 1
		if c.stan.CompareAndSwap(old, next) {
			return next
		}
	}
}

// WriteRaw queues b to be written exactly as it is (malformed-input tests).
func (c *Client) WriteRaw(b []byte) error { return c.w.Enqueue(b) }

// Unsolicited returns the channel of messages that matched no request. Each
// message is a copy owned by the receiver.
func (c *Client) Unsolicited() <-chan *dialect.Message { return c.unsolicited }

// Done returns a channel closed when the connection has ended.
func (c *Client) Done() <-chan struct{} { return c.done }

// Pending returns how many Do calls are waiting for a response.
func (c *Client) Pending() int { return c.wait.len() }

// Close flushes queued bytes (for at most a second), closes the connection
// and waits for its loops to end. Pending Do calls return ErrClosed.
func (c *Client) Close() error {
	var err error
	c.closeOnce.Do(func() {
		c.w.Close()
		_ = c.nc.SetWriteDeadline(time.Now().Add(closeFlushTimeout))
		<-c.wdone
		if cerr := c.nc.Close(); cerr != nil && !errors.Is(cerr, net.ErrClosed) {
			err = cerr
		}
		<-c.done
	})
	return err
}

func (c *Client) writeLoop(ctx context.Context) {
	defer close(c.wdone)
	if err := c.w.Run(ctx); err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, context.Canceled) {
		c.log.Debug("write loop ended", "err", err)
	}
}

// readLoop dispatches every message until the connection ends, then fails
// pending requests and stops the writer.
func (c *Client) readLoop(r *frame.Reader) {
	defer close(c.done)
	defer c.stopWriter()
	defer c.wait.failAll(ErrClosed)
	defer c.nc.Close()
	var in dialect.Message
	for {
		body, err := r.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				c.log.Warn("read failed, closing connection", "err", err)
			}
			return
		}
		if _, err := c.codec.Decode(body, &in); err != nil {
			c.log.Warn("malformed message, closing connection", "err", err)
			return
		}
		c.dispatch(&in, body)
	}
}

// validID reports whether id is 1..11 ASCII digits.
func validID(id string) bool {
	if len(id) == 0 || len(id) > maxIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}
