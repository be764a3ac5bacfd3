package vpcd

import (
	"bytes"
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/hulian/hulian/card/testcard"
)

// fakeVPCD plays vpcd's side over real TCP: it accepts the card's
// connections and exchanges frames with it.
type fakeVPCD struct {
	t  *testing.T
	ln net.Listener
}

func newFakeVPCD(t *testing.T) *fakeVPCD {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	return &fakeVPCD{t: t, ln: ln}
}

func (f *fakeVPCD) accept() net.Conn {
	f.t.Helper()
	_ = f.ln.(*net.TCPListener).SetDeadline(time.Now().Add(5 * time.Second))
	c, err := f.ln.Accept()
	if err != nil {
		f.t.Fatalf("accept: %v", err)
	}
	f.t.Cleanup(func() { _ = c.Close() })
	return c
}

func (f *fakeVPCD) send(c net.Conn, payload []byte) {
	f.t.Helper()
	b, _ := AppendFrame(nil, payload)
	if _, err := c.Write(b); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fakeVPCD) exchange(c net.Conn, payload []byte) []byte {
	f.t.Helper()
	f.send(c, payload)
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	p, _, err := ReadFrame(c, nil, 0)
	if err != nil {
		f.t.Fatalf("read reply: %v", err)
	}
	return p
}

func startBridge(t *testing.T, addr string, opts ...Option) (*Bridge, *testcard.Card) {
	c := testcard.New(false)
	b := NewBridge(addr, c, append([]Option{WithBackoff(5*time.Millisecond, 20*time.Millisecond)}, opts...)...)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Serve = %v", err)
		}
	})
	return b, c
}

func TestBridgeProtocol(t *testing.T) {
	f := newFakeVPCD(t)
	_, c := startBridge(t, f.ln.Addr().String())
	conn := f.accept()
	if atr := f.exchange(conn, []byte{CtrlATR}); !bytes.Equal(atr, c.ATR()) {
		t.Fatalf("ATR poll while off = %X", atr)
	}
	f.send(conn, []byte{CtrlOn})
	// ECHO through the bridge; the card answers data || 9000.
	if r := f.exchange(conn, []byte{0x80, 0xEE, 0, 0, 2, 0xCA, 0xFE, 0}); !bytes.Equal(r, []byte{0xCA, 0xFE, 0x90, 0x00}) {
		t.Fatalf("echo = %X", r)
	}
	if r := f.exchange(conn, []byte{0x00, 0x5A, 0, 0, 2}); !bytes.Equal(r, []byte{0, 2, 0x90, 0x00}) {
		t.Fatalf("count = %X", r)
	}
	f.send(conn, []byte{CtrlReset})
	if r := f.exchange(conn, []byte{0x00, 0x5A, 0, 0, 2}); !bytes.Equal(r, []byte{0, 1, 0x90, 0x00}) {
		t.Fatalf("count after reset = %X", r)
	}
	f.send(conn, []byte{CtrlOff})
	if r := f.exchange(conn, []byte{0x00, 0x5A, 0, 0, 2}); !bytes.Equal(r, []byte{0x6F, 0x00}) {
		t.Fatalf("powered-off card answered %X", r)
	}
	if atr := f.exchange(conn, []byte{CtrlATR}); !bytes.Equal(atr, c.ATR()) {
		t.Fatalf("ATR = %X", atr)
	}
}

func TestBridgeRedialsAndRemoval(t *testing.T) {
	f := newFakeVPCD(t)
	b, _ := startBridge(t, f.ln.Addr().String())
	first := f.accept()
	_ = first.Close() // pcscd went away: the bridge dials again
	second := f.accept()
	if atr := f.exchange(second, []byte{CtrlATR}); len(atr) == 0 {
		t.Fatal("no ATR on the new connection")
	}
	b.Remove()
	_ = second.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := second.Read(make([]byte, 1)); err == nil {
		t.Fatal("connection still open after Remove")
	}
	// Removed: no dialing. A short accept deadline proves it.
	_ = f.ln.(*net.TCPListener).SetDeadline(time.Now().Add(100 * time.Millisecond))
	if c, err := f.ln.Accept(); err == nil {
		_ = c.Close()
		t.Fatal("removed bridge dialed")
	}
	b.Insert()
	third := f.accept()
	if atr := f.exchange(third, []byte{CtrlATR}); len(atr) == 0 {
		t.Fatal("no ATR after Insert")
	}
	if !b.Connected() {
		t.Error("Connected() = false")
	}
}

func TestBridgeStartsRemoved(t *testing.T) {
	f := newFakeVPCD(t)
	b, _ := startBridge(t, f.ln.Addr().String(), Removed())
	_ = f.ln.(*net.TCPListener).SetDeadline(time.Now().Add(100 * time.Millisecond))
	if c, err := f.ln.Accept(); err == nil {
		_ = c.Close()
		t.Fatal("bridge created Removed dialed")
	}
	b.Insert()
	f.exchange(f.accept(), []byte{CtrlATR})
}

func TestBridgeOversizeFrame(t *testing.T) {
	f := newFakeVPCD(t)
	startBridge(t, f.ln.Addr().String(), WithMaxFrame(64))
	conn := f.accept()
	f.send(conn, make([]byte, 65)) // too long: the bridge drops the connection
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.Read(make([]byte, 1)); err == nil {
		t.Fatal("oversize frame answered")
	}
	f.exchange(f.accept(), []byte{CtrlATR}) // and dials again
}
