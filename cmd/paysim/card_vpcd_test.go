//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/card/pcsc"
	"github.com/hulian/hulian/card/pcsctest"
	"github.com/hulian/hulian/emv/dol"
	"github.com/hulian/hulian/emv/tlv"
	"github.com/hulian/hulian/simulators/simcard"
)

// lockedBuffer is a bytes.Buffer written by the command's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var debitAID = []byte{0xA0, 0x00, 0x00, 0x03, 0x33, 0x01, 0x01, 0x01}

// send transmits c and fails the test on a transport error.
func send(t *testing.T, s *card.Sender, c apdu.Command) apdu.Response {
	t.Helper()
	r, err := s.Send(context.Background(), c)
	if err != nil {
		t.Fatalf("%02X%02X: %v", c.CLA, c.INS, err)
	}
	return r
}

// selectAndGPO selects the debit application and runs GPO with the PDOL
// filled with zeros (a contact transaction).
func selectAndGPO(t *testing.T, s *card.Sender) {
	t.Helper()
	fci := send(t, s, apdu.Command{INS: 0xA4, P1: 0x04, Data: debitAID, Le: 256})
	if !fci.SW.OK() {
		t.Fatalf("SELECT: %v", fci.SW)
	}
	var pdol dol.DOL
	if objs, err := tlv.Parse(fci.Data); err == nil {
		if v, ok := tlv.Find(objs, 0x9F38); ok {
			pdol, _ = dol.Parse(v.Value)
		}
	}
	data := tlv.Encode(tlv.New(0x83, pdol.Build(func(tlv.Tag) ([]byte, bool) { return nil, false })))
	if r := send(t, s, apdu.Command{CLA: 0x80, INS: 0xA8, Data: data, Le: 256}); !r.SW.OK() {
		t.Fatalf("GPO: %v", r.SW)
	}
}

// TestCardCommandVPCD runs `paysim card` (the run function) against a real
// vpcd slot: a transaction step through pcscd, removal and insertion with
// SIGUSR1 and SIGUSR2, and the state file written at exit.
func TestCardCommandVPCD(t *testing.T) {
	r := pcsctest.Slot(t)
	state := filepath.Join(t.TempDir(), "state.json")
	profile := "../../testdata/cards/pboc-rsa.yaml"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr lockedBuffer
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"card", "--profile", profile, "--vpcd", r.Addr, "--state", state}, &stdout, &stderr)
	}()
	r.WaitPresent(t)
	s := card.NewSender(r.Connect(t, pcsc.ConnectOptions{}))
	selectAndGPO(t, s)
	wrongPIN := []byte{0x26, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF}
	if v := send(t, s, apdu.Command{INS: 0x20, P2: 0x80, Data: wrongPIN, Le: -1}); v.SW != 0x63C2 {
		t.Fatalf("wrong PIN: %v, want 63C2", v.SW)
	}

	if err := syscall.Kill(syscall.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	r.WaitAbsent(t)
	get := apdu.Command{CLA: 0x80, INS: 0xCA, P1: 0x9F, P2: 0x17, Le: 256}
	_, err := s.Send(context.Background(), get)
	if !errors.Is(err, card.ErrCardRemoved) {
		_, err = s.Send(context.Background(), get) // pcscd may first say "not transacted"
	}
	if !errors.Is(err, card.ErrCardRemoved) {
		t.Fatalf("after SIGUSR1: %v, want card.ErrCardRemoved", err)
	}
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGUSR2); err != nil {
		t.Fatal(err)
	}
	r.WaitPresent(t)
	s = card.NewSender(r.Connect(t, pcsc.ConnectOptions{}))
	selectAndGPO(t, s)
	if v := send(t, s, get); !v.SW.OK() || !bytes.Equal(v.Data, []byte{0x9F, 0x17, 0x01, 0x02}) {
		t.Fatalf("PIN try counter after reinsertion: %X %v, want 2", v.Data, v.SW)
	}

	cancel()
	if c := <-code; c != 0 {
		t.Fatalf("exit %d: %s", c, stderr.String())
	}
	out := stdout.String()
	if !strings.Contains(out, "card removed") || !strings.Contains(out, "card inserted") {
		t.Fatalf("stdout does not report the removal and insertion:\n%s", out)
	}
	p, err := simcard.LoadProfile(profile)
	if err != nil {
		t.Fatal(err)
	}
	c, err := simcard.New(p, simcard.Options{StatePath: state})
	if err != nil {
		t.Fatal(err)
	}
	if st := c.State().Apps["A000000333010101"]; st == nil || st.PINTries != 2 {
		t.Fatalf("state file after exit: %+v, want 2 PIN tries left", st)
	}
}

// TestCardHelp: `paysim card -h` documents the control signals.
func TestCardHelp(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"card", "-h"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"kill -USR1", "kill -USR2", "--state", "--removed"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("card -h does not mention %q", want)
		}
	}
}
