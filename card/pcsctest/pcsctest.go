// Package pcsctest gives tests a virtual reader of the real PC/SC stack:
// pcscd with vsmartcard's vpcd driver (started by .ci/pcscd, make pcscd).
// Slot hands each test a free reader, locked across test processes with
// flock(2) on /tmp/hulian-vpcd-<port>.lock, so packages tested in parallel
// never share one. Reader.Insert connects a software card (card.Card)
// through a vpcd.Bridge and waits, on pcscd's reader state and never on a
// timer, until the card is present.
//
// Without pcscd the tests skip, unless the environment has CI=true: then
// they fail.
package pcsctest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/card/pcsc"
	"github.com/hulian/hulian/card/vpcd"
)

// BasePort is the TCP port of the first vpcd slot (CHANNELID 0x8C7B).
const BasePort = vpcd.BasePort

// StateTimeout bounds the waits for pcscd to see a card arrive or leave
// (it polls about every 400 ms; under the race detector, with every
// package's PC/SC tests sharing pcscd, a reader a mute card just left can
// take seconds more).
const StateTimeout = 30 * time.Second

// Reader is a vpcd reader slot held by one test.
type Reader struct {
	Name string // PC/SC reader name, e.g. "Virtual PCD 00 01"
	Port int    // TCP port the software card dials
	Addr string // "127.0.0.1:<Port>"
	PCSC *pcsc.Context
}

// PortOf returns the TCP port of a vpcd reader name, or false (vpcd.PortOf).
func PortOf(name string) (int, bool) { return vpcd.PortOf(name) }

// Unavailable ends the test when the PC/SC stack is missing: Skip, or
// Fatal when CI=true.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...) + " (start it with: make pcscd)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// Context returns a PC/SC context closed at the end of the test, or ends
// the test with Unavailable.
func Context(t testing.TB) *pcsc.Context {
	t.Helper()
	c, err := pcsc.Establish(context.Background())
	if errors.Is(err, card.ErrNoService) {
		Unavailable(t, "pcscd not running: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Slot returns a free, empty vpcd reader, held until the test ends.
func Slot(t testing.TB) Reader {
	t.Helper()
	pc := Context(t)
	names, err := pc.Readers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	slots := map[int]string{}
	var ports []int
	for _, n := range names {
		if p, ok := PortOf(n); ok {
			slots[p] = n
			ports = append(ports, p)
		}
	}
	if len(ports) == 0 {
		Unavailable(t, "pcscd has no vpcd reader (readers: %q)", names)
	}
	sort.Ints(ports)
	// Start at a place that depends on the process, to spread the packages
	// tested in parallel over the readers.
	first := os.Getpid() % len(ports)
	for i := range ports {
		p := ports[(first+i)%len(ports)]
		if lock(t, p, false) {
			return take(t, pc, slots[p], p)
		}
	}
	p := ports[first]
	lock(t, p, true) // all busy: wait for this one
	return take(t, pc, slots[p], p)
}

// lock takes the cross-process lock of port (blocking or not, see
// vpcd.LockPort) and releases it at the end of the test.
func lock(t testing.TB, port int, block bool) bool {
	t.Helper()
	f, err := vpcd.LockPort(port, block)
	if errors.Is(err, vpcd.ErrPortBusy) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = f.Close() }) // closing releases the lock
	return true
}

// take checks that the locked reader is empty: the card of the previous
// test may still be leaving (pcscd notices within about 400 ms).
func take(t testing.TB, pc *pcsc.Context, name string, port int) Reader {
	t.Helper()
	r := Reader{Name: name, Port: port, Addr: fmt.Sprintf("127.0.0.1:%d", port), PCSC: pc}
	r.WaitAbsent(t)
	return r
}

// WaitPresent waits until pcscd sees a card in the reader and returns the
// reader state.
func (r Reader) WaitPresent(t testing.TB) pcsc.ReaderState {
	t.Helper()
	return r.wait(t, true)
}

// WaitAbsent waits until pcscd sees the reader empty.
func (r Reader) WaitAbsent(t testing.TB) {
	t.Helper()
	r.wait(t, false)
}

func (r Reader) wait(t testing.TB, present bool) pcsc.ReaderState {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), StateTimeout)
	defer cancel()
	s, err := r.PCSC.Wait(ctx, r.Name, present)
	if err != nil {
		t.Fatalf("reader %q: waiting for card present=%v: %v", r.Name, present, err)
	}
	return s
}

// Insert connects c to the reader through a vpcd.Bridge served until the
// test ends, and waits until pcscd sees the card.
func (r Reader) Insert(t testing.TB, c card.Card, opts ...vpcd.Option) *vpcd.Bridge {
	t.Helper()
	b := r.Serve(t, c, opts...)
	r.WaitPresent(t)
	return b
}

// Serve starts a vpcd.Bridge from c to the reader, served until the test
// ends, without waiting for pcscd (use it with vpcd.Removed()).
func (r Reader) Serve(t testing.TB, c card.Card, opts ...vpcd.Option) *vpcd.Bridge {
	t.Helper()
	b := vpcd.NewBridge(r.Addr, c, opts...)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = b.Serve(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return b
}

// Connect connects to the card in the reader; the connection closes at the
// end of the test.
func (r Reader) Connect(t testing.TB, o pcsc.ConnectOptions) *pcsc.Conn {
	t.Helper()
	c, err := r.PCSC.Connect(context.Background(), r.Name, o)
	if err != nil {
		t.Fatalf("connect %q: %v", r.Name, err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}
