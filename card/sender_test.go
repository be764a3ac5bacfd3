package card_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/hulian/hulian/card"
	"github.com/hulian/hulian/card/apdu"
	"github.com/hulian/hulian/card/testcard"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// scripted is a card.Card that answers from a script: each command (hex)
// maps to its response, and every command is logged.
type scripted struct {
	answers map[string]string
	log     []string
}

func (s *scripted) PowerOn() []byte { return []byte{0x3B, 0x00} }
func (s *scripted) PowerOff()       {}
func (s *scripted) Process(cmd []byte) []byte {
	k := strings.ToUpper(hex.EncodeToString(cmd))
	s.log = append(s.log, k)
	a, ok := s.answers[k]
	if !ok {
		return []byte{0x6D, 0x00}
	}
	b, _ := hex.DecodeString(a)
	return b
}

// The exchanges follow ISO/IEC 7816-3:2006 12.2.2 (procedure bytes 61xx and
// 6Cxx) and EMV Book 1 9.3.1.3 (GET RESPONSE after 61xx, re-send after 6Cxx).
func TestSender(t *testing.T) {
	tests := []struct {
		name    string
		answers map[string]string
		cmd     apdu.Command
		want    string // data || SW
		log     []string
	}{
		{
			name:    "61xx then GET RESPONSE",
			answers: map[string]string{"00A4040002A00100": "6104", "00C0000004": "6F0284009000"},
			cmd:     apdu.Command{INS: 0xA4, P1: 4, Data: []byte{0xA0, 0x01}, Le: 256},
			want:    "6F0284009000",
			log:     []string{"00A4040002A00100", "00C0000004"},
		},
		{
			name: "61xx chain concatenates",
			answers: map[string]string{
				"80CA9F3600": "AA6102", "00C0000002": "BBCC6101", "00C0000001": "DD9000",
			},
			cmd:  apdu.Command{CLA: 0x80, INS: 0xCA, P1: 0x9F, P2: 0x36, Le: 256},
			want: "AABBCCDD9000",
			log:  []string{"80CA9F3600", "00C0000002", "00C0000001"},
		},
		{
			name:    "6Cxx re-send with Le",
			answers: map[string]string{"00B2010C00": "6C03", "00B2010C03": "7001009000"},
			cmd:     apdu.Command{INS: 0xB2, P1: 1, P2: 0x0C, Le: 256},
			want:    "7001009000",
			log:     []string{"00B2010C00", "00B2010C03"},
		},
		{
			name:    "6Cxx then 61xx",
			answers: map[string]string{"00B0000000": "6C02", "00B0000002": "6102", "00C0000002": "01029000"},
			cmd:     apdu.Command{INS: 0xB0, Le: 256},
			want:    "01029000",
			log:     []string{"00B0000000", "00B0000002", "00C0000002"},
		},
		{
			name:    "logical channel kept in GET RESPONSE",
			answers: map[string]string{"01B0000000": "6101", "01C0000001": "559000"},
			cmd:     apdu.Command{CLA: 0x01, INS: 0xB0, Le: 256},
			want:    "559000",
			log:     []string{"01B0000000", "01C0000001"},
		},
		{
			name:    "error status passes through",
			answers: map[string]string{"00A4040002A00200": "6A82"},
			cmd:     apdu.Command{INS: 0xA4, P1: 4, Data: []byte{0xA0, 0x02}, Le: 256},
			want:    "6A82",
			log:     []string{"00A4040002A00200"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &scripted{answers: tt.answers}
			s := card.NewSender(card.NewInProcess(c))
			r, err := s.Send(context.Background(), tt.cmd)
			if err != nil {
				t.Fatal(err)
			}
			if got := r.Bytes(); !bytes.Equal(got, unhex(t, tt.want)) {
				t.Errorf("response %X, want %s", got, tt.want)
			}
			if strings.Join(c.log, " ") != strings.Join(tt.log, " ") {
				t.Errorf("card saw %v, want %v", c.log, tt.log)
			}
		})
	}
}

func TestSenderRaw(t *testing.T) {
	c := &scripted{answers: map[string]string{"00B0000000": "6C02"}}
	s := &card.Sender{T: card.NewInProcess(c), Raw: true}
	r, err := s.Send(context.Background(), apdu.Command{INS: 0xB0, Le: 256})
	if err != nil {
		t.Fatal(err)
	}
	if r.SW != 0x6C02 || len(c.log) != 1 {
		t.Errorf("raw sender: %v after %v", r.SW, c.log)
	}
}

func TestSenderBounded(t *testing.T) {
	tests := []struct {
		name    string
		answers map[string]string
		rounds  int
	}{
		{"61xx forever", map[string]string{"00B0000000": "6101", "00C0000001": "006101"}, 5},
		{"6Cxx twice", map[string]string{"00B0000000": "6C02", "00B0000002": "6C03"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &scripted{answers: tt.answers}
			s := &card.Sender{T: card.NewInProcess(c), MaxGetResponse: 4}
			_, err := s.Send(context.Background(), apdu.Command{INS: 0xB0, Le: 256})
			if !errors.Is(err, card.ErrChain) {
				t.Fatalf("err = %v, want ErrChain", err)
			}
			if len(c.log) != tt.rounds {
				t.Errorf("card saw %d commands, want %d", len(c.log), tt.rounds)
			}
		})
	}
}

func TestSenderTransportErrors(t *testing.T) {
	s := card.NewSender(card.NewInProcess(&scripted{answers: map[string]string{"00B0000000": "90"}}))
	if _, err := s.Send(context.Background(), apdu.Command{INS: 0xB0, Le: 256}); !errors.Is(err, card.ErrTransmit) {
		t.Errorf("1-byte response: err = %v, want ErrTransmit", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Transmit(ctx, []byte{0, 0xB0, 0, 0, 0}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Transmit(context.Background(), []byte{0, 0xB0, 0, 0, 0}); !errors.Is(err, card.ErrClosed) {
		t.Errorf("closed: err = %v, want ErrClosed", err)
	}
}

// The software card's T=0 mode through the Sender: 61xx and 6Cxx are
// invisible to the caller and the data is whole.
func TestSenderTestCardT0(t *testing.T) {
	ctx := context.Background()
	tr := card.NewInProcess(testcard.New(true))
	s := card.NewSender(tr)
	big := bytes.Repeat([]byte{0x5A}, 255)
	r, err := s.Send(ctx, apdu.Command{CLA: 0x80, INS: 0xEE, Data: big, Le: 256})
	if err != nil || !r.SW.OK() || !bytes.Equal(r.Data, big) {
		t.Fatalf("echo: %v %v, %d bytes", err, r.SW, len(r.Data))
	}
	r, err = s.Send(ctx, apdu.Command{INS: 0xB0, P2: 10, Le: 256})
	if err != nil || !r.SW.OK() || len(r.Data) != 10 {
		t.Fatalf("read: %v %v %X", err, r.SW, r.Data)
	}
	raw := &card.Sender{T: tr, Raw: true}
	if r, _ = raw.Send(ctx, apdu.Command{INS: 0xB0, P2: 10, Le: 256}); r.SW != 0x6C0A {
		t.Errorf("raw read: %v, want 6C0A", r.SW)
	}
}

func TestInProcessReset(t *testing.T) {
	ctx := context.Background()
	c := testcard.New(false)
	tr := card.NewInProcess(c)
	if tr.Protocol() != card.ProtocolT1 || !bytes.Equal(tr.ATR(), c.ATR()) {
		t.Fatalf("protocol %v ATR %X", tr.Protocol(), tr.ATR())
	}
	s := card.NewSender(tr)
	count := func() int {
		r, err := s.Send(ctx, apdu.Command{INS: 0x5A, Le: 2})
		if err != nil || !r.SW.OK() {
			t.Fatalf("count: %v %v", err, r.SW)
		}
		return int(r.Data[0])<<8 | int(r.Data[1])
	}
	count()
	if n := count(); n != 2 {
		t.Fatalf("count = %d, want 2", n)
	}
	for _, cold := range []bool{false, true} {
		if err := tr.Reset(ctx, cold); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != 1 {
			t.Errorf("after reset (cold %v) count = %d, want 1", cold, n)
		}
	}
}

func TestProtocolString(t *testing.T) {
	for p, want := range map[card.Protocol]string{card.ProtocolT0: "T=0", card.ProtocolT1: "T=1", card.ProtocolAny: "any", 9: "Protocol(9)"} {
		if p.String() != want {
			t.Errorf("%d: %q", int(p), p.String())
		}
	}
}

// BenchmarkInProcess is the in-process counterpart of card/pcsc's
// BenchmarkPCSC: the same 32-byte ECHO to the same software card.
func BenchmarkInProcess(b *testing.B) {
	ctx := context.Background()
	tr := card.NewInProcess(testcard.New(false))
	cmd, _ := apdu.Command{CLA: 0x80, INS: 0xEE, Data: make([]byte, 32), Le: 256}.Encode()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tr.Transmit(ctx, cmd); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "APDU/s")
}
