package simcard

import (
	"bytes"
	"context"
	"testing"

	hcard "github.com/hulian/hulian/card"
)

// TestInProcessTransport: the simulator is a card.Card the in-process
// transport drives like a reader.
func TestInProcessTransport(t *testing.T) {
	c, err := New(loadProfile(t, "pboc-rsa.yaml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var _ hcard.Card = c
	tr := hcard.NewInProcess(c)
	defer tr.Close()
	if err := tr.Reset(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(tr.ATR(), h("3B6800000073C84013009000")) {
		t.Fatalf("ATR %X", tr.ATR())
	}
	r, err := tr.Transmit(context.Background(), h("00A404000E315041592E5359532E444446303100"))
	if err != nil || !bytes.HasSuffix(r, h("9000")) {
		t.Fatalf("SELECT PSE: %X %v", r, err)
	}
}
