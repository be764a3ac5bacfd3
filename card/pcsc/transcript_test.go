package pcsc_test

import (
	"bytes"
	"context"
	"flag"
	"testing"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/card/pcsc"
	"github.com/hulian/hulian/card/pcsctest"
	"github.com/hulian/hulian/card/testcard"
	"github.com/hulian/hulian/card/transcript/transcripttest"
)

var update = flag.Bool("update", false, "record testdata/transcripts/*.apdu against the live PC/SC stack")

// TestTranscriptT0Session runs a T=0 session (61xx and 6Cxx handled by the
// Sender, a warm reset) through pcscd and vpcd when recording, and from
// testdata/transcripts/TestTranscriptT0Session.apdu otherwise.
func TestTranscriptT0Session(t *testing.T) {
	ctx := context.Background()
	tr := transcripttest.ForTest(t, *update, func(t testing.TB) card.Transport {
		r := pcsctest.Slot(t)
		r.Insert(t, testcard.New(true))
		return r.Connect(t, pcsc.ConnectOptions{Protocol: card.ProtocolT0})
	})
	if tr.Protocol() != card.ProtocolT0 || !bytes.Equal(tr.ATR(), testcard.New(true).ATR()) {
		t.Fatalf("protocol %v ATR %X", tr.Protocol(), tr.ATR())
	}
	s := card.NewSender(tr)
	resp, err := s.Send(ctx, apdu.Command{INS: 0xA4, P1: 4, Data: testcard.AID(), Le: 256})
	if err != nil || !resp.SW.OK() || !bytes.Contains(resp.Data, []byte("TESTCARD")) {
		t.Fatalf("SELECT: %X %v %v", resp.Data, resp.SW, err)
	}
	resp, err = s.Send(ctx, apdu.Command{INS: 0xB0, P2: 4, Le: 256})
	if err != nil || !bytes.Equal(resp.Bytes(), []byte{0, 1, 2, 3, 0x90, 0}) {
		t.Fatalf("READ: %X %v", resp.Bytes(), err)
	}
	if err := tr.Reset(ctx, false); err != nil {
		t.Fatal(err)
	}
	resp, err = s.Send(ctx, apdu.Command{INS: 0x5A, Le: 2})
	if err != nil || !bytes.Equal(resp.Bytes(), []byte{0, 1, 0x90, 0}) {
		t.Fatalf("COUNT after reset: %X %v", resp.Bytes(), err)
	}
}
