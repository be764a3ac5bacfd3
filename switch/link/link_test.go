package link

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hulian/hulian/iso8583/dialect"
	"github.com/hulian/hulian/iso8583/frame"
	"github.com/hulian/hulian/iso8583/wire"
)

func codec(t testing.TB, name string, header bool) *wire.Codec {
	d, err := dialect.Builtin(name)
	require.NoError(t, err)
	kind := frame.ASCII4
	if name == "hl87b" {
		kind = frame.Binary2
	}
	c, err := wire.NewCodec(d, kind, header, "99990000")
	require.NoError(t, err)
	return c
}

// encode frames m as the peer would.
func encode(t testing.TB, c *wire.Codec, m *dialect.Message) []byte {
	out, err := c.AppendFrame(nil, m, "99990000")
	require.NoError(t, err)
	return out
}

func TestSendUsesTheRemoteIDAsHeaderDestination(t *testing.T) {
	c := codec(t, "hl87a", true)
	l, peer, done := pair(t, c, func(*Link, *dialect.Message, error) {})
	var m dialect.Message
	dialect.SampleFinancial(&m, "000042")
	require.NoError(t, l.Send(&m))
	l.SetRemoteID("48020000")
	require.NoError(t, l.Send(&m))
	l.Close()
	require.NoError(t, <-done)
	r := frame.NewReader(peer, c.Kind(), 0)
	for _, want := range []string{"           ", "48020000   "} {
		body, err := r.Next()
		require.NoError(t, err)
		assert.Equal(t, want, string(body[6:17]), "destination")
		assert.Equal(t, "99990000   ", string(body[17:28]), "source")
	}
}

// pair returns a running link over loopback TCP and the raw peer socket.
func pair(t *testing.T, c *wire.Codec, h Handler) (*Link, net.Conn, chan error) {
	return pairWith(t, c, h, Options{Direction: Outbound, Name: "test"})
}

// pairWith is pair with the link's options.
func pairWith(t *testing.T, c *wire.Codec, h Handler, o Options) (*Link, net.Conn, chan error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	peer, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	t.Cleanup(func() { peer.Close() })
	conn, err := ln.Accept()
	require.NoError(t, err)
	l := New(1, conn, c, o)
	done := make(chan error, 1)
	go func() { done <- l.Run(context.Background(), h) }()
	return l, peer, done
}

func TestRequestMatchesReplyBySTANAndHandlerSeesTheRest(t *testing.T) {
	c := codec(t, "hl87a", false)
	var mu sync.Mutex
	var handled []string
	l, peer, done := pair(t, c, func(l *Link, m *dialect.Message, err error) {
		mu.Lock()
		defer mu.Unlock()
		handled = append(handled, string(m.MTI())+"/"+string(m.Field(11)))
	})
	// The peer answers every 0800 with an 0810 carrying the same STAN, after
	// first sending an unrelated 0810 that no request waits for.
	go func() {
		r := frame.NewReader(peer, c.Kind(), 0)
		for {
			body, err := r.Next()
			if err != nil {
				return
			}
			var req dialect.Message
			if _, err := c.Decode(body, &req); err != nil {
				return
			}
			for _, stan := range []string{"999999", string(req.Field(11))} {
				var resp dialect.Message
				_ = resp.SetMTI([]byte("0810"))
				resp.SetString(7, string(req.Field(7)))
				resp.SetString(11, stan)
				resp.SetString(39, "00")
				resp.SetString(70, "301")
				_, _ = peer.Write(encode(t, c, &resp))
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for i := 0; i < 3; i++ {
		var m dialect.Message
		_ = m.SetMTI([]byte("0800"))
		m.SetString(70, "301")
		reply, err := l.Request(ctx, &m)
		require.NoError(t, err)
		assert.Equal(t, "00", string(reply.Field(39)))
		assert.Equal(t, m.Field(11), reply.Field(11))
	}
	mu.Lock()
	assert.Equal(t, []string{"0810/999999", "0810/999999", "0810/999999"}, handled, "replies nobody waits for reach the handler")
	mu.Unlock()
	l.Close()
	assert.NoError(t, <-done, "Close ends Run without error")
	assert.Equal(t, Closed, l.State())
}

func TestRequestTimesOutAndFailsOnClose(t *testing.T) {
	c := codec(t, "hl87a", false)
	l, _, done := pair(t, c, func(*Link, *dialect.Message, error) {})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	var m dialect.Message
	_ = m.SetMTI([]byte("0800"))
	m.SetString(70, "301")
	_, err := l.Request(ctx, &m)
	assert.ErrorIs(t, err, ErrNoReply)

	go func() {
		time.Sleep(50 * time.Millisecond)
		l.Close()
	}()
	_, err = l.Request(context.Background(), &m)
	assert.True(t, errors.Is(err, ErrClosed), "a request waiting when the link closes fails: %v", err)
	<-done
	assert.ErrorIs(t, l.Send(&m), ErrClosed)
}

func TestCloseFlushesQueuedFrames(t *testing.T) {
	c := codec(t, "hl87b", false)
	l, peer, done := pair(t, c, func(*Link, *dialect.Message, error) {})
	var m dialect.Message
	dialect.SampleFinancial(&m, "000001")
	for i := 0; i < 100; i++ {
		require.NoError(t, l.Send(&m))
	}
	l.Close()
	require.NoError(t, <-done)
	r := frame.NewReader(peer, c.Kind(), 0)
	n := 0
	for {
		body, err := r.Next()
		if err != nil {
			break
		}
		var got dialect.Message
		_, err = c.Decode(body, &got)
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 100, n, "every frame queued before Close reaches the peer")
}

func TestPeerGarbageEndsRunWithReason(t *testing.T) {
	c := codec(t, "hl87a", false)
	_, peer, done := pair(t, c, func(*Link, *dialect.Message, error) {})
	_, err := peer.Write([]byte("12X4"))
	require.NoError(t, err)
	select {
	case err := <-done:
		assert.ErrorIs(t, err, frame.ErrBadPrefix)
	case <-time.After(5 * time.Second):
		t.Fatal("link survived a bad length prefix")
	}
}

func TestHandlerGetsDecodeErrors(t *testing.T) {
	c := codec(t, "hl87a", false)
	got := make(chan error, 1)
	_, peer, _ := pair(t, c, func(l *Link, m *dialect.Message, err error) {
		got <- err
	})
	out, err := frame.Append(nil, frame.ASCII4, []byte("0800"))
	require.NoError(t, err)
	_, err = peer.Write(out)
	require.NoError(t, err)
	select {
	case err := <-got:
		var fe *dialect.FieldError
		assert.ErrorAs(t, err, &fe)
	case <-time.After(5 * time.Second):
		t.Fatal("handler not called")
	}
}

func TestStateStrings(t *testing.T) {
	assert.Equal(t, "signed_on", SignedOn.String())
	assert.Equal(t, "outbound", Outbound.String())
}

// A peer that stops reading is disconnected as a slow consumer: once the
// socket buffers are full a write makes no progress within WriteTimeout.
func TestPeerThatStopsReadingIsDisconnected(t *testing.T) {
	c := codec(t, "hl87a", false)
	l, _, done := pairWith(t, c, func(*Link, *dialect.Message, error) {},
		Options{Direction: Outbound, Name: "test", WriteTimeout: 200 * time.Millisecond, MaxPending: 1 << 30})
	var m dialect.Message
	dialect.SampleFinancial(&m, "000042")
	start := time.Now()
	for l.Send(&m) == nil && time.Since(start) < 10*time.Second {
		time.Sleep(10 * time.Microsecond)
	}
	select {
	case err := <-done:
		assert.ErrorIs(t, err, ErrSlowConsumer)
	case <-time.After(10 * time.Second):
		t.Fatal("the link to a peer that reads nothing did not end")
	}
	assert.Equal(t, Closed, l.State())
	assert.ErrorIs(t, l.Send(&m), ErrClosed)
}

// Past MaxPending bytes waiting the link ends at once: nothing more is
// queued for a peer that does not read.
func TestPendingPastTheBoundEndsTheLink(t *testing.T) {
	c := codec(t, "hl87a", false)
	l, _, done := pairWith(t, c, func(*Link, *dialect.Message, error) {},
		Options{Direction: Outbound, Name: "test", WriteTimeout: time.Hour, MaxPending: 64 << 10})
	var m dialect.Message
	dialect.SampleFinancial(&m, "000042")
	var err error
	for range 1 << 20 {
		if err = l.Send(&m); err != nil {
			break
		}
	}
	assert.ErrorIs(t, err, ErrSlowConsumer)
	select {
	case err := <-done:
		assert.ErrorIs(t, err, ErrSlowConsumer)
	case <-time.After(10 * time.Second):
		t.Fatal("the link did not end")
	}
}

// Close finishes within WriteTimeout when the peer reads nothing: the
// flush of what is queued gives up.
func TestCloseDoesNotWaitForAPeerThatDoesNotRead(t *testing.T) {
	c := codec(t, "hl87a", false)
	l, _, done := pairWith(t, c, func(*Link, *dialect.Message, error) {},
		Options{Direction: Outbound, Name: "test", WriteTimeout: 300 * time.Millisecond, MaxPending: 64 << 20})
	var m dialect.Message
	dialect.SampleFinancial(&m, "000042")
	for range 100000 { // far more than the socket buffers take
		if l.Send(&m) != nil {
			break
		}
	}
	l.Close()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close waited for a peer that does not read")
	}
}

// A message that needs a MAC is signed before it takes the writer's lock:
// a security module that is slow to answer holds up its own message, not
// the frames other goroutines queue on the link meanwhile.
func TestSigningHoldsNoLockOtherSendsNeed(t *testing.T) {
	c := codec(t, "hl87a", false)
	l, peer, done := pair(t, c, func(*Link, *dialect.Message, error) {})
	release := make(chan struct{})
	signing := make(chan struct{})
	l.SetSigner(&Signer{Field: 128, Sign: func(msg []byte) error {
		close(signing)
		<-release // the module takes its time
		return nil
	}})
	var m dialect.Message
	dialect.SampleFinancial(&m, "000042")
	signed := make(chan error, 1)
	go func() { signed <- l.Send(&m) }()
	<-signing
	var plain dialect.Message
	dialect.SampleFinancial(&plain, "000043")
	frame, err := c.AppendFrame(nil, &plain, "99990000")
	require.NoError(t, err)
	queued := make(chan error, 1)
	go func() { queued <- l.SendFrame(frame) }()
	select {
	case err := <-queued:
		require.NoError(t, err, "queued while the other message is being signed")
	case <-time.After(5 * time.Second):
		t.Fatal("a frame waited for another message's MAC")
	}
	close(release)
	require.NoError(t, <-signed)
	l.Close()
	require.NoError(t, <-done)
	_ = peer.Close()
}
