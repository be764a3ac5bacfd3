package issuer

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"time"

	"github.com/hulian/hulian/switch/dialect"
	"github.com/hulian/hulian/switch/frame"
	"github.com/hulian/hulian/switch/wire"
)

// conn is one accepted connection: a read loop (serve) and a write loop
// (frame.Writer.Run). Only the read loop touches req and resp.
type conn struct {
	s  *Issuer
	nc net.Conn
	r  *frame.Reader
	w  *frame.Writer

	req, resp  dialect.Message
	appendResp func(dst []byte) ([]byte, error) // packs resp; bound once

	peerMu sync.Mutex
	peer   string // header source id last received: destination of what we send
}

func newConn(s *Issuer, nc net.Conn) *conn {
	c := &conn{
		s:  s,
		nc: nc,
		r:  frame.NewReader(nc, s.cfg.Framing, s.cfg.MaxFrame),
		w:  frame.NewWriter(nc, frame.WriterOptions{}),
	}
	c.appendResp = c.packResp
	return c
}

// serve runs the connection until the peer or the issuer closes it, or a
// frame does not parse.
func (c *conn) serve() {
	defer c.nc.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wdone := make(chan struct{})
	go func() {
		defer close(wdone)
		if err := c.w.Run(ctx); err != nil && !c.s.isClosed() {
			c.s.log.Debug("write loop ended", "err", err)
		}
	}()
	c.readLoop()
	c.w.Close() // graceful: flush what is pending, then Run returns
	<-wdone
}

func (c *conn) readLoop() {
	for {
		body, err := c.r.Next()
		if err != nil {
			c.logReadEnd(err)
			return
		}
		src, err := c.s.codec.Decode(body, &c.req)
		if err != nil {
			c.s.log.Warn("malformed message, closing connection", "remote", c.nc.RemoteAddr().String(), "err", err)
			return
		}
		c.notePeer(src)
		c.handle(body)
	}
}

func (c *conn) logReadEnd(err error) {
	if errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) || c.s.isClosed() {
		return
	}
	c.s.log.Warn("read failed, closing connection", "remote", c.nc.RemoteAddr().String(), "err", err)
}

// notePeer remembers the header source id (allocating only when it changes).
func (c *conn) notePeer(src []byte) {
	if src == nil {
		return
	}
	c.peerMu.Lock()
	if c.peer != string(src) {
		c.peer = string(src)
	}
	c.peerMu.Unlock()
}

func (c *conn) peerID() string {
	c.peerMu.Lock()
	defer c.peerMu.Unlock()
	return c.peer
}

// handle answers c.req, read from the frame body body, according to the
// package rules.
func (c *conn) handle(body []byte) {
	mti := c.req.MTI()
	c.s.stats.received(mti)
	rmti, ok := dialect.ResponseMTI(mti)
	if !ok || c.s.silentAll.Load() {
		return // responses (odd function digit) are only counted
	}
	c.resp.Reset()
	_ = c.resp.SetMTI(rmti[:]) // rmti is 4 digits by construction
	if mti[1] == '8' {
		c.answerNetwork()
		return
	}
	c.s.stats.request(&c.req)
	if c.s.silent.Load() {
		return
	}
	wire.EchoFields(&c.resp, &c.req)
	if err := c.s.cfg.MAC.Verify(c.s.codec, body, &c.req); err != nil {
		c.s.stats.macFailed()
		c.s.log.Debug("request with a bad MAC answered 63", "mti", string(mti), "err", err)
		c.resp.SetString(39, codeBadMAC)
		c.sendResp(true)
		return
	}
	c.resp.SetString(39, decide(&c.req))
	if code := c.resp.Field(39); string(code) == codeApproved && isAuthorization(mti) {
		c.addApproval()
	}
	c.sendResp(true)
}

func (c *conn) answerNetwork() {
	c.s.stats.network(c.req.Field(70))
	wire.EchoNetFields(&c.resp, &c.req)
	c.resp.SetString(39, codeApproved)
	c.sendResp(false)
}

// addApproval adds 38 (last 6 digits of the STAN) and, for a balance
// inquiry, 54.
func (c *conn) addApproval() {
	var id [authIDLen]byte
	authID(&id, c.req.Field(fieldSTAN))
	c.resp.SetCopy(38, id[:])
	if isBalanceInquiry(c.req.Field(fieldProcessing)) {
		c.resp.SetString(54, balanceAmounts)
	}
}

// sendResp packs c.resp into the writer, or, for a delayed financial answer,
// into its own buffer handed to the writer later.
func (c *conn) sendResp(financial bool) {
	if financial && c.s.cfg.Delay > 0 {
		c.sendLater()
		return
	}
	// Counted before it is queued: once queued the peer may see it (and a
	// test read the count) before this goroutine runs again.
	c.s.stats.responded(financial, 1)
	if err := c.w.EnqueueFunc(c.appendResp); err != nil {
		c.s.stats.responded(financial, -1)
		c.s.log.Warn("cannot queue response", "err", err)
	}
}

func (c *conn) sendLater() {
	buf, err := c.packResp(nil)
	if err != nil {
		c.s.log.Warn("cannot pack response", "err", err)
		return
	}
	time.AfterFunc(c.s.cfg.Delay, func() {
		c.s.stats.responded(true, 1)
		if err := c.w.Enqueue(buf); err != nil {
			c.s.stats.responded(true, -1)
		}
	})
}

func (c *conn) packResp(dst []byte) ([]byte, error) {
	return c.s.cfg.MAC.AppendFrame(dst, c.s.codec, &c.resp, c.peerID())
}

// sendSignOff queues an 0800 sign-off (field 70 = 002). It runs outside the
// read loop, so it uses its own Message.
func (c *conn) sendSignOff(stan uint32, now time.Time) error {
	var m dialect.Message
	if err := m.SetMTI([]byte("0800")); err != nil {
		return err
	}
	var b [16]byte
	m.SetCopy(7, wire.AppendTime7(b[:0], now))
	m.SetCopy(11, wire.AppendSTAN(b[:0], stan))
	m.SetString(33, c.s.cfg.InstitutionID)
	m.SetString(70, "002")
	peer := c.peerID()
	return c.w.EnqueueFunc(func(dst []byte) ([]byte, error) {
		return c.s.cfg.MAC.AppendFrame(dst, c.s.codec, &m, peer)
	})
}
