package acquirer_test

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/iso8583/wire"
	"github.com/hulian/hulian/simulators/acquirer"
)

// peer is a switch stand-in over loopback TCP: it answers network
// management, keeps financial requests unanswered while mute, answers
// reversal advices 0430 (00, or refuse91 times 91 first) and records
// every message.
type peer struct {
	ln       net.Listener
	codec    *wire.Codec
	mute     atomic.Bool
	refuse91 atomic.Int32

	mu   sync.Mutex
	seen []*dialect.Message
}

func startPeer(t *testing.T) *peer {
	hl87a, err := dialect.Builtin("hl87a")
	require.NoError(t, err)
	codec, err := wire.NewCodec(hl87a, frame.ASCII4, false, "99990000")
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &peer{ln: ln, codec: codec}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { _ = c.Close() })
			go p.serve(c)
		}
	}()
	return p
}

func (p *peer) serve(c net.Conn) {
	r := frame.NewReader(c, frame.ASCII4, 0)
	for {
		body, err := r.Next()
		if err != nil {
			return
		}
		m := new(dialect.Message)
		if _, err := p.codec.Decode(body, m); err != nil {
			return
		}
		cp := new(dialect.Message)
		cp.CopyFrom(m)
		p.mu.Lock()
		p.seen = append(p.seen, cp)
		p.mu.Unlock()
		code := "00"
		switch mti := string(m.MTI()); {
		case mti == "0200" && p.mute.Load():
			continue
		case (mti == "0420" || mti == "0421") && p.refuse91.Add(-1) >= 0:
			code = "91"
		}
		rmti, _ := dialect.ResponseMTI(m.MTI())
		var resp dialect.Message
		_ = resp.SetMTI(rmti[:])
		wire.EchoFields(&resp, m)
		resp.SetString(39, code)
		out, err := p.codec.AppendFrame(nil, &resp, "48020000")
		if err != nil {
			return
		}
		if _, err := c.Write(out); err != nil {
			return
		}
	}
}

// received returns the messages of an MTI the peer got, in order.
func (p *peer) received(mti string) []*dialect.Message {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []*dialect.Message
	for _, m := range p.seen {
		if string(m.MTI()) == mti {
			out = append(out, m)
		}
	}
	return out
}

func dialWith(t *testing.T, addr string, r *acquirer.Reverser) *acquirer.Client {
	hl87a, err := dialect.Builtin("hl87a")
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := acquirer.Dial(ctx, acquirer.Config{Addr: addr, InstitutionID: "48020000", Dialect: hl87a,
		Framing: frame.ASCII4, Reverser: r})
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// A purchase that gets no answer within the acquirer's timeout is reversed:
// 0420 naming it in field 90 with reason 4021, repeated as 0421 (same 7
// and 11) while refused, until the 0430.
func TestUnansweredPurchaseIsReversed(t *testing.T) {
	p := startPeer(t)
	r := acquirer.NewReverser(100*time.Millisecond, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.Run(ctx)
	c := dialWith(t, p.ln.Addr().String(), r)

	p.mute.Store(true)
	p.refuse91.Store(1)
	req := purchase("000000004200")
	req.SetString(33, "48029999")
	dctx, dcancel := context.WithTimeout(ctx, 100*time.Millisecond)
	var resp dialect.Message
	err := c.Do(dctx, req, &resp)
	dcancel()
	require.ErrorIs(t, err, context.DeadlineExceeded)

	require.Eventually(t, func() bool { return r.Pending() == 0 && r.Acknowledged() == 1 }, 5*time.Second, 10*time.Millisecond)
	first, repeats := p.received("0420"), p.received("0421")
	require.Len(t, first, 1, "one reversal advice")
	require.NotEmpty(t, repeats, "repeated as 0421 after the 91")
	rev := first[0]
	want := "0200" + string(req.Field(11)) + string(req.Field(7)) + "00048020000" + "00048029999"
	assert.Equal(t, want, string(rev.Field(90)), "field 90 names the original")
	assert.Equal(t, acquirer.ReasonNoAnswer, string(rev.Field(60)))
	assert.Equal(t, "000000004200", string(rev.Field(4)))
	assert.Nil(t, rev.Field(2), "no PAN in the advice")
	assert.Nil(t, rev.Field(35))
	for _, rp := range repeats {
		assert.Equal(t, string(rev.Field(11)), string(rp.Field(11)), "a repeat is the same advice")
		assert.Equal(t, string(rev.Field(7)), string(rp.Field(7)))
		assert.Equal(t, string(rev.Field(90)), string(rp.Field(90)))
	}

	// An answered purchase is not reversed.
	p.mute.Store(false)
	require.NoError(t, c.Do(ctx, purchase(""), &resp))
	time.Sleep(300 * time.Millisecond)
	assert.Len(t, p.received("0420"), 1)
}

// A request outstanding when its connection is lost is reversed over
// another connection of the acquirer.
func TestRequestLostWithItsConnectionIsReversedOnAnother(t *testing.T) {
	p := startPeer(t)
	r := acquirer.NewReverser(100*time.Millisecond, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.Run(ctx)
	lost := dialWith(t, p.ln.Addr().String(), r)
	p.mute.Store(true)
	done := make(chan error, 1)
	go func() {
		var resp dialect.Message
		done <- lost.Do(ctx, purchase(""), &resp)
	}()
	require.Eventually(t, func() bool { return len(p.received("0200")) == 1 }, 5*time.Second, time.Millisecond)
	require.NoError(t, lost.Close())
	require.ErrorIs(t, <-done, acquirer.ErrClosed)
	require.Equal(t, 1, r.Pending())

	dialWith(t, p.ln.Addr().String(), r)
	dctx, dcancel := context.WithTimeout(ctx, 5*time.Second)
	defer dcancel()
	require.NoError(t, r.Drain(dctx))
	// The advice may first have gone to the lost connection before its
	// end was seen (that transmission failed): then the peer gets it as
	// its repeat, 0421.
	got := append(p.received("0420"), p.received("0421")...)
	require.NotEmpty(t, got, "the reversal reached the switch")
	assert.LessOrEqual(t, len(p.received("0420")), 1)
	for _, m := range got {
		assert.Equal(t, string(got[0].Field(90)), string(m.Field(90)), "one advice, repeated")
	}
}
