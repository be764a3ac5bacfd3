package acquirer

import (
	"context"
	"errors"
	"time"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/wire"
)

// Fields Do fills and matches on.
const (
	fieldTime     = 7
	fieldSTAN     = 11
	fieldAcquirer = 32
	fieldForward  = 33
	fieldResponse = 39
	fieldNetCode  = 70
	classNetwork  = '8'
)

// Do sends req and waits for its response, which it copies into resp (resp
// owns its bytes afterwards). A request without field 7 gets the current
// UTC time, without 11 gets NextSTAN, and, unless it is an 08xx network
// management message, without 32 gets the institution id; req is modified
// accordingly. The response is the message with MTI = request MTI + 10 and
// the same 11, 7 and 32. When ctx ends first Do returns ctx.Err() and
// forgets the request (a late response then goes to Unsolicited).
func (c *Client) Do(ctx context.Context, req, resp *dialect.Message) error {
	err := c.do(ctx, req, resp)
	if err == errUnanswered {
		if r := c.cfg.Reverser; r != nil && reversible(req) {
			r.Add(req)
		}
		err = ctx.Err()
		if err == nil {
			err = ErrClosed
		}
	}
	return err
}

// errUnanswered is do's report of a request that was sent and got no
// answer (ctx ended, or the connection was lost meanwhile).
var errUnanswered = errors.New("acquirer: sent and unanswered")

// do is Do without the reversal duty.
func (c *Client) do(ctx context.Context, req, resp *dialect.Message) error {
	if req == nil || resp == nil {
		return ErrNilMessage
	}
	rmti, ok := dialect.ResponseMTI(req.MTI())
	if !ok {
		return ErrNotRequest
	}
	c.fill(req)
	k := makeKey(rmti, req.Field(fieldSTAN), req.Field(fieldTime), req.Field(fieldAcquirer))
	w := c.wait.get(resp)
	defer c.wait.put(w)
	if err := c.wait.add(k, w); err != nil {
		return err
	}
	if err := c.send(req); err != nil {
		if !c.wait.remove(k, w) {
			<-w.ch
		}
		return err
	}
	select {
	case <-w.ch:
	case <-ctx.Done():
		if c.wait.remove(k, w) {
			return errUnanswered
		}
		<-w.ch // the read loop took w: wait until it is done with resp
	}
	if errors.Is(w.err, ErrClosed) {
		return errUnanswered // the connection was lost with the request outstanding
	}
	return w.err
}

// fill adds the fields Do promises to fill when absent.
func (c *Client) fill(req *dialect.Message) {
	var b [field7Len]byte
	if !req.Has(fieldTime) {
		req.SetCopy(fieldTime, wire.AppendTime7(b[:0], time.Now().UTC()))
	}
	if !req.Has(fieldSTAN) {
		req.SetCopy(fieldSTAN, wire.AppendSTAN(b[:0], c.nextSTAN()))
	}
	if !req.Has(fieldAcquirer) && req.MTI()[1] != classNetwork {
		req.SetString(fieldAcquirer, c.cfg.InstitutionID)
	}
}

// send packs m as one frame straight into the writer's pending buffer.
func (c *Client) send(m *dialect.Message) error {
	return c.w.EnqueueFunc(func(dst []byte) ([]byte, error) {
		return c.cfg.MAC.AppendFrame(dst, c.codec, m, c.cfg.SwitchID)
	})
}

// dispatch hands a received message (read from the frame body body) to its
// waiter, answers network management requests, and offers the rest on
// Unsolicited. With Config.MAC, a response with a bad MAC still goes to its
// waiter, with a *MACError; any other message with a bad MAC is dropped.
func (c *Client) dispatch(m *dialect.Message, body []byte) {
	macErr := c.cfg.MAC.Verify(c.codec, body, m)
	if m.IsResponse() {
		var mti [4]byte
		copy(mti[:], m.MTI())
		k := makeKey(mti, m.Field(fieldSTAN), m.Field(fieldTime), m.Field(fieldAcquirer))
		if w := c.wait.take(k); w != nil {
			w.resp.CopyFrom(m)
			if macErr != nil {
				w.err = newMACError(m, macErr)
			}
			w.ch <- struct{}{}
			return
		}
	}
	if macErr != nil {
		c.log.Warn("message with a bad MAC dropped", "mti", string(m.MTI()), "err", macErr)
		return
	}
	if !m.IsResponse() && m.MTI()[1] == classNetwork {
		c.answerNetwork(m)
	}
	c.offer(m)
}

// answerNetwork answers an 0800 from the peer with an 0810, 39 = "00".
func (c *Client) answerNetwork(req *dialect.Message) {
	rmti, ok := dialect.ResponseMTI(req.MTI())
	if !ok {
		return
	}
	var resp dialect.Message
	_ = resp.SetMTI(rmti[:]) // 4 digits by construction
	wire.EchoNetFields(&resp, req)
	resp.SetString(fieldResponse, "00")
	if err := c.send(&resp); err != nil {
		c.log.Debug("cannot answer network management request", "err", err)
	}
}

// offer puts a copy of m on the Unsolicited channel, or drops it when full.
func (c *Client) offer(m *dialect.Message) {
	cp := new(dialect.Message)
	cp.CopyFrom(m)
	select {
	case c.unsolicited <- cp:
	default:
		c.log.Debug("unsolicited message dropped: channel full", "mti", string(m.MTI()))
	}
}
