package pcsc_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/card/pcsc"
	"github.com/hulian/hulian/card/pcsctest"
	"github.com/hulian/hulian/card/testcard"
	"github.com/hulian/hulian/card/vpcd"
)

// These tests run through the real stack: pcsc-lite client library, pcscd,
// vsmartcard's vpcd driver, TCP, the vpcd bridge and the software card.

func selectAID() apdu.Command {
	return apdu.Command{INS: 0xA4, P1: 0x04, Data: testcard.AID(), Le: 256}
}

func TestReadersAndConnect(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := pcsctest.Slot(t)
	names, err := r.PCSC.Readers(ctx)
	if err != nil || !slices.Contains(names, r.Name) {
		t.Fatalf("Readers = %q, %v; want %q among them", names, err, r.Name)
	}
	c := testcard.New(false)
	r.Insert(t, c)
	st, err := r.PCSC.Status(ctx, r.Name)
	if err != nil || !st[0].Present || !bytes.Equal(st[0].ATR, c.ATR()) {
		t.Fatalf("Status = %+v, %v", st, err)
	}
	conn := r.Connect(t, pcsc.ConnectOptions{})
	if conn.Protocol() != card.ProtocolT1 || !bytes.Equal(conn.ATR(), c.ATR()) {
		t.Fatalf("protocol %v ATR %X", conn.Protocol(), conn.ATR())
	}
	resp, err := card.NewSender(conn).Send(ctx, selectAID())
	if err != nil || !resp.SW.OK() || resp.Data[0] != 0x6F {
		t.Fatalf("SELECT = %X %v, %v", resp.Data, resp.SW, err)
	}
	resp, err = card.NewSender(conn).Send(ctx, apdu.Command{INS: 0xA4, P1: 0x04, Data: []byte{0xA0, 0, 0, 0, 3}, Le: 256})
	if err != nil || !errors.Is(resp.Err(), apdu.SWFileNotFound) {
		t.Fatalf("SELECT unknown = %v, %v", resp.SW, err)
	}
}

func TestConnectEmptyReader(t *testing.T) {
	t.Parallel()
	r := pcsctest.Slot(t)
	_, err := r.PCSC.Connect(context.Background(), r.Name, pcsc.ConnectOptions{})
	if !errors.Is(err, card.ErrNoCard) {
		t.Fatalf("connect to empty reader: %v, want ErrNoCard", err)
	}
	_, err = r.PCSC.Connect(context.Background(), "No Such Reader 00 00", pcsc.ConnectOptions{})
	if !errors.Is(err, card.ErrNoReader) {
		t.Fatalf("connect to unknown reader: %v, want ErrNoReader", err)
	}
}

func TestWaitHonoursContext(t *testing.T) {
	t.Parallel()
	r := pcsctest.Slot(t)
	// Nobody inserts a card: the deadline (shorter than a wait slice) ends
	// the blocked SCardGetStatusChange through SCardCancel.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := r.PCSC.Wait(ctx, r.Name, true)
	t.Logf("Wait returned after %v", time.Since(start))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Wait past the deadline = %v", err)
	}
	cancelled, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if _, err := r.PCSC.Wait(cancelled, r.Name, true); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait with a cancelled context = %v", err)
	}
}

func TestExclusive(t *testing.T) {
	t.Parallel()
	r := pcsctest.Slot(t)
	r.Insert(t, testcard.New(false))
	r.Connect(t, pcsc.ConnectOptions{Exclusive: true})
	_, err := r.PCSC.Connect(context.Background(), r.Name, pcsc.ConnectOptions{})
	if !errors.Is(err, card.ErrSharing) {
		t.Fatalf("second connect to an exclusive card: %v, want ErrSharing", err)
	}
	st, err := r.PCSC.Status(context.Background(), r.Name)
	if err != nil || !st[0].Exclusive {
		t.Fatalf("Status = %+v, %v; want exclusive", st, err)
	}
}

func TestInsertRemoveReinsert(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := pcsctest.Slot(t)
	c := testcard.New(false)
	b := r.Serve(t, c, vpcd.Removed())
	inserted := make(chan error, 1)
	go func() {
		_, err := r.PCSC.Wait(ctx, r.Name, true)
		inserted <- err
	}()
	b.Insert()
	if err := <-inserted; err != nil {
		t.Fatal(err)
	}
	conn := r.Connect(t, pcsc.ConnectOptions{})
	s := card.NewSender(conn)
	if resp, err := s.Send(ctx, selectAID()); err != nil || !resp.SW.OK() {
		t.Fatalf("SELECT: %v %v", resp.SW, err)
	}

	b.Remove()
	r.WaitAbsent(t)
	_, err := s.Send(ctx, selectAID())
	if !errors.Is(err, card.ErrCardRemoved) && !errors.Is(err, card.ErrNoCard) {
		t.Fatalf("transmit after removal: %v, want ErrCardRemoved or ErrNoCard", err)
	}
	_, err = s.Send(ctx, selectAID())
	if !errors.Is(err, card.ErrCardRemoved) {
		t.Fatalf("second transmit after removal: %v, want ErrCardRemoved", err)
	}
	if _, err := r.PCSC.Connect(ctx, r.Name, pcsc.ConnectOptions{}); !errors.Is(err, card.ErrNoCard) {
		t.Fatalf("connect with no card: %v, want ErrNoCard", err)
	}

	b.Insert()
	r.WaitPresent(t)
	again := r.Connect(t, pcsc.ConnectOptions{})
	if resp, err := card.NewSender(again).Send(ctx, selectAID()); err != nil || !resp.SW.OK() {
		t.Fatalf("SELECT after reinsertion: %v %v", resp.SW, err)
	}
}

func TestResetWarmCold(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := pcsctest.Slot(t)
	c := testcard.New(false)
	r.Insert(t, c)
	conn := r.Connect(t, pcsc.ConnectOptions{Protocol: card.ProtocolT1, Exclusive: true})
	s := card.NewSender(conn)
	count := func() int {
		t.Helper()
		resp, err := s.Send(ctx, apdu.Command{INS: 0x5A, Le: 2})
		if err != nil || !resp.SW.OK() || len(resp.Data) != 2 {
			t.Fatalf("COUNT: %X %v %v", resp.Data, resp.SW, err)
		}
		return int(resp.Data[0])<<8 | int(resp.Data[1])
	}
	count()
	if n := count(); n != 2 {
		t.Fatalf("count = %d, want 2", n)
	}
	for _, cold := range []bool{false, true} {
		before := c.PowerOns()
		if err := conn.Reset(ctx, cold); err != nil {
			t.Fatalf("reset cold=%v: %v", cold, err)
		}
		if !bytes.Equal(conn.ATR(), c.ATR()) {
			t.Errorf("ATR after reset %X", conn.ATR())
		}
		if n := count(); n != 1 {
			t.Errorf("count after reset (cold %v) = %d, want 1", cold, n)
		}
		if c.PowerOns() <= before {
			t.Errorf("reset cold=%v did not reach the card", cold)
		}
	}
}

func TestT0ThroughStack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := pcsctest.Slot(t)
	c := testcard.New(true)
	r.Insert(t, c)
	conn := r.Connect(t, pcsc.ConnectOptions{})
	if conn.Protocol() != card.ProtocolT0 {
		t.Fatalf("protocol %v, want T=0", conn.Protocol())
	}
	raw := &card.Sender{T: conn, Raw: true}
	resp, err := raw.Send(ctx, selectAID())
	if err != nil || !resp.SW.MoreData() {
		t.Fatalf("raw SELECT: %v %v, want 61xx", resp.SW, err)
	}
	want := resp.SW.Available()
	s := card.NewSender(conn)
	resp, err = s.Send(ctx, selectAID())
	if err != nil || !resp.SW.OK() || len(resp.Data) != want || resp.Data[0] != 0x6F {
		t.Fatalf("SELECT via Sender: %X %v %v", resp.Data, resp.SW, err)
	}
	resp, err = s.Send(ctx, apdu.Command{INS: 0xB0, P2: 0x20, Le: 256})
	if err != nil || !resp.SW.OK() || len(resp.Data) != 0x20 {
		t.Fatalf("READ via Sender (6Cxx): %d bytes %v %v", len(resp.Data), resp.SW, err)
	}
}

// BenchmarkPCSC measures APDUs per second through the whole stack to one
// software card: ECHO of 32 bytes, T=1.
func BenchmarkPCSC(b *testing.B) {
	ctx := context.Background()
	r := pcsctest.Slot(b)
	r.Insert(b, testcard.New(false))
	conn := r.Connect(b, pcsc.ConnectOptions{})
	cmd, _ := apdu.Command{CLA: 0x80, INS: 0xEE, Data: make([]byte, 32), Le: 256}.Encode()
	for b.Loop() {
		if _, err := conn.Transmit(ctx, cmd); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "APDU/s")
}

// TestRemovedMidRun: a card pulled out just before a command, before
// pcscd has noticed, is reported as removed (not as a short answer).
func TestRemovedMidRun(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := pcsctest.Slot(t)
	b := r.Insert(t, testcard.New(false))
	s := card.NewSender(r.Connect(t, pcsc.ConnectOptions{}))
	if resp, err := s.Send(ctx, selectAID()); err != nil || !resp.SW.OK() {
		t.Fatalf("SELECT: %v %v", resp.SW, err)
	}
	b.Remove()
	_, err := s.Send(ctx, selectAID())
	if !errors.Is(err, card.ErrCardRemoved) && !errors.Is(err, card.ErrNoCard) {
		t.Fatalf("transmit right after removal: %v, want ErrCardRemoved", err)
	}
}
