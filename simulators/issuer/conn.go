package issuer

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"time"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/iso8583/wire"
	"github.com/hulian/hulian/simulators/internal/simmac"
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

	ctx      context.Context // ends when the connection does
	answered int             // financial answers sent (Faults.DisconnectAfter)
	hangUp   bool            // close after this request (Faults.DisconnectAfter)
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
	c.ctx = ctx
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
		if c.hangUp {
			c.s.stats.fault(faultDisconnect)
			c.s.log.Info("fault: disconnecting", "remote", c.nc.RemoteAddr().String())
			return
		}
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
	if c.s.auth != nil {
		c.answerAccounts()
		c.sendResp(true)
		return
	}
	c.resp.SetString(39, decide(&c.req))
	if code := c.resp.Field(39); string(code) == codeApproved && isAuthorization(mti) {
		c.addApproval()
	}
	c.sendResp(true)
}

// answerAccounts decides c.req against the accounts: 39, and on approval
// 38 and (inquiry) 54; 55 when the card's cryptogram was verified.
func (c *conn) answerAccounts() {
	a := c.s.auth.decide(c.ctx, &c.req)
	c.resp.SetString(39, a.code)
	if a.approved {
		var id [authIDLen]byte
		authID(&id, c.req.Field(fieldSTAN))
		c.resp.SetCopy(38, id[:])
		if a.inquiry {
			c.resp.SetString(54, balanceField(a.balance, c.req.Field(49)))
		}
	}
	if a.icc != nil {
		c.resp.SetCopy(55, a.icc)
	}
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

// sendResp packs c.resp into the writer, or, for a delayed or faulty
// financial answer, into its own buffer handed to the writer later.
func (c *conn) sendResp(financial bool) {
	var p plan
	if financial && c.s.faults != nil {
		p = c.s.faults.next()
		c.noteAnswer()
	}
	switch {
	case p.drop:
		c.s.stats.fault(faultDrop)
		return
	case p.garbage != nil:
		c.s.stats.fault(faultGarbage)
		if err := c.w.Enqueue(p.garbage); err != nil {
			c.s.log.Warn("cannot queue garbage", "err", err)
		}
		return
	}
	delay := p.delay
	if delay > 0 {
		c.s.stats.fault(faultDelay)
	}
	if financial {
		delay += c.s.cfg.Delay
	}
	if delay > 0 || p.badMAC {
		c.sendLater(delay, p.badMAC)
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

// noteAnswer counts a financial answer for Faults.DisconnectAfter.
func (c *conn) noteAnswer() {
	c.answered++
	if n := c.s.cfg.Faults.DisconnectAfter; n > 0 && c.answered >= n {
		c.hangUp = true
	}
}

// sendLater packs c.resp now and queues it after delay; badMAC corrupts the
// MAC (the frame's last byte, field 128 being last) when the issuer MACs.
func (c *conn) sendLater(delay time.Duration, badMAC bool) {
	buf, err := c.packResp(nil)
	if err != nil {
		c.s.log.Warn("cannot pack response", "err", err)
		return
	}
	if badMAC && c.s.cfg.MAC != nil && simmac.Applies(c.resp.MTI()) {
		buf[len(buf)-1] ^= 0xFF
		c.s.stats.fault(faultBadMAC)
	}
	send := func() {
		c.s.stats.responded(true, 1)
		if err := c.w.Enqueue(buf); err != nil {
			c.s.stats.responded(true, -1)
		}
	}
	if delay <= 0 {
		send()
		return
	}
	time.AfterFunc(delay, send)
}

func (c *conn) packResp(dst []byte) ([]byte, error) {
	return c.s.cfg.MAC.AppendFrame(dst, c.s.codec, &c.resp, c.peerID())
}

// sendNetwork queues an 0800 with field 70 = code (001 sign-on, 002
// sign-off). It runs outside the read loop, so it uses its own Message.
func (c *conn) sendNetwork(code string, stan uint32, now time.Time) error {
	var m dialect.Message
	if err := m.SetMTI([]byte("0800")); err != nil {
		return err
	}
	var b [16]byte
	m.SetCopy(7, wire.AppendTime7(b[:0], now))
	m.SetCopy(11, wire.AppendSTAN(b[:0], stan))
	m.SetString(33, c.s.cfg.InstitutionID)
	m.SetString(70, code)
	peer := c.peerID()
	return c.w.EnqueueFunc(func(dst []byte) ([]byte, error) {
		return c.s.cfg.MAC.AppendFrame(dst, c.s.codec, &m, peer)
	})
}
