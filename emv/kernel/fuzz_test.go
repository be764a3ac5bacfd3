package kernel

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/hulian/hulian/card/transcript"
	"github.com/hulian/hulian/emv/capk"

	"github.com/hulian/hulian/emv/tlv"
)

// fuzzCard answers each command with the next chunk of the fuzz input: a
// 2-byte length, then that many bytes (the response including its status
// word); when the input runs out it answers 6A82.
type fuzzCard struct {
	data []byte
}

func (c *fuzzCard) PowerOn() []byte { return unhex("3B00") }
func (c *fuzzCard) PowerOff()       {}
func (c *fuzzCard) Process([]byte) []byte {
	if len(c.data) == 0 {
		return sw(0x6A82)
	}
	n := int(c.data[0]) << 8
	if len(c.data) > 1 {
		n |= int(c.data[1])
	}
	c.data = c.data[min(2, len(c.data)):]
	n = min(n, len(c.data))
	out := append([]byte(nil), c.data[:n]...)
	c.data = c.data[n:]
	return out
}

// chunks encodes responses the way fuzzCard reads them.
func chunks(resps ...[]byte) []byte {
	var out []byte
	for _, r := range resps {
		out = append(out, byte(len(r)>>8), byte(len(r)))
		out = append(out, r...)
	}
	return out
}

// FuzzKernel feeds arbitrary card responses to a whole transaction and its
// completion: the kernel must return (an error or a result), never panic.
// The seeds are a real online transaction of the scripted card (AID list,
// GPO format 1, one record, ARQC, TC), a format 2 and a qPBOC-like answer.
func FuzzKernel(f *testing.F) {
	fci := fciOf(aidDebit, "DEBIT", "01")
	f.Add(chunks(sw(0x6A82), fci, ok(tlv.Encode(p(0x80, "1C00 08010100"))), basicRecord(), acFormat1("80"), sw(0x9000), acFormat1("40")))
	f.Add(chunks(sw(0x6A82), fci, ok(tlv.Encode(c(0x77, p(0x82, "1800"), p(0x94, "08010100")))), basicRecord(), acFormat1("40")))
	f.Add(chunks(sw(0x6A82), fci, ok(tlv.Encode(c(0x77, p(0x82, "0000"), p(0x94, "08010100"), p(0x9F26, "1122334455667788"), p(0x9F27, "40")))), basicRecord()))
	f.Add([]byte{})
	for _, seed := range transcriptSeeds(f) {
		f.Add(seed)
	}
	store, err := capk.LoadFile("../../testdata/emv/capk-test.txt")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, iface := range []Interface{Contact, Contactless} {
			k := testKernel(func(c *Config) {
				c.PIN = pinPad("1234")
				c.ECSupport = true
				c.CAKeys = store
			})
			tr := newTransport(&fuzzCard{data: append([]byte(nil), data...)})
			s, err := k.Start(context.Background(), tr, Transaction{Amount: 100, Type: TypePurchase, Interface: iface})
			if err == nil && s.Result().Outcome == OutcomeOnline {
				_, _ = s.Complete(context.Background(), OnlineResponse{ResponseCode: "00", IssuerAuthData: unhex("11223344556677883030"),
					Scripts: tlv.Encode(c(0x71, p(0x86, "841E000000")), c(0x72, p(0x86, "8418000000")))})
			}
			if s != nil {
				_ = s.Result()
			}
			_ = tr.Close()
		}
	})
}

// transcriptSeeds turns the recorded simulated-card transcripts into seeds:
// the card's responses in order.
func transcriptSeeds(f *testing.F) [][]byte {
	files, _ := filepath.Glob("../../testdata/transcripts/kernel/*.apdu")
	var seeds [][]byte
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		tr, err := transcript.Parse(b)
		if err != nil {
			f.Fatal(err)
		}
		var resps [][]byte
		for _, e := range tr.Entries {
			if e.Kind == transcript.KindResponse {
				resps = append(resps, e.Data)
			}
		}
		seeds = append(seeds, chunks(resps...))
	}
	return seeds
}
